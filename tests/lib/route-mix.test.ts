import { describe, expect, it } from "vitest";
import { isMeshGateways, isServiceParentRef, mixedPairs, sameService, serviceHosts, serviceLabel, serviceParents } from "../../lib/istio/route-mix.js";

describe("isMeshGateways", () => {
  it("absent, empty or listing mesh is mesh routing", () => {
    expect(isMeshGateways(undefined)).toBe(true);
    expect(isMeshGateways(null)).toBe(true);
    expect(isMeshGateways([])).toBe(true);
    expect(isMeshGateways(["mesh", "istio-system/public"])).toBe(true);
  });
  it("ingress-only gateways and odd shapes are not", () => {
    expect(isMeshGateways(["bookinfo-gateway"])).toBe(false);
    expect(isMeshGateways("mesh")).toBe(false);
  });
});

describe("isServiceParentRef", () => {
  it("kind Service with the core group written as \"\" or core", () => {
    expect(isServiceParentRef({ kind: "Service", group: "", name: "a" })).toBe(true);
    expect(isServiceParentRef({ kind: "Service", group: "core", name: "a" })).toBe(true);
  });
  it("a missing group defaults to the Gateway API group: not a Service parent", () => {
    expect(isServiceParentRef({ kind: "Service", name: "a" })).toBe(false);
    expect(isServiceParentRef({ kind: "Service", group: null, name: "a" })).toBe(false);
    expect(isServiceParentRef({ kind: "Service", group: "gateway.networking.k8s.io", name: "a" })).toBe(false);
    expect(isServiceParentRef({ name: "gw" })).toBe(false);
    expect(isServiceParentRef(null)).toBe(false);
  });
});

describe("serviceHosts", () => {
  it("resolves short names in the VirtualService namespace and the dotted forms", () => {
    expect(serviceHosts(["reviews", "ratings.bookinfo", "details.bookinfo.svc", "productpage.bookinfo.svc.cluster.local"], "ns")).toEqual([
      { index: 0, host: "reviews", name: "reviews", namespace: "ns" },
      { index: 1, host: "ratings.bookinfo", name: "ratings", namespace: "bookinfo" },
      { index: 2, host: "details.bookinfo.svc", name: "details", namespace: "bookinfo" },
      { index: 3, host: "productpage.bookinfo.svc.cluster.local", name: "productpage", namespace: "bookinfo" },
    ]);
  });
  it("skips wildcards, IPs, external names and odd values, keeping indexes", () => {
    expect(serviceHosts(["*", "*.bookinfo.svc.cluster.local", "10.0.0.1", "httpbin.org", "api.example.com", 3, null, "reviews"], undefined)).toEqual([
      { index: 7, host: "reviews", name: "reviews", namespace: undefined },
    ]);
    expect(serviceHosts("reviews", "ns")).toEqual([]);
  });
});

describe("serviceParents", () => {
  it("takes the parentRef namespace, else the route's", () => {
    expect(
      serviceParents(
        [
          { name: "gw" },
          { group: "", kind: "Service", name: "echo" },
          { group: "", kind: "Service", name: "echo", namespace: "other" },
          { group: "", kind: "Service" },
          "x",
        ],
        "ns",
      ),
    ).toEqual([
      { index: 1, name: "echo", namespace: "ns" },
      { index: 2, name: "echo", namespace: "other" },
    ]);
  });
});

describe("sameService / mixedPairs", () => {
  it("matches name and namespace, unknown namespaces match any", () => {
    const h = serviceHosts(["reviews", "reviews.bookinfo.svc.cluster.local"], undefined);
    expect(sameService(h[0], { index: 0, name: "reviews", namespace: "x" })).toBe(true);
    expect(sameService(h[1], { index: 0, name: "reviews", namespace: "x" })).toBe(false);
    expect(sameService(h[1], { index: 0, name: "reviews", namespace: undefined })).toBe(true);
    expect(sameService(h[1], { index: 0, name: "ratings", namespace: "bookinfo" })).toBe(false);
    expect(mixedPairs(h, [{ index: 4, name: "reviews", namespace: "bookinfo" }]).map((p) => [p.host.index, p.parent.index])).toEqual([
      [0, 4],
      [1, 4],
    ]);
  });
  it("labels a Service", () => {
    expect(serviceLabel("a", "ns")).toBe("ns/a");
    expect(serviceLabel("a", undefined)).toBe("a");
  });
});
