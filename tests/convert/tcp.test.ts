/**
 * tcp-only mesh VirtualServices → TCPRoute (lib/convert/virtualservice-to-httproute/tcp.ts): cases, and a
 * property test. A TCPRoute has one rule and no matches, so its behaviour for a connection to port P is that of an
 * HTTPRoute with one catch-all rule and the same parentRefs and backendRefs; the VirtualService's tcp routes pick
 * the first route whose port match holds, as http routes with only port matches do. Both sides are evaluated with
 * the route evaluators of the property tests.
 */
import fc from "fast-check";
import { TCPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1alpha2/TCPRoute";
import { describe, expect, it } from "vitest";
import { convertVirtualService, PROBLEM_CODES, unconvertibleFeatures, type ConvertContext, type ConvertResult } from "../../lib/convert/virtualservice-to-httproute.js";
import { getIn } from "./helpers.js";
import { evaluateHttpRoute, evaluateVirtualService } from "./route-evaluators.js";

const services = (ports: number[]) => [{ name: "mongo", namespace: "prod", selector: { app: "mongo" }, ports: ports.map((port) => ({ name: `tcp-${port}`, port })) }];
const ctx = (ports = [27017], extra: Partial<ConvertContext> = {}): ConvertContext => ({
  services: services(ports),
  subsets: ["v1", "v2"].map((v) => ({ host: "mongo", name: v, namespace: "prod", labels: { version: v } })),
  ...extra,
});
const vsWith = (tcp: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: "networking.istio.io/v1",
  kind: "VirtualService",
  metadata: { name: "mongo", namespace: "prod" },
  spec: { hosts: ["mongo"], tcp, ...extra },
});
const tcpRoute = (res: ConvertResult) => res.result?.tcpRoutes?.[0] as Record<string, any>;
/** Schema validation (the models package has the v1alpha2 schema, whose spec v1 keeps) plus the v1 rule limit. */
function validTcpRoute(route: Record<string, any>): void {
  new TCPRoute({ ...route, apiVersion: "gateway.networking.k8s.io/v1alpha2" } as never).validate();
  expect(route.spec.rules).toHaveLength(1);
}

