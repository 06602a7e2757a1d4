/**
 * Waypoint identities: which SPIFFE principal a waypoint's traffic carries, and Istio's principal matching.
 *
 * Facts (see docs/rules/require-bypass-prevention.md):
 * - A waypoint's Deployment and ServiceAccount are named after its Gateway (waypoint classes set
 *   `DisableNameSuffix`), unless the Gateway is annotated `gateway.istio.io/service-account`
 *   (istio/istio `pilot/pkg/config/kube/gatewaycommon/deploymentcontroller.go`, `GetOrDefault(annotation, name)`).
 * - Its principal is `<trustDomain>/ns/<Gateway namespace>/sa/<service account>`
 *   (`cluster.local/ns/bookinfo/sa/waypoint` in istio.io "Migrate policies").
 * - Principal strings in AuthorizationPolicy rules match exactly, by prefix (`abc*`), by suffix (`*abc`), or by
 *   presence (`*`) (istio/api `security/v1beta1/authorization_policy.proto`, message `Rule`: "Any string field in
 *   the rule supports Exact, Prefix, Suffix and Presence match").
 *
 * Pure: no ESLint, no file system.
 */
import type { GatewayRecord, ResourceRecord, WaypointBinding } from "../index/types.js";
import type { RepoIndex } from "../index/repo-index.js";
import { USE_WAYPOINT, USE_WAYPOINT_NAMESPACE } from "../index/repo-index.js";
import { baseOf, sees } from "../index/scope.js";
import { waypointFor, type PluginSettings } from "../settings.js";
import { istioHas, USE_WAYPOINT_CANARY, USE_WAYPOINT_CANARY_NAMESPACE } from "../versions.js";

export const SERVICE_ACCOUNT_ANNOTATION = "gateway.istio.io/service-account";
/** `istio.io/waypoint-for` values that let Services use the waypoint (unset = `service`). */
const SERVES_SERVICES = new Set(["service", "all"]);

