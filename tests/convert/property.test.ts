/**
 * Property tests: for random VirtualServices from the supported subset (path exact/prefix, headers exact/prefix/
 * presence, methods, query params, ports, weights, subsets), whenever the converter returns a result, the
 * HTTPRoute sends every random request to the same destinations (service+port after subset → version Service, with
 * the same weights) as the VirtualService; whenever it refuses, each problem is specific (a known code, a key that
 * exists in the VirtualService, a message).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convertVirtualService, PROBLEM_CODES, type ConvertContext } from "../../lib/convert/virtualservice-to-httproute.js";
import { getIn, validateOutput } from "./helpers.js";
import { evaluateHttpRoute, evaluateVirtualService, type EvalRequest } from "./route-evaluators.js";

const NUM_RUNS = 300;
const REQUESTS_PER_RUN = 25;

const EXACT_PATHS = ["/", "/a", "/a/b", "/ab", "/b"];
const PREFIXES = ["/", "/", "/a", "/a/", "/ab", "/a/b", "/b"];
const REQUEST_PATHS = ["/", "/a", "/a/", "/a/b", "/a/bc", "/ab", "/abc", "/b", "/b/a", "/x"];
const HEADER_NAMES = ["x-user", "x-ver"];
const EXACT_VALUES = ["jason", "j", "v1.2", ""];
const PREFIX_VALUES = ["j", "v1.", "v1", ""];
const REQUEST_VALUES = ["jason", "j", "jx", "v1.2", "v1.", "v1", "v1x2", ""];
const METHODS = ["GET", "POST"];

const arbStringMatch = (exact: string[], prefix: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...exact).map((v) => ({ exact: v })) },
    { weight: 3, arbitrary: fc.constantFrom(...prefix).map((v) => ({ prefix: v })) },
    { weight: 1, arbitrary: fc.constant({}) },
  );

const arbMatch = fc.record(
  {
    uri: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...EXACT_PATHS).map((v) => ({ exact: v })) },
      { weight: 2, arbitrary: fc.constant({ prefix: "/" }) },
      { weight: 2, arbitrary: fc.constantFrom(...PREFIXES).map((v) => ({ prefix: v })) },
    ),
    method: fc.constantFrom(...METHODS).map((v) => ({ exact: v })),
    headers: fc.dictionary(fc.constantFrom(...HEADER_NAMES), arbStringMatch(EXACT_VALUES, PREFIX_VALUES), { maxKeys: 2 }),
    queryParams: fc.dictionary(fc.constant("q"), fc.constantFrom("1", "2").map((v) => ({ exact: v })), { maxKeys: 1 }),
    port: fc.constantFrom(9080, 9090),
  },
  { requiredKeys: [] },
);

const arbDestination = fc.record(
  {
    host: fc.constant("reviews"),
    subset: fc.constantFrom("v1", "v2", "v3"),
    port: fc.constant({ number: 9080 }),
  },
  { requiredKeys: ["host"] },
);

const arbRoute = fc.array(
  fc.record({ destination: arbDestination, weight: fc.integer({ min: 0, max: 100 }) }, { requiredKeys: ["destination"] }),
  { minLength: 1, maxLength: 3 },
);

const arbRule = fc.record(
  {
    match: fc.array(arbMatch, { minLength: 1, maxLength: 3 }),
    route: arbRoute,
  },
  { requiredKeys: ["route"] },
);

/** Ports: usually none; sometimes one port on every match; sometimes whatever was generated (mostly refused). */
function applyPortPolicy(http: Array<Record<string, any>>, policy: "none" | "same" | "random", port: number) {
  for (const rule of http) {
    if (policy === "same" && !rule.match) rule.match = [{}];
    for (const m of rule.match ?? []) {
      if (policy === "none") delete m.port;
      if (policy === "same") m.port = port;
    }
  }
  return http;
}