describe("tcp-only VirtualService → TCPRoute", () => {
  it("one route: a v1 TCPRoute on the Service's port, the subset through a version Service", () => {
    const res = convertVirtualService(vsWith([{ route: [{ destination: { host: "mongo", subset: "v1" } }] }]), ctx());
    expect(res.problems).toEqual([]);
    expect(res.result!.httpRoutes).toEqual([]);
    expect(tcpRoute(res)).toEqual({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "TCPRoute",
      metadata: { name: "mongo", namespace: "prod" },
      spec: { parentRefs: [{ group: "", kind: "Service", name: "mongo", port: 27017 }], rules: [{ backendRefs: [{ name: "mongo-v1", port: 27017 }] }] },
    });
    expect(res.result!.versionServices).toHaveLength(1);
    validTcpRoute(tcpRoute(res));
  });

  it("a port match is the parentRef port; weights and another namespace's destination are kept (ingress2gateway's fixture shape)", () => {
    const vs = vsWith([
      {
        match: [{ port: 27017 }],
        route: [
          { destination: { host: "mongo.backup.svc.cluster.local", port: { number: 5555 } }, weight: 80 },
          { destination: { host: "mongo", subset: "v2", port: { number: 27017 } }, weight: 20 },
        ],
      },
    ]);
    const res = convertVirtualService(vs, ctx([27017, 27018]));
    expect(res.problems).toEqual([]);
    expect(tcpRoute(res).spec).toEqual({
      parentRefs: [{ group: "", kind: "Service", name: "mongo", port: 27017 }],
      rules: [{ backendRefs: [{ name: "mongo", namespace: "backup", port: 5555, weight: 80 }, { name: "mongo-v2", port: 27017, weight: 20 }] }],
    });
  });

  it("experimental channel before v1.6 writes v1alpha2; a standard release before v1.6 has no TCPRoute (reported at `tcp`)", () => {
    const vs = vsWith([{ route: [{ destination: { host: "mongo" } }] }]);
    expect(tcpRoute(convertVirtualService(vs, ctx([27017], { gatewayApi: { channel: "experimental", version: "1.3" } }))).apiVersion).toBe("gateway.networking.k8s.io/v1alpha2");
    const old = { gatewayApi: { channel: "standard" as const, version: "1.5" } };
    const res = convertVirtualService(vs, ctx([27017], old));
    expect(res.result).toBeNull();
    expect(res.problems.map((p) => [p.code, p.path.join(".")])).toEqual([["unsupported-in-channel", "spec.tcp"]]);
    expect(unconvertibleFeatures(vs, old).map((p) => p.code)).toEqual(["unsupported-in-channel"]);
    expect(unconvertibleFeatures(vs)).toEqual([]);
  });

  it("what a TCPRoute cannot select is reported at its key, as features without equivalent", () => {
    const vs = vsWith([{ match: [{ port: 27017, sourceLabels: { app: "a" }, destinationSubnets: ["10.0.0.0/8"] }], route: [{ destination: { host: "mongo" } }] }]);
    expect(unconvertibleFeatures(vs).map((p) => [p.code, p.path.join(".")])).toEqual([
      ["source-labels", "spec.tcp.0.match.0.sourceLabels"],
      ["tcp-match", "spec.tcp.0.match.0.destinationSubnets"],
    ]);
    expect(convertVirtualService(vs, ctx()).result).toBeNull();
  });

  it("routes per port need one rule each, which a TCPRoute cannot hold: refused, pointing at the tcp routes", () => {
    const vs = vsWith([
      { match: [{ port: 27017 }], route: [{ destination: { host: "mongo", subset: "v1" } }] },
      { match: [{ port: 27018 }], route: [{ destination: { host: "mongo", subset: "v2" } }] },
    ]);
    const res = convertVirtualService(vs, ctx([27017, 27018]));
    expect(res.result).toBeNull();
    // the http conversion refuses mixed ports first; its message speaks of the tcp routes
    expect(res.problems.every((p) => p.path[1] === "tcp" && !/http\[/.test(p.message))).toBe(true);
  });

  it("http and tcp routes in one VirtualService: refused (two route kinds), not reported as a feature", () => {
    const vs = vsWith([{ route: [{ destination: { host: "mongo" } }] }], { http: [{ route: [{ destination: { host: "mongo" } }] }] });
    const res = convertVirtualService(vs, ctx());
    expect(res.problems.map((p) => p.code)).toContain("tcp-routes");
    expect(unconvertibleFeatures(vs).map((p) => p.code)).not.toContain("tcp-routes");
  });
});

const codes = new Set<string>(PROBLEM_CODES);
const arbDest = fc.record(
  { host: fc.constantFrom("mongo", "mongo.backup.svc.cluster.local"), subset: fc.constantFrom("v1", "v2"), port: fc.constantFrom(27017, 27018).map((n) => ({ number: n })) },
  { requiredKeys: ["host"] },
).map((d) => (d.host !== "mongo" ? { host: d.host, port: d.port ?? { number: 27017 } } : d));
const arbTcpRule = fc.record(
  {
    match: fc.array(fc.record({ port: fc.constantFrom(27017, 27018) }, { requiredKeys: [] }), { minLength: 1, maxLength: 2 }),
    route: fc.array(fc.record({ destination: arbDest, weight: fc.integer({ min: 0, max: 10 }) }, { requiredKeys: ["destination"] }), { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: ["route"] },
);

describe("TCPRoute property", () => {
  it("for every Service port, the TCPRoute sends connections where the tcp routes do", () => {
    let converted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(arbTcpRule, { minLength: 1, maxLength: 3 }), fc.constantFrom<number[]>([27017], [27017, 27018]), (tcp, ports) => {
        const vs = vsWith(tcp);
        const res = convertVirtualService(vs, ctx(ports));
        if (!res.result) {
          refused++;
          for (const p of res.problems) {
            expect(codes.has(p.code), p.code).toBe(true);
            expect(getIn(vs, p.path), `${p.code} at ${p.path.join(".")}`).not.toBeUndefined();
          }
          return;
        }
        converted++;
        const route = tcpRoute(res);
        validTcpRoute(route);
        const asHttpRoute = { spec: { parentRefs: route.spec.parentRefs, rules: [{ backendRefs: route.spec.rules[0].backendRefs }] } };
        const asHttpVs = { ...vs, spec: { hosts: vs.spec.hosts, http: tcp } };
        const env = { namespace: "prod", services: [...services(ports), { name: "mongo", namespace: "backup", ports: [{ port: 5555 }, { port: 27017 }, { port: 27018 }] }] };
        for (const port of ports) {
          const req = { port, path: "/", method: "GET", headers: {}, query: {} };
          expect(evaluateHttpRoute(asHttpRoute, req, env), `port ${port}: ${JSON.stringify(route)}`).toBe(evaluateVirtualService(asHttpVs, req, env));
        }
      }),
      { numRuns: 300 },
    );
    expect(converted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });
});
