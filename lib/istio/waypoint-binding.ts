/**
 * Whether a Service (or ServiceEntry) of the repository is served by a waypoint, as istiod decides it —
 * and, unlike `RepoIndex.waypointBinding`, whether the repository can know at all. Pure of ESLint: reads the
 * repository index only.
 *
 * istiod (pilot/pkg/serviceregistry/ambient/waypoints.go `fetchWaypointForTarget`, `fetchWaypointForService`,
 * `getUseWaypoint`; the same logic is copied into kgateway's agentgateway syncer):
 * - the object's own `istio.io/use-waypoint` label wins; `none` opts out; `istio.io/use-waypoint-namespace` on
 *   the same object names the waypoint's namespace. A label naming a missing waypoint gives no waypoint — there
 *   is no fall back to the Namespace's label;
 * - otherwise the Namespace's `istio.io/use-waypoint` (and its `use-waypoint-namespace`);
 * - the waypoint must admit the labelled object's namespace (`AllowsAttachmentFromNamespace[OrLookup]`): its
 *   HBONE listener (port 15008; the listener named by `ambient.istio.io/waypoint-inbound-binding` when set)
 *   decides by `allowedRoutes.namespaces` (`makeAllowedRoutes`, `makeWaypointSelector`): `All`; `Selector`
 *   (against the Namespace's labels, `kubernetes.io/metadata.name` included); `Same` — the default, also with no
 *   `allowedRoutes` or no such listener — only the waypoint's own namespace. Otherwise: no waypoint
 *   (`ReportWaypointAttachmentDenied`), again with no fall back to the Namespace's label;
 * - a Service binds only to a waypoint whose `istio.io/waypoint-for` is `service` (the default) or `all`;
 *   `workload` and `none` give no waypoint ("traffic type … not supported").
 * - 1.31+ (`useWaypointCanary` in lib/versions.ts): `istio.io/use-waypoint-canary` (and
 *   `istio.io/use-waypoint-canary-namespace`) name a second waypoint, taken from the level (object or Namespace)
 *   the primary came from; it must pass the same checks, else istiod reports it and keeps the primary only
 *   (`getUseWaypointCanary`, `buildWeightedWaypoints`, `resolveCanaryWaypoint`).
 * pilot/pkg/serviceregistry/ambient/policies.go `WaypointPolicyStatusCollection`: a targetRefs
 * AuthorizationPolicy on such a Service gets WaypointAccepted=False, reason AncestorNotBound,
 * "Service ns/name is not bound to a waypoint".
 *
 * "Unknown" covers what the repository cannot tell: the Service or its Namespace is not in the repository
 * (or an `assumeExists` entry without `labels`), the namespace is unknown, or a Kustomize patch sets the label.
 */
import { GATEWAY_API_GROUP, isIstioGroup } from "../k8s/resource.js";
import { namespacesMatch } from "../k8s/hosts.js";
import type { Labels } from "../k8s/selector.js";
import { globMatch, USE_WAYPOINT, USE_WAYPOINT_NAMESPACE, type GatewayRecord, type RepoIndex, type ResourceRecord } from "../index/index.js";
import type { AllowedNamespaces } from "../index/types.js";
import type { PluginSettings } from "../settings.js";
import { istioHas, USE_WAYPOINT_CANARY, USE_WAYPOINT_CANARY_NAMESPACE } from "../versions.js";

export type BindingState =
  /** The repository cannot tell (see module doc). */
  | { type: "unknown" }
  /** Neither the Service nor its Namespace (`namespace`, in the repository) carries `istio.io/use-waypoint`. */
  | { type: "unbound"; namespace: ResourceRecord }
  /** `istio.io/use-waypoint: none` on the Service or its Namespace. */
  | { type: "optedOut"; holder: ResourceRecord; source: "service" | "namespace" }
  /** The label names a Gateway that is neither in the repository nor assumed. */
  | { type: "dangling"; holder: ResourceRecord; source: "service" | "namespace"; name: string; namespace: string | undefined }
  /** The waypoint's listener `allowedRoutes` does not admit the labelled object's namespace (`from`: Same, Selector). */
  | { type: "notAllowed"; holder: ResourceRecord; source: "service" | "namespace"; gateway: GatewayRecord; namespace: string; from: string }
  /** The label names a waypoint whose `istio.io/waypoint-for` does not serve Services. */
  | { type: "wrongType"; holder: ResourceRecord; source: "service" | "namespace"; gateway: GatewayRecord; waypointFor: string }
  /** Served by this waypoint. */
  | { type: "bound"; holder: ResourceRecord; source: "service" | "namespace"; gateway: GatewayRecord };

