/**
 * The shape Istio expects of a waypoint Gateway. Pure: plain values in.
 *
 * - Classes: `istio-waypoint` (controller istio.io/mesh-controller) and, from 1.31, `istio-agentgateway-waypoint`
 *   (`waypointClasses` in lib/versions.ts, the one table of version-gated facts).
 * - ztunnel reaches a waypoint over HBONE on port 15008 (pilot/pkg/serviceregistry/ambient/waypoints.go
 *   `getGatewayAddress` hard-codes `HboneMtlsPort: 15008`; `makeAllowedRoutes` looks for the listener
 *   `protocol: HBONE, port: 15008`); `istioctl waypoint generate` writes it as `{name: mesh, port: 15008, protocol: HBONE}`.
 * - `istio.io/waypoint-for` (Gateway, else GatewayClass; default `service`) takes `service`, `workload`, `all` or
 *   `none`; a Service binds only to `service`/`all`, a pod's own `istio.io/use-waypoint` only to `workload`/`all`
 *   (`fetchWaypointForService`, `fetchWaypointForWorkload`). Any other value serves nothing.
 */
import { asArray, isObject, type PlainObject } from "../k8s/resource.js";

export { isWaypointClass, waypointClasses } from "../versions.js";
export const WAYPOINT_FOR = "istio.io/waypoint-for";
export const WAYPOINT_FOR_VALUES = ["service", "workload", "all", "none"] as const;
export const HBONE_PORT = 15008;

/** The listener `istioctl waypoint generate` writes. */
export const HBONE_LISTENER = { name: "mesh", port: HBONE_PORT, protocol: "HBONE" } as const;

export type HboneListenerState =
  /** A listener `port: 15008, protocol: HBONE` exists. */
  | { type: "ok" }
  /** No listener on 15008: `listeners` is the new list with the HBONE listener appended (null when it cannot be added safely). */
  | { type: "missing"; listeners: unknown[] | null }
  /** A listener on 15008 with another protocol (index in `spec.listeners`). */
  | { type: "wrongProtocol"; index: number; protocol: string };

/** Whether a waypoint Gateway declares the HBONE listener, and what adding it would give. */
export function hboneListener(gateway: PlainObject): HboneListenerState {
  const spec = isObject(gateway.spec) ? gateway.spec : {};
  if (spec.listeners !== undefined && !Array.isArray(spec.listeners)) return { type: "ok" }; // not ours to judge
  const listeners = asArray(spec.listeners);
  let onPort = -1;
  for (let i = 0; i < listeners.length; i++) {
    const l = listeners[i];
    if (!isObject(l)) return { type: "ok" }; // a templated or odd entry: unknown
    if (Number(l.port) === HBONE_PORT) {
      if (l.protocol === "HBONE") return { type: "ok" };
      if (onPort < 0) onPort = i;
    }
  }
  if (onPort >= 0) {
    const l = listeners[onPort] as PlainObject;
    return { type: "wrongProtocol", index: onPort, protocol: String(l.protocol ?? "") };
  }
  const names = new Set(listeners.map((l) => (isObject(l) ? l.name : undefined)));
  const name = ["mesh", "hbone"].find((n) => !names.has(n));
  // Gateway API allows at most 64 listeners.
  if (!name || listeners.length >= 64) return { type: "missing", listeners: null };
  return { type: "missing", listeners: [...listeners, { ...HBONE_LISTENER, name }] };
}

export type WaypointForCheck = { valid: true } | { valid: false; value: string; suggestion: (typeof WAYPOINT_FOR_VALUES)[number] | undefined };

/** Validates a written `istio.io/waypoint-for` value; `suggestion` is the value it evidently meant (case, plural, spaces). */
export function checkWaypointFor(value: unknown): WaypointForCheck {
  const text = String(value);
  if ((WAYPOINT_FOR_VALUES as readonly string[]).includes(text)) return { valid: true };
  const norm = text.trim().toLowerCase();
  const suggestion = WAYPOINT_FOR_VALUES.find((v) => v === norm || `${v}s` === norm);
  return { valid: false, value: text, suggestion };
}

/** `istio.io/waypoint-for` values that take a pod's own `istio.io/use-waypoint`. */
export function servesWorkloads(waypointFor: string | undefined): boolean {
  const v = waypointFor?.trim();
  return v === "workload" || v === "all";
}

/** Labels Istio puts on waypoint pods (istio/api label/labels.yaml; `fetchWaypointForInstance` reads the first). */
export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
const LEGACY_GATEWAY_NAME_LABEL = "istio.io/gateway-name";
const MANAGED_LABEL = "gateway.istio.io/managed";
const MESH_CONTROLLER_LABEL_VALUE = "istio.io-mesh-controller";

/**
 * Does a workload selector pick waypoint pods? `gateway` is the waypoint named by the gateway-name label (one of
 * `waypointNames`), undefined when the selector picks every Istio waypoint of the namespace
 * (`gateway.istio.io/managed: istio.io-mesh-controller`). `key` is the selector label that says so. Waypoints never
 * use `selector` policies (pilot/pkg/model/policyattachment.go `ShouldAttachPolicy`: "waypoints never use
 * selector"; istioctl analyze IST0166, pkg/config/analysis/analyzers/k8sgateway/workloadselector.go).
 */
export function waypointPodSelector(labels: Readonly<Record<string, string>>, waypointNames: readonly string[]): { gateway: string | undefined; key: string } | null {
  for (const key of [GATEWAY_NAME_LABEL, LEGACY_GATEWAY_NAME_LABEL]) {
    const gw = labels[key];
    if (gw !== undefined && waypointNames.includes(gw)) return { gateway: gw, key };
  }
  if (labels[MANAGED_LABEL] === MESH_CONTROLLER_LABEL_VALUE) return { gateway: undefined, key: MANAGED_LABEL };
  return null;
}
