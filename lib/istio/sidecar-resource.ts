/**
 * What an Istio `Sidecar` resource configures, and therefore what silently stops when the pods it selects move to
 * ambient mode (ztunnel and waypoints do not read Sidecar resources: istioctl analyze IST0167 IneffectivePolicy).
 * Pure: plain values in.
 */
import { isObject, stringMap, type PlainObject } from "../k8s/resource.js";
import type { Path } from "../yaml/ast.js";

export type SidecarEffect =
  /** `outboundTrafficPolicy.mode: REGISTRY_ONLY`: calls to hosts outside the registry were blocked. */
  | "registryOnly"
  /** `egress[].hosts`: the hosts the pods could see (and so reach through the sidecar). */
  | "egressHosts"
  /** `ingress[]` listeners (ports, TLS, connection pools). */
  | "ingress"
  /** `inboundConnectionPool`, `outboundTrafficPolicy.egressProxy` and the rest. */
  | "other";

/** The effects of a Sidecar, most consequential first, each with the path to cite. */
export function sidecarEffects(sidecar: PlainObject): { effect: SidecarEffect; path: Path }[] {
  const spec = isObject(sidecar.spec) ? sidecar.spec : {};
  const out: { effect: SidecarEffect; path: Path }[] = [];
  const otp = spec.outboundTrafficPolicy;
  if (isObject(otp) && String(otp.mode ?? "").toUpperCase() === "REGISTRY_ONLY") out.push({ effect: "registryOnly", path: ["spec", "outboundTrafficPolicy", "mode"] });
  if (Array.isArray(spec.egress) && spec.egress.some((e) => isObject(e) && Array.isArray(e.hosts) && e.hosts.length)) out.push({ effect: "egressHosts", path: ["spec", "egress"] });
  if (Array.isArray(spec.ingress) && spec.ingress.length) out.push({ effect: "ingress", path: ["spec", "ingress"] });
  if (!out.length) out.push({ effect: "other", path: ["spec"] });
  return out;
}

/** `spec.workloadSelector.labels`, or null when the Sidecar has no selector (namespace-wide). */
export function sidecarSelector(sidecar: PlainObject): Record<string, string> | null {
  const spec = isObject(sidecar.spec) ? sidecar.spec : {};
  if (!isObject(spec.workloadSelector)) return null;
  const labels = stringMap(spec.workloadSelector.labels);
  return Object.keys(labels).length ? labels : null;
}
