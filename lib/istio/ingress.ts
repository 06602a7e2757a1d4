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
import { GATEWAY_API_GROUP, isIstioGroup } from "../k8s/resource.js";
import { selectorMatches } from "../k8s/selector.js";
import { hostNamesService, namespacesMatch } from "../k8s/hosts.js";
import type { RepoIndex } from "../index/repo-index.js";
import { baseOf, sees } from "../index/scope.js";
import type { ResourceRecord } from "../index/types.js";
import { isWaypointClass } from "../versions.js";
import { selectsGatewayPods } from "./authorization.js";
import { principalOf } from "./waypoint.js";
import { labelsKnown } from "./waypoint-binding.js";
import { INGRESS_USE_WAYPOINT, namesCaller, type Caller, type Tri } from "./enforcement.js";

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

/** The records `ingressGateways` reads, once per index snapshot (unit views filter them): few in any repository. */
const gatewayCandidates = new WeakMap<RepoIndex, { gateways: ResourceRecord[]; workloads: ResourceRecord[] }>();
function gatewayRecords(repo: RepoIndex): { gateways: ResourceRecord[]; workloads: ResourceRecord[] } {
  const base = baseOf(repo);
  let c = gatewayCandidates.get(base);
  if (!c) {
    const version = base.settings.istioVersion;
    c = {
      gateways: base.byKind("Gateway", GATEWAY_API_GROUP).filter((g) => !g.partial && g.name && g.gatewayClassName && !isWaypointClass(g.gatewayClassName, version)),
      workloads: base.workloads().filter((w) => !w.partial && w.podLabels && selectsGatewayPods(w.podLabels)),
    };
    gatewayCandidates.set(base, c);
  }
  return c;
}

const ingressGatewayMemo = new WeakMap<RepoIndex, Map<string, IngressGateway[]>>();

/**
 * The ingress (and egress) gateways the repository shows: Gateway API Gateways of non-waypoint classes and gateway
 * workloads. Made once per index (or unit view) and trust domain: callers do not change the list.
 */
export function ingressGateways(repo: RepoIndex, trustDomain: string): IngressGateway[] {
  let byDomain = ingressGatewayMemo.get(repo);
  if (!byDomain) ingressGatewayMemo.set(repo, (byDomain = new Map()));
  let out = byDomain.get(trustDomain);
  if (!out) byDomain.set(trustDomain, (out = makeIngressGateways(repo, trustDomain)));
  return out;
}

