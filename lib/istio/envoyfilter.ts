/**
 * What happens to an EnvoyFilter when its workloads move from sidecars to ambient mode, and what each of its
 * patches does (Lua, ext_authz, rate limiting, Wasm, Istio's own telemetry filters, anything else).
 *
 * Facts (see docs/rules/no-envoyfilter.md for sources):
 * - ztunnel never uses EnvoyFilter; waypoints pick up EnvoyFilters only through `targetRefs`
 *   (istio/istio pilot/pkg/model/policyattachment.go `ShouldAttachPolicy`, push_context.go), so
 *   `workloadSelector` and namespace-wide EnvoyFilters are silently ignored after migration.
 * - Envoy gateways (ingress/egress) keep their Envoy: filters selecting them, or patching only `context: GATEWAY`,
 *   keep working.
 * - Since 1.27 (`envoyFilterOnWaypoints` in lib/versions.ts) an EnvoyFilter with `targetRefs` to a waypoint
 *   Gateway of its namespace, or to GatewayClass `istio-waypoint` from the root namespace, is applied to the
 *   waypoint (push_context.go `getMatchedEnvoyFilters` → `ShouldAttachPolicy`); Service and ServiceEntry targets
 *   never match a proxy. istio.io still calls EnvoyFilter on waypoints unsupported (ambient/migrate).
 * - The patch context `WAYPOINT` (API 1.28+, istio/api PRs #3577, #3623) has no implementation in istiod: such a
 *   patch is applied nowhere.
 *
 * Pure functions over the plain EnvoyFilter object; every finding carries the path of the patch or field.
 */
import { asArray, isObject, stringMap, type PlainObject } from "../k8s/resource.js";
import type { Path } from "../yaml/ast.js";
import { selectsGatewayPods } from "./authorization.js";
import { istioHas, WAYPOINT_CLASS } from "../versions.js";
import { waypointPodSelector } from "./waypoint-gateway.js";

export type PatchClass = "lua" | "ext-authz" | "local-ratelimit" | "ratelimit" | "wasm" | "istio-telemetry" | "other";

export interface PatchClassification {
  cls: PatchClass;
  /** What the patch is about, for messages: a filter name, cluster name, type URL…; may be empty. */
  subject: string;
}

const TYPED_STRUCT = new Set(["type.googleapis.com/udpa.type.v1.TypedStruct", "type.googleapis.com/xds.type.v3.TypedStruct"]);

/** `@type` URL suffixes (after `type.googleapis.com/`) by class. */
const TYPE_PATTERNS: [RegExp, PatchClass][] = [
  [/\.filters\.http\.lua\.v[23]\.Lua(PerRoute)?$/, "lua"],
  [/\.filters\.(http|network)\.ext_authz\.v[23]\.ExtAuthz(PerRoute)?$/, "ext-authz"],
  [/\.filters\.(http|network|listener)\.local_ratelimit\.v[23]\.LocalRateLimit$/, "local-ratelimit"],
  [/\.filters\.(http|network)\.ratelimit\.v[23]\.RateLimit(PerRoute)?$/, "ratelimit"],
  [/\.filters\.(http|network)\.wasm\.v3\.Wasm$/, "wasm"],
  [/^type\.googleapis\.com\/stats\.PluginConfig$/, "istio-telemetry"],
  [/^type\.googleapis\.com\/io\.istio\.http\.peer_metadata\.Config$/, "istio-telemetry"],
];

/** Well-known Envoy filter names (current and deprecated) by class. */
const NAME_CLASSES: Record<string, PatchClass> = {
  "envoy.filters.http.lua": "lua",
  "envoy.lua": "lua",
  "envoy.filters.http.ext_authz": "ext-authz",
  "envoy.filters.network.ext_authz": "ext-authz",
  "envoy.ext_authz": "ext-authz",
  "envoy.filters.http.local_ratelimit": "local-ratelimit",
  "envoy.filters.network.local_ratelimit": "local-ratelimit",
  "envoy.filters.listener.local_ratelimit": "local-ratelimit",
  "envoy.local_rate_limit": "local-ratelimit",
  "envoy.filters.http.ratelimit": "ratelimit",
  "envoy.filters.network.ratelimit": "ratelimit",
  "envoy.ratelimit": "ratelimit",
  "envoy.rate_limit": "ratelimit",
  "envoy.filters.http.wasm": "wasm",
  "envoy.filters.network.wasm": "wasm",
  "envoy.wasm": "wasm",
  "istio.stats": "istio-telemetry",
  "istio.metadata_exchange": "istio-telemetry",
  "envoy.filters.http.metadata_exchange": "istio-telemetry",
  "envoy.filters.network.metadata_exchange": "istio-telemetry",
};

