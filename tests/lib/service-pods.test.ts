/** The enforcement model's inputs read from the repository (lib/istio/service-pods.ts), on the migrated fixture. */
import { describe, expect, it } from "vitest";
import { fixtureIndex } from "../index/helpers.js";
import { repositoryPolicyFacts, servicePodSets } from "../../lib/istio/service-pods.js";
import { admitted, callerOf, ztunnelPoliciesFor } from "../../lib/istio/enforcement.js";

describe("repositoryPolicyFacts / servicePodSets", () => {
  const index = fixtureIndex("migrated");
  const frontend = index.services("shop").find((s) => s.name === "frontend")!;

  it("every AuthorizationPolicy of the repository, with its rules; a file's own left to the caller", () => {
    const all = repositoryPolicyFacts(index, undefined);
    expect(all.map((f) => `${f.namespace}/${f.name}`).sort()).toEqual([
      "blog/comments-l4",
      "blog/comments-writers",
      "blog/posts-l4",
      "blog/posts-readers",
      "istio-system/allow-nothing",
      "shop/cart-l4",
      "shop/cart-l7",
      "shop/frontend-l4",
      "shop/frontend-l7",
    ]);
    expect(all.find((f) => f.name === "frontend-l4")!.rules).toHaveLength(1);
    const file = index.byKind("AuthorizationPolicy").find((r) => r.name === "frontend-l4")!.file;
    expect(repositoryPolicyFacts(index, file).some((f) => f.name.startsWith("frontend-"))).toBe(false);
  });

  it("the Service's pods: one set per workload it selects, else its selector", () => {
    expect(servicePodSets(index, frontend, "shop")).toEqual([{ namespace: "shop", labels: { app: "frontend" }, workloads: [{ app: "frontend" }] }]);
    expect(servicePodSets(index, { selector: { app: "nothing" } }, "shop")).toEqual([{ namespace: "shop", labels: { app: "nothing" }, workloads: [] }]);
  });

  it("together with the model: the waypoint and the ingress gateway get in, another client does not", () => {
    const [pods] = servicePodSets(index, frontend, "shop");
    const applied = ztunnelPoliciesFor(repositoryPolicyFacts(index, undefined), pods, "istio-system");
    expect(admitted(applied, callerOf("cluster.local/ns/shop/sa/shop-waypoint")).allowed).toBe(true);
    expect(admitted(applied, callerOf("cluster.local/ns/istio-ingress/sa/istio-ingressgateway")).allowed).toBe(true);
    expect(admitted(applied, callerOf("cluster.local/ns/shop/sa/cart")).allowed).toBe(false);
  });
});
