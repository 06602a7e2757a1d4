import { describe, expect, it } from "vitest";
import {
  injectionLabels,
  looksLikeGatewayPod,
  optedOutOfSidecar,
  podMeantAmbient,
  podMetadataPath,
  podSpecPath,
  sidecarAnnotationKind,
  valueAt,
} from "../../lib/istio/dataplane.js";

describe("injectionLabels", () => {
  it("istio-injection enabled and a non-empty istio.io/rev inject; disabled and empty do not", () => {
    expect(injectionLabels({ "istio-injection": "enabled", "istio.io/rev": "rapid" })).toEqual([
      { key: "istio-injection", value: "enabled" },
      { key: "istio.io/rev", value: "rapid" },
    ]);
    expect(injectionLabels({ "istio-injection": "disabled", "istio.io/rev": " " })).toEqual([]);
    expect(injectionLabels({})).toEqual([]);
  });
});

describe("podMeantAmbient", () => {
  it("namespace or pod label ambient; pod none wins", () => {
    expect(podMeantAmbient({ "istio.io/dataplane-mode": "ambient" }, {})).toBe(true);
    expect(podMeantAmbient(undefined, { "istio.io/dataplane-mode": "ambient" })).toBe(true);
    expect(podMeantAmbient({ "istio.io/dataplane-mode": "ambient" }, { "istio.io/dataplane-mode": "none" })).toBe(false);
    expect(podMeantAmbient({ "istio-injection": "enabled" }, {})).toBe(false);
    expect(podMeantAmbient(undefined, {})).toBe(false);
  });
});

describe("podMetadataPath", () => {
  it("knows the pod template of each workload kind, only in its API group", () => {
    expect(podMetadataPath("Pod", "")).toEqual(["metadata"]);
    expect(podMetadataPath("Deployment", "apps")).toEqual(["spec", "template", "metadata"]);
    expect(podMetadataPath("Rollout", "argoproj.io")).toEqual(["spec", "template", "metadata"]);
    expect(podMetadataPath("CronJob", "batch")).toEqual(["spec", "jobTemplate", "spec", "template", "metadata"]);
    expect(podMetadataPath("Deployment", "example.com")).toBeNull();
    expect(podMetadataPath("Service", "")).toBeNull();
    expect(podSpecPath(["spec", "template", "metadata"])).toEqual(["spec", "template", "spec"]);
  });
  it("valueAt walks objects and arrays, undefined on a miss", () => {
    expect(valueAt({ a: [{ b: 1 }] }, ["a", 0, "b"])).toBe(1);
    expect(valueAt({ a: 3 }, ["a", "b"])).toBeUndefined();
  });
});

describe("sidecarAnnotationKind", () => {
  it("classifies sidecar-only keys, exclude ports and inject true; keeps inject false and other keys", () => {
    expect(sidecarAnnotationKind("sidecar.istio.io/proxyCPU", "10m")).toBe("sidecarOnly");
    expect(sidecarAnnotationKind("proxy.istio.io/config", "x")).toBe("sidecarOnly");
    expect(sidecarAnnotationKind("traffic.sidecar.istio.io/includeOutboundIPRanges", "*")).toBe("sidecarOnly");
    expect(sidecarAnnotationKind("status.sidecar.istio.io/port", "0")).toBe("sidecarOnly");
    expect(sidecarAnnotationKind("readiness.status.sidecar.istio.io/applicationPorts", "")).toBe("sidecarOnly");
    expect(sidecarAnnotationKind("traffic.sidecar.istio.io/excludeInboundPorts", "9090")).toBe("excludePorts");
    expect(sidecarAnnotationKind("traffic.sidecar.istio.io/excludeOutboundPorts", "5432")).toBe("excludePorts");
    expect(sidecarAnnotationKind("sidecar.istio.io/inject", "true")).toBe("injectTrue");
    expect(sidecarAnnotationKind("sidecar.istio.io/inject", "false")).toBeNull();
    expect(sidecarAnnotationKind("ambient.istio.io/bypass-inbound-capture", "true")).toBeNull();
    expect(sidecarAnnotationKind("prometheus.io/scrape", "true")).toBeNull();
    expect(sidecarAnnotationKind("proxy.istio.io/overrides", "{}")).toBe("sidecarOnly");
    expect(sidecarAnnotationKind("sidecar.istio.io/status", "{}")).toBeNull();
  });
  it("optedOutOfSidecar reads the label and the annotation", () => {
    expect(optedOutOfSidecar({ "sidecar.istio.io/inject": "false" }, {})).toBe(true);
    expect(optedOutOfSidecar({}, { "sidecar.istio.io/inject": false })).toBe(true);
    expect(optedOutOfSidecar({}, { "sidecar.istio.io/inject": "true" })).toBe(false);
    expect(optedOutOfSidecar({}, {})).toBe(false);
  });
});

describe("looksLikeGatewayPod", () => {
  it("Istio and Gateway API gateway labels, app names ending in gateway; not ordinary apps", () => {
    expect(looksLikeGatewayPod({ istio: "ingressgateway" })).toBe(true);
    expect(looksLikeGatewayPod({ "gateway.networking.k8s.io/gateway-name": "waypoint" })).toBe(true);
    expect(looksLikeGatewayPod({ app: "asm-ingressgateway" })).toBe(true);
    expect(looksLikeGatewayPod({ app: "frontend", istio: "pilot" })).toBe(false);
  });
});
