/**
 * Expected outputs follow istio/istio samples/bookinfo/platform/kube/bookinfo-versions.yaml (reviews-v1:
 * ports [{port: 9080, name: http}], selector {app: reviews, version: v1}).
 */
import { describe, expect, it } from "vitest";
import {
  findVersionService,
  formatLabels,
  subsetIsWholeService,
  subsetSelector,
  versionService,
  versionServiceName,
  type BaseService,
} from "../../lib/convert/subset-to-service.js";

const reviews: BaseService = {
  name: "reviews",
  namespace: "bookinfo",
  selector: { app: "reviews" },
  labels: { app: "reviews", service: "reviews" },
  ports: [{ port: 9080, name: "http" }],
};

describe("versionService", () => {
  it("bookinfo reviews v1", () => {
    const out = versionService(reviews, { name: "v1", labels: { version: "v1" } }, "reviews");
    expect(out.problems).toEqual([]);
    expect(out.name).toBe("reviews-v1");
    expect(out.selector).toEqual({ app: "reviews", version: "v1" });
    expect(out.result).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "reviews-v1", namespace: "bookinfo", labels: { app: "reviews", service: "reviews", version: "v1" } },
      spec: { selector: { app: "reviews", version: "v1" }, ports: [{ name: "http", port: 9080 }] },
    });
  });

  it("copies every port field it knows, in Kubernetes order, and nothing else", () => {
    const base: BaseService = {
      ...reviews,
      ports: [
        { port: 80, targetPort: "http", protocol: "TCP", appProtocol: "http", name: "web" },
        { port: 9090, targetPort: 9090 },
      ],
    };
    const out = versionService(base, { name: "v2", labels: { version: "v2" } });
    expect((out.result!.spec as { ports: unknown[] }).ports).toEqual([
      { name: "web", port: 80, targetPort: "http", protocol: "TCP", appProtocol: "http" },
      { port: 9090, targetPort: 9090 },
    ]);
  });

  it("no namespace and no labels on the base: none in the result; the host's namespace is used when written", () => {
    const base: BaseService = { ...reviews, namespace: undefined, labels: {} };
    expect(versionService(base, { name: "v1", labels: { version: "v1" } }, "reviews").result!.metadata).toEqual({ name: "reviews-v1", labels: { version: "v1" } });
    expect(versionService(base, { name: "v1", labels: { version: "v1" } }, "reviews.prod.svc.cluster.local").result!.metadata).toEqual({
      name: "reviews-v1",
      namespace: "prod",
      labels: { version: "v1" },
    });
  });

  it("the Service name comes from the host's first label", () => {
    expect(versionService(reviews, { name: "v1", labels: { version: "v1" } }, "reviews.bookinfo.svc.cluster.local").name).toBe("reviews-v1");
  });

  it("problems: no selector, ExternalName, conflict, whole Service, no ports, invalid name", () => {
    const v1 = { name: "v1", labels: { version: "v1" } };
    expect(versionService({ ...reviews, selector: null }, v1).problems).toEqual([{ code: "no-selector" }]);
    expect(versionService({ ...reviews, type: "ExternalName" }, v1).problems).toEqual([{ code: "no-selector" }]);
    expect(versionService(reviews, { name: "x", labels: { app: "ratings" } }).problems).toEqual([
      { code: "selector-conflict", key: "app", serviceValue: "reviews", subsetValue: "ratings" },
    ]);
    expect(versionService(reviews, { name: "all", labels: {} }).problems).toEqual([{ code: "whole-service" }]);
    expect(versionService(reviews, { name: "all", labels: { app: "reviews" } }).problems).toEqual([{ code: "whole-service" }]);
    expect(versionService({ ...reviews, ports: [] }, v1).problems).toEqual([{ code: "no-ports" }]);
    const long = versionService(reviews, { name: "x".repeat(60), labels: { version: "x" } });
    expect(long.problems).toEqual([{ code: "invalid-name", name: `reviews-${"x".repeat(60)}` }]);
    expect(long.result).toBeNull();
  });
});

describe("name and selector helpers", () => {
  it("versionServiceName sanitises to a DNS-1035 label", () => {
    expect(versionServiceName("reviews", "v1")).toEqual({ name: "reviews-v1", valid: true });
    expect(versionServiceName("reviews", "V2_beta.1")).toEqual({ name: "reviews-v2-beta-1", valid: true });
    expect(versionServiceName("reviews", "--")).toEqual({ name: "reviews", valid: true });
    expect(versionServiceName("9svc", "v1").valid).toBe(false);
  });

  it("subsetSelector and subsetIsWholeService", () => {
    expect(subsetSelector({ app: "a" }, { version: "v1" })).toEqual({ selector: { app: "a", version: "v1" }, conflict: null });
    expect(subsetSelector({ app: "a" }, { app: "b" }).conflict).toEqual({ key: "app", serviceValue: "a", subsetValue: "b" });
    expect(subsetIsWholeService({ app: "a" }, {})).toBe(true);
    expect(subsetIsWholeService({ app: "a" }, { app: "a" })).toBe(true);
    expect(subsetIsWholeService({ app: "a" }, { version: "v1" })).toBe(false);
  });

  it("formatLabels", () => {
    expect(formatLabels({ app: "reviews", version: "v1" })).toBe("app=reviews, version=v1");
  });
});

describe("findVersionService", () => {
  const svc = (name: string, selector: Record<string, string> | null, namespace: string | undefined = "bookinfo") => ({ name, namespace, selector });
  const opts = { baseName: "reviews", namespace: "bookinfo", expectedName: "reviews-v1", expectedSelector: { app: "reviews", version: "v1" }, subsetLabels: { version: "v1" } };

  it("by expected name with the expected selector", () => {
    const s = svc("reviews-v1", { app: "reviews", version: "v1" });
    expect(findVersionService([svc("reviews", { app: "reviews" }), s], opts)).toEqual({ status: "exists", service: s, by: "name" });
  });

  it("by selector under another name", () => {
    const s = svc("reviews-one", { version: "v1", app: "reviews" });
    expect(findVersionService([s], opts)).toEqual({ status: "exists", service: s, by: "selector" });
  });

  it("the expected name taken by a Service selecting other pods", () => {
    const s = svc("reviews-v1", { app: "reviews-legacy" });
    expect(findVersionService([s], opts)).toEqual({ status: "name-taken", service: s });
  });

  it("other namespaces do not count; the base Service itself does not count", () => {
    expect(findVersionService([svc("reviews-v1", { app: "reviews", version: "v1" }, "other")], opts).status).toBe("missing");
    expect(findVersionService([svc("reviews", { app: "reviews", version: "v1" })], opts).status).toBe("missing");
  });

  it("without a known base selector, the expected name counts when its selector holds the subset labels", () => {
    const unknown = { ...opts, expectedSelector: null };
    expect(findVersionService([svc("reviews-v1", { app: "reviews", version: "v1" })], unknown).status).toBe("exists");
    expect(findVersionService([svc("reviews-v1", { app: "reviews" })], unknown).status).toBe("name-taken");
    expect(findVersionService([svc("reviews-v1", null)], unknown).status).toBe("name-taken");
    expect(findVersionService([], unknown).status).toBe("missing");
  });
});
