import { describe, expect, it } from "vitest";
import { chooseWaypoint, classifyServices, missingLabels, serviceSuggestions } from "../../lib/convert/selector-to-targetrefs.js";
import { inNamespaceOf } from "../../lib/index/view.js";

const svc = (name: string, selector: Record<string, string> | null, namespace: string | undefined = "bookinfo") => ({ name, namespace, selector });
const pod = (name: string, podLabels: Record<string, string>, namespace: string | undefined = "bookinfo") => ({ name, namespace, podLabels });

describe("classifyServices", () => {
  const services = [
    svc("reviews", { app: "reviews" }),
    svc("reviews-v1", { app: "reviews", version: "v1" }),
    svc("reviews-v1-again", { version: "v1", app: "reviews" }),
    svc("reviews-other-ns", { app: "reviews", version: "v1" }, "other"),
    svc("headless", null),
  ];

  it("equal selectors are exact (namespace pairing decided by the caller), a subset selector is wider", () => {
    const found = classifyServices({ app: "reviews", version: "v1" }, "bookinfo", services, inNamespaceOf);
    expect(found.exact.map((s) => s.name)).toEqual(["reviews-v1", "reviews-v1-again"]);
    expect(found.sameWorkloads).toEqual([]);
    expect(found.wider.map((s) => s.name)).toEqual(["reviews"]);
  });

  it("the same workloads through another selector only with workloads, each name once", () => {
    const workloads = [pod("reviews-v1", { app: "reviews", version: "v1" }), pod("ratings", { app: "ratings" })];
    const found = classifyServices({ app: "reviews", version: "v1" }, "bookinfo", [svc("reviews", { app: "reviews" }), svc("reviews", { app: "reviews" })], inNamespaceOf, workloads);
    expect(found.exact).toEqual([]);
    expect(found.sameWorkloads.map((s) => s.name)).toEqual(["reviews"]);
    expect(found.wider).toEqual([]);
    expect(found.selected).toEqual(["reviews-v1"]);
  });

  it("no workloads selected: no same-workloads match (an empty set proves nothing)", () => {
    const found = classifyServices({ app: "ghost" }, "bookinfo", [svc("ghost-svc", { app: "ghost", tier: "x" })], inNamespaceOf, [pod("a", { app: "a" })]);
    expect(found.sameWorkloads).toEqual([]);
  });

  it("namespace-wide (empty matchLabels) matches nothing", () => {
    expect(classifyServices({}, "bookinfo", services, inNamespaceOf)).toEqual({ exact: [], sameWorkloads: [], wider: [], selected: [] });
  });

  it("a policy of unknown namespace pairs only with Services of unknown namespace", () => {
    const found = classifyServices({ app: "x" }, undefined, [svc("a", { app: "x" }), { name: "b", namespace: undefined, selector: { app: "x" } }], inNamespaceOf);
    expect(found.exact.map((s) => s.name)).toEqual(["b"]);
  });
});

describe("missingLabels", () => {
  it("lists the matchLabels the selector does not require", () => {
    expect(missingLabels({ app: "reviews" }, { app: "reviews", version: "v3" })).toEqual({ version: "v3" });
  });
});

describe("chooseWaypoint", () => {
  const unset = { name: "waypoint", configured: false };
  it("one waypoint of the namespace: fix", () => {
    expect(chooseWaypoint({ same: ["wp"], unknownNamespace: ["x"] }, unset)).toEqual({ fix: "wp", suggest: ["wp"] });
  });
  it("several: the configured one, else each as a suggestion", () => {
    expect(chooseWaypoint({ same: ["a", "b"], unknownNamespace: [] }, unset)).toEqual({ fix: null, suggest: ["a", "b"] });
    expect(chooseWaypoint({ same: ["a", "b"], unknownNamespace: [] }, { name: "b", configured: true })).toEqual({ fix: "b", suggest: ["b"] });
    expect(chooseWaypoint({ same: ["a", "b"], unknownNamespace: [] }, { name: "c", configured: true })).toEqual({ fix: null, suggest: ["a", "b"] });
  });
  it("none: the configured name is the fix; else waypoints of unknown namespace, else the default name, as suggestions", () => {
    expect(chooseWaypoint({ same: [], unknownNamespace: ["x"] }, { name: "c", configured: true })).toEqual({ fix: "c", suggest: ["c"] });
    expect(chooseWaypoint({ same: [], unknownNamespace: ["x"] }, unset)).toEqual({ fix: null, suggest: ["x"] });
    expect(chooseWaypoint({ same: [], unknownNamespace: [] }, unset)).toEqual({ fix: null, suggest: ["waypoint"] });
  });
});

describe("serviceSuggestions", () => {
  const where = (s: { name: string }) => `apps/${s.name}.yaml:1`;
  const opts = (services: ReturnType<typeof svc>[], guess = true) => ({ namespace: "bookinfo", services, sameNamespace: inNamespaceOf, where, guess });

  it("exact matches: in the file by name, elsewhere with their location; nothing wider or guessed then", () => {
    const services = [{ ...svc("a", { app: "x" }), resource: {} }, svc("b", { app: "x" }), svc("wide", {})];
    const found = classifyServices({ app: "x" }, "bookinfo", services, inNamespaceOf);
    expect(serviceSuggestions(found, { app: "x" }, opts(services))).toEqual([
      { messageId: "useService", data: { name: "a" }, name: "a" },
      { messageId: "useServiceIn", data: { name: "b", where: "apps/b.yaml:1" }, name: "b" },
    ]);
  });

  it("same workloads: selector and workload names in the data", () => {
    const services = [svc("productpage", { app: "productpage" })];
    const found = classifyServices({ app: "productpage", version: "v1" }, "bookinfo", services, inNamespaceOf, [pod("productpage-v1", { app: "productpage", version: "v1" })]);
    expect(serviceSuggestions(found, { app: "productpage", version: "v1" }, opts(services))).toEqual([
      {
        messageId: "useServiceSameWorkloads",
        data: { name: "productpage", where: "apps/productpage.yaml:1", selector: "app=productpage", workloads: "productpage-v1" },
        name: "productpage",
      },
    ]);
  });

  it("wider Services, and the guess only when no known Service has the guessed name", () => {
    const services = [svc("reviews", { app: "reviews" })];
    const labels = { app: "reviews", version: "v3" };
    const found = classifyServices(labels, "bookinfo", services, inNamespaceOf);
    expect(serviceSuggestions(found, labels, opts(services))).toEqual([
      { messageId: "useWiderService", data: { name: "reviews", where: "apps/reviews.yaml:1", selector: "app=reviews", missing: "version=v3" }, name: "reviews" },
    ]);
    const none = classifyServices(labels, "bookinfo", [], inNamespaceOf);
    expect(serviceSuggestions(none, labels, opts([]))).toEqual([{ messageId: "useGuessedService", data: { name: "reviews" }, name: "reviews" }]);
    expect(serviceSuggestions(none, labels, opts([], false))).toEqual([]);
    const other = [svc("reviews", { app: "something-else" })];
    expect(serviceSuggestions(classifyServices(labels, "bookinfo", other, inNamespaceOf), labels, opts(other))).toEqual([]);
  });
});