/** `istio.io/waypoint-for` values that serve Service traffic (the default is `service`). */
export function servesServices(gateway: Pick<GatewayRecord, "waypointFor">): boolean {
  const v = gateway.waypointFor?.trim();
  return v === undefined || v === "" || v === "service" || v === "all";
}

/**
 * True when two instances are applied together: the same deployment unit (or either has none: a patch, an
 * `assumeExists` entry, a file outside the index). Conflicts between two objects need this evidence.
 */
export function sameUnit(a: ResourceRecord | undefined, b: ResourceRecord | undefined): boolean {
  if (!a || !b || a.unit === undefined || b.unit === undefined) return true;
  return a.unit === b.unit;
}

/**
 * True when the labels of a record are known: repository records always; an `assumeExists` pseudo-record
 * only when its entry declares `labels` (`labels: {}` declares that it has none).
 */
export function labelsKnown(settings: PluginSettings, record: ResourceRecord): boolean {
  if (!record.assumed) return true;
  return settings.assumeExists.some((entry) => {
    const extra = entry as unknown as Record<string, unknown>;
    if (entry.kind !== record.kind || !globMatch(entry.name, record.name)) return false;
    if (entry.namespace !== undefined && record.namespace !== undefined && !globMatch(entry.namespace, record.namespace)) return false;
    return typeof extra.labels === "object" && extra.labels !== null;
  });
}

/** Gateway API Gateways (any class) named `name` in `namespace` (repository, patches included, or assumed). */
export function anyGatewayNamed(repo: RepoIndex, name: string, namespace: string | undefined): boolean {
  return (
    repo.byKind("Gateway", GATEWAY_API_GROUP).some((g) => g.name === name && namespacesMatch(g.namespace, namespace)) ||
    !!repo.assumed("Gateway", name, namespace)
  );
}

/** The waypoint a `use-waypoint` label on `holder` resolves to (`namespace` = the labelled object's namespace). */
export function resolveLabel(
  repo: RepoIndex,
  holder: ResourceRecord,
  namespace: string | undefined,
  source: "service" | "namespace",
  labels: { name: string; namespace: string } = PRIMARY_LABELS,
): BindingState {
  const value = holder.labels[labels.name]?.trim() ?? "";
  if (value === "none") return { type: "optedOut", holder, source };
  const wns = holder.labels[labels.namespace]?.trim() || namespace;
  const gateway = repo.waypoint(value, wns);
  if (!gateway) {
    // A Gateway of another class, or one only patched here: not ours to judge.
    if (anyGatewayNamed(repo, value, wns)) return { type: "unknown" };
    return { type: "dangling", holder, source, name: value, namespace: wns };
  }
  if (namespace !== undefined) {
    const nsLabels = source === "namespace" ? holder.labels : namespaceLabelsOf(repo, namespace);
    const admission = waypointAdmits(gateway, namespace, nsLabels);
    if (admission.admitted === false) return { type: "notAllowed", holder, source, gateway, namespace, from: admission.from };
  }
  if (!servesServices(gateway)) return { type: "wrongType", holder, source, gateway, waypointFor: gateway.waypointFor!.trim() };
  return { type: "bound", holder, source, gateway };
}

const PRIMARY_LABELS = { name: USE_WAYPOINT, namespace: USE_WAYPOINT_NAMESPACE };
/** The canary binding labels (1.31+). */
export const CANARY_LABELS = { name: USE_WAYPOINT_CANARY, namespace: USE_WAYPOINT_CANARY_NAMESPACE };

/**
 * The canary waypoint of a Service or Namespace record `object` whose primary binding is `primary` (Istio 1.31+),
 * resolved like the primary: from the object's own canary label, else — when its primary came from its
 * Namespace — the Namespace's (`getUseWaypointCanary`). Null when the version has no canaries, there is no canary
 * label, the primary is not bound (istiod then ignores the canary), or the canary is the primary itself.
 */