/** Path-only rules: dense in prefix/exact boundary cases (/a vs /ab vs /a/b), where segment and string prefixes differ. */
const arbPathRule = fc.record(
  {
    match: fc.array(
      fc.record(
        {
          uri: fc.oneof(
            fc.constantFrom("/", "/a", "/a/b", "/ab").map((v) => ({ exact: v })),
            fc.constantFrom("/", "/a", "/a/", "/ab", "/a/b").map((v) => ({ prefix: v })),
          ),
          method: fc.constantFrom(...METHODS).map((v) => ({ exact: v })),
        },
        { requiredKeys: ["uri"] },
      ),
      { minLength: 1, maxLength: 2 },
    ),
    route: fc.constantFrom("v1", "v2", "v3").map((v) => [{ destination: { host: "reviews", subset: v } }]),
  },
  { requiredKeys: ["route"] },
);

const scenario = (rule: fc.Arbitrary<Record<string, unknown>>) => fc.record({
  http: fc.array(rule, { minLength: 1, maxLength: 5 }),
  portPolicy: fc.constantFrom<"none" | "same" | "random">("none", "none", "none", "same", "random"),
  policyPort: fc.constantFrom(9080, 9090),
  servicePorts: fc.constantFrom([9080], [9080, 9090]),
  requests: fc.array(
    fc.record({
      portIndex: fc.nat(1),
      path: fc.constantFrom(...REQUEST_PATHS),
      method: fc.constantFrom("GET", "POST", "PUT"),
      headers: fc.dictionary(fc.constantFrom(...HEADER_NAMES), fc.constantFrom(...REQUEST_VALUES), { maxKeys: 2 }),
      query: fc.dictionary(fc.constant("q"), fc.constantFrom("1", "2", "3"), { maxKeys: 1 }),
    }),
    { minLength: REQUESTS_PER_RUN, maxLength: REQUESTS_PER_RUN },
  ),
});
const arbScenario = scenario(arbRule);
const arbPathScenario = scenario(arbPathRule);

const codes = new Set<string>(PROBLEM_CODES);

/**
 * The same VirtualServices on a ServiceEntry host (`api.example.com`, the Service's ports): destinations on that
 * host (subsets dropped: a Hostname backendRef has none), so the HTTPRoute has a ServiceEntry parentRef and
 * Hostname backendRefs.
 */
function onServiceEntry(vs: Record<string, any>): Record<string, any> {
  const out = structuredClone(vs);
  out.spec.hosts = ["api.example.com"];
  for (const rule of out.spec.http) {
    for (const r of rule.route ?? []) {
      r.destination.host = "api.example.com";
      delete r.destination.subset;
    }
  }
  return out;
}

function runProperty(acceptPathSegmentPrefix: boolean, arbitrary = arbScenario, target: "Service" | "ServiceEntry" = "Service") {
  const stats = { converted: 0, refused: 0, multiRuleConverted: 0, byCode: new Map<string, number>() };
  fc.assert(
    fc.property(arbitrary, ({ http: generated, portPolicy, policyPort, servicePorts, requests }) => {
      const http = applyPortPolicy(generated as Array<Record<string, any>>, portPolicy, policyPort);
      const base = { apiVersion: "networking.istio.io/v1", kind: "VirtualService", metadata: { name: "reviews", namespace: "default" }, spec: { hosts: ["reviews"], http } };
      const entry = target === "ServiceEntry";
      const vs = entry ? onServiceEntry(base) : base;
      const services = entry ? [] : [{ name: "reviews", namespace: "default", selector: { app: "reviews" }, ports: servicePorts.map((port) => ({ name: `http-${port}`, port })) }];
      const hosts = entry ? [{ host: "api.example.com", ports: [...servicePorts] }] : [];
      const ctx: ConvertContext = {
        services,
        subsets: entry ? [] : ["v1", "v2", "v3"].map((v) => ({ host: "reviews", name: v, labels: { version: v } })),
        serviceEntries: entry ? [{ name: "api", namespace: "default", hosts: ["api.example.com"], ports: [...servicePorts] }] : [],
        acceptPathSegmentPrefix,
      };
      const res = convertVirtualService(vs, ctx);
      if (!res.result) {
        stats.refused++;
        expect(res.problems.length).toBeGreaterThan(0);
        for (const p of res.problems) {
          stats.byCode.set(p.code, (stats.byCode.get(p.code) ?? 0) + 1);
          expect(codes.has(p.code)).toBe(true);
          expect(getIn(vs, p.path), `${p.code} at ${p.path.join(".")}`).not.toBeUndefined();
          expect(p.message.length).toBeGreaterThan(20);
        }
        return;
      }
      stats.converted++;
      if (http.length > 1) stats.multiRuleConverted++;
      expect(res.problems).toEqual([]);
      expect(validateOutput(res)).toEqual([]);
      const route = res.result.httpRoutes[0] as Record<string, unknown>;
      const env = { namespace: "default", services, hosts, segmentPrefix: acceptPathSegmentPrefix };
      if (entry) {
        expect((route.spec as any).parentRefs.every((p: any) => p.kind === "ServiceEntry" && p.group === "networking.istio.io" && p.name === "api")).toBe(true);
      }
      for (const r of requests) {
        const req: EvalRequest = { port: servicePorts[r.portIndex % servicePorts.length], path: r.path, method: r.method, headers: r.headers, query: r.query };
        const want = evaluateVirtualService(vs, req, env);
        const got = evaluateHttpRoute(route, req, env);
        if (want !== got) {
          throw new Error(`request ${JSON.stringify(req)}: VirtualService → ${want}, HTTPRoute → ${got}\nroute: ${JSON.stringify(route)}`);
        }
      }
    }),
    { numRuns: NUM_RUNS },
  );
  return stats;
}