/** Istio's stats / metadata-exchange extensions compiled into the proxy (Wasm "null" VM). */
const ISTIO_BUILTIN_WASM = new Set(["envoy.wasm.stats", "envoy.wasm.metadata_exchange"]);

function str(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

/** Either spelling of a proto field (`typed_config` / `typedConfig`). */
function field(obj: PlainObject, snake: string): unknown {
  if (obj[snake] !== undefined) return obj[snake];
  const camel = snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return obj[camel];
}

/** The effective type URL of a typed config (unwrapping TypedStruct). */
export function typeUrlOf(typedConfig: unknown): string | undefined {
  if (!isObject(typedConfig)) return undefined;
  const type = str(typedConfig["@type"]);
  if (type && TYPED_STRUCT.has(type)) return str(field(typedConfig, "type_url")) ?? type;
  return type;
}

function classOfType(typeUrl: string | undefined): PatchClass | null {
  if (!typeUrl) return null;
  for (const [re, cls] of TYPE_PATTERNS) if (re.test(typeUrl)) return cls;
  return null;
}

/** The inline code name of a Wasm "null" VM (Istio's built-in extensions), searched anywhere below `value`. */
function nullVmCode(value: unknown, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = nullVmCode(v, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const vm = field(value, "vm_config");
  if (isObject(vm) && str(vm.runtime) === "envoy.wasm.runtime.null") {
    const code = isObject(vm.code) ? vm.code : {};
    const local = isObject(code.local) ? code.local : {};
    const inline = str(field(local, "inline_string"));
    if (inline) return inline;
  }
  for (const v of Object.values(value)) {
    const found = nullVmCode(v, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Filter name the patch matches on (`match.listener.filterChain.filter.subFilter.name` or `.filter.name`). */
function matchedFilterName(match: PlainObject): string | undefined {
  const listener = isObject(match.listener) ? match.listener : isObject(match.waypoint) ? match.waypoint : {};
  const chain = isObject(listener.filterChain) ? listener.filterChain : listener;
  const filter = isObject(chain.filter) ? chain.filter : {};
  const sub = isObject(filter.subFilter) ? filter.subFilter : {};
  return str(sub.name) ?? str(filter.name);
}

/** Classifies one Envoy filter-like object `{name, typed_config | config}` (a patch value, or a per-route config entry). */
function classifyFilterObject(name: string | undefined, typedConfig: unknown, whole: unknown): PatchClassification | null {
  const typeUrl = typeUrlOf(typedConfig);
  let cls = classOfType(typeUrl) ?? (name ? (NAME_CLASSES[name] ?? null) : null);
  const builtin = nullVmCode(whole);
  if (builtin && (cls === "wasm" || cls === null)) {
    // A "null" VM extension is compiled into the proxy: no WasmPlugin can load it.
    cls = ISTIO_BUILTIN_WASM.has(builtin) ? "istio-telemetry" : "other";
    return { cls, subject: builtin };
  }
  if (!cls) return null;
  return { cls, subject: name ?? typeUrl ?? "" };
}

/**
 * What one `configPatches[]` entry does, from its patch value: the filter it inserts (by `@type`, then by
 * name), route-level rate limits, or else "other" with the best subject for a message.
 */
export function classifyPatch(patch: unknown): PatchClassification {
  const p = isObject(patch) ? patch : {};
  const match = isObject(p.match) ? p.match : {};
  const body = isObject(p.patch) ? p.patch : {};
  const value = isObject(body.value) ? body.value : {};
  const name = str(value.name);

  const direct = classifyFilterObject(name, field(value, "typed_config"), value);
  if (direct) return direct;

  // Route / virtual-host level: rate limit actions, per-filter route configs.
  if (Array.isArray(field(value, "rate_limits")) || Array.isArray(findRouteField(value, "rate_limits"))) {
    return { cls: "ratelimit", subject: "rate_limits" };
  }
  const perFilter = field(value, "typed_per_filter_config") ?? findRouteField(value, "typed_per_filter_config");
  if (isObject(perFilter)) {
    for (const [filterName, cfg] of Object.entries(perFilter)) {
      const found = classifyFilterObject(filterName, cfg, cfg);
      if (found && found.cls !== "other") return { cls: found.cls, subject: filterName };
    }
  }

  // Patches that modify an existing filter found by `match` (e.g. MERGE on an ext_authz filter).
  const matched = matchedFilterName(match);
  if (matched && NAME_CLASSES[matched] && !name) return { cls: NAME_CLASSES[matched], subject: matched };

  const cluster = isObject(match.cluster) ? str(match.cluster.name) ?? str(match.cluster.service) : undefined;
  return { cls: "other", subject: name ?? matched ?? cluster ?? "" };
}

function findRouteField(value: PlainObject, key: string): unknown {
  const route = isObject(value.route) ? value.route : undefined;
  return route ? field(route, key) : undefined;
}

/** `match.context` of a patch; absent means ANY (sidecars and gateways). */
export function patchContext(patch: unknown): string {
  if (!isObject(patch) || !isObject(patch.match)) return "ANY";
  return str(patch.match.context) ?? "ANY";
}

export function applyToOf(patch: unknown): string {
  return (isObject(patch) && str(patch.applyTo)) || "(no applyTo)";
}

// ---------------------------------------------------------------------------------------------------------
// Attachment and findings

export interface EnvoyFilterContext {
  rootNamespace: string;
  /** Namespace of the EnvoyFilter (written or inferred), undefined when unknown. */
  namespace: string | undefined;
  /** Names of waypoint Gateways known for this namespace (in the file, or the configured default). */
  waypointNames: readonly string[];
  /** Extra label sets that select Envoy gateway pods. */
  gatewaySelectors?: Record<string, string>[];
  /** Istio version (settings); the latest supported when absent. */
  istioVersion?: string;
}

/** Which proxies the EnvoyFilter reaches in sidecar mode. */
export type SidecarScope = "selector" | "namespace" | "mesh";

export type EnvoyFilterFinding =
  /** Patches of one class reach sidecars: ignored after migration. Reported at the first such patch. */
  | { kind: "sidecar"; cls: PatchClass; scope: SidecarScope; path: Path; applyTo: string; subject: string; patches: number }
  /** No configPatches at all. */
  | { kind: "empty"; path: Path }
  /**
   * `targetRefs` to a waypoint: applied to it from 1.27 on (`applied`), not before. `context: WAYPOINT` patches
   * (`how: "context"`, `applied: false`): never applied, istiod does not implement that context.
   */
  | { kind: "waypoint"; how: "context" | "targetRefs"; path: Path; target: string; applied: boolean }
  /** Every `targetRefs` entry names a Service, a ServiceEntry or a GatewayClass no EnvoyFilter attaches through. */
  | { kind: "unattached"; path: Path; target: string; reason: "service" | "gatewayClassNamespace" }
  /** `workloadSelector` that picks waypoint pods: waypoints ignore selectors. */
  | { kind: "waypoint-selector"; path: Path; target: string };

const GATEWAY_GROUP = "gateway.networking.k8s.io";

/** `spec.targetRefs` (and the deprecated singular `targetRef`) with their paths. */
function targetRefsOf(spec: PlainObject): { ref: PlainObject; path: Path }[] {
  const out: { ref: PlainObject; path: Path }[] = [];
  asArray(spec.targetRefs).forEach((ref, i) => {
    if (isObject(ref)) out.push({ ref, path: ["spec", "targetRefs", i] });
  });
  if (isObject(spec.targetRef)) out.push({ ref: spec.targetRef, path: ["spec", "targetRef"] });
  return out;
}

type TargetKind =
  /** A waypoint the EnvoyFilter attaches to (from 1.27). */
  | { type: "waypoint"; target: string }
  /** A target no proxy matches. */
  | { type: "unattached"; target: string; reason: "service" | "gatewayClassNamespace" }
  /** Anything else (an Envoy gateway, an unknown Gateway): not a waypoint concern. */
  | { type: "other" };

/**
 * What a targetRef attaches to: GatewayClass istio-waypoint from the root namespace or a Gateway known as a
 * waypoint (a waypoint); a Service or ServiceEntry, or GatewayClass istio-waypoint outside the root namespace
 * (nothing: `ShouldAttachPolicy` only matches Gateway and root-namespace GatewayClass targets for EnvoyFilters).
 */
function targetKind(ref: PlainObject, ctx: EnvoyFilterContext): TargetKind {
  const kind = str(ref.kind);
  const name = str(ref.name) ?? "";
  const group = typeof ref.group === "string" ? ref.group : undefined;
  if (kind === "GatewayClass" && name === WAYPOINT_CLASS) {
    return ctx.namespace === ctx.rootNamespace
      ? { type: "waypoint", target: `GatewayClass ${name}` }
      : { type: "unattached", target: `GatewayClass ${name}`, reason: "gatewayClassNamespace" };
  }
  if (kind === "Gateway" && (group === undefined || group === GATEWAY_GROUP) && ctx.waypointNames.includes(name)) return { type: "waypoint", target: `Gateway ${name}` };
  if (kind === "Service" || kind === "ServiceEntry") return { type: "unattached", target: `${kind} ${name}`, reason: "service" };
  return { type: "other" };
}

/** Labels that select waypoint pods (Istio-managed waypoint deployments). */
function waypointSelectorTarget(labels: Record<string, string>, waypointNames: readonly string[]): string | null {
  const found = waypointPodSelector(labels, waypointNames);
  if (!found) return null;
  return found.gateway !== undefined ? `Gateway ${found.gateway}` : "waypoint pods";
}

/**
 * Everything the linter should say about one EnvoyFilter, in document order. Empty when the filter only
 * concerns Envoy gateways (selected by label, patching `context: GATEWAY` only, or attached by targetRefs to a
 * non-waypoint Gateway).
 */
export function envoyFilterFindings(filter: PlainObject, ctx: EnvoyFilterContext): EnvoyFilterFinding[] {
  const spec = isObject(filter.spec) ? filter.spec : {};
  const patches = asArray(spec.configPatches);
  const out: EnvoyFilterFinding[] = [];

  // Attached by targetRefs: never applied to sidecars; waypoints take it (1.27+), gateways keep it.
  const refs = targetRefsOf(spec);
  if (refs.length) {
    const kinds = refs.map(({ ref, path }) => ({ path, kind: targetKind(ref, ctx) }));
    const waypoint = kinds.find((k) => k.kind.type === "waypoint");
    if (waypoint && waypoint.kind.type === "waypoint") {
      const applied = istioHas(ctx.istioVersion ?? "latest", "envoyFilterOnWaypoints");
      out.push({ kind: "waypoint", how: "targetRefs", path: waypoint.path, target: waypoint.kind.target, applied });
    } else if (kinds.every((k) => k.kind.type === "unattached")) {
      const first = kinds[0].kind as Extract<TargetKind, { type: "unattached" }>;
      out.push({ kind: "unattached", path: kinds[0].path, target: first.target, reason: first.reason });
    }
    return out;
  }

  const labels = isObject(spec.workloadSelector) ? stringMap(spec.workloadSelector.labels) : {};
  const hasSelector = Object.keys(labels).length > 0;
  if (hasSelector) {
    const waypoint = waypointSelectorTarget(labels, ctx.waypointNames);
    if (waypoint) return [{ kind: "waypoint-selector", path: ["spec", "workloadSelector"], target: waypoint }];
    if (selectsGatewayPods(labels, ctx.gatewaySelectors ?? [])) return [];
  }

  if (spec.configPatches === undefined || spec.configPatches === null || (Array.isArray(spec.configPatches) && !patches.length)) {
    return [{ kind: "empty", path: ["kind"] }];
  }

  const scope: SidecarScope = hasSelector ? "selector" : ctx.namespace !== undefined && ctx.namespace === ctx.rootNamespace ? "mesh" : "namespace";
  const byClass = new Map<PatchClass, { index: number; applyTo: string; subject: string; count: number }>();
  let waypointPatch: number | null = null;
  patches.forEach((patch, index) => {
    if (!isObject(patch)) return;
    const context = patchContext(patch);
    if (context === "GATEWAY") return;
    if (context === "WAYPOINT") {
      if (waypointPatch === null) waypointPatch = index;
      return;
    }
    const { cls, subject } = classifyPatch(patch);
    const seen = byClass.get(cls);
    if (seen) seen.count++;
    else byClass.set(cls, { index, applyTo: applyToOf(patch), subject, count: 1 });
  });

  const specific = [...byClass.entries()].filter(([cls]) => cls !== "other");
  // Helper patches (clusters, HCM tweaks) of a Lua / ext_authz / … filter go with it; "other" alone is a blocker.
  const reported = specific.length ? specific : [...byClass.entries()];
  const findings: (EnvoyFilterFinding & { order: number })[] = reported.map(([cls, s]) => ({
    kind: "sidecar",
    cls,
    scope,
    path: ["spec", "configPatches", s.index],
    applyTo: s.applyTo,
    subject: s.subject,
    patches: s.count,
    order: s.index,
  }));
  if (waypointPatch !== null) {
    findings.push({ kind: "waypoint", how: "context", path: ["spec", "configPatches", waypointPatch, "match", "context"], target: "", applied: false, order: waypointPatch });
  }
  findings.sort((a, b) => a.order - b.order);
  return findings.map(({ order: _order, ...f }) => f as EnvoyFilterFinding);
}
