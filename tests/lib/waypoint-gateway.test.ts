import { describe, expect, it } from "vitest";
import { checkWaypointFor, hboneListener, isWaypointClass, servesWorkloads, waypointPodSelector } from "../../lib/istio/waypoint-gateway.js";

const gw = (listeners: unknown) => ({ spec: { gatewayClassName: "istio-waypoint", listeners } });

describe("hboneListener", () => {
  it("ok with the HBONE listener", () => {
    expect(hboneListener(gw([{ name: "mesh", port: 15008, protocol: "HBONE" }]))).toEqual({ type: "ok" });
  });
  it("missing: appends mesh, or hbone when mesh is taken, or nothing when both are", () => {
    expect(hboneListener({ spec: {} })).toEqual({ type: "missing", listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }] });
    expect(hboneListener(gw([{ name: "mesh", port: 1234, protocol: "HTTP" }]))).toEqual({
      type: "missing",
      listeners: [{ name: "mesh", port: 1234, protocol: "HTTP" }, { name: "hbone", port: 15008, protocol: "HBONE" }],
    });
    expect(hboneListener(gw([{ name: "mesh", port: 1 }, { name: "hbone", port: 2 }]))).toEqual({ type: "missing", listeners: null });
  });
  it("wrong protocol on 15008; odd shapes are not judged", () => {
    expect(hboneListener(gw([{ name: "a", port: 80 }, { name: "b", port: "15008", protocol: "TCP" }]))).toEqual({ type: "wrongProtocol", index: 1, protocol: "TCP" });
    expect(hboneListener(gw(3))).toEqual({ type: "ok" });
    expect(hboneListener(gw(["{{ .Values.listener }}"]))).toEqual({ type: "ok" });
  });
});

describe("waypoint-for", () => {
  it("accepts the four values exactly; suggests the evident one", () => {
    for (const v of ["service", "workload", "all", "none"]) expect(checkWaypointFor(v)).toEqual({ valid: true });
    expect(checkWaypointFor("Services")).toEqual({ valid: false, value: "Services", suggestion: "service" });
    expect(checkWaypointFor("ingress")).toEqual({ valid: false, value: "ingress", suggestion: undefined });
  });
  it("classes and workload traffic", () => {
    expect(isWaypointClass("istio-waypoint", "1.30")).toBe(true);
    // istio-agentgateway-waypoint is a waypoint class from 1.31 on (lib/versions.ts).
    expect(isWaypointClass("istio-agentgateway-waypoint", "1.31")).toBe(true);
    expect(isWaypointClass("istio-agentgateway-waypoint", "1.30")).toBe(false);
    expect(isWaypointClass("istio", "1.31")).toBe(false);
    expect(servesWorkloads("workload")).toBe(true);
    expect(servesWorkloads("all")).toBe(true);
    expect(servesWorkloads(undefined)).toBe(false);
    expect(servesWorkloads("service")).toBe(false);
  });
});

describe("waypointPodSelector (IST0166: waypoints never use selector policies)", () => {
  it("the gateway-name label naming a known waypoint, or every Istio waypoint by the managed label", () => {
    expect(waypointPodSelector({ "gateway.networking.k8s.io/gateway-name": "waypoint" }, ["waypoint"])).toEqual({ gateway: "waypoint", key: "gateway.networking.k8s.io/gateway-name" });
    expect(waypointPodSelector({ "istio.io/gateway-name": "waypoint" }, ["waypoint"])).toEqual({ gateway: "waypoint", key: "istio.io/gateway-name" });
    expect(waypointPodSelector({ "gateway.istio.io/managed": "istio.io-mesh-controller" }, [])).toEqual({ gateway: undefined, key: "gateway.istio.io/managed" });
  });
  it("another Gateway's pods (an ingress gateway) or ordinary pods: not a waypoint", () => {
    expect(waypointPodSelector({ "gateway.networking.k8s.io/gateway-name": "bookinfo-gateway" }, ["waypoint"])).toBeNull();
    expect(waypointPodSelector({ app: "reviews" }, ["waypoint"])).toBeNull();
  });
});
