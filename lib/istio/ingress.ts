/**
 * Ingress gateways and their identities: the callers that reach destination pods directly, skipping the
 * Services' waypoints (unless `istio.io/ingress-use-waypoint: "true"`), so that the destination ztunnel sees the
 * gateway's own identity.
 *
 * Facts:
 * - A Gateway API Gateway of a non-waypoint class is deployed by istiod with a Deployment and ServiceAccount named
 *   `<gateway>-<gatewayClassName>` unless annotated `gateway.istio.io/service-account` (istio/istio
 *   `pilot/pkg/config/kube/gatewaycommon/deploymentcontroller.go`: `GetOrDefault(annotation, defaultName)`).
 * - Istio `Gateway`s run on gateway pods selected by labels (`istio: ingressgateway` for the default install);
 *   their identity is the pod's service account (the istio `gateway` Helm chart names it after the release;
 *   `istioctl` installs use `istio-ingressgateway-service-account` in `istio-system`).
 *
 * Pure: reads the repository index only.
 */
import { GATEWAY_API_GROUP } from "../k8s/resource.js";
import type { RepoIndex } from "../index/repo-index.js";
import type { ResourceRecord } from "../index/types.js";
import { isWaypointClass } from "../versions.js";
import { selectsGatewayPods } from "./authorization.js";
import { principalOf } from "./waypoint.js";
import { namesCaller, type Caller } from "./enforcement.js";

export interface IngressGateway {
  /** Gateway name, or the gateway workload's name. */
  name: string;
  namespace: string | undefined;
  serviceAccount: string;
  /** `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`; undefined when the namespace is unknown. */
  principal: string | undefined;
  source: "gateway-api" | "workload";
  record: ResourceRecord;
}

const SERVICE_ACCOUNT_ANNOTATION = "gateway.istio.io/service-account";

/** The ingress (and egress) gateways the repository shows: Gateway API Gateways of non-waypoint classes and gateway workloads. */
export function ingressGateways(repo: RepoIndex, trustDomain: string): IngressGateway[] {
  const version = repo.settings.istioVersion;
  const out: IngressGateway[] = [];
  for (const g of repo.byKind("Gateway", GATEWAY_API_GROUP)) {
    if (g.partial || !g.name) continue;
    const cls = g.gatewayClassName;
    if (!cls || isWaypointClass(cls, version)) continue;
    const sa = g.annotations[SERVICE_ACCOUNT_ANNOTATION] || `${g.name}-${cls}`;
    out.push({ name: g.name, namespace: g.namespace, serviceAccount: sa, principal: g.namespace ? principalOf(trustDomain, g.namespace, sa) : undefined, source: "gateway-api", record: g });
  }
  for (const w of repo.workloads()) {
    if (w.partial || !w.podLabels || !selectsGatewayPods(w.podLabels)) continue;
    // Waypoint deployments carry `gateway.networking.k8s.io/gateway-name` too: they are not ingress.
    const gwName = w.podLabels["gateway.networking.k8s.io/gateway-name"];
    if (gwName && repo.waypoint(gwName, w.namespace)) continue;
    const sa = w.serviceAccountName || "default";
    out.push({ name: w.name, namespace: w.namespace, serviceAccount: sa, principal: w.namespace ? principalOf(trustDomain, w.namespace, sa) : undefined, source: "workload", record: w });
  }
  return out;
}

/** The callers an ingress gateway stands for at the destination ztunnel. */
export function ingressCallers(gateways: readonly IngressGateway[]): Caller[] {
  return gateways.filter((g) => g.principal).map((g) => ({ principal: g.principal, namespace: g.namespace, serviceAccount: g.serviceAccount }));
}

/** Names that conventionally mean an ingress/egress gateway (`istio-ingressgateway`, `istio-ingress`, `*-gateway-istio`). */
const GATEWAY_NAME = /(^|[-_.])(ingress|egress|gateway|gw)([-_.]|$)|ingressgateway|istio-ingress/i;

/**
 * True when an identity condition value (a principal, namespace, or service account, as written in `field`) names an
 * ingress gateway: one of the repository's gateways, or a conventional gateway name (a service account or namespace
 * named like `istio-ingressgateway`, `istio-ingress`, `…-gateway`), or the root namespace where the default install
 * runs its ingress gateway. Waypoint identities are never ingress.
 */
export function namesIngress(field: string, value: string, gateways: readonly IngressGateway[], rootNamespace: string, waypoints: readonly Caller[] = []): boolean {
  if (value === "*") return false;
  if (waypoints.some((w) => namesCaller(field, value, w))) return false;
  if (ingressCallers(gateways).some((c) => namesCaller(field, value, c))) return true;
  const base = field.replace(/^not/, "").replace(" (notValues)", "").toLowerCase();
  if (base === "principals" || base === "source.principal") {
    const m = /\/ns\/([^/]*)\/sa\/([^/]*)$/.exec(value);
    if (!m) return GATEWAY_NAME.test(value) && !/waypoint/i.test(value);
    return !/waypoint/i.test(m[2]) && (GATEWAY_NAME.test(m[2]) || m[1] === rootNamespace || /ingress/i.test(m[1]));
  }
  if (base === "namespaces" || base === "source.namespace") return value === rootNamespace || /ingress|gateway/i.test(value);
  if (base === "serviceaccounts") return !/waypoint/i.test(value) && GATEWAY_NAME.test(value.split("/").pop() ?? value);
  return false;
}