function makeIngressGateways(repo: RepoIndex, trustDomain: string): IngressGateway[] {
  const out: IngressGateway[] = [];
  const candidates = gatewayRecords(repo);
  for (const g of candidates.gateways) {
    if (!sees(repo, g)) continue;
    const cls = g.gatewayClassName!;
    const sa = g.annotations[SERVICE_ACCOUNT_ANNOTATION] || `${g.name}-${cls}`;
    out.push({ name: g.name, namespace: g.namespace, serviceAccount: sa, principal: g.namespace ? principalOf(trustDomain, g.namespace, sa) : undefined, source: "gateway-api", record: g });
  }
  for (const w of candidates.workloads) {
    if (!sees(repo, w) || !w.podLabels) continue;
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

// ---------------------------------------------------------------------------------------------------------
// Ingress routes to a Service.

/** A route that sends ingress traffic from a gateway straight to a Service's pods (unless the Service opts in). */
export interface IngressRoute {
  /** The VirtualService or Gateway API route (HTTPRoute, GRPCRoute, TCPRoute, TLSRoute). */
  route: ResourceRecord;
  /** The Istio `Gateway` or Gateway API Gateway (non-waypoint class) the route is bound to. */
  gateway: ResourceRecord;
  /** Who the gateway's traffic is at the destination ztunnel (its pods' service accounts); [] when unknown. */
  identities: IngressGateway[];
}

const GATEWAY_ROUTE_KINDS = new Set(["HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute"]);
/** East-west gateways always send to the waypoint (`findServiceWaypoint`: `isEastWestGateway`): they are no ingress bypass. */
const EAST_WEST_CLASS = "istio-east-west";

/** `<ns>/<name>` or `<name>` (in `namespace`) of a VirtualService `gateways` entry; null for `mesh`. */
function gatewayRefOf(entry: string, namespace: string | undefined): { name: string; namespace: string | undefined } | null {
  const value = entry.trim();
  if (!value || value === "mesh") return null;
  const slash = value.indexOf("/");
  return slash < 0 ? { name: value, namespace } : { name: value.slice(slash + 1), namespace: value.slice(0, slash) || namespace };
}

/**
 * The identities of an Istio `Gateway`'s pods: the repository's workloads (of any namespace) whose pod labels its
 * `selector` matches (istiod applies a Gateway to every gateway proxy it selects unless PILOT_SCOPE_GATEWAY_TO_NAMESPACE).
 */
function istioGatewayIdentities(repo: RepoIndex, gateway: ResourceRecord, trustDomain: string): IngressGateway[] {
  const selector = gateway.selector;
  if (!selector || !Object.keys(selector).length) return [];
  const out: IngressGateway[] = [];
  for (const w of repo.workloads()) {
    if (w.partial || !w.podLabels || !selectorMatches(selector, w.podLabels)) continue;
    const sa = w.serviceAccountName || "default";
    out.push({ name: w.name, namespace: w.namespace, serviceAccount: sa, principal: w.namespace ? principalOf(trustDomain, w.namespace, sa) : undefined, source: "workload", record: w });
  }
  return out;
}

interface Candidates {
  istioGateways: ResourceRecord[];
  /** VirtualServices bound to some gateway other than `mesh`. */
  virtualServices: ResourceRecord[];
  /** Gateway API routes with a Gateway parentRef. */
  gatewayRoutes: ResourceRecord[];
}

/** The records ingress routes are made of, once per index (or unit view) snapshot. */
const candidateCache = new WeakMap<RepoIndex, Candidates>();
function candidates(repo: RepoIndex): Candidates {
  let c = candidateCache.get(repo);
  if (c) return c;
  const isGatewayParent = (p: { kind?: string; group?: string }) => (p.kind ?? "Gateway") === "Gateway" && (p.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP;
  c = {
    istioGateways: repo.byKind("Gateway").filter((g) => isIstioGroup(g.group) && !g.partial && g.name),
    virtualServices: repo
      .byKind("VirtualService")
      .filter((vs) => isIstioGroup(vs.group) && !vs.partial && (vs.gateways ?? []).some((g) => gatewayRefOf(g, vs.namespace) !== null)),
    gatewayRoutes: [...GATEWAY_ROUTE_KINDS]
      .flatMap((kind) => repo.byKind(kind, GATEWAY_API_GROUP))
      .filter((r) => !r.partial && (r.parentRefs ?? []).some(isGatewayParent)),
  };
  candidateCache.set(repo, c);
  return c;
}

/**
 * The ingress routes that reach Service `name` in `namespace`:
 * - a VirtualService bound to an Istio `Gateway` of the repository (`spec.gateways`, `mesh` aside) with a route
 *   or mirror destination naming the Service;
 * - a Gateway API route whose parentRef is a Gateway of the repository of a non-waypoint class (nor
 *   `istio-east-west`, which always uses the waypoint) and whose backendRef is the Service.
 * Gateways the repository does not hold (installed by a Helm chart, say) are not known: their routes are not listed.
 */
export function ingressRoutesTo(repo: RepoIndex, service: { name: string; namespace: string | undefined }, trustDomain: string): IngressRoute[] {
  const out: IngressRoute[] = [];
  const version = repo.settings.istioVersion;
  const { istioGateways, virtualServices, gatewayRoutes } = candidates(repo);
  for (const vs of virtualServices) {
    if (!(vs.destinationHosts ?? []).some((h) => hostNamesService(h, vs.namespace, service.name, service.namespace))) continue;
    for (const entry of vs.gateways ?? []) {
      const ref = gatewayRefOf(entry, vs.namespace);
      if (!ref) continue;
      const gateway = istioGateways.find((g) => g.name === ref.name && namespacesMatch(g.namespace, ref.namespace));
      if (gateway && !out.some((r) => r.route === vs && r.gateway === gateway)) {
        out.push({ route: vs, gateway, identities: istioGatewayIdentities(repo, gateway, trustDomain) });
      }
    }
  }
  let apiGateways: IngressGateway[] | undefined;
  for (const route of gatewayRoutes) {
    const backend = (route.backendRefs ?? []).some(
      (b) =>
        (b.kind ?? "Service") === "Service" &&
        (b.group === undefined || b.group === "" || b.group === "core") &&
        b.name === service.name &&
        namespacesMatch(b.namespace ?? route.namespace, service.namespace),
    );
    if (!backend) continue;
    for (const p of route.parentRefs ?? []) {
      if ((p.kind ?? "Gateway") !== "Gateway" || (p.group ?? GATEWAY_API_GROUP) !== GATEWAY_API_GROUP) continue;
      const gateway = repo
        .byKind("Gateway", GATEWAY_API_GROUP)
        .find((g) => !g.partial && g.name === p.name && namespacesMatch(g.namespace, p.namespace ?? route.namespace));
      if (!gateway || !gateway.gatewayClassName || isWaypointClass(gateway.gatewayClassName, version) || gateway.gatewayClassName === EAST_WEST_CLASS) continue;
      if (out.some((r) => r.route === route && r.gateway === gateway)) continue;
      apiGateways ??= ingressGateways(repo, trustDomain).filter((g) => g.source === "gateway-api");
      out.push({ route, gateway, identities: apiGateways.filter((g) => g.record === gateway) });
    }
  }
  return out;
}

/**
 * Whether ingress gateways send to the Service through its waypoint: `istio.io/ingress-use-waypoint` on the Service
 * when present (its value decides, `true` case-insensitively), else on its Namespace (istio/istio
 * `pilot/pkg/serviceregistry/kube/controller/ambient` `ingressUseWaypoint`; `LocalNamespacesInfo`). `"unknown"`
 * when the Service has no label and its Namespace is not in the repository (or its labels are not known).
 * `holder` is the record whose label decides.
 */
export function ingressUseWaypoint(repo: RepoIndex, service: ResourceRecord): { value: Tri; holder?: ResourceRecord } {
  const own = service.labels[INGRESS_USE_WAYPOINT];
  if (own !== undefined) return { value: own.trim().toLowerCase() === "true", holder: service };
  if (service.assumed || service.namespace === undefined) return { value: "unknown" };
  const ns = repo.byKind("Namespace", "").find((r) => r.name === service.namespace && !r.partial && !r.assumed);
  const record = ns ?? repo.namespaceRecord(service.namespace);
  if (!record || record.partial || (record.assumed && !labelsKnown(repo.settings, record))) return { value: "unknown" };
  const label = record.labels[INGRESS_USE_WAYPOINT];
  return label === undefined ? { value: false } : { value: label.trim().toLowerCase() === "true", holder: record };
}