/** `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`. */
export function principalOf(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

export interface ParsedPrincipal {
  trustDomain: string;
  namespace: string;
  serviceAccount: string;
}

/** Splits `<td>/ns/<ns>/sa/<sa>`; null for anything else (wildcards included). */
export function parsePrincipal(principal: string): ParsedPrincipal | null {
  const m = /^([^/*]+)\/ns\/([^/*]+)\/sa\/([^/*]+)$/.exec(principal.trim());
  return m ? { trustDomain: m[1], namespace: m[2], serviceAccount: m[3] } : null;
}

/**
 * Istio's string match for principals: `*` matches any non-empty value, `prefix*` and `*suffix` match by
 * prefix and suffix, anything else must be equal.
 */
export function principalMatches(pattern: string, principal: string): boolean {
  if (pattern === "*") return principal.length > 0;
  if (pattern.length > 1 && pattern.endsWith("*")) return principal.startsWith(pattern.slice(0, -1));
  if (pattern.length > 1 && pattern.startsWith("*")) return principal.endsWith(pattern.slice(1));
  return pattern === principal;
}

/**
 * True when a `principals`/`notPrincipals` entry names one of the waypoint identities: equal, or a
 * prefix/suffix pattern matching it. The bare `*` (every authenticated caller) names no one in particular.
 */
export function namesWaypoint(entry: string, waypointPrincipals: Iterable<string>): boolean {
  if (entry === "*") return false;
  for (const p of waypointPrincipals) if (principalMatches(entry, p)) return true;
  return false;
}

/** The waypoint a Service uses, with the identity its traffic carries at the destination ztunnel. */
export interface WaypointIdentity {
  /** Gateway name. */
  name: string;
  /** Gateway namespace (undefined when unknown). */
  namespace: string | undefined;
  serviceAccount: string;
  /** `<td>/ns/<ns>/sa/<sa>`; undefined when the namespace is unknown. */
  principal: string | undefined;
  /** Where the identity comes from: a Gateway of the repository, a binding label only, or the `waypoint` setting. */
  source: "gateway" | "binding" | "setting";
}

/** The identity of a known waypoint Gateway. */
export function gatewayIdentity(gateway: Pick<GatewayRecord, "name" | "namespace" | "serviceAccount">, trustDomain: string, fallbackNamespace?: string): WaypointIdentity {
  const namespace = gateway.namespace ?? fallbackNamespace;
  const serviceAccount = gateway.serviceAccount || gateway.name;
  return {
    name: gateway.name,
    namespace,
    serviceAccount,
    principal: namespace ? principalOf(trustDomain, namespace, serviceAccount) : undefined,
    source: "gateway",
  };
}

/** True when a waypoint Gateway takes Service traffic (`istio.io/waypoint-for` unset, `service` or `all`). */
export function servesServices(gateway: Pick<GatewayRecord, "waypointFor"> | undefined): boolean {
  return !gateway || gateway.waypointFor === undefined || SERVES_SERVICES.has(gateway.waypointFor.trim());
}

/**
 * The waypoint identity of a Service, from its binding (`istio.io/use-waypoint` on the Service or its Namespace):
 * the bound Gateway's service account when the Gateway is known, else the Gateway name from the label. Without
 * a binding, `settingName` (the `waypoint` setting for the namespace) in the Service's namespace. Null when the
 * Service opted out (`none`), or its waypoint does not take Service traffic.
 */
export function serviceWaypointIdentity(
  binding: WaypointBinding | undefined,
  serviceNamespace: string | undefined,
  trustDomain: string,
  settingName: string,
): WaypointIdentity | null {
  if (binding?.optedOut) return null;
  if (binding && binding.name) {
    if (binding.gateway) {
      if (!servesServices(binding.gateway)) return null;
      return gatewayIdentity(binding.gateway, trustDomain, binding.namespace ?? serviceNamespace);
    }
    const namespace = binding.namespace ?? serviceNamespace;
    return {
      name: binding.name,
      namespace,
      serviceAccount: binding.name,
      principal: namespace ? principalOf(trustDomain, namespace, binding.name) : undefined,
      source: "binding",
    };
  }
  return {
    name: settingName,
    namespace: serviceNamespace,
    serviceAccount: settingName,
    principal: serviceNamespace ? principalOf(trustDomain, serviceNamespace, settingName) : undefined,
    source: "setting",
  };
}

/**
 * Principals that identify a waypoint for a policy in `namespace`: every waypoint Gateway of the repository
 * (its service account), the waypoints named by `istio.io/use-waypoint` labels (1.31+: also
 * `istio.io/use-waypoint-canary`) when their Gateway is not in the repository, and the `waypoint` setting when the namespace has no waypoint Gateway in the repository.
 */
export function knownWaypointPrincipals(repo: RepoIndex, settings: PluginSettings, namespace: string | undefined): string[] {
  // Once per index snapshot, settings and namespace: rules ask for every policy of every file.
  let bySettings = principalCache.get(repo);
  if (!bySettings) principalCache.set(repo, (bySettings = new WeakMap()));
  let byNamespace = bySettings.get(settings);
  if (!byNamespace) bySettings.set(settings, (byNamespace = new Map()));
  const key = namespace ?? "\0";
  let list = byNamespace.get(key);
  if (!list) byNamespace.set(key, (list = computeWaypointPrincipals(repo, settings, namespace)));
  return list;
}

const principalCache = new WeakMap<RepoIndex, WeakMap<PluginSettings, Map<string, string[]>>>();

const BINDING_LABELS = [USE_WAYPOINT, USE_WAYPOINT_CANARY];
const holdersCache = new WeakMap<RepoIndex, ResourceRecord[]>();
/**
 * The Namespaces, then the Services, of the whole repository that carry a waypoint binding label, once per index
 * snapshot (a unit's view keeps those it sees): few, where every Service and Namespace would be read per unit.
 */
function bindingHolders(repo: RepoIndex): ResourceRecord[] {
  const base = baseOf(repo);
  let list = holdersCache.get(base);
  if (!list) {
    list = [...base.byKind("Namespace", ""), ...base.byKind("Service", "")].filter((r) => BINDING_LABELS.some((l) => r.labels[l] !== undefined));
    holdersCache.set(base, list);
  }
  return list;
}

function computeWaypointPrincipals(repo: RepoIndex, settings: PluginSettings, namespace: string | undefined): string[] {
  const td = settings.trustDomain;
  const out = new Set<string>();
  const gateways = repo.waypoints();
  for (const g of gateways) {
    const p = gatewayIdentity(g, td, namespace).principal;
    if (p) out.add(p);
  }
  // Binding labels; from 1.31 the canary waypoint's too (its traffic arrives with its own identity).
  const labels = istioHas(settings.istioVersion, "useWaypointCanary")
    ? [
        [USE_WAYPOINT, USE_WAYPOINT_NAMESPACE],
        [USE_WAYPOINT_CANARY, USE_WAYPOINT_CANARY_NAMESPACE],
      ]
    : [[USE_WAYPOINT, USE_WAYPOINT_NAMESPACE]];
  for (const holder of bindingHolders(repo)) {
    if (!sees(repo, holder)) continue;
    for (const [nameLabel, namespaceLabel] of labels) {
      const value = holder.labels[nameLabel]?.trim();
      if (!value || value === "none") continue;
      const ns = holder.labels[namespaceLabel]?.trim() || (holder.kind === "Namespace" ? holder.name : holder.namespace);
      if (!ns || repo.waypoint(value, ns)) continue;
      out.add(principalOf(td, ns, value));
    }
  }
  if (namespace && !gateways.some((g) => g.namespace === namespace)) {
    out.add(principalOf(td, namespace, waypointFor(settings, namespace).name));
  }
  return [...out];
}
