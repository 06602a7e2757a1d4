/**
 * Services and waypoint Gateways found among plain resources (the current file's, for single-file rules).
 */
import { GATEWAY_API_GROUP, asArray, isObject, type ResourceHeader, type PlainObject } from "./resource.js";
import { serviceSelector, type Labels } from "./selector.js";
import { isWaypointClass } from "../versions.js";

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

export interface ServiceInfo {
  name: string;
  namespace: string | undefined;
  selector: Labels | null;
  labels: Labels;
  ports: ServicePort[];
}

type Res = ResourceHeader & { value: PlainObject };

export function isService(r: ResourceHeader): boolean {
  return r.kind === "Service" && r.group === "";
}

/** One `spec.ports` entry; null when it has no numeric `port`. */
export function servicePort(p: unknown): ServicePort | null {
  if (!isObject(p) || typeof p.port !== "number" || !Number.isFinite(p.port)) return null;
  const port: ServicePort = { port: p.port };
  if (typeof p.name === "string") port.name = p.name;
  if (typeof p.targetPort === "number" || typeof p.targetPort === "string") port.targetPort = p.targetPort;
  if (typeof p.protocol === "string") port.protocol = p.protocol;
  if (typeof p.appProtocol === "string") port.appProtocol = p.appProtocol;
  return port;
}

export function servicePorts(spec: unknown): ServicePort[] {
  if (!isObject(spec)) return [];
  return asArray(spec.ports).flatMap((p) => {
    const port = servicePort(p);
    return port ? [port] : [];
  });
}

export function serviceInfo(r: Res): ServiceInfo | null {
  if (!isService(r) || !r.name) return null;
  const metadata = isObject(r.value.metadata) ? r.value.metadata : {};
  const labels = isObject(metadata.labels) ? (Object.fromEntries(Object.entries(metadata.labels).map(([k, v]) => [k, String(v)])) as Labels) : {};
  return { name: r.name, namespace: r.namespace, selector: serviceSelector(r.value.spec), labels, ports: servicePorts(r.value.spec) };
}

export function servicesIn(resources: readonly Res[]): ServiceInfo[] {
  return resources.flatMap((r) => {
    const s = serviceInfo(r);
    return s ? [s] : [];
  });
}

export { WAYPOINT_CLASS } from "../versions.js";

export interface WaypointInfo {
  name: string;
  namespace: string | undefined;
  serviceAccount: string;
  waypointFor: string;
  /** `spec.gatewayClassName` (one of the version's waypoint classes). */
  gatewayClassName: string;
}

/**
 * A Gateway API Gateway of a waypoint class in Istio `istioVersion` (`istio-waypoint`; 1.31+ also
 * `istio-agentgateway-waypoint`); its service account is the Gateway name unless annotated.
 */
export function waypointInfo(r: Res, istioVersion: string): WaypointInfo | null {
  if (r.kind !== "Gateway" || r.group !== GATEWAY_API_GROUP || !r.name) return null;
  const spec = isObject(r.value.spec) ? r.value.spec : {};
  if (!isWaypointClass(spec.gatewayClassName, istioVersion)) return null;
  const metadata = isObject(r.value.metadata) ? r.value.metadata : {};
  const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
  const labels = isObject(metadata.labels) ? metadata.labels : {};
  const sa = annotations["gateway.istio.io/service-account"];
  const waypointFor = labels["istio.io/waypoint-for"];
  return {
    name: r.name,
    namespace: r.namespace,
    serviceAccount: typeof sa === "string" && sa ? sa : r.name,
    waypointFor: typeof waypointFor === "string" ? waypointFor : "service",
    gatewayClassName: String(spec.gatewayClassName),
  };
}

export function waypointsIn(resources: readonly Res[], istioVersion: string): WaypointInfo[] {
  return resources.flatMap((r) => {
    const w = waypointInfo(r, istioVersion);
    return w ? [w] : [];
  });
}
