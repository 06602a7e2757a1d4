/**
 * Delegation: a root VirtualService and its delegates → the VirtualService Istio builds from them
 * (pilot/pkg/model/virtualservice.go `mergeVirtualServicesIfNeeded`), then one HTTPRoute.
 */
import { describe, expect, it } from "vitest";
import { convertWithDelegates, expandDelegates, type ConvertContext } from "../../lib/convert/virtualservice-to-httproute.js";
import { getIn, validateOutput } from "./helpers.js";
import { evaluateHttpRoute, evaluateVirtualService } from "./route-evaluators.js";

const ctx: ConvertContext = {
  services: [{ name: "reviews", namespace: "bookinfo", selector: { app: "reviews" }, ports: [{ name: "http", port: 9080 }] }],
  subsets: ["v1", "v2", "v3"].map((v) => ({ host: "reviews", name: v, labels: { version: v }, namespace: "bookinfo" })),
  acceptPathSegmentPrefix: true,
};
const to = (subset: string) => [{ destination: { host: "reviews", subset } }];
const root = (http: unknown[]) => ({
  apiVersion: "networking.istio.io/v1",
  kind: "VirtualService",
  metadata: { name: "reviews", namespace: "bookinfo" },
  spec: { hosts: ["reviews"], http },
});
const delegate = (name: string, http: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: "networking.istio.io/v1",
  kind: "VirtualService",
  metadata: { name, namespace: "bookinfo" },
  spec: { http, ...extra },
});

describe("expandDelegates", () => {
  it("combines root and delegate matches, inherits the root rule's fields, joins names", () => {
    const r = root([
      { name: "api", match: [{ uri: { prefix: "/api" }, headers: { "x-team": { exact: "a" } } }], timeout: "2s", delegate: { name: "reviews-api" } },
      { route: to("v1") },
    ]);
    const d = delegate("reviews-api", [
      { name: "beta", match: [{ uri: { prefix: "/api/beta" } }], route: to("v2") },
      { match: [{ uri: { prefix: "/other" } }], route: to("v3") },
      { route: to("v1"), timeout: "5s" },
    ]);
    const res = expandDelegates(r, [{ vs: d }], "bookinfo");
    expect(res.problems).toEqual([]);
    expect((res.vs!.spec as any).http).toEqual([
      { name: "api-beta", match: [{ uri: { prefix: "/api/beta" }, headers: { "x-team": { exact: "a" } } }], route: to("v2"), timeout: "2s" },
      { name: "api", match: [{ uri: { prefix: "/api" }, headers: { "x-team": { exact: "a" } } }], route: to("v1"), timeout: "5s" },
      { route: to("v1") },
    ]);
    expect(res.notes).toEqual(["rule 1 of delegate reviews-api has a match outside the root's rule 0, so Istio ignores it; it is left out"]);
  });

  it("refuses what Istio releases merge differently, unknown delegates, delegates with hosts or not exported", () => {
    const codes = (r: object, ds: object[]) => expandDelegates(r, ds.map((vs) => ({ vs })), "bookinfo").problems.map((p) => `${p.input}:${p.code}@${p.path.join(".")}`);
    const r = root([{ match: [{ uri: { prefix: "/api" } }], delegate: { name: "d" } }]);
    expect(codes(r, [])).toEqual(["0:delegate-unknown@spec.http.0.delegate"]);
    expect(codes(r, [delegate("d", [{ match: [{ uri: { regex: "/api/.*" } }], route: to("v1") }])])).toEqual(["1:delegate-unsupported@spec.http.0.match.0.uri"]);
    expect(codes(r, [delegate("d", [{ match: [{ sourceLabels: { app: "x" } }], route: to("v1") }])])).toEqual(["1:delegate-unsupported@spec.http.0.match.0.sourceLabels"]);
    expect(codes(r, [delegate("d", [{ route: to("v1") }], { hosts: ["reviews"] })])).toEqual(["1:delegate-unsupported@spec.hosts"]);
    expect(codes(r, [delegate("d", [{ route: to("v1") }], { exportTo: ["other"] })])).toEqual(["1:delegate-unsupported@spec.exportTo"]);
    expect(codes(root([{ match: [{ uri: { prefix: "/api" } }], delegate: { name: "d" }, route: to("v1") }]), [delegate("d", [{ route: to("v1") }])])).toEqual([
      "0:delegate-unsupported@spec.http.0.route",
    ]);
  });
});

describe("convertWithDelegates", () => {
  it("one HTTPRoute, named after the root, that routes like the expanded VirtualService", () => {
    const r = root([{ match: [{ uri: { prefix: "/api" } }], delegate: { name: "reviews-api" } }, { route: to("v1") }]);
    const d = delegate("reviews-api", [{ match: [{ uri: { exact: "/api/v2" } }], route: to("v2") }, { route: to("v3") }]);
    const res = convertWithDelegates(r, [{ vs: d }], ctx);
    expect(res.problems).toEqual([]);
    expect(validateOutput({ result: res.result, problems: [], notes: [] })).toEqual([]);
    const route = res.result!.httpRoutes[0] as any;
    expect(route.metadata).toEqual({ name: "reviews", namespace: "bookinfo" });
    const expanded = expandDelegates(r, [{ vs: d }], "bookinfo").vs!;
    const env = { namespace: "bookinfo", services: [{ name: "reviews", ports: [{ port: 9080 }] }], segmentPrefix: true };
    for (const path of ["/", "/api", "/api/", "/api/v2", "/api/v3", "/apix", "/x"]) {
      const req = { port: 9080, path, method: "GET", headers: {}, query: {} };
      expect(evaluateHttpRoute(route, req, env), path).toBe(evaluateVirtualService(expanded, req, env));
    }
    expect(evaluateHttpRoute(route, { port: 9080, path: "/api/v2", method: "GET", headers: {}, query: {} }, env)).toBe("bookinfo/reviews-v2:9080=1/1");
    expect(evaluateHttpRoute(route, { port: 9080, path: "/api/x", method: "GET", headers: {}, query: {} }, env)).toBe("bookinfo/reviews-v3:9080=1/1");
  });

  it("a refusal points at the delegate key it comes from, or at the root rule a field was inherited from", () => {
    const d = delegate("reviews-api", [{ route: to("v2"), fault: { abort: { httpStatus: 500 } } }]);
    const r = root([{ match: [{ uri: { prefix: "/api" } }], delegate: { name: "reviews-api" } }, { route: to("v1") }]);
    const res = convertWithDelegates(r, [{ vs: d }], ctx);
    expect(res.problems.map((p) => `${p.input}:${p.code}@${p.path.join(".")}`)).toEqual(["1:fault@spec.http.0.fault"]);
    expect(getIn(d, res.problems[0].path)).toBeDefined();
    const r2 = root([{ match: [{ uri: { prefix: "/api" } }], delegate: { name: "reviews-api" }, fault: { delay: { fixedDelay: "1s" } } }, { route: to("v1") }]);
    const res2 = convertWithDelegates(r2, [{ vs: delegate("reviews-api", [{ route: to("v2") }]) }], ctx);
    expect(res2.problems.map((p) => `${p.input}:${p.code}@${p.path.join(".")}`)).toEqual(["0:fault@spec.http.0.fault"]);
    expect(getIn(r2, res2.problems[0].path)).toBeDefined();
  });
});