describe("converter properties", () => {
  it("keeps routing exactly (string prefixes: only '/' converts)", () => {
    const stats = runProperty(false);
    // The generator must exercise both outcomes, and conversions with several rules.
    expect(stats.converted).toBeGreaterThan(NUM_RUNS / 20);
    expect(stats.multiRuleConverted).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(NUM_RUNS / 20);
    expect(stats.byCode.get("prefix-semantics")).toBeGreaterThan(0);
    expect(stats.byCode.get("precedence")).toBeGreaterThan(0);
  });

  it("keeps routing exactly under the accepted path-segment reading of prefixes", () => {
    const stats = runProperty(true);
    expect(stats.converted).toBeGreaterThan(NUM_RUNS / 20);
    expect(stats.multiRuleConverted).toBeGreaterThan(0);
    expect(stats.byCode.get("precedence")).toBeGreaterThan(0);
  });

  it("keeps routing exactly for path-only VirtualServices (prefix/exact boundaries, segment reading)", () => {
    const stats = runProperty(true, arbPathScenario);
    expect(stats.converted).toBeGreaterThan(NUM_RUNS / 10);
    expect(stats.multiRuleConverted).toBeGreaterThan(NUM_RUNS / 20);
  });

  it("keeps routing exactly on a ServiceEntry host (ServiceEntry parentRef, Hostname backendRefs)", () => {
    const stats = runProperty(false, arbScenario, "ServiceEntry");
    expect(stats.converted).toBeGreaterThan(NUM_RUNS / 20);
    expect(stats.multiRuleConverted).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(NUM_RUNS / 20);
  });

  it("the evaluators disagree on the naive conversion of the §2 example (the oracle can see inversions)", () => {
    const vs = {
      spec: {
        http: [
          { match: [{ headers: { "end-user": { exact: "jason" } } }], route: [{ destination: { host: "reviews", subset: "v2" } }] },
          { match: [{ uri: { prefix: "/reviews/admin" } }], route: [{ destination: { host: "reviews", subset: "v3" } }] },
          { route: [{ destination: { host: "reviews", subset: "v1" } }] },
        ],
      },
    };
    const naive = {
      spec: {
        parentRefs: [{ group: "", kind: "Service", name: "reviews", port: 9080 }],
        rules: [
          { matches: [{ headers: [{ name: "end-user", value: "jason" }] }], backendRefs: [{ name: "reviews-v2", port: 9080 }] },
          { matches: [{ path: { type: "PathPrefix", value: "/reviews/admin" } }], backendRefs: [{ name: "reviews-v3", port: 9080 }] },
          { backendRefs: [{ name: "reviews-v1", port: 9080 }] },
        ],
      },
    };
    const env = { namespace: "default", services: [{ name: "reviews", ports: [{ port: 9080 }] }] };
    const req = { port: 9080, path: "/reviews/admin/1", method: "GET", headers: { "end-user": "jason" }, query: {} };
    expect(evaluateVirtualService(vs, req, env)).toBe("default/reviews-v2:9080=1/1");
    expect(evaluateHttpRoute(naive, req, env)).toBe("default/reviews-v3:9080=1/1");
  });
});
