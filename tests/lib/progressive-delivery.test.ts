import { describe, expect, it } from "vitest";
import { istioTrafficRouting } from "../../lib/istio/progressive-delivery.js";
import { sidecarEffects, sidecarSelector } from "../../lib/istio/sidecar-resource.js";

const canary = (spec: Record<string, unknown>) => ({ kind: "Canary", group: "flagger.app", value: { spec: { targetRef: { name: "podinfo" }, ...spec } } });
const rollout = (canarySpec: Record<string, unknown>) => ({ kind: "Rollout", group: "argoproj.io", value: { spec: { strategy: { canary: canarySpec } } } });

describe("istioTrafficRouting", () => {
  it("Flagger: provider istio, or Istio-only service fields; mesh unless gateways lack it", () => {
    expect(istioTrafficRouting(canary({ provider: "istio", service: { port: 80 } }))).toEqual({
      controller: "Flagger",
      path: ["spec", "provider"],
      services: ["podinfo"],
      virtualServices: ["podinfo"],
      mesh: true,
    });
    expect(istioTrafficRouting(canary({ service: { gateways: ["public-gateway"] } }))).toMatchObject({ path: ["spec", "service", "gateways"], mesh: false });
    expect(istioTrafficRouting(canary({ service: { gateways: ["public-gateway", "mesh"] } }))?.mesh).toBe(true);
    expect(istioTrafficRouting(canary({ service: { trafficPolicy: {} } }))?.path).toEqual(["spec", "service", "trafficPolicy"]);
    expect(istioTrafficRouting(canary({ provider: "gatewayapi:v1" }))).toBeNull();
    expect(istioTrafficRouting(canary({ service: { port: 80 } }))).toBeNull();
  });
  it("Argo Rollouts: trafficRouting.istio with one or several VirtualServices", () => {
    expect(
      istioTrafficRouting(rollout({ stableService: "s", canaryService: "c", trafficRouting: { istio: { virtualService: { name: "vs" } } } })),
    ).toEqual({ controller: "Argo Rollouts", path: ["spec", "strategy", "canary", "trafficRouting", "istio"], services: ["s", "c"], virtualServices: ["vs"], mesh: true });
    expect(istioTrafficRouting(rollout({ trafficRouting: { istio: { virtualServices: [{ name: "a" }, { name: "b" }] } } }))?.virtualServices).toEqual(["a", "b"]);
    expect(istioTrafficRouting(rollout({ trafficRouting: { plugins: { "argoproj-labs/gatewayAPI": {} } } }))).toBeNull();
    expect(istioTrafficRouting({ kind: "Rollout", group: "example.com", value: {} })).toBeNull();
  });
});

describe("Sidecar resource effects", () => {
  it("REGISTRY_ONLY first, then egress hosts, then ingress; other otherwise", () => {
    expect(sidecarEffects({ spec: { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" }, egress: [{ hosts: ["./*"] }] } }).map((e) => e.effect)).toEqual(["registryOnly", "egressHosts"]);
    expect(sidecarEffects({ spec: { ingress: [{ port: { number: 80 } }] } }).map((e) => e.effect)).toEqual(["ingress"]);
    expect(sidecarEffects({ spec: { outboundTrafficPolicy: { mode: "ALLOW_ANY" } } })).toEqual([{ effect: "other", path: ["spec"] }]);
  });
  it("workloadSelector labels, null when absent or empty", () => {
    expect(sidecarSelector({ spec: { workloadSelector: { labels: { app: "a" } } } })).toEqual({ app: "a" });
    expect(sidecarSelector({ spec: { workloadSelector: { labels: {} } } })).toBeNull();
    expect(sidecarSelector({ spec: {} })).toBeNull();
  });
});
