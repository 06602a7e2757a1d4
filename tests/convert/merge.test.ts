/**
 * Several VirtualServices of one Service → one HTTPRoute: exact only when Istio's merge order (creation time,
 * unknown from the repository) cannot matter. Property test against the route evaluators: whenever a merge is
 * returned, the HTTPRoute routes every request as the concatenated VirtualServices do, in both orders.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeVirtualServices, PROBLEM_CODES, type ConvertContext } from "../../lib/convert/virtualservice-to-httproute.js";
import { getIn, validateOutput } from "./helpers.js";
import { evaluateHttpRoute, evaluateVirtualService, type EvalRequest } from "./route-evaluators.js";

const services = [{ name: "reviews", namespace: "default", selector: { app: "reviews" }, ports: [{ name: "http", port: 9080 }] }];
const ctx: ConvertContext = {
  services,
  subsets: ["v1", "v2", "v3"].map((v) => ({ host: "reviews", name: v, labels: { version: v } })),
  acceptPathSegmentPrefix: true,
};
const vs = (name: string, http: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: "networking.istio.io/v1",
  kind: "VirtualService",
  metadata: { name, namespace: "default" },
  spec: { hosts: ["reviews"], http, ...extra },
});
const to = (subset: string) => [{ destination: { host: "reviews", subset } }];

describe("merging VirtualServices of one Service", () => {
  it("disjoint paths merge into one HTTPRoute, rules in order, problems none", () => {
    const a = vs("reviews-api", [{ match: [{ uri: { prefix: "/api" } }], route: to("v2") }]);
    const b = vs("reviews-web", [{ match: [{ uri: { prefix: "/web" } }], route: to("v1") }]);
    const res = mergeVirtualServices([{ vs: a }, { vs: b }], ctx);
    expect(res.problems).toEqual([]);
    const route = res.result!.httpRoutes[0] as any;
    expect(route.metadata).toEqual({ name: "reviews-api", namespace: "default" });
    expect(route.spec.rules.map((r: any) => r.matches[0].path.value)).toEqual(["/api", "/web"]);
    expect(res.result!.versionServices.map((s: any) => s.metadata.name)).toEqual(["reviews-v2", "reviews-v1"]);
    expect(res.notes.at(-1)).toContain("VirtualService default/reviews-api and VirtualService default/reviews-web are merged into HTTPRoute reviews-api");
  });

  it("refuses when the creation-time order decides (a header canary beside a catch-all), naming both rules", () => {
    const canary = vs("reviews-canary", [{ match: [{ headers: { "end-user": { exact: "jason" } } }], route: to("v2") }]);
    const main = vs("reviews", [{ route: to("v1") }]);
    const res = mergeVirtualServices([{ vs: main }, { vs: canary }], ctx);
    expect(res.result).toBeNull();
    expect(res.problems).toEqual([
      {
        input: 1,
        path: ["spec", "http", 0],
        code: "merge-order",
        message:
          "VirtualService default/reviews http[0] (every request) and VirtualService default/reviews-canary http[0] (header end-user) can both match a request and do different things; Istio tries the older VirtualService first (creation time), which the repository does not tell",
      },
    ]);
  });

  it("refuses different Services, namespaces, gateways and exportTo", () => {
    const base = vs("a", [{ match: [{ uri: { exact: "/a" } }], route: to("v1") }]);
    const codes = (other: object, label: string) => {
      const res = mergeVirtualServices([{ vs: base }, { vs: other }], ctx);
      expect(res.result, label).toBeNull();
      return res.problems.map((p) => `${p.code}@${p.path.join(".")}`);
    };
    expect(codes(vs("b", [{ route: to("v1") }], { hosts: ["ratings"] }), "hosts")).toEqual(["merge-mismatch@spec.hosts"]);
    expect(codes({ ...vs("b", [{ route: to("v1") }]), metadata: { name: "b", namespace: "other" } }, "namespace")).toContain("merge-mismatch@metadata");
    expect(codes(vs("b", [{ route: to("v1") }], { gateways: ["mesh", "istio-system/ingress"] }), "gateways")).toEqual(["merge-mismatch@spec.gateways"]);
    expect(codes(vs("b", [{ route: to("v1") }], { exportTo: ["."] }), "exportTo")).toEqual(["merge-mismatch@spec.exportTo"]);
  });

  it("a converter refusal points at the VirtualService and rule it comes from", () => {
    const a = vs("a", [{ match: [{ uri: { exact: "/a" } }], route: to("v1") }]);
    const b = vs("b", [{ match: [{ uri: { exact: "/b" } }], route: to("v2") }, { match: [{ uri: { exact: "/c" } }], route: to("v3"), fault: { abort: { httpStatus: 500 } } }]);
    const res = mergeVirtualServices([{ vs: a }, { vs: b }], ctx);
    expect(res.result).toBeNull();
    expect(res.problems.map((p) => ({ input: p.input, code: p.code, path: p.path }))).toEqual([{ input: 1, code: "fault", path: ["spec", "http", 1, "fault"] }]);
    expect(getIn(b, res.problems[0].path)).toBeDefined();
  });
});

// ---------------------------------------------------------------------------------------------------------------

const PATHS = ["/", "/a", "/a/b", "/ab", "/b"];
const arbMatch = fc.record(
  {
    uri: fc.oneof(fc.constantFrom(...PATHS).map((v) => ({ exact: v })), fc.constantFrom(...PATHS).map((v) => ({ prefix: v }))),
    method: fc.constantFrom("GET", "POST").map((v) => ({ exact: v })),
    headers: fc.dictionary(fc.constant("x-user"), fc.constantFrom("jason", "j").map((v) => ({ exact: v })), { maxKeys: 1 }),
  },
  { requiredKeys: [] },
);
const arbRule = fc.record(
  { match: fc.array(arbMatch, { minLength: 1, maxLength: 2 }), route: fc.constantFrom("v1", "v2", "v3").map(to) },
  { requiredKeys: ["route"] },
);
const arbRequest = fc.record({
  path: fc.constantFrom("/", "/a", "/a/", "/a/b", "/ab", "/abc", "/b", "/b/a", "/x"),
  method: fc.constantFrom("GET", "POST"),
  headers: fc.dictionary(fc.constant("x-user"), fc.constantFrom("jason", "j", "x"), { maxKeys: 1 }),
});

describe("merge property", () => {
  it("a merged HTTPRoute routes like the VirtualServices in either order; refusals are specific", () => {
    const stats = { merged: 0, order: 0, other: 0 };
    const codes = new Set<string>(PROBLEM_CODES);
    fc.assert(
      fc.property(
        fc.array(arbRule, { minLength: 1, maxLength: 3 }),
        fc.array(arbRule, { minLength: 1, maxLength: 3 }),
        fc.array(arbRequest, { minLength: 20, maxLength: 20 }),
        (httpA, httpB, requests) => {
          const a = vs("a", httpA);
          const b = vs("b", httpB);
          const res = mergeVirtualServices([{ vs: a }, { vs: b }], ctx);
          if (!res.result) {
            if (res.problems.some((p) => p.code === "merge-order")) stats.order++;
            else stats.other++;
            for (const p of res.problems) {
              expect(codes.has(p.code)).toBe(true);
              expect(getIn([a, b][p.input], p.path), `${p.code} at ${p.path.join(".")}`).not.toBeUndefined();
            }
            return;
          }
          stats.merged++;
          expect(validateOutput({ result: res.result, problems: [], notes: [] })).toEqual([]);
          const route = res.result.httpRoutes[0] as Record<string, unknown>;
          const env = { namespace: "default", services, segmentPrefix: true };
          const ab = vs("ab", [...httpA, ...httpB]);
          const ba = vs("ba", [...httpB, ...httpA]);
          for (const r of requests) {
            const req: EvalRequest = { port: 9080, path: r.path, method: r.method, headers: r.headers, query: {} };
            const want = evaluateVirtualService(ab, req, env);
            expect(evaluateVirtualService(ba, req, env), `order matters for ${JSON.stringify(req)}`).toBe(want);
            expect(evaluateHttpRoute(route, req, env), `HTTPRoute differs for ${JSON.stringify(req)}`).toBe(want);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(stats.merged).toBeGreaterThan(10);
    expect(stats.order).toBeGreaterThan(10);
  });
});
