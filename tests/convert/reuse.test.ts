/**
 * Version Services: an existing Service of any name whose selector is the base selector plus the subset's labels
 * stands in for the subset (reused, named in the output); only the missing ones are created.
 */
import { describe, expect, it } from "vitest";
import { convertVirtualService, type ConvertContext, type ServiceInfo } from "../../lib/convert/virtualservice-to-httproute.js";
import { validateOutput } from "./helpers.js";

const reviews: ServiceInfo = { name: "reviews", namespace: "bookinfo", selector: { app: "reviews" }, ports: [{ name: "http", port: 9080 }] };
const subsets = ["v1", "v2"].map((v) => ({ host: "reviews", name: v, labels: { version: v }, namespace: "bookinfo" }));
const split = {
  apiVersion: "networking.istio.io/v1",
  kind: "VirtualService",
  metadata: { name: "reviews", namespace: "bookinfo" },
  spec: {
    hosts: ["reviews"],
    http: [
      {
        route: [
          { destination: { host: "reviews", subset: "v1" }, weight: 80 },
          { destination: { host: "reviews", subset: "v2" }, weight: 20 },
        ],
      },
    ],
  },
};
const backends = (ctx: ConvertContext) => {
  const res = convertVirtualService(split, ctx);
  expect(res.problems).toEqual([]);
  expect(validateOutput(res)).toEqual([]);
  return { res, refs: (res.result!.httpRoutes[0] as any).spec.rules[0].backendRefs.map((b: any) => `${b.name}:${b.weight}`) };
};

describe("version Service reuse", () => {
  it("reuses a Service of another name with exactly the subset's selector; creates only the missing one", () => {
    const stable: ServiceInfo = { name: "reviews-stable", namespace: "bookinfo", selector: { app: "reviews", version: "v1" }, ports: [{ port: 9080 }], where: "apps/reviews/versions.yaml:2" };
    const { res, refs } = backends({ services: [reviews, stable], subsets });
    expect(refs).toEqual(["reviews-stable:80", "reviews-v2:20"]);
    expect(res.result!.versionServices.map((s: any) => s.metadata.name)).toEqual(["reviews-v2"]);
    expect(res.result!.reusedServices).toEqual([{ name: "reviews-stable", namespace: "bookinfo", where: "apps/reviews/versions.yaml:2", subset: "v1" }]);
    expect(res.notes.some((n) => n.includes("reviews-stable (apps/reviews/versions.yaml:2) already selects app=reviews, version=v1"))).toBe(true);
  });

  it("prefers the Service named <host>-<subset> among several with the selector, else the first found (as no-destinationrule-subsets does)", () => {
    const a: ServiceInfo = { name: "reviews-a", selector: { app: "reviews", version: "v1" }, ports: [{ port: 9080 }] };
    const named: ServiceInfo = { name: "reviews-v1", selector: { app: "reviews", version: "v1" }, ports: [{ port: 9080 }] };
    expect(backends({ services: [reviews, a, named], subsets }).refs[0]).toBe("reviews-v1:80");
    const z: ServiceInfo = { name: "reviews-z", selector: { app: "reviews", version: "v1" }, ports: [{ port: 9080 }] };
    expect(backends({ services: [reviews, z, a], subsets }).refs[0]).toBe("reviews-z:80");
  });

  it("does not reuse a Service that selects more pods, fewer pods, lacks a port, or lives in another namespace", () => {
    const wider: ServiceInfo = { name: "reviews-all", selector: { app: "reviews" }, ports: [{ port: 9080 }] };
    const narrower: ServiceInfo = { name: "reviews-v1-eu", selector: { app: "reviews", version: "v1", region: "eu" }, ports: [{ port: 9080 }] };
    const otherPort: ServiceInfo = { name: "reviews-grpc", selector: { app: "reviews", version: "v1" }, ports: [{ port: 9090 }] };
    const otherNs: ServiceInfo = { name: "reviews-old", namespace: "legacy", selector: { app: "reviews", version: "v1" }, ports: [{ port: 9080 }] };
    const { res, refs } = backends({ services: [reviews, wider, narrower, otherPort, otherNs], subsets });
    expect(refs).toEqual(["reviews-v1:80", "reviews-v2:20"]);
    expect(res.result!.reusedServices).toEqual([]);
    expect(res.result!.versionServices).toHaveLength(2);
  });

  it("a reusable Service lifts the <host>-<subset> name limit (the generated name would be too long)", () => {
    const longHost = "a-very-long-service-name-for-the-reviews-application-x";
    const base: ServiceInfo = { ...reviews, name: longHost };
    const sub = [{ host: longHost, name: "canary-v1", labels: { track: "canary" }, namespace: "bookinfo" }];
    const vs = { ...split, spec: { hosts: [longHost], http: [{ route: [{ destination: { host: longHost, subset: "canary-v1" } }] }] } };
    expect(convertVirtualService(vs, { services: [base], subsets: sub }).problems.map((p) => p.code)).toEqual(["version-service-name"]);
    const canary: ServiceInfo = { name: "reviews-canary", namespace: "bookinfo", selector: { app: "reviews", track: "canary" }, ports: [{ port: 9080 }] };
    const res = convertVirtualService(vs, { services: [base, canary], subsets: sub });
    expect(res.problems).toEqual([]);
    expect((res.result!.httpRoutes[0] as any).spec.rules[0].backendRefs).toEqual([{ name: "reviews-canary", port: 9080 }]);
  });

  it("a Service holding the <host>-<subset> name with another selector still refuses, when nothing else can stand in", () => {
    const taken: ServiceInfo = { name: "reviews-v1", selector: { app: "ratings" }, ports: [{ port: 9080 }] };
    const res = convertVirtualService(split, { services: [reviews, taken], subsets });
    expect(res.result).toBeNull();
    expect(res.problems.map((p) => p.code)).toEqual(["version-service-conflict"]);
  });
});