export function resolveCanary(repo: RepoIndex, object: ResourceRecord, primary: BindingState, namespace: string | undefined): BindingState | null {
  if (!istioHas(repo.settings.istioVersion, "useWaypointCanary") || primary.type !== "bound") return null;
  const holder = object.labels[USE_WAYPOINT_CANARY] !== undefined ? object : primary.source === "namespace" ? primary.holder : object;
  const value = holder.labels[USE_WAYPOINT_CANARY]?.trim();
  if (!value || value === "none") return null;
  const source = holder.kind === "Namespace" ? "namespace" : "service";
  const canary = resolveLabel(repo, holder, namespace, source, CANARY_LABELS);
  return canary.type === "bound" && canary.gateway === primary.gateway ? null : canary;
}

/** Labels of Namespace `name` when the repository knows them (undefined otherwise). */
function namespaceLabelsOf(repo: RepoIndex, name: string): Labels | undefined {
  const record = repo.namespaceRecord(name);
  if (!record || record.partial || !labelsKnown(repo.settings, record)) return undefined;
  return record.labels;
}

/** Label Kubernetes sets on every Namespace (its name), which `allowedRoutes` selectors commonly use. */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
const INBOUND_BINDING = "ambient.istio.io/waypoint-inbound-binding";
const HBONE_PORT = 15008;

export type Admission =
  | { admitted: true }
  | { admitted: false; from: string }
  /** The repository cannot tell (assumed or templated Gateway, unknown Namespace labels, inbound-binding annotation). */
  | { admitted: undefined };

/**
 * Whether waypoint `gateway` takes an `istio.io/use-waypoint` binding from `namespace` (whose labels are
 * `namespaceLabels`, undefined when unknown), as istiod decides it (module doc: `makeAllowedRoutes`,
 * `AllowsAttachmentFromNamespace`).
 */
export function waypointAdmits(gateway: GatewayRecord, namespace: string, namespaceLabels: Labels | undefined): Admission {
  const unknown: Admission = { admitted: undefined };
  if (gateway.assumed || gateway.partial || gateway.annotations[INBOUND_BINDING] !== undefined) return unknown;
  const listener = gateway.listeners.find((l) => l.protocol === "HBONE" && l.port === HBONE_PORT);
  const allowed: AllowedNamespaces = listener?.allowedNamespaces ?? {};
  if (allowed.unreadable || templated(allowed.from)) return unknown;
  const from = allowed.from ?? "Same";
  switch (from) {
    case "All":
      return { admitted: true };
    case "Same":
      if (gateway.namespace === undefined) return unknown;
      return gateway.namespace === namespace ? { admitted: true } : { admitted: false, from };
    case "Selector": {
      const match = namespaceSelectorMatches(allowed, { ...(namespaceLabels ?? {}), [NAMESPACE_NAME_LABEL]: namespace }, namespaceLabels !== undefined);
      if (match === undefined) return unknown;
      return match ? { admitted: true } : { admitted: false, from };
    }
    default:
      return unknown; // rejected by the Gateway API CRD
  }
}

function templated(value: string | undefined): boolean {
  return value !== undefined && value.includes("{{");
}

/**
 * A label selector (`matchLabels` and `matchExpressions`, all must hold) over `labels`. With `complete` false
 * only the namespace-name label is known: a requirement on any other key is undecidable (undefined). No selector
 * at all is undecidable too (Gateway API requires one with `from: Selector`).
 */
function namespaceSelectorMatches(allowed: AllowedNamespaces, labels: Labels, complete: boolean): boolean | undefined {
  if (allowed.matchLabels === undefined && allowed.matchExpressions === undefined) return undefined;
  const known = (key: string) => complete || key === NAMESPACE_NAME_LABEL;
  let result: boolean | undefined = true;
  const and = (v: boolean | undefined) => {
    if (v === false) result = false;
    else if (v === undefined && result !== false) result = undefined;
  };
  for (const [key, value] of Object.entries(allowed.matchLabels ?? {})) {
    if (templated(key) || templated(value)) and(undefined);
    else and(known(key) ? labels[key] === value : undefined);
  }
  for (const e of allowed.matchExpressions ?? []) {
    if (templated(e.key) || e.values.some(templated) || !known(e.key)) {
      and(undefined);
      continue;
    }
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case "In":
        and(has && e.values.includes(labels[e.key]));
        break;
      case "NotIn":
        and(!has || !e.values.includes(labels[e.key]));
        break;
      case "Exists":
        and(has);
        break;
      case "DoesNotExist":
        and(!has);
        break;
      default:
        and(undefined);
    }
  }
  return result;
}

/** Whether a Service / ServiceEntry record is served by a waypoint (see module doc). */
export function waypointState(repo: RepoIndex, service: ResourceRecord): BindingState {
  if (!labelsKnown(repo.settings, service)) return { type: "unknown" };
  if (service.labels[USE_WAYPOINT]?.trim()) return resolveLabel(repo, service, service.namespace, "service");

  const ns = service.namespace;
  if (ns === undefined) return { type: "unknown" };
  // The Namespace as the Service's unit sees it (same unit, else a unique one; `repo` is scoped by the caller).
  const inRepo = repo.byKind("Namespace", "").filter((r) => r.name === ns && !r.partial);
  if (!inRepo.length) {
    const assumed = repo.assumed("Namespace", ns);
    if (!assumed || !labelsKnown(repo.settings, assumed)) return { type: "unknown" };
    inRepo.push(assumed);
  }
  const labelled = inRepo.filter((r) => r.labels[USE_WAYPOINT]?.trim());
  if (labelled.length) return resolveLabel(repo, labelled.find((r) => !r.partial) ?? labelled[0], ns, "namespace");
  const full = inRepo.find((r) => !r.partial);
  return full ? { type: "unbound", namespace: full } : { type: "unknown" };
}

/**
 * The records a policy `targetRef` or route `parentRef` names: core Services (or Istio ServiceEntries) called
 * `name` in `namespace` (in the unit of the index passed, else unique in the repository); exact-namespace records before
 * unknown-namespace ones; an `assumeExists` entry when the repository has none.
 */
export function targetRecords(
  repo: RepoIndex,
  kind: "Service" | "ServiceEntry",
  name: string,
  namespace: string | undefined,
): ResourceRecord[] {
  const found =
    kind === "Service"
      ? repo.services(namespace).filter((s) => !s.assumed && s.name === name)
      : repo
          .byKind("ServiceEntry")
          .filter((r) => isIstioGroup(r.group) && !r.partial && r.name === name && namespacesMatch(r.namespace, namespace));
  // Pass the referrer's unit's view (lib/index/scope.ts): same-unit records first, else unique ones.
  const exact = namespace === undefined ? [] : found.filter((r) => r.namespace === namespace);
  if (exact.length) return exact;
  if (found.length) return found;
  const assumed = repo.assumed(kind, name, namespace);
  return assumed ? [assumed] : [];
}

/**
 * The single verdict for a target: the state of its records when they all agree on a reportable state
 * (`unbound`, `optedOut`, `wrongType`, `notAllowed`); otherwise `unknown` (nothing to report).
 */
export function targetState(repo: RepoIndex, records: readonly ResourceRecord[]): { record: ResourceRecord; state: BindingState } | null {
  if (!records.length) return null;
  const states = records.map((r) => waypointState(repo, r));
  const first = states[0];
  if (first.type !== "unbound" && first.type !== "optedOut" && first.type !== "wrongType" && first.type !== "notAllowed") return null;
  if (!states.every((s) => s.type === first.type)) return null;
  return { record: records[0], state: first };
}

/**
 * Names of the waypoints a Service in `namespace` could use: service-serving waypoint Gateways of that
 * namespace that admit it (`allowedRoutes`) (repository and `assumeExists`, same Kustomize environment as `service`), plus the waypoint
 * named in settings when the user configured one. Deduplicated, in index order.
 */
export function waypointCandidates(
  repo: RepoIndex,
  service: ResourceRecord,
  configured: string | undefined,
): string[] {
  const ns = service.namespace;
  const names = repo
    .waypoints(ns)
    .filter((g) => (ns === undefined ? g.namespace === undefined : true))
    .filter((g) => servesServices(g))
    .filter((g) => ns === undefined || waypointAdmits(g, ns, namespaceLabelsOf(repo, ns)).admitted !== false)
    .map((g) => g.name);
  if (configured) names.push(configured);
  return [...new Set(names)];
}
