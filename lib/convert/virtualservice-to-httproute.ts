/**
 * Istio mesh VirtualService → Gateway API HTTPRoute (GAMMA: `parentRefs: [{group: "", kind: Service}]`)
 * plus the version Services that replace DestinationRule subsets.
 *
 * Pure: plain objects in, plain objects out; no ESLint, no file system. The facts behind every decision are in
 * `reference/virtualservice-to-httproute.md` (§1 field mapping, §2 precedence, §3 CRD limits) and, where the
 * reference leaves a gap, in Istio's own reverse mapping (`pilot/pkg/config/kube/gateway/conversion.go`: how an
 * HTTPRoute is turned back into a VirtualService) and route builder (`pilot/pkg/networking/core/route`).
 *
 * The converter keeps routing exactly or refuses. Refusals are `problems`, each at the key of the VirtualService
 * that causes it, with a code from {@link PROBLEM_CODES}. Design decisions (documented in
 * `docs/convert/virtualservice-to-httproute.md`):
 *
 * - One HTTPRoute per VirtualService, same name and namespace, rules in VirtualService order (ties between equally
 *   specific matches then fall back to list order, which is the VirtualService's first-match order).
 * - Gateway API picks the most specific match (Istio: Exact > PathPrefix > RegularExpression, then path length,
 *   method, #headers, #query params; stable). Unreachable VirtualService matches are dropped (a note says so);
 *   when an earlier rule could lose a request to a later one, the conversion is refused.
 * - A VirtualService `uri.prefix` is a string prefix (`/api` matches `/apix`); PathPrefix matches whole path
 *   segments (and `/api/` also matches `/api`). Only `/` is the same in both, so other prefixes are refused unless
 *   the caller sets `acceptPathSegmentPrefix` (then each one is reported in `notes`).
 */

import { versionService, versionServiceName } from "./subset-to-service.js";
import { servicePorts, type ServicePort } from "../k8s/service.js";

export { versionServiceName };

// ---------------------------------------------------------------------------------------------------------------
// Public types

/** A Service port as the converter reads it (the shape lib/k8s/service.ts extracts). */
export type ServicePortInfo = ServicePort;

export interface ServiceInfo {
  name: string;
  namespace?: string;
  selector: Record<string, string> | null;
  ports: ServicePortInfo[];
  /** `spec.type` when known (ExternalName Services cannot get version Services or be parents). */
  type?: string;
  /** `spec.clusterIP` when known (`None` = headless). */
  clusterIP?: string;
  /** `metadata.labels`, copied to version Services. */
  labels?: Record<string, string>;
}

/** A DestinationRule subset. */
export interface SubsetInfo {
  /** The DestinationRule's `spec.host` (short name, or FQDN). */
  host: string;
  name: string;
  labels: Record<string, string>;
  /** Namespace of the DestinationRule (short hosts resolve in it); undefined = unknown (matches any). */
  namespace?: string;
  /** The subset's own `trafficPolicy`, if any: it would not follow traffic to the version Service. */
  trafficPolicy?: unknown;
  /** The DestinationRule's top-level `trafficPolicy`, if any: it stays on the base host. */
  hostTrafficPolicy?: unknown;
}

export interface GatewayApiTarget {
  channel: "standard" | "experimental";
  /** e.g. "1.2", "v1.3.0". */
  version: string;
}

/** Options that change what can be converted (usable without Services/subsets, e.g. by a lint rule). */
export interface ConvertOptions {
  /** Gateway API channel/version the cluster runs; default standard 1.3. */
  gatewayApi?: GatewayApiTarget;
  /** Namespace of the VirtualService when `metadata.namespace` is absent (e.g. from kustomization.yaml). */
  defaultNamespace?: string;
  /** Cluster DNS domain; default `cluster.local`. */
  domainSuffix?: string;
  /**
   * Accept that a VirtualService `uri.prefix` other than `/` becomes a path-segment PathPrefix (`/api` no longer
   * matches `/apix`). Default false: such prefixes are refused. Each accepted prefix is listed in `notes`.
   */
  acceptPathSegmentPrefix?: boolean;
}

export interface ConvertContext extends ConvertOptions {
  /** Services known (same file, or the repo index later), looked up by short name + namespace. */
  services: ServiceInfo[];
  /** DestinationRule subsets known. */
  subsets: SubsetInfo[];
}

export interface ConvertProblem {
  /** Path inside the VirtualService object, e.g. ["spec","http",0,"fault"]. */
  path: (string | number)[];
  code: ProblemCode;
  message: string;
}

export interface ConvertOutput {
  httpRoutes: object[];
  versionServices: object[];
  /** The VirtualService left behind when it is also bound to an ingress gateway ("mesh" removed); null = delete it. */
  remainingVirtualService: object | null;
  notes: string[];
}

export interface ConvertResult {
  /** null when refused (problems non-empty). */
  result: null | ConvertOutput;
  problems: ConvertProblem[];
  /** Same notes as `result.notes`; also filled when the conversion is refused (e.g. unreachable rules). */
  notes: string[];
}

export const PROBLEM_CODES = [
  // resource level
  "invalid-resource",
  "not-mesh",
  "unknown-field",
  "invalid-value",
  "no-hosts",
  "host-wildcard",
  "host-ip",
  "host-not-service",
  "export-to",
  "cross-namespace",
  "namespace-unknown",
  "tcp-routes",
  "tls-routes",
  "no-http-routes",
  // features without an HTTPRoute equivalent
  "fault",
  "delegate",
  "direct-response",
  "no-destination",
  "redirect-with-route",
  "source-labels",
  "source-namespace",
  "without-headers",
  "ignore-uri-case",
  "match-scheme",
  "match-authority",
  "method-match",
  "header-match",
  "query-match",
  "jwt-claim-match",
  "prefix-semantics",
  "invalid-path",
  "rewrite",
  "redirect",
  "duration",
  "retries-disabled",
  "retry",
  "cors",
  "header-modifier",
  "mirror",
  "unsupported-in-channel",
  // need the Services / DestinationRules
  "mixed-ports",
  "port-not-on-service",
  "backend-port",
  "unknown-service",
  "service-without-selector",
  "service-not-clusterip",
  "unknown-subset",
  "subset-traffic-policy",
  "subset-adds-no-labels",
  "selector-conflict",
  "version-service-name",
  "version-service-conflict",
  "weights",
  // whole-route checks
  "precedence",
  "limit",
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

type Path = (string | number)[];
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

// ---------------------------------------------------------------------------------------------------------------
// Gateway API channel / version gating (reference §1 and §3)

export const DEFAULT_GATEWAY_API: GatewayApiTarget = { channel: "standard", version: "1.3" };

export type GatewayApiFeature = "parentRefPort" | "timeouts" | "ruleName" | "mirrorPercent" | "retry" | "cors";

const FEATURE_SINCE: Record<GatewayApiFeature, { standard?: [number, number]; experimental: [number, number]; what: string }> = {
  parentRefPort: { standard: [1, 1], experimental: [1, 0], what: "parentRefs[].port" },
  timeouts: { standard: [1, 2], experimental: [1, 0], what: "rules[].timeouts" },
  ruleName: { standard: [1, 4], experimental: [1, 2], what: "rules[].name" },
  mirrorPercent: { standard: [1, 3], experimental: [1, 2], what: "RequestMirror percent/fraction" },
  retry: { experimental: [1, 2], what: "rules[].retry" },
  cors: { standard: [1, 5], experimental: [1, 3], what: "the CORS filter" },
};

function parseVersion(v: string): [number, number] {
  const m = /^v?(\d+)\.(\d+)/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2])] : [1, 3];
}

/** Whether the target channel/version has the field (by the gateway-api release that added it there). */
export function gatewayApiSupports(target: GatewayApiTarget | undefined, feature: GatewayApiFeature): boolean {
  const t = target ?? DEFAULT_GATEWAY_API;
  const since = FEATURE_SINCE[feature][t.channel];
  if (!since) return false;
  const [maj, min] = parseVersion(t.version);
  return maj > since[0] || (maj === since[0] && min >= since[1]);
}

function featureRequirement(feature: GatewayApiFeature): string {
  const f = FEATURE_SINCE[feature];
  const parts: string[] = [];
  if (f.standard) parts.push(`standard channel >= v${f.standard.join(".")}`);
  parts.push(`experimental channel >= v${f.experimental.join(".")}`);
  return `${f.what} needs the Gateway API ${parts.join(" or ")}`;
}

function targetLabel(t: GatewayApiTarget): string {
  return `${t.channel} v${t.version.replace(/^v/, "")}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers: hosts, durations, regexes, names

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PRECISE_HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECTION_NAME = PRECISE_HOSTNAME;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const EXPERIMENTAL_HEADER_VALUE = /^[!-~]+([\t ]?[!-~]+)*$/;
const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;
const CORS_ORIGIN = /(^\*$)|(^(http(s)?):\/\/(((\*\.)?([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+|\*)(:([0-9]{1,5}))?)$)/;
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"] as const;

export interface ServiceHostRef {
  name: string;
  /** Namespace written in the host (FQDN); undefined for a short name (= the VirtualService's namespace). */
  namespace?: string;
}

export type HostParse =
  | { ok: true; ref: ServiceHostRef }
  | { ok: false; code: "host-wildcard" | "host-ip" | "host-not-service"; message: string };

/** How Istio reads a VirtualService host: short names expand in the VS namespace; only `<svc>.<ns>.svc.<domain>` is an FQDN. */
export function parseServiceHost(host: string, domainSuffix = "cluster.local"): HostParse {
  const h = host.toLowerCase();
  if (h.includes("*")) {
    return { ok: false, code: "host-wildcard", message: `wildcard host "${host}" matches many Services; an HTTPRoute attaches to one Service per parentRef` };
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.includes(":")) {
    return { ok: false, code: "host-ip", message: `"${host}" is an IP address, not a Service; an HTTPRoute can only attach to a Service` };
  }
  if (!h.includes(".")) {
    if (h.length <= 63 && DNS_1035.test(h)) return { ok: true, ref: { name: h } };
    return { ok: false, code: "host-not-service", message: `"${host}" is not a valid Service name` };
  }
  const labels = h.split(".");
  if (labels.length >= 4 && labels[2] === "svc") {
    const domain = labels.slice(3).join(".");
    if (domain !== domainSuffix.toLowerCase()) {
      return {
        ok: false,
        code: "host-not-service",
        message: `"${host}" is not under the cluster domain "${domainSuffix}" (set domainSuffix if the cluster uses "${domain}")`,
      };
    }
    if (!DNS_1035.test(labels[0]) || labels[0].length > 63 || !DNS_1123_LABEL.test(labels[1])) {
      return { ok: false, code: "host-not-service", message: `"${host}" does not name a valid Service` };
    }
    return { ok: true, ref: { name: labels[0], namespace: labels[1] } };
  }
  if (labels.length === 2 || (labels.length === 3 && labels[2] === "svc")) {
    return {
      ok: false,
      code: "host-not-service",
      message: `"${host}" names no Kubernetes Service for Istio: Istio expands only names without a dot, so this is an external name (ServiceEntry) or an unexpanded name.namespace (for Service ${labels[0]} in namespace ${labels[1]}, write "${labels[0]}.${labels[1]}.svc.${domainSuffix}")`,
    };
  }
  return {
    ok: false,
    code: "host-not-service",
    message: `"${host}" is not a Kubernetes Service host (a ServiceEntry or external name); a GAMMA HTTPRoute can only attach to a Service`,
  };
}

/** Parses a protobuf / Go duration ("0.5s", "1m30s", "250ms") into nanoseconds; null when malformed. */
export function parseDuration(value: unknown): bigint | null {
  if (typeof value !== "string") return null;
  const s = value.trim();
  if (!/^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/.test(s)) return null;
  const unitNs: Record<string, bigint> = { h: 3600000000000n, m: 60000000000n, s: 1000000000n, ms: 1000000n, us: 1000n, µs: 1000n, ns: 1n };
  let total = 0n;
  for (const m of s.matchAll(/(\d+)(?:\.(\d+))?(h|ms|m|s|us|µs|ns)/g)) {
    const unit = unitNs[m[3]];
    total += BigInt(m[1]) * unit;
    if (m[2]) {
      const frac = m[2];
      const scale = 10n ** BigInt(frac.length);
      const part = BigInt(frac) * unit;
      if (part % scale !== 0n) return null; // finer than a nanosecond
      total += part / scale;
    }
  }
  return total;
}

/** Formats milliseconds in the Gateway API Duration form `^([0-9]{1,5}(h|m|s|ms)){1,4}$` (GEP-2257). */
export function formatGatewayDuration(ms: bigint): string | null {
  if (ms < 0n) return null;
  if (ms === 0n) return "0s";
  const parts: string[] = [];
  let rest = ms;
  const h = rest / 3600000n;
  rest -= h * 3600000n;
  const m = rest / 60000n;
  rest -= m * 60000n;
  const s = rest / 1000n;
  const milli = rest - s * 1000n;
  // Prefer the shortest form: whole seconds when they fit in 5 digits, else hours/minutes/seconds.
  const totalSeconds = ms / 1000n;
  if (totalSeconds <= 99999n) {
    if (totalSeconds > 0n) parts.push(`${totalSeconds}s`);
    if (milli > 0n) parts.push(`${milli}ms`);
    return parts.join("");
  }
  if (h > 99999n) return null;
  if (h > 0n) parts.push(`${h}h`);
  if (m > 0n) parts.push(`${m}m`);
  if (s > 0n) parts.push(`${s}s`);
  if (milli > 0n) parts.push(`${milli}ms`);
  return parts.join("");
}

/** Converts a VirtualService duration to the Gateway API form; null when impossible (malformed, sub-millisecond). */
export function toGatewayDuration(value: unknown): string | null {
  const ns = parseDuration(value);
  if (ns === null || ns % 1000000n !== 0n) return null;
  return formatGatewayDuration(ns / 1000000n);
}

function gatewayDurationMs(value: unknown): bigint | null {
  if (typeof value !== "string" || !/^([0-9]{1,5}(h|m|s|ms)){1,4}$/.test(value)) return null;
  const ns = parseDuration(value);
  return ns === null ? null : ns / 1000000n;
}

/** Go's regexp.QuoteMeta: escapes `\.+*?()|[]{}^$`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

function sanitizeSectionName(name: string): string | null {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/\.+/g, ".")
    .replace(/(^[-.]+)|([-.]+$)/g, "")
    .replace(/-\./g, ".")
    .replace(/\.-/g, ".")
    .slice(0, 253)
    .replace(/[-.]+$/g, "");
  return s && SECTION_NAME.test(s) ? s : null;
}

/** The HTTPPathMatch CEL rules for Exact / PathPrefix values; null when valid, else the reason. */
export function pathValueProblem(value: string): string | null {
  if (!value.startsWith("/")) return "must start with '/'";
  if (value.length > 1024) return "must be at most 1024 characters";
  for (const bad of ["//", "/./", "/../", "%2f", "%2F", "#"]) if (value.includes(bad)) return `must not contain '${bad}'`;
  if (value.endsWith("/..") || value.endsWith("/.")) return "must not end with '/..' or '/.'";
  if (!PATH_CHARS.test(value)) return "contains characters that are not allowed in a path";
  return null;
}

function pathStr(path: Path): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

function ruleRef(i: number): string {
  return `http[${i}]`;
}

// ---------------------------------------------------------------------------------------------------------------
// Internal representation of matches (semantic, for precedence / dead-rule analysis)

type CondKind = "exact" | "prefix" | "regex" | "present";
interface Cond {
  name: string;
  kind: CondKind;
  value: string;
}
type PathKind = "exact" | "prefix" | "regex";
interface MatchIR {
  rule: number;
  /** Index in `match[]`; null when the rule has no match list (catch-all). */
  index: number | null;
  path: Path;
  uri: { kind: PathKind; value: string; implicit: boolean; vsPrefix?: string };
  method?: string;
  headers: Cond[];
  query: Cond[];
  port?: number;
  /** False when a condition cannot be represented (the conversion is refused; analyses skip it). */
  ok: boolean;
  /** False when `match.gateways` leaves out `mesh`. */
  mesh: boolean;
}

function segmentPrefixMatches(prefix: string, path: string): boolean {
  return prefix === "/" || path === prefix || path.startsWith(`${prefix}/`);
}

function condImplies(b: Cond, a: Cond): boolean {
  // every value satisfying b satisfies a (both on the same name; b implies presence)
  switch (a.kind) {
    case "present":
      return true;
    case "exact":
      return b.kind === "exact" && b.value === a.value;
    case "prefix":
      return (b.kind === "exact" || b.kind === "prefix") && b.value.startsWith(a.value);
    case "regex":
      return b.kind === "regex" && b.value === a.value;
  }
}

function condCompatible(a: Cond, b: Cond): boolean {
  if (a.kind === "exact" && b.kind === "exact") return a.value === b.value;
  if (a.kind === "exact" && b.kind === "prefix") return a.value.startsWith(b.value);
  if (a.kind === "prefix" && b.kind === "exact") return b.value.startsWith(a.value);
  if (a.kind === "prefix" && b.kind === "prefix") return a.value.startsWith(b.value) || b.value.startsWith(a.value);
  return true; // regex / presence: may overlap
}

function condsCover(a: Cond[], b: Cond[]): boolean {
  return a.every((ca) => b.some((cb) => cb.name === ca.name && condImplies(cb, ca)));
}

function condsMayOverlap(a: Cond[], b: Cond[]): boolean {
  for (const ca of a) for (const cb of b) if (ca.name === cb.name && !condCompatible(ca, cb)) return false;
  return true;
}

/** Every request matching `b` also matches `a`. */
function matchCovers(a: MatchIR, b: MatchIR): boolean {
  const pa = a.uri;
  const pb = b.uri;
  let pathOk = false;
  if (pa.kind === "prefix" && pa.value === "/") pathOk = true;
  else if (pa.kind === "exact") pathOk = pb.kind === "exact" && pb.value === pa.value;
  else if (pa.kind === "prefix") pathOk = (pb.kind === "exact" || pb.kind === "prefix") && segmentPrefixMatches(pa.value, pb.value);
  else pathOk = pb.kind === "regex" && pb.value === pa.value;
  if (!pathOk) return false;
  if (a.port !== undefined && a.port !== b.port) return false;
  if (a.method && a.method !== b.method) return false;
  return condsCover(a.headers, b.headers) && condsCover(a.query, b.query);
}

function matchesMayOverlap(a: MatchIR, b: MatchIR): boolean {
  const pa = a.uri;
  const pb = b.uri;
  if (pa.kind !== "regex" && pb.kind !== "regex") {
    if (pa.kind === "exact" && pb.kind === "exact" && pa.value !== pb.value) return false;
    if (pa.kind === "exact" && pb.kind === "prefix" && !segmentPrefixMatches(pb.value, pa.value)) return false;
    if (pa.kind === "prefix" && pb.kind === "exact" && !segmentPrefixMatches(pa.value, pb.value)) return false;
    if (pa.kind === "prefix" && pb.kind === "prefix" && !segmentPrefixMatches(pa.value, pb.value) && !segmentPrefixMatches(pb.value, pa.value)) return false;
  }
  if (a.port !== undefined && b.port !== undefined && a.port !== b.port) return false;
  if (a.method && b.method && a.method !== b.method) return false;
  return condsMayOverlap(a.headers, b.headers) && condsMayOverlap(a.query, b.query);
}

/** Istio's `sortHTTPRoutes` key: URI rank (Exact 3 > Prefix 2 > Regex 1), URI length, method, #headers, #query. */
function precedenceKey(m: MatchIR): number[] {
  const rank = m.uri.kind === "exact" ? 3 : m.uri.kind === "prefix" ? 2 : 1;
  return [rank, m.uri.value.length, m.method ? 1 : 0, m.headers.length, m.query.length];
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function whyOutranks(later: MatchIR, earlier: MatchIR): string {
  const a = precedenceKey(later);
  const b = precedenceKey(earlier);
  if (a[0] !== b[0]) {
    const names = ["", "a RegularExpression path", "a PathPrefix path", "an Exact path"];
    return `${names[a[0]]} outranks ${names[b[0]]}`;
  }
  if (a[1] !== b[1]) return `its path "${later.uri.value}" is longer than "${earlier.uri.value}"`;
  if (a[2] !== b[2]) return "it matches the method";
  if (a[3] !== b[3]) return `it has more header matches (${a[3]} > ${b[3]})`;
  return `it has more query-parameter matches (${a[4]} > ${b[4]})`;
}

function describeMatch(m: MatchIR): string {
  const parts: string[] = [];
  if (!m.uri.implicit) parts.push(`${m.uri.kind === "prefix" ? "PathPrefix" : m.uri.kind === "exact" ? "Exact" : "RegularExpression"} ${m.uri.value}`);
  if (m.method) parts.push(m.method);
  for (const h of m.headers) parts.push(`header ${h.name}`);
  for (const q of m.query) parts.push(`query ${q.name}`);
  return parts.length ? parts.join(" + ") : "every request";
}

// ---------------------------------------------------------------------------------------------------------------
// Per-rule internal representation

interface BackendIR {
  path: Path;
  dest: Obj;
  weight?: number;
  headers?: Obj;
}

interface MirrorIR {
  path: Path;
  dest: Obj;
  /** Percentage (0–100) when written; undefined = 100. */
  percent?: number;
  percentPath?: Path;
}

interface RedirectIR {
  path: Path;
  filter: Obj;
  /** FROM_REQUEST_PORT with a scheme: needs the listener port. */
  needsRequestPort: boolean;
}

interface RuleIR {
  index: number;
  path: Path;
  name?: string;
  matches: MatchIR[];
  /** Rule-level filters that do not depend on the match or the context (header modifiers, CORS). */
  headerFilters: Obj[];
  corsFilter?: Obj;
  redirect?: RedirectIR;
  rewrite?: { uri?: string; fullPath?: string; authority?: string; path: Path };
  timeouts?: { request?: string; backendRequest?: string };
  retry?: Obj;
  mirrors: MirrorIR[];
  backends: BackendIR[];
  /** All matches leave out `mesh`: the rule does not apply to mesh traffic. */
  notForMesh: boolean;
}

const SPEC_KEYS = new Set(["hosts", "gateways", "http", "tcp", "tls", "exportTo"]);
const HTTP_KEYS = new Set([
  "name",
  "match",
  "route",
  "redirect",
  "directResponse",
  "delegate",
  "rewrite",
  "timeout",
  "retries",
  "fault",
  "mirror",
  "mirrors",
  "mirrorPercent",
  "mirrorPercentage",
  "corsPolicy",
  "headers",
]);
const MATCH_KEYS = new Set([
  "name",
  "uri",
  "scheme",
  "method",
  "authority",
  "headers",
  "port",
  "sourceLabels",
  "gateways",
  "queryParams",
  "ignoreUriCase",
  "withoutHeaders",
  "sourceNamespace",
  "statPrefix",
]);
const BASE_RETRY_ON = ["connect-failure", "refused-stream", "unavailable", "cancelled"];

// ---------------------------------------------------------------------------------------------------------------
// The analysis

interface Resolved {
  target: GatewayApiTarget;
  domainSuffix: string;
  acceptSegment: boolean;
  vsNs?: string;
  vsName?: string;
  label: string;
}

interface VersionServicePlan {
  key: string;
  name: string;
  namespace?: string;
  manifest: Obj | null; // null when an existing Service is reused
}

class Analysis {
  readonly feature: ConvertProblem[] = [];
  readonly context: ConvertProblem[] = [];
  readonly notes: string[] = [];
  readonly rules: RuleIR[] = [];
  readonly parents: Array<{ ref: ServiceHostRef; path: Path }> = [];
  readonly spec: Obj;
  readonly o: Resolved;
  meshOnly = true;

  constructor(
    readonly vs: Obj,
    opts: ConvertOptions,
  ) {
    this.spec = isObj(vs.spec) ? vs.spec : {};
    const md = isObj(vs.metadata) ? vs.metadata : {};
    const vsNs = str(md.namespace) ?? opts.defaultNamespace;
    const vsName = str(md.name);
    this.o = {
      target: opts.gatewayApi ?? DEFAULT_GATEWAY_API,
      domainSuffix: opts.domainSuffix ?? "cluster.local",
      acceptSegment: opts.acceptPathSegmentPrefix === true,
      vsNs,
      vsName,
      label: `VirtualService ${vsNs ? `${vsNs}/` : ""}${vsName ?? "(unnamed)"}`,
    };
  }

  f(path: Path, code: ProblemCode, message: string): void {
    this.feature.push({ path, code, message });
  }

  c(path: Path, code: ProblemCode, message: string): void {
    this.context.push({ path, code, message });
  }

  supports(feature: GatewayApiFeature): boolean {
    return gatewayApiSupports(this.o.target, feature);
  }

  channelProblem(path: Path, feature: GatewayApiFeature, what: string): void {
    this.f(path, "unsupported-in-channel", `${what} cannot be converted for Gateway API ${targetLabel(this.o.target)}: ${featureRequirement(feature)}`);
  }

  // --- resource level -----------------------------------------------------------------------------------------

  checkResource(): boolean {
    const vs = this.vs;
    if (str(vs.kind) !== "VirtualService" || !isObj(vs.spec)) {
      this.f(isObj(vs.spec) ? ["kind"] : [], "invalid-resource", "not a VirtualService with a spec");
      return false;
    }
    const spec = this.spec;
    for (const key of Object.keys(spec)) {
      if (!SPEC_KEYS.has(key)) this.f(["spec", key], "unknown-field", `spec.${key} is not a VirtualService field this converter knows; it cannot tell what it does`);
    }
    const gateways = Array.isArray(spec.gateways) ? spec.gateways : [];
    this.meshOnly = gateways.length === 0 || gateways.every((g) => g === "mesh");

    // hosts → parents
    const hosts = spec.hosts;
    if (!Array.isArray(hosts) || hosts.length === 0) {
      this.f(["spec"], "no-hosts", "the VirtualService has no hosts (a delegate VirtualService): it has no Service to attach an HTTPRoute to");
    } else {
      hosts.forEach((h, k) => {
        if (typeof h !== "string") return this.f(["spec", "hosts", k], "invalid-value", "host must be a string");
        const parsed = parseServiceHost(h, this.o.domainSuffix);
        if (!parsed.ok) return this.f(["spec", "hosts", k], parsed.code, parsed.message);
        this.parents.push({ ref: parsed.ref, path: ["spec", "hosts", k] });
      });
    }
    this.checkExportTo();

    if (Array.isArray(spec.tcp) && spec.tcp.length > 0) {
      this.f(["spec", "tcp"], "tcp-routes", "tcp routes need a TCPRoute (standard only from gateway-api v1.6.0); this converter writes HTTPRoutes only");
    }
    if (Array.isArray(spec.tls) && spec.tls.length > 0) {
      this.f(["spec", "tls"], "tls-routes", "tls routes need a TLSRoute (standard only from gateway-api v1.5.0); this converter writes HTTPRoutes only");
    }
    if (!Array.isArray(spec.http) || spec.http.length === 0) {
      if (!(Array.isArray(spec.tcp) && spec.tcp.length) && !(Array.isArray(spec.tls) && spec.tls.length)) {
        this.f(["spec"], "no-http-routes", "the VirtualService has no http routes to convert");
      }
      return false;
    }
    return true;
  }

  checkExportTo(): void {
    const spec = this.spec;
    const vsNs = this.o.vsNs;
    let scope: "global" | "local" | "other" = "global";
    if (spec.exportTo !== undefined) {
      const list = Array.isArray(spec.exportTo) ? spec.exportTo : [];
      if (list.length === 0 || list.includes("*")) scope = "global";
      else if (list.every((e) => e === "." || (vsNs !== undefined && e === vsNs))) scope = "local";
      else {
        scope = "other";
        this.f(
          ["spec", "exportTo"],
          "export-to",
          `exportTo ${JSON.stringify(spec.exportTo)} has no Gateway API equivalent: an HTTPRoute applies either to every client (in the Service's namespace) or to clients in its own namespace`,
        );
      }
    }
    for (const p of this.parents) {
      const ns = p.ref.namespace;
      if (ns === undefined) {
        // short name: the Service is in the VirtualService's namespace (a producer route)
        if (scope === "local") this.producerWithLocalExport(p.path);
        continue;
      }
      if (vsNs === undefined) {
        this.f(
          p.path,
          "namespace-unknown",
          `the namespace of the ${this.o.label} is not known, so it cannot be told whether Service ${p.ref.name}.${ns} is in the same namespace (an HTTPRoute there applies to every client) or in another (it then applies only to clients in its own namespace); set metadata.namespace or the defaultNamespace setting`,
        );
        continue;
      }
      if (ns === vsNs) {
        if (scope === "local") this.producerWithLocalExport(p.path);
      } else if (scope === "global") {
        this.f(
          p.path,
          "cross-namespace",
          `the ${this.o.label} is in namespace ${vsNs} but routes Service ${p.ref.name}.${ns}; exported to all namespaces it affects every client, while an HTTPRoute in ${vsNs} with a parentRef to ${ns} is a consumer route that only affects clients in ${vsNs}. Move the VirtualService to ${ns}, or set exportTo: ["."] if only ${vsNs} clients should be affected`,
        );
      }
    }
  }

  producerWithLocalExport(path: Path): void {
    this.f(
      ["spec", "exportTo"],
      "export-to",
      `exportTo: ["."] limits the VirtualService to clients in its own namespace, but an HTTPRoute in the Service's namespace (a producer route) applies to every client; remove exportTo or keep the VirtualService (host at ${pathStr(path)})`,
    );
  }

  // --- rules --------------------------------------------------------------------------------------------------

  checkRules(): void {
    const http = this.spec.http as unknown[];
    http.forEach((raw, i) => {
      const path: Path = ["spec", "http", i];
      if (!isObj(raw)) {
        this.f(path, "invalid-value", `${ruleRef(i)} must be an object`);
        return;
      }
      this.rules.push(this.checkRule(raw, i, path));
    });
  }

  checkRule(r: Obj, i: number, path: Path): RuleIR {
    const rule: RuleIR = { index: i, path, matches: [], headerFilters: [], mirrors: [], backends: [], notForMesh: false };
    // matches first: they decide whether the rule applies to mesh traffic at all
    const matchList = r.match;
    if (matchList !== undefined && !Array.isArray(matchList)) this.f([...path, "match"], "invalid-value", "match must be a list");
    if (Array.isArray(matchList) && matchList.length > 0) {
      matchList.forEach((m, k) => rule.matches.push(this.checkMatch(m, i, k, [...path, "match", k])));
    } else {
      rule.matches.push({ rule: i, index: null, path, uri: { kind: "prefix", value: "/", implicit: true }, headers: [], query: [], ok: true, mesh: true });
    }
    if (rule.matches.every((m) => !m.mesh)) {
      rule.notForMesh = true;
      this.notes.push(`${ruleRef(i)} applies only to gateways (every match lists gateways without "mesh"); it is left out of the HTTPRoute`);
      return rule;
    }
    for (const m of rule.matches) {
      if (!m.mesh) this.notes.push(`${pathStr(m.path)} applies only to gateways (its gateways leave out "mesh"); it is left out of the HTTPRoute`);
    }

    for (const key of Object.keys(r)) {
      if (!HTTP_KEYS.has(key)) this.f([...path, key], "unknown-field", `${ruleRef(i)}.${key} is not a field this converter knows; it cannot tell what it does`);
    }
    if (typeof r.name === "string") rule.name = r.name;

    if (r.fault !== undefined) {
      const kinds = isObj(r.fault) ? Object.keys(r.fault).filter((k) => k === "delay" || k === "abort") : [];
      this.f(
        [...path, "fault"],
        "fault",
        `fault injection (${kinds.join(" and ") || "fault"}) has no Gateway API equivalent; dropping it would silently stop injecting faults`,
      );
    }
    if (r.delegate !== undefined) {
      this.f([...path, "delegate"], "delegate", "delegation to another VirtualService has no Gateway API equivalent for mesh routes; convert the delegate's rules into this route by hand");
    }
    if (r.directResponse !== undefined) {
      this.f([...path, "directResponse"], "direct-response", "directResponse has no Gateway API filter (HTTPRoute can only redirect or forward)");
    }
    const hasRoute = Array.isArray(r.route) && r.route.length > 0;
    if (r.redirect !== undefined && hasRoute) {
      this.f([...path, "redirect"], "redirect-with-route", "a rule cannot both redirect and route (invalid in both APIs: the RequestRedirect filter must not be used with backendRefs)");
    }
    if (!hasRoute && r.redirect === undefined && r.directResponse === undefined && r.delegate === undefined) {
      this.f(path, "no-destination", `${ruleRef(i)} has no route, redirect, directResponse or delegate`);
    }

    if (hasRoute) this.checkRoutes(r.route as unknown[], rule, [...path, "route"]);
    if (r.redirect !== undefined) this.checkRedirect(r.redirect, rule, [...path, "redirect"]);
    if (r.rewrite !== undefined) this.checkRewrite(r.rewrite, rule, [...path, "rewrite"]);
    if (r.timeout !== undefined) this.checkTimeout(r.timeout, rule, [...path, "timeout"]);
    if (r.retries !== undefined) this.checkRetries(r.retries, rule, [...path, "retries"]);
    this.checkMirrors(r, rule, path);
    if (r.corsPolicy !== undefined) this.checkCors(r.corsPolicy, rule, [...path, "corsPolicy"]);
    if (r.headers !== undefined) {
      const filters = this.headerOperations(r.headers, [...path, "headers"]);
      if (filters) rule.headerFilters.push(...filters);
    }
    return rule;
  }

  checkMatch(m: unknown, i: number, k: number, path: Path): MatchIR {
    const ir: MatchIR = { rule: i, index: k, path, uri: { kind: "prefix", value: "/", implicit: true }, headers: [], query: [], ok: true, mesh: true };
    if (!isObj(m)) {
      this.f(path, "invalid-value", "a match must be an object");
      ir.ok = false;
      return ir;
    }
    if (m.gateways !== undefined) {
      // match.gateways overrides spec.gateways for this match: without "mesh" it never applies to mesh traffic.
      const g = Array.isArray(m.gateways) ? m.gateways : [];
      ir.mesh = g.length === 0 || g.includes("mesh");
      if (!ir.mesh) return ir; // not part of the mesh routing: nothing else matters here
    }
    const bad = (p: Path, code: ProblemCode, message: string) => {
      ir.ok = false;
      this.f(p, code, message);
    };
    for (const key of Object.keys(m)) {
      if (!MATCH_KEYS.has(key)) bad([...path, key], "unknown-field", `match field ${key} is not known to this converter`);
    }
    if (m.sourceLabels !== undefined) bad([...path, "sourceLabels"], "source-labels", "sourceLabels selects client workloads; an HTTPRoute has no per-client match (it applies to every client of the Service)");
    if (m.sourceNamespace !== undefined) bad([...path, "sourceNamespace"], "source-namespace", "sourceNamespace restricts a single match to clients of one namespace; an HTTPRoute can only scope a whole route (a consumer route)");
    if (m.withoutHeaders !== undefined) bad([...path, "withoutHeaders"], "without-headers", "withoutHeaders is a negative match; HTTPRoute has no negative header match");
    if (m.ignoreUriCase === true) bad([...path, "ignoreUriCase"], "ignore-uri-case", "ignoreUriCase has no HTTPRoute equivalent (a (?i) regex would change precedence: Istio ranks regex paths below every prefix)");
    if (m.scheme !== undefined) bad([...path, "scheme"], "match-scheme", "a scheme match has no HTTPRoute equivalent");
    if (m.authority !== undefined) bad([...path, "authority"], "match-authority", "an authority match has no HTTPRoute equivalent (mesh routes are selected by the Service, not the Host header)");
    if (m.name !== undefined) this.notes.push(`${pathStr([...path, "name"])} (${String(m.name)}) is dropped: HTTPRoute matches have no name`);
    if (m.statPrefix !== undefined) this.notes.push(`${pathStr([...path, "statPrefix"])} is dropped: HTTPRoute has no per-match stat prefix`);

    if (m.uri !== undefined) {
      const u = this.stringMatch(m.uri, [...path, "uri"], "uri");
      if (!u) ir.ok = false;
      else if (u.kind === "present") {
        // `uri: {}` matches every path
      } else if (u.kind === "exact") {
        const why = pathValueProblem(u.value);
        if (why) bad([...path, "uri", "exact"], "invalid-path", `Exact path "${u.value}" ${why} (HTTPRoute path validation)`);
        ir.uri = { kind: "exact", value: u.value, implicit: false };
      } else if (u.kind === "prefix") {
        const normalized = u.value === "" || u.value === "/" ? "/" : u.value.replace(/\/+$/, "") || "/";
        if (normalized !== "/") {
          const why = pathValueProblem(normalized);
          if (why) bad([...path, "uri", "prefix"], "invalid-path", `PathPrefix "${normalized}" ${why} (HTTPRoute path validation)`);
          else if (!this.o.acceptSegment) {
            // Not `bad`: the match stays analysable (as the PathPrefix it would become) for the precedence check.
            this.f(
              [...path, "uri", "prefix"],
              "prefix-semantics",
              u.value.endsWith("/")
                ? `VirtualService prefix "${u.value}" does not match "${normalized}", but PathPrefix "${u.value}" does (Gateway API ignores the trailing slash); the conversion would send "${normalized}" to this rule`
                : `VirtualService prefix "${u.value}" is a string prefix (it also matches "${u.value}x"), PathPrefix matches whole path segments only; the conversion would stop routing e.g. "${u.value}x" to this rule (set acceptPathSegmentPrefix to accept)`,
            );
          } else {
            this.notes.push(
              `${pathStr([...path, "uri", "prefix"])}: "${u.value}" becomes PathPrefix "${normalized}", which matches "${normalized}" and "${normalized}/…" but no longer other paths starting with "${u.value}" (e.g. "${normalized}x")${u.value.endsWith("/") ? `, and now also "${normalized}"` : ""}`,
            );
          }
        }
        ir.uri = { kind: "prefix", value: normalized, implicit: false, vsPrefix: u.value };
      } else {
        ir.uri = { kind: "regex", value: u.value, implicit: false };
      }
    }

    if (m.method !== undefined) {
      const mm = this.stringMatch(m.method, [...path, "method"], "method");
      if (!mm) ir.ok = false;
      else if (mm.kind === "present") {
        // every request has a method
      } else if (mm.kind !== "exact") {
        bad([...path, "method", mm.kind], "method-match", `method ${mm.kind} matches have no HTTPRoute equivalent (only one exact method per match)`);
      } else if (!(HTTP_METHODS as readonly string[]).includes(mm.value)) {
        bad([...path, "method", "exact"], "method-match", `method "${mm.value}" is not one of ${HTTP_METHODS.join(", ")} (HTTPRoute methods are upper case; the VirtualService compares case-sensitively)`);
      } else ir.method = mm.value;
    }

    if (m.headers !== undefined) {
      if (!isObj(m.headers)) bad([...path, "headers"], "invalid-value", "headers must be a map");
      else {
        const entries = Object.entries(m.headers);
        if (entries.length > 16) bad([...path, "headers"], "limit", `${entries.length} header matches; an HTTPRoute match allows at most 16`);
        for (const [name, sm] of entries) {
          const p: Path = [...path, "headers", name];
          const lower = name.toLowerCase();
          if (["uri", "scheme", "method", "authority"].includes(lower)) {
            bad(p, "header-match", `header key "${name}" is ignored by Istio (use the uri/scheme/method/authority match fields); converting it would add a condition the VirtualService never had`);
            continue;
          }
          if (lower.startsWith("@request.auth.claims")) {
            bad(p, "jwt-claim-match", `"${name}" matches a JWT claim (request metadata), not a header; HTTPRoute cannot match claims`);
            continue;
          }
          if (!HEADER_NAME.test(name) || name.length > 256) {
            bad(p, "header-match", `"${name}" is not a valid HTTPRoute header name`);
            continue;
          }
          const cond = this.stringMatch(sm, p, `header ${name}`);
          if (!cond) {
            ir.ok = false;
            continue;
          }
          const c: Cond = { name: lower, kind: cond.kind, value: cond.value };
          const emitted = emitCondValue(c);
          if (emitted.length > 4096) bad(p, "limit", `header value is longer than 4096 characters once converted`);
          else if (this.o.target.channel === "experimental" && !EXPERIMENTAL_HEADER_VALUE.test(emitted)) {
            bad(p, "header-match", `header value "${emitted}" does not match the experimental-channel pattern ^[!-~]+([\\t ]?[!-~]+)*$`);
          }
          ir.headers.push(c);
        }
      }
    }

    if (m.queryParams !== undefined) {
      if (!isObj(m.queryParams)) bad([...path, "queryParams"], "invalid-value", "queryParams must be a map");
      else {
        const entries = Object.entries(m.queryParams);
        if (entries.length > 16) bad([...path, "queryParams"], "limit", `${entries.length} query-parameter matches; an HTTPRoute match allows at most 16`);
        for (const [name, sm] of entries) {
          const p: Path = [...path, "queryParams", name];
          if (name.length === 0 || name.length > 256) {
            bad(p, "query-match", `"${name}" is not a valid query parameter name`);
            continue;
          }
          const cond = this.stringMatch(sm, p, `query parameter ${name}`);
          if (!cond) {
            ir.ok = false;
            continue;
          }
          const c: Cond = { name, kind: cond.kind, value: cond.value };
          if (emitCondValue(c).length > 1024) bad(p, "limit", "query value is longer than 1024 characters once converted");
          ir.query.push(c);
        }
      }
    }

    if (m.port !== undefined) {
      if (typeof m.port !== "number" || !Number.isInteger(m.port) || m.port < 1 || m.port > 65535) bad([...path, "port"], "invalid-value", "port must be 1–65535");
      else ir.port = m.port;
    }
    return ir;
  }

  /** Reads an Istio StringMatch; `regex: "*"` and `{}` mean "present" (Istio: present_match). */
  stringMatch(v: unknown, path: Path, what: string): { kind: CondKind; value: string } | null {
    if (!isObj(v)) {
      this.f(path, "invalid-value", `${what} must be a StringMatch (exact, prefix or regex)`);
      return null;
    }
    const keys = Object.keys(v);
    if (keys.length === 0) return { kind: "present", value: "" };
    if (keys.length > 1 || !["exact", "prefix", "regex"].includes(keys[0]) || typeof v[keys[0]] !== "string") {
      this.f(path, "invalid-value", `${what} must set exactly one of exact, prefix, regex (a string)`);
      return null;
    }
    const kind = keys[0] as "exact" | "prefix" | "regex";
    const value = v[kind] as string;
    if (kind === "regex" && value === "*") return { kind: "present", value: "" };
    return { kind, value };
  }

  checkRoutes(routes: unknown[], rule: RuleIR, path: Path): void {
    if (routes.length > 16) this.f(path, "limit", `${routes.length} destinations; an HTTPRoute rule allows at most 16 backendRefs`);
    routes.forEach((d, j) => {
      const p: Path = [...path, j];
      if (!isObj(d)) return this.f(p, "invalid-value", "a route destination must be an object");
      for (const key of Object.keys(d)) {
        if (!["destination", "weight", "headers"].includes(key)) this.f([...p, key], "unknown-field", `route field ${key} is not known to this converter`);
      }
      if (!isObj(d.destination)) return this.f(p, "invalid-value", "destination is required");
      if (!this.checkDestination(d.destination, [...p, "destination"])) return;
      let weight: number | undefined;
      if (d.weight !== undefined) {
        if (typeof d.weight !== "number" || !Number.isInteger(d.weight) || d.weight < 0) return this.f([...p, "weight"], "invalid-value", "weight must be a non-negative integer");
        if (d.weight > 1000000) return this.f([...p, "weight"], "limit", "weight is above 1,000,000 (the HTTPRoute maximum)");
        weight = d.weight;
      }
      let headers: Obj | undefined;
      if (d.headers !== undefined) {
        const filters = this.headerOperations(d.headers, [...p, "headers"]);
        if (filters === null) return;
        if (filters.length) headers = { filters };
      }
      rule.backends.push({ path: p, dest: d.destination, weight, headers });
    });
    if (rule.backends.length > 1 && rule.backends.length === routes.length) {
      const sum = rule.backends.reduce((s, b) => s + (b.weight ?? 0), 0);
      if (sum === 0) this.f(path, "weights", "all destinations have weight 0 (or none), so the VirtualService routes nothing here; an HTTPRoute with all weights 0 returns 500");
    }
  }

  checkDestination(d: Obj, path: Path): boolean {
    let ok = true;
    for (const key of Object.keys(d)) {
      if (!["host", "subset", "port"].includes(key)) {
        this.f([...path, key], "unknown-field", `destination field ${key} is not known to this converter`);
        ok = false;
      }
    }
    if (typeof d.host !== "string") {
      this.f(path, "invalid-value", "destination.host is required");
      return false;
    }
    const parsed = parseServiceHost(d.host, this.o.domainSuffix);
    if (!parsed.ok) {
      this.f([...path, "host"], parsed.code, `destination ${parsed.message}`);
      ok = false;
    }
    if (d.subset !== undefined && typeof d.subset !== "string") {
      this.f([...path, "subset"], "invalid-value", "subset must be a string");
      ok = false;
    }
    if (d.port !== undefined) {
      const n = isObj(d.port) ? d.port.number : undefined;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 65535) {
        this.f([...path, "port"], "invalid-value", "destination.port.number must be 1–65535");
        ok = false;
      }
    }
    return ok;
  }

  /** VirtualService `headers` (request/response set/add/remove) → header-modifier filters; null when refused. */
  headerOperations(h: unknown, path: Path): Obj[] | null {
    if (!isObj(h)) {
      this.f(path, "invalid-value", "headers must be an object");
      return null;
    }
    const out: Obj[] = [];
    let ok = true;
    for (const key of Object.keys(h)) {
      if (key !== "request" && key !== "response") {
        this.f([...path, key], "unknown-field", `headers.${key} is not known (only request and response)`);
        ok = false;
      }
    }
    for (const dir of ["request", "response"] as const) {
      const ops = h[dir];
      if (ops === undefined) continue;
      const p: Path = [...path, dir];
      if (!isObj(ops)) {
        this.f(p, "invalid-value", `headers.${dir} must be an object`);
        ok = false;
        continue;
      }
      const mod: Obj = {};
      for (const key of Object.keys(ops)) {
        if (!["set", "add", "remove"].includes(key)) {
          this.f([...p, key], "unknown-field", `headers.${dir}.${key} is not known (only set, add, remove)`);
          ok = false;
        }
      }
      for (const op of ["set", "add"] as const) {
        const m = ops[op];
        if (m === undefined) continue;
        if (!isObj(m)) {
          this.f([...p, op], "invalid-value", `${op} must be a map`);
          ok = false;
          continue;
        }
        const list: Obj[] = [];
        for (const [name, value] of Object.entries(m)) {
          const hp: Path = [...p, op, name];
          if (!HEADER_NAME.test(name) || name.length > 256) {
            this.f(hp, "header-modifier", `"${name}" is not a valid HTTPRoute header name (pseudo-headers such as :authority cannot be set)`);
            ok = false;
            continue;
          }
          if (typeof value !== "string" || value.length === 0 || value.length > 4096) {
            this.f(hp, "header-modifier", `the value of ${name} must be a string of 1–4096 characters in an HTTPRoute`);
            ok = false;
            continue;
          }
          if (/%[A-Z_]+(\(.*?\))?%/.test(value)) {
            this.notes.push(`${pathStr(hp)} uses an Envoy %…% substitution; Istio keeps it in HTTPRoute header filters, other implementations may not`);
          }
          list.push({ name, value });
        }
        if (list.length > 16) {
          this.f([...p, op], "limit", `${list.length} headers to ${op}; an HTTPRoute header filter allows at most 16`);
          ok = false;
        }
        if (list.length) mod[op] = list;
      }
      if (isObj(ops.set) && isObj(ops.add)) {
        const setNames = new Set(Object.keys(ops.set).map((n) => n.toLowerCase()));
        for (const n of Object.keys(ops.add)) {
          if (setNames.has(n.toLowerCase())) {
            this.f([...p, "add", n], "header-modifier", `header ${n} is both set and added; an HTTPRoute allows one action per header name`);
            ok = false;
          }
        }
      }
      if (ops.remove !== undefined) {
        if (!Array.isArray(ops.remove) || ops.remove.some((n) => typeof n !== "string" || !HEADER_NAME.test(n))) {
          this.f([...p, "remove"], "header-modifier", "remove must list valid header names");
          ok = false;
        } else if (ops.remove.length > 16) {
          this.f([...p, "remove"], "limit", `${ops.remove.length} headers to remove; an HTTPRoute header filter allows at most 16`);
          ok = false;
        } else if (ops.remove.length) mod.remove = [...new Set(ops.remove as string[])];
      }
      if (Object.keys(mod).length) {
        const type = dir === "request" ? "RequestHeaderModifier" : "ResponseHeaderModifier";
        out.push({ type, [dir === "request" ? "requestHeaderModifier" : "responseHeaderModifier"]: mod });
      }
    }
    return ok ? out : null;
  }

  checkRedirect(v: unknown, rule: RuleIR, path: Path): void {
    if (!isObj(v)) return this.f(path, "invalid-value", "redirect must be an object");
    const filter: Obj = {};
    let ok = true;
    const bad = (p: Path, message: string, code: ProblemCode = "redirect") => {
      ok = false;
      this.f(p, code, message);
    };
    for (const key of Object.keys(v)) {
      if (!["uri", "authority", "port", "derivePort", "scheme", "redirectCode"].includes(key)) bad([...path, key], `redirect.${key} is not known to this converter`, "unknown-field");
    }
    if (v.scheme !== undefined) {
      if (v.scheme !== "http" && v.scheme !== "https") bad([...path, "scheme"], `redirect scheme "${String(v.scheme)}" is not http or https`);
      else filter.scheme = v.scheme;
    }
    let port: number | undefined;
    if (v.authority !== undefined) {
      const a = String(v.authority).toLowerCase();
      const mm = /^([^:]+)(?::(\d+))?$/.exec(a);
      if (!mm || !PRECISE_HOSTNAME.test(mm[1]) || mm[1].length > 253) bad([...path, "authority"], `redirect authority "${String(v.authority)}" is not a precise host name (HTTPRoute hostname)`);
      else {
        filter.hostname = mm[1];
        if (mm[2]) port = Number(mm[2]);
      }
    }
    if (v.uri !== undefined) {
      if (typeof v.uri !== "string" || v.uri.length === 0 || v.uri.length > 1024) bad([...path, "uri"], "redirect uri must be a path of 1–1024 characters");
      else filter.path = { type: "ReplaceFullPath", replaceFullPath: v.uri };
    }
    let needsRequestPort = false;
    if (v.port !== undefined) {
      if (typeof v.port !== "number" || !Number.isInteger(v.port) || v.port < 1 || v.port > 65535) bad([...path, "port"], "redirect port must be 1–65535");
      else if (port !== undefined && port !== v.port) bad([...path, "port"], "redirect port conflicts with the port in redirect.authority");
      else port = v.port;
    }
    if (v.derivePort !== undefined) {
      if (v.derivePort === "FROM_REQUEST_PORT") {
        if (port !== undefined) bad([...path, "derivePort"], "derivePort conflicts with an explicit redirect port");
        else if (filter.scheme !== undefined) needsRequestPort = true; // Istio maps scheme-without-port to FROM_PROTOCOL_DEFAULT
      } else if (v.derivePort !== "FROM_PROTOCOL_DEFAULT") {
        bad([...path, "derivePort"], `derivePort "${String(v.derivePort)}" is not known`);
      } else if (port !== undefined) {
        bad([...path, "derivePort"], "derivePort conflicts with an explicit redirect port");
      }
    }
    if (port !== undefined) filter.port = port;
    const code = v.redirectCode === undefined ? 301 : v.redirectCode;
    if (![301, 302, 303, 307, 308].includes(code as number)) bad([...path, "redirectCode"], `redirect code ${String(code)} is not one HTTPRoute allows (301, 302, 303, 307, 308)`);
    // The VirtualService default is 301, the HTTPRoute default 302: always write it.
    filter.statusCode = code;
    if (ok) {
      if (port === undefined && filter.scheme === undefined && v.derivePort !== "FROM_REQUEST_PORT") {
        this.notes.push(
          `${pathStr(path)}: Istio turns an HTTPRoute redirect without port or scheme into derivePort FROM_REQUEST_PORT, so the Location header carries the Service port; the VirtualService kept the port the client wrote in its Host header (the same for clients that send it)`,
        );
      }
      rule.redirect = { path, filter, needsRequestPort };
    }
  }

  checkRewrite(v: unknown, rule: RuleIR, path: Path): void {
    if (!isObj(v)) return this.f(path, "invalid-value", "rewrite must be an object");
    const rw: NonNullable<RuleIR["rewrite"]> = { path };
    let ok = true;
    for (const key of Object.keys(v)) {
      if (!["uri", "authority", "uriRegexRewrite"].includes(key)) {
        this.f([...path, key], "unknown-field", `rewrite.${key} is not known to this converter`);
        ok = false;
      }
    }
    if (v.uri !== undefined && v.uriRegexRewrite !== undefined) {
      this.f([...path, "uriRegexRewrite"], "rewrite", "rewrite.uri and rewrite.uriRegexRewrite cannot both be set");
      ok = false;
    }
    if (v.authority !== undefined) {
      const a = String(v.authority).toLowerCase();
      if (!PRECISE_HOSTNAME.test(a) || a.length > 253) {
        this.f([...path, "authority"], "rewrite", `rewrite authority "${String(v.authority)}" is not a precise host name (URLRewrite hostname has no port)`);
        ok = false;
      } else rw.authority = a;
    }
    if (v.uriRegexRewrite !== undefined) {
      const r = v.uriRegexRewrite;
      if (isObj(r) && (r.match === "/.*" || r.match === "^/.*$") && typeof r.rewrite === "string" && !/\\\d/.test(r.rewrite) && r.rewrite.startsWith("/")) {
        rw.fullPath = r.rewrite;
      } else {
        this.f([...path, "uriRegexRewrite"], "rewrite", "uriRegexRewrite converts only as a full-path replacement (match \"/.*\" without capture groups); other regex rewrites have no HTTPRoute equivalent");
        ok = false;
      }
    }
    if (v.uri !== undefined) {
      if (typeof v.uri !== "string" || v.uri.length === 0 || v.uri.length > 1024) {
        this.f([...path, "uri"], "rewrite", "rewrite uri must be a path of 1–1024 characters");
        ok = false;
      } else {
        for (const m of rule.matches) {
          if (!m.mesh) continue;
          if (m.uri.implicit || (m.uri.kind === "prefix" && m.uri.value === "/")) {
            this.f(
              [...path, "uri"],
              "rewrite",
              `rewrite.uri on ${m.index === null ? "a rule without a uri match" : `${pathStr(m.path)} (no uri, or prefix "/")`} replaces the "/" prefix as a string ("/foo" → "${v.uri}foo"); HTTPRoute ReplacePrefixMatch works per path segment, so the rewritten path would differ`,
            );
            ok = false;
            break;
          }
        }
        rw.uri = v.uri;
      }
    }
    if (ok) rule.rewrite = rw;
  }

  checkTimeout(v: unknown, rule: RuleIR, path: Path): void {
    const d = toGatewayDuration(v);
    if (d === null) return this.f(path, "duration", `timeout "${String(v)}" cannot be written as a Gateway API duration (whole milliseconds, e.g. 500ms or 1s500ms)`);
    if (!this.supports("timeouts")) return this.channelProblem(path, "timeouts", "timeout");
    rule.timeouts = { ...rule.timeouts, request: d };
  }

  checkRetries(v: unknown, rule: RuleIR, path: Path): void {
    if (!isObj(v)) return this.f(path, "invalid-value", "retries must be an object");
    let ok = true;
    const bad = (p: Path, code: ProblemCode, message: string) => {
      ok = false;
      this.f(p, code, message);
    };
    for (const key of Object.keys(v)) {
      if (!["attempts", "perTryTimeout", "retryOn", "retryRemoteLocalities", "retryIgnorePreviousHosts", "backoff"].includes(key)) {
        bad([...path, key], "unknown-field", `retries.${key} is not known to this converter`);
      }
    }
    const attempts = v.attempts ?? 0;
    if (attempts === 0) {
      return bad(
        v.attempts === undefined ? path : [...path, "attempts"],
        "retries-disabled",
        "retries with attempts 0 (or unset) disables retries; an HTTPRoute cannot disable them (retry.attempts has minimum 1, and without retry Istio applies its default of 2 retries)",
      );
    }
    if (typeof attempts !== "number" || !Number.isInteger(attempts) || attempts < 0) return bad([...path, "attempts"], "invalid-value", "attempts must be a non-negative integer");
    const retry: Obj = { attempts };
    // retryOn: Istio adds connect-failure,refused-stream,unavailable,cancelled to every HTTPRoute retry, and numeric codes.
    let codes: number[] = [503];
    if (v.retryOn !== undefined) {
      const tokens = String(v.retryOn)
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean);
      codes = [];
      const others = new Set<string>();
      for (const t of tokens) {
        if (/^\d+$/.test(t)) {
          const n = Number(t);
          if (n < 400 || n > 599) bad([...path, "retryOn"], "retry", `retry status code ${t} is outside 400–599 (HTTPRoute retry codes)`);
          else codes.push(n);
        } else others.add(t);
      }
      const unknown = [...others].filter((t) => !BASE_RETRY_ON.includes(t) && t !== "retriable-status-codes");
      const missing = BASE_RETRY_ON.filter((t) => !others.has(t));
      if (unknown.length) {
        bad([...path, "retryOn"], "retry", `retryOn ${unknown.join(", ")} cannot be expressed in an HTTPRoute retry (only numeric status codes; Istio always adds ${BASE_RETRY_ON.join(",")})`);
      } else if (missing.length) {
        bad([...path, "retryOn"], "retry", `retryOn leaves out ${missing.join(", ")}, but Istio adds them to every HTTPRoute retry; the HTTPRoute would retry more`);
      }
    }
    if (codes.length) retry.codes = [...new Set(codes)];
    if (v.retryRemoteLocalities === true) bad([...path, "retryRemoteLocalities"], "retry", "retryRemoteLocalities has no HTTPRoute equivalent");
    if (v.retryIgnorePreviousHosts === false) bad([...path, "retryIgnorePreviousHosts"], "retry", "retryIgnorePreviousHosts: false has no HTTPRoute equivalent (Istio keeps the default, true)");
    if (v.backoff !== undefined) {
      const b = toGatewayDuration(v.backoff);
      if (b === null) bad([...path, "backoff"], "duration", `backoff "${String(v.backoff)}" cannot be written as a Gateway API duration`);
      else retry.backoff = b;
    }
    if (v.perTryTimeout !== undefined) {
      const t = toGatewayDuration(v.perTryTimeout);
      if (t === null) bad([...path, "perTryTimeout"], "duration", `perTryTimeout "${String(v.perTryTimeout)}" cannot be written as a Gateway API duration`);
      else if (!this.supports("timeouts")) {
        ok = false;
        this.channelProblem([...path, "perTryTimeout"], "timeouts", "perTryTimeout (timeouts.backendRequest)");
      } else rule.timeouts = { ...rule.timeouts, backendRequest: t };
    }
    if (!this.supports("retry")) {
      ok = false;
      this.channelProblem(path, "retry", "retries");
    }
    if (ok) {
      rule.retry = retry;
      if (v.retryOn === undefined) {
        this.notes.push(`${pathStr(path)}: retryOn is unset, so the HTTPRoute retry lists code 503 (Istio's default retriable status code for VirtualServices)`);
      }
    }
  }

  checkMirrors(r: Obj, rule: RuleIR, path: Path): void {
    if (r.mirror !== undefined && r.mirrors !== undefined) {
      this.f([...path, "mirrors"], "mirror", "mirror and mirrors cannot both be set");
      return;
    }
    const percentOf = (v: unknown, p: Path): number | null | undefined => {
      if (v === undefined) return undefined;
      const n = isObj(v) ? v.value : v;
      if (typeof n !== "number" || n < 0 || n > 100) {
        this.f(p, "invalid-value", "mirror percentage must be 0–100");
        return null;
      }
      return n;
    };
    if (r.mirror !== undefined) {
      const p: Path = [...path, "mirror"];
      if (!isObj(r.mirror)) return this.f(p, "invalid-value", "mirror must be a destination");
      if (!this.checkDestination(r.mirror, p)) return;
      const pp: Path = r.mirrorPercentage !== undefined ? [...path, "mirrorPercentage"] : [...path, "mirrorPercent"];
      const percent = r.mirrorPercentage !== undefined ? percentOf(r.mirrorPercentage, pp) : percentOf(r.mirrorPercent, pp);
      if (percent === null) return;
      if (this.mirrorPercentOk(percent, pp)) rule.mirrors.push({ path: p, dest: r.mirror, percent, percentPath: pp });
    } else if (r.mirrorPercent !== undefined || r.mirrorPercentage !== undefined) {
      this.notes.push(`${pathStr(path)}: mirrorPercent/mirrorPercentage without mirror has no effect and is dropped`);
    }
    if (r.mirrors !== undefined) {
      if (!Array.isArray(r.mirrors)) return this.f([...path, "mirrors"], "invalid-value", "mirrors must be a list");
      r.mirrors.forEach((m, k) => {
        const p: Path = [...path, "mirrors", k];
        if (!isObj(m) || !isObj(m.destination)) return this.f(p, "invalid-value", "mirrors[] needs a destination");
        for (const key of Object.keys(m)) {
          if (!["destination", "percentage"].includes(key)) this.f([...p, key], "unknown-field", `mirrors[].${key} is not known to this converter`);
        }
        if (!this.checkDestination(m.destination, [...p, "destination"])) return;
        const percent = percentOf(m.percentage, [...p, "percentage"]);
        if (percent === null) return;
        if (this.mirrorPercentOk(percent, [...p, "percentage"])) rule.mirrors.push({ path: [...p, "destination"], dest: m.destination, percent, percentPath: [...p, "percentage"] });
      });
    }
  }

  mirrorPercentOk(percent: number | undefined, path: Path): boolean {
    if (percent === undefined || this.supports("mirrorPercent")) return true;
    if (percent === 100) {
      this.notes.push(`${pathStr(path)}: 100% is the RequestMirror default; the percent field is left out (${featureRequirement("mirrorPercent")})`);
      return true;
    }
    this.channelProblem(path, "mirrorPercent", `mirroring ${percent}% of requests`);
    return false;
  }

  checkCors(v: unknown, rule: RuleIR, path: Path): void {
    if (!isObj(v)) return this.f(path, "invalid-value", "corsPolicy must be an object");
    if (!this.supports("cors")) return this.channelProblem(path, "cors", "corsPolicy");
    const cors: Obj = {};
    let ok = true;
    const bad = (p: Path, message: string, code: ProblemCode = "cors") => {
      ok = false;
      this.f(p, code, message);
    };
    for (const key of Object.keys(v)) {
      if (!["allowOrigins", "allowOrigin", "allowMethods", "allowHeaders", "exposeHeaders", "maxAge", "allowCredentials", "unmatchedPreflights"].includes(key)) {
        bad([...path, key], `corsPolicy.${key} is not known to this converter`, "unknown-field");
      }
    }
    const origins: string[] = [];
    if (v.allowOrigins !== undefined) {
      (Array.isArray(v.allowOrigins) ? v.allowOrigins : []).forEach((o, k) => {
        const p: Path = [...path, "allowOrigins", k];
        if (!isObj(o)) return bad(p, "origin must be a StringMatch");
        if (typeof o.exact === "string") origins.push(o.exact);
        else if (o.regex === ".*" || o.regex === "*" || o.prefix === "") origins.push("*");
        else bad(p, "only exact origins (or a match-all) convert; HTTPRoute CORS origins are exact or '*'-wildcard hosts");
      });
    } else if (v.allowOrigin !== undefined) {
      (Array.isArray(v.allowOrigin) ? v.allowOrigin : []).forEach((o) => origins.push(String(o)));
    }
    origins.forEach((o, k) => {
      if (!CORS_ORIGIN.test(o)) bad([...path, v.allowOrigins !== undefined ? "allowOrigins" : "allowOrigin", k], `origin "${o}" is not a valid HTTPRoute CORS origin (scheme://host[:port] or '*')`);
    });
    if (origins.includes("*") && origins.length > 1) bad([...path, "allowOrigins"], "'*' must be the only origin in an HTTPRoute");
    if (origins.length > 64) bad([...path, "allowOrigins"], "at most 64 origins", "limit");
    if (origins.length) cors.allowOrigins = [...new Set(origins)];
    if (v.allowMethods !== undefined) {
      const methods = (Array.isArray(v.allowMethods) ? v.allowMethods : []).map(String);
      const invalid = methods.filter((m) => m !== "*" && !(HTTP_METHODS as readonly string[]).includes(m));
      if (invalid.length) bad([...path, "allowMethods"], `methods ${invalid.join(", ")} are not HTTPRoute methods`);
      else if (methods.length > 9) bad([...path, "allowMethods"], "at most 9 methods", "limit");
      else if (methods.length) cors.allowMethods = [...new Set(methods)];
    }
    for (const key of ["allowHeaders", "exposeHeaders"] as const) {
      if (v[key] === undefined) continue;
      const list = (Array.isArray(v[key]) ? v[key] : []).map(String);
      if (list.some((h) => h !== "*" && !HEADER_NAME.test(h))) bad([...path, key], `${key} lists invalid header names`);
      else if (list.length > 64) bad([...path, key], `at most 64 ${key}`, "limit");
      else if (list.length) cors[key] = [...new Set(list)];
    }
    if (v.maxAge !== undefined) {
      const ns = parseDuration(v.maxAge);
      if (ns === null || ns % 1000000000n !== 0n || ns < 1000000000n) bad([...path, "maxAge"], `maxAge "${String(v.maxAge)}" is not a whole number of seconds >= 1`);
      else cors.maxAge = Number(ns / 1000000000n);
    } else {
      this.notes.push(`${pathStr(path)}: maxAge is unset; the HTTPRoute CORS filter defaults it to 5 seconds (Istio then sends Access-Control-Max-Age: 5)`);
    }
    if (v.allowCredentials !== undefined) {
      if (typeof v.allowCredentials !== "boolean") bad([...path, "allowCredentials"], "allowCredentials must be a boolean", "invalid-value");
      else if (v.allowCredentials) cors.allowCredentials = true;
    }
    if (v.unmatchedPreflights !== undefined && v.unmatchedPreflights !== "FORWARD" && v.unmatchedPreflights !== "UNSPECIFIED") {
      bad([...path, "unmatchedPreflights"], `unmatchedPreflights ${String(v.unmatchedPreflights)} has no HTTPRoute equivalent (Istio forwards unmatched preflights)`);
    }
    if (ok) rule.corsFilter = { type: "CORS", cors };
  }
}

function emitCondValue(c: Cond): string {
  switch (c.kind) {
    case "exact":
      return c.value === "" ? "^$" : c.value;
    case "prefix":
      return `${quoteMeta(c.value)}.*`;
    case "regex":
      return c.value;
    case "present":
      return ".*";
  }
}

function emitCond(c: Cond): Obj {
  const value = emitCondValue(c);
  const type = c.kind === "exact" && c.value !== "" ? "Exact" : "RegularExpression";
  return { type, name: c.name, value };
}

function emitMatch(m: MatchIR): Obj {
  const out: Obj = {};
  if (!m.uri.implicit) {
    out.path = { type: m.uri.kind === "exact" ? "Exact" : m.uri.kind === "prefix" ? "PathPrefix" : "RegularExpression", value: m.uri.value };
  }
  if (m.headers.length) out.headers = m.headers.map(emitCond);
  if (m.query.length) out.queryParams = m.query.map(emitCond);
  if (m.method) out.method = m.method;
  if (Object.keys(out).length === 0) out.path = { type: "PathPrefix", value: "/" };
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Public functions

/** `spec.gateways` empty/absent or containing "mesh". */
export function isMeshVirtualService(vs: object): boolean {
  const spec = isObj(vs) && isObj((vs as Obj).spec) ? ((vs as Obj).spec as Obj) : undefined;
  const gateways = spec?.gateways;
  if (!Array.isArray(gateways) || gateways.length === 0) return true;
  return gateways.includes("mesh");
}

/**
 * Features of a (mesh) VirtualService that have no HTTPRoute equivalent — for the configured Gateway API
 * channel/version — each at its own key with the reason. Needs no Services or DestinationRules.
 */
export function unconvertibleFeatures(vs: object, options: ConvertOptions = {}): ConvertProblem[] {
  const a = new Analysis(vs as Obj, options);
  if (a.checkResource()) a.checkRules();
  return a.feature;
}

/**
 * The version Service `<host>-<subset>` (lib/convert/subset-to-service.ts builds it, as the
 * no-destinationrule-subsets suggestion does): selector = base selector ∪ subset labels, ports copied,
 * labels = base labels ∪ subset labels. Null when no valid Service can be built (no selector or ports, …).
 */
export function versionServiceFor(base: ServiceInfo, subset: SubsetInfo, namespace?: string): Record<string, unknown> | null {
  return versionService(
    { name: base.name, namespace: namespace ?? base.namespace, selector: base.selector, labels: base.labels ?? {}, ports: base.ports, type: base.type },
    { name: subset.name, labels: subset.labels },
  ).result;
}

/** Services and DestinationRule subsets found in a list of manifests (plain values; `kind: List` is unwrapped). */
export function contextFromManifests(docs: unknown[]): { services: ServiceInfo[]; subsets: SubsetInfo[] } {
  const services: ServiceInfo[] = [];
  const subsets: SubsetInfo[] = [];
  const visit = (d: unknown) => {
    if (!isObj(d)) return;
    if (d.kind === "List" && Array.isArray(d.items)) return d.items.forEach(visit);
    const md = isObj(d.metadata) ? d.metadata : {};
    const spec = isObj(d.spec) ? d.spec : {};
    if (d.apiVersion === "v1" && d.kind === "Service" && typeof md.name === "string") {
      const sel = isObj(spec.selector) ? (Object.fromEntries(Object.entries(spec.selector).map(([k, v]) => [k, String(v)])) as Record<string, string>) : null;
      const ports = servicePorts(spec);
      const info: ServiceInfo = { name: md.name, selector: sel && Object.keys(sel).length ? sel : null, ports };
      if (typeof md.namespace === "string") info.namespace = md.namespace;
      if (typeof spec.type === "string") info.type = spec.type;
      if (typeof spec.clusterIP === "string") info.clusterIP = spec.clusterIP;
      if (isObj(md.labels)) info.labels = Object.fromEntries(Object.entries(md.labels).map(([k, v]) => [k, String(v)]));
      services.push(info);
    }
    if (typeof d.apiVersion === "string" && d.apiVersion.startsWith("networking.istio.io/") && d.kind === "DestinationRule" && typeof spec.host === "string") {
      for (const s of Array.isArray(spec.subsets) ? spec.subsets : []) {
        if (!isObj(s) || typeof s.name !== "string") continue;
        const labels = isObj(s.labels) ? (Object.fromEntries(Object.entries(s.labels).map(([k, v]) => [k, String(v)])) as Record<string, string>) : {};
        const info: SubsetInfo = { host: spec.host, name: s.name, labels };
        if (typeof md.namespace === "string") info.namespace = md.namespace;
        if (s.trafficPolicy !== undefined) info.trafficPolicy = s.trafficPolicy;
        if (spec.trafficPolicy !== undefined) info.hostTrafficPolicy = spec.trafficPolicy;
        subsets.push(info);
      }
    }
  };
  docs.forEach(visit);
  return { services, subsets };
}

// ---------------------------------------------------------------------------------------------------------------
// Conversion

const nsMatches = (a: string | undefined, b: string | undefined) => a === undefined || b === undefined || a === b;

interface OutRule {
  vsRule: number;
  matches: MatchIR[];
  rule: Obj;
}

export function convertVirtualService(vs: object, ctx: ConvertContext): ConvertResult {
  const a = new Analysis(vs as Obj, ctx);
  const problems = (): ConvertProblem[] => [...a.feature, ...a.context];
  const refused = (): ConvertResult => ({ result: null, problems: problems(), notes: a.notes });

  if (!isObj(vs)) return { result: null, problems: [{ path: [], code: "invalid-resource", message: "not an object" }], notes: [] };
  if (!isMeshVirtualService(vs)) {
    a.c(["spec", "gateways"], "not-mesh", `spec.gateways does not contain "mesh": this VirtualService configures ingress/egress gateways, not mesh traffic (use ingress2gateway for gateway routes)`);
  }
  if (!a.checkResource()) return refused();
  a.checkRules();

  const vsNs = a.o.vsNs;
  const domain = a.o.domainSuffix;
  const services = ctx.services ?? [];
  const subsets = ctx.subsets ?? [];

  const findService = (name: string, ns: string | undefined): ServiceInfo | undefined => {
    const candidates = services.filter((s) => s.name === name && nsMatches(s.namespace, ns));
    return candidates.find((s) => s.namespace === ns) ?? candidates[0];
  };
  const resolveNs = (ref: ServiceHostRef) => ref.namespace ?? vsNs;

  // --- rules that take part, dead matches --------------------------------------------------------------------
  const live = a.rules.filter((r) => !r.notForMesh);
  for (const r of live) r.matches = r.matches.filter((m) => m.mesh);
  const seen: MatchIR[] = [];
  for (const r of live) {
    const kept: MatchIR[] = [];
    const dead: Array<{ m: MatchIR; by: MatchIR }> = [];
    for (const m of r.matches) {
      const by = m.ok ? seen.find((s) => s.ok && matchCovers(s, m)) ?? kept.find((s) => s.ok && matchCovers(s, m)) : undefined;
      if (by) dead.push({ m, by });
      else kept.push(m);
    }
    if (kept.length === 0) {
      const by = dead[0].by;
      a.notes.push(
        `${ruleRef(r.index)} is unreachable: every request it matches is taken first by ${by.index === null ? ruleRef(by.rule) : `${ruleRef(by.rule)}.match[${by.index}]`} (${describeMatch(by)}); it is dropped (in an HTTPRoute it could win by precedence)`,
      );
    } else {
      for (const d of dead) {
        a.notes.push(
          `${pathStr(d.m.path)} is unreachable: every request it matches is taken first by ${d.by.index === null ? ruleRef(d.by.rule) : `${ruleRef(d.by.rule)}.match[${d.by.index}]`}; it is dropped`,
        );
      }
    }
    r.matches = kept;
    seen.push(...kept);
  }
  const active = live.filter((r) => r.matches.length > 0);
  if (active.length === 0 && a.feature.length === 0) {
    a.c(["spec", "http"], "no-http-routes", "no http rule applies to mesh traffic");
  }

  // --- parents and ports ----------------------------------------------------------------------------------------
  const parentServices = a.parents.map((p) => findService(p.ref.name, resolveNs(p.ref)));
  a.parents.forEach((p, k) => {
    const svc = parentServices[k];
    if (svc && (svc.type === "ExternalName" || svc.clusterIP === "None")) {
      a.c(p.path, "service-not-clusterip", `Service ${svc.name} is ${svc.type === "ExternalName" ? "an ExternalName Service" : "headless"}; GAMMA parents must be ClusterIP Services`);
    }
  });
  const allMatches = active.flatMap((r) => r.matches);
  const explicitPorts = [...new Set(allMatches.filter((m) => m.port !== undefined).map((m) => m.port as number))];
  const parentPorts: Array<number | undefined> = a.parents.map(() => undefined);
  let portFromMatch = false;
  if (explicitPorts.length > 1) {
    const m = allMatches.find((x) => x.port !== undefined && x.port !== explicitPorts[0]) as MatchIR;
    a.c([...m.path, "port"], "mixed-ports", `matches use ports ${explicitPorts.join(" and ")}; one HTTPRoute attaches to one parentRef port (parentRef.port applies to every rule), so mixed ports cannot be kept in one route`);
  } else if (explicitPorts.length === 1) {
    const P = explicitPorts[0];
    const withoutPort = allMatches.filter((m) => m.port === undefined);
    if (withoutPort.length > 0) {
      const allSinglePortP = a.parents.every((_, k) => parentServices[k]?.ports.length === 1 && parentServices[k]?.ports[0].port === P);
      if (!allSinglePortP) {
        const w = withoutPort[0];
        a.c(
          w.path,
          "mixed-ports",
          `${w.index === null ? ruleRef(w.rule) : pathStr(w.path)} applies to every port while other matches are limited to port ${P}; one HTTPRoute attaches to one parentRef port, so both cannot be kept`,
        );
      }
    }
    a.parents.forEach((p, k) => {
      parentPorts[k] = P;
      const svc = parentServices[k];
      if (svc && svc.ports.length > 0 && !svc.ports.some((sp) => sp.port === P)) {
        const m = allMatches.find((x) => x.port === P) as MatchIR;
        a.c([...m.path, "port"], "port-not-on-service", `port ${P} is not a port of Service ${svc.name}`);
      }
    });
    portFromMatch = true;
  } else {
    a.parents.forEach((_, k) => {
      const svc = parentServices[k];
      if (svc && svc.ports.length === 1) parentPorts[k] = svc.ports[0].port;
    });
  }
  if (!a.supports("parentRefPort")) {
    if (portFromMatch && parentPorts.some((p) => p !== undefined)) {
      const m = allMatches.find((x) => x.port !== undefined) as MatchIR;
      a.c([...m.path, "port"], "unsupported-in-channel", `a port match cannot be converted for Gateway API ${targetLabel(a.o.target)}: ${featureRequirement("parentRefPort")}`);
    }
    parentPorts.fill(undefined);
  }
  const distinctParentPorts = [...new Set(parentPorts)];
  const listenerPort = distinctParentPorts.length === 1 ? distinctParentPorts[0] : undefined;

  // --- backends ----------------------------------------------------------------------------------------------
  const versionServices = new Map<string, VersionServicePlan>();
  const versionNames = new Map<string, string>(); // name/ns → key
  const hostPolicyNoted = new Set<string>();

  const backendRef = (dest: Obj, path: Path): Obj | null => {
    const parsed = parseServiceHost(String(dest.host), domain);
    if (!parsed.ok) return null; // reported by the feature checks
    const ref = parsed.ref;
    const ns = resolveNs(ref);
    const svc = findService(ref.name, ns);
    const destPort = isObj(dest.port) && typeof dest.port.number === "number" ? dest.port.number : undefined;
    let name = ref.name;
    const subsetName = typeof dest.subset === "string" ? dest.subset : undefined;
    let ok = true;

    if (subsetName !== undefined) {
      const subset = subsets.find((s) => {
        if (s.name !== subsetName) return false;
        const sp = parseServiceHost(s.host, domain);
        return sp.ok && sp.ref.name === ref.name && nsMatches(sp.ref.namespace ?? s.namespace, ns);
      });
      const sp: Path = [...path, "subset"];
      if (!svc) {
        ok = false;
        a.c(sp, "unknown-service", `Service ${ref.name}${ns ? ` in namespace ${ns}` : ""} is not known, so the selector of version Service ${versionServiceName(ref.name, subsetName).name} cannot be built`);
      } else if (!svc.selector || Object.keys(svc.selector).length === 0) {
        ok = false;
        a.c(sp, "service-without-selector", `Service ${svc.name} has no selector, so a version Service for subset ${subsetName} cannot select its pods`);
      } else if (svc.type === "ExternalName" || svc.clusterIP === "None") {
        ok = false;
        a.c(sp, "service-not-clusterip", `Service ${svc.name} is ${svc.type === "ExternalName" ? "an ExternalName Service" : "headless"}; a version Service cannot be derived from it`);
      }
      if (!subset) {
        ok = false;
        a.c(sp, "unknown-subset", `subset ${subsetName} of ${dest.host} is not defined in any known DestinationRule, so its labels are unknown`);
      } else if (subset.trafficPolicy !== undefined) {
        ok = false;
        a.c(sp, "subset-traffic-policy", `subset ${subsetName} has its own trafficPolicy, which would not follow traffic to the version Service; move it to a DestinationRule for the version Service first`);
      }
      const vname = versionServiceName(ref.name, subsetName);
      if (!vname.valid) {
        ok = false;
        a.c(sp, "version-service-name", `"${vname.name}" is not a valid Service name (DNS-1035 label, at most 63 characters)`);
      }
      if (ok && svc && subset && svc.selector && Object.entries(subset.labels).every(([k, v]) => svc.selector?.[k] === v)) {
        ok = false;
        a.c(
          sp,
          "subset-adds-no-labels",
          `subset ${subsetName} adds no label to Service ${svc.name}'s selector, so its version Service would select every pod of ${svc.name}; such subsets usually get their labels at run time (e.g. Argo Rollouts' rollouts-pod-template-hash), which a version Service would not follow — convert by hand`,
        );
      }
      if (ok && svc && subset) {
        for (const [k, v] of Object.entries(subset.labels)) {
          if (svc.selector && k in svc.selector && svc.selector[k] !== v) {
            ok = false;
            a.c(sp, "selector-conflict", `subset ${subsetName} label ${k}=${v} contradicts Service ${svc.name} selector ${k}=${svc.selector[k]}: the subset selects no pod of the Service`);
          }
        }
      }
      if (ok && svc && subset) {
        const vns = svc.namespace ?? ref.namespace;
        const key = `${vns ?? ""}/${vname.name}`;
        const identity = `${ref.name}/${ns ?? ""}/${subsetName}`;
        const other = versionNames.get(key);
        if (other !== undefined && other !== identity) {
          ok = false;
          a.c(sp, "version-service-conflict", `version Service ${vname.name} would be generated for two different subsets`);
        } else if (!versionServices.has(key)) {
          versionNames.set(key, identity);
          const wantSelector = { ...(svc.selector ?? {}), ...subset.labels };
          const existing = services.find((s) => s.name === vname.name && nsMatches(s.namespace, vns));
          if (existing) {
            const same =
              existing.selector !== null &&
              Object.keys(existing.selector).length === Object.keys(wantSelector).length &&
              Object.entries(wantSelector).every(([k, v]) => existing.selector?.[k] === v);
            if (!same) {
              ok = false;
              a.c(sp, "version-service-conflict", `Service ${vname.name} already exists but does not select ${JSON.stringify(wantSelector)}; it cannot stand in for subset ${subsetName}`);
            } else if (existing.ports.length > 0 && !svc.ports.every((bp) => existing.ports.some((p) => p.port === bp.port))) {
              ok = false;
              a.c(sp, "version-service-conflict", `Service ${vname.name} already exists but lacks ports of Service ${svc.name}`);
            } else {
              versionServices.set(key, { key, name: vname.name, namespace: vns, manifest: null });
              a.notes.push(`Service ${vname.name} already exists with the subset's selector; it is reused`);
            }
          } else {
            const manifest = versionServiceFor(svc, subset, vns);
            if (manifest) versionServices.set(key, { key, name: vname.name, namespace: vns, manifest });
            else {
              ok = false;
              a.c(sp, "service-without-selector", `a version Service for subset ${subsetName} cannot be built from Service ${svc.name} (it needs a selector and ports)`);
            }
          }
        }
        if (subset.hostTrafficPolicy !== undefined && !hostPolicyNoted.has(`${ref.name}/${ns ?? ""}`)) {
          hostPolicyNoted.add(`${ref.name}/${ns ?? ""}`);
          a.notes.push(
            `the DestinationRule for ${ref.name} has a trafficPolicy; it applies to host ${ref.name} only, not to the version Services that now receive the traffic — add DestinationRules for them or accept the change`,
          );
        }
        name = vname.name;
      }
    }
    // port (Istio GetDestinationCluster: destination.port, else the Service's only port, else the listener port)
    let port: number | undefined = destPort;
    if (subsetName !== undefined && !svc) return null; // unknown-service already says the Service is missing
    if (port === undefined) {
      if (svc && svc.ports.length === 1) port = svc.ports[0].port;
      else if (svc && listenerPort !== undefined && svc.ports.some((p) => p.port === listenerPort)) port = listenerPort;
      else if (!svc && listenerPort !== undefined && a.parents.some((p) => p.ref.name === ref.name && resolveNs(p.ref) === ns)) port = listenerPort;
    }
    if (port === undefined) {
      ok = false;
      a.c(
        path,
        "backend-port",
        svc
          ? `destination ${dest.host} has no port and Service ${svc.name} has ${svc.ports.length} ports; an HTTPRoute backendRef needs a port — set destination.port`
          : `destination ${dest.host} has no port and Service ${ref.name} is not known, so its port cannot be read; an HTTPRoute backendRef needs a port — set destination.port`,
      );
    } else if (svc && svc.ports.length > 0 && !svc.ports.some((p) => p.port === port)) {
      ok = false;
      a.c(destPort !== undefined ? [...path, "port"] : path, "port-not-on-service", `port ${port} is not a port of Service ${svc.name}`);
    }

    if (!ok || port === undefined) return null;
    const out: Obj = { name };
    if (ref.namespace !== undefined && ref.namespace !== vsNs) out.namespace = ref.namespace;
    out.port = port;
    return out;
  };

  // --- assemble rules ------------------------------------------------------------------------------------------
  const outRules: OutRule[] = [];
  for (const r of active) {
    const backendRefs: Obj[] = [];
    let backendsOk = true;
    for (const b of r.backends) {
      const ref = backendRef(b.dest, [...b.path, "destination"]);
      if (!ref) {
        backendsOk = false;
        continue;
      }
      if (r.backends.length > 1) ref.weight = b.weight ?? 0;
      if (b.headers) Object.assign(ref, b.headers);
      backendRefs.push(ref);
    }
    const mirrorFilters: Obj[] = [];
    for (const m of r.mirrors) {
      const ref = backendRef(m.dest, m.path);
      if (!ref) continue;
      const mirror: Obj = { backendRef: ref };
      if (m.percent !== undefined && gatewayApiSupports(a.o.target, "mirrorPercent")) {
        if (Number.isInteger(m.percent)) mirror.percent = m.percent;
        else {
          let k = 1;
          while (k <= 6 && Math.abs(m.percent * 10 ** k - Math.round(m.percent * 10 ** k)) > 1e-9) k++;
          if (k > 6) {
            a.c(m.percentPath ?? m.path, "mirror", `mirror percentage ${m.percent} has more than 6 decimals`);
            continue;
          }
          mirror.fraction = { numerator: Math.round(m.percent * 10 ** k), denominator: 100 * 10 ** k };
        }
      }
      mirrorFilters.push({ type: "RequestMirror", requestMirror: mirror });
    }
    if (!backendsOk) continue;

    let redirectFilter: Obj | undefined;
    if (r.redirect) {
      redirectFilter = clone(r.redirect.filter);
      if (r.redirect.needsRequestPort) {
        if (listenerPort === undefined) {
          a.c([...r.redirect.path, "derivePort"], "redirect", "derivePort FROM_REQUEST_PORT with a scheme needs the request port, which is not a single known port here");
        } else redirectFilter.port = listenerPort;
      }
    }

    const common = (filters: Obj[]): Obj => {
      const rule: Obj = {};
      const all = [...r.headerFilters, ...filters, ...mirrorFilters];
      if (r.corsFilter) all.push(r.corsFilter);
      if (all.length) rule.filters = all;
      if (!redirectFilter && backendRefs.length) rule.backendRefs = clone(backendRefs);
      if (r.timeouts) rule.timeouts = { ...r.timeouts };
      if (r.retry) rule.retry = clone(r.retry);
      return rule;
    };
    const withMatches = (ms: MatchIR[], rule: Obj): Obj => {
      const isCatchAll = ms.length === 1 && ms[0].uri.implicit && !ms[0].method && !ms[0].headers.length && !ms[0].query.length;
      return isCatchAll ? rule : { matches: ms.map(emitMatch), ...rule };
    };

    const urlRewriteBase: Obj = {};
    if (r.rewrite?.authority) urlRewriteBase.hostname = r.rewrite.authority;
    if (redirectFilter) {
      outRules.push({ vsRule: r.index, matches: r.matches, rule: withMatches(r.matches, common([{ type: "RequestRedirect", requestRedirect: redirectFilter }])) });
    } else if (r.rewrite?.uri !== undefined) {
      // ReplacePrefixMatch needs exactly one PathPrefix match per rule: split, keeping match order.
      const groups: Array<{ prefix: boolean; ms: MatchIR[] }> = [];
      for (const m of r.matches) {
        const isPrefix = m.uri.kind === "prefix" && !m.uri.implicit && m.uri.value !== "/";
        if (isPrefix || groups.length === 0 || groups[groups.length - 1].prefix) groups.push({ prefix: isPrefix, ms: [m] });
        else groups[groups.length - 1].ms.push(m);
      }
      let firstFull = true;
      for (const g of groups) {
        const rw = {
          ...urlRewriteBase,
          path: g.prefix ? { type: "ReplacePrefixMatch", replacePrefixMatch: r.rewrite.uri } : { type: "ReplaceFullPath", replaceFullPath: r.rewrite.uri },
        };
        const rule = withMatches(g.ms, common([{ type: "URLRewrite", urlRewrite: rw }]));
        let suffix: string | null = null;
        if (g.prefix) suffix = `prefix-${g.ms[0].index ?? 0}`;
        else if (!firstFull) suffix = String(g.ms[0].index ?? 0);
        if (!g.prefix) firstFull = false;
        outRules.push({ vsRule: r.index, matches: g.ms, rule: Object.assign(rule, { __nameSuffix: suffix }) });
      }
      if (groups.length > 1) a.notes.push(`${ruleRef(r.index)} is split into ${groups.length} rules: a ReplacePrefixMatch rewrite needs exactly one PathPrefix match per rule`);
    } else {
      const filters: Obj[] = [];
      if (r.rewrite?.fullPath !== undefined || r.rewrite?.authority !== undefined) {
        const rw: Obj = { ...urlRewriteBase };
        if (r.rewrite.fullPath !== undefined) rw.path = { type: "ReplaceFullPath", replaceFullPath: r.rewrite.fullPath };
        filters.push({ type: "URLRewrite", urlRewrite: rw });
      }
      outRules.push({ vsRule: r.index, matches: r.matches, rule: withMatches(r.matches, common(filters)) });
    }
  }

  // rule names
  const names = new Set<string>();
  let namesDropped = false;
  for (const o of outRules) {
    const suffix = o.rule.__nameSuffix as string | null | undefined;
    delete o.rule.__nameSuffix;
    const vsName = a.rules.find((r) => r.index === o.vsRule)?.name;
    if (vsName === undefined) continue;
    if (!a.supports("ruleName")) {
      namesDropped = true;
      continue;
    }
    let base = sanitizeSectionName(suffix ? `${vsName}-${suffix}` : vsName);
    if (!base) {
      a.notes.push(`${ruleRef(o.vsRule)}.name "${vsName}" cannot be made a valid rule name; it is dropped`);
      continue;
    }
    if (base !== (suffix ? `${vsName}-${suffix}` : vsName)) a.notes.push(`${ruleRef(o.vsRule)}.name "${vsName}" becomes rule name "${base}"`);
    let n = base;
    for (let k = 2; names.has(n); k++) n = `${base}-${k}`.slice(0, 253);
    names.add(n);
    base = n;
    o.rule = { name: base, ...o.rule };
  }
  if (namesDropped) a.notes.push(`rule names are dropped: ${featureRequirement("ruleName")} (target ${targetLabel(a.o.target)})`);

  // --- precedence ------------------------------------------------------------------------------------------------
  const flat = outRules.flatMap((o, oi) => o.matches.map((m) => ({ m, oi })));
  const action = (oi: number) => {
    const { matches: _m, name: _n, ...rest } = outRules[oi].rule as Obj;
    return JSON.stringify(rest);
  };
  const reported = new Set<string>();
  for (let q = 0; q < flat.length; q++) {
    for (let p = 0; p < q; p++) {
      const A = flat[p];
      const B = flat[q];
      if (A.oi === B.oi || !A.m.ok || !B.m.ok) continue;
      if (compareKeys(precedenceKey(B.m), precedenceKey(A.m)) <= 0) continue;
      if (!matchesMayOverlap(A.m, B.m)) continue;
      if (action(A.oi) === action(B.oi)) continue;
      const pairKey = `${A.m.rule}:${A.m.index}/${B.m.rule}:${B.m.index}`;
      if (reported.has(pairKey)) continue;
      reported.add(pairKey);
      const earlier = A.m.index === null ? ruleRef(A.m.rule) : `${ruleRef(A.m.rule)}.match[${A.m.index}]`;
      const later = B.m.index === null ? ruleRef(B.m.rule) : `${ruleRef(B.m.rule)}.match[${B.m.index}]`;
      a.c(
        B.m.path,
        "precedence",
        `${earlier} (${describeMatch(A.m)}) and ${later} (${describeMatch(B.m)}) can both match a request; the VirtualService uses ${earlier} (first match wins) but HTTPRoute precedence would pick ${later} because ${whyOutranks(B.m, A.m)}`,
      );
    }
  }

  if (a.feature.length || a.context.length) return refused();

  // --- the route ---------------------------------------------------------------------------------------------------
  const md = isObj((vs as Obj).metadata) ? ((vs as Obj).metadata as Obj) : {};
  const metadata: Obj = { name: str(md.name) ?? "virtualservice" };
  if (typeof md.namespace === "string") metadata.namespace = md.namespace;
  const parentRefs: Obj[] = [];
  const parentKeys = new Set<string>();
  a.parents.forEach((p, k) => {
    const key = `${p.ref.name}/${resolveNs(p.ref) ?? ""}/${parentPorts[k] ?? ""}`;
    if (parentKeys.has(key)) return;
    parentKeys.add(key);
    const ref: Obj = { group: "", kind: "Service", name: p.ref.name };
    if (p.ref.namespace !== undefined && p.ref.namespace !== vsNs) ref.namespace = p.ref.namespace;
    if (parentPorts[k] !== undefined) ref.port = parentPorts[k];
    parentRefs.push(ref);
  });
  const route = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata,
    spec: { parentRefs, rules: outRules.map((o) => o.rule) },
  };
  for (const v of checkHttpRouteLimits(route, a.o.target)) {
    const ruleIdx = v.path[0] === "spec" && v.path[1] === "rules" && typeof v.path[2] === "number" ? outRules[v.path[2]]?.vsRule : undefined;
    a.c(ruleIdx !== undefined ? ["spec", "http", ruleIdx] : ["spec", "http"], "limit", `the HTTPRoute would be invalid: ${pathStr(v.path)} ${v.message}`);
  }
  if (a.context.length) return refused();

  const gens = [...versionServices.values()].filter((v) => v.manifest);
  if (gens.length) {
    a.notes.push(`telemetry now reports destination_service=${gens.map((g) => g.name).join(", ")} instead of the base Service for subset traffic`);
  }
  let remaining: Obj | null = null;
  if (!a.meshOnly) {
    remaining = clone(vs as Obj);
    const spec = remaining.spec as Obj;
    spec.gateways = (spec.gateways as unknown[]).filter((g) => g !== "mesh");
    a.notes.push(`the VirtualService is also bound to ${(spec.gateways as unknown[]).join(", ")}: keep it with "mesh" removed from spec.gateways for that traffic`);
  }
  const output: ConvertOutput = {
    httpRoutes: [route],
    versionServices: gens.map((g) => g.manifest as object),
    remainingVirtualService: remaining,
    notes: a.notes,
  };
  return { result: output, problems: [], notes: a.notes };
}

// ---------------------------------------------------------------------------------------------------------------
// CRD rules the JSON schema cannot check (CEL in the gateway-api v1 CRDs, reference §3)

export interface RouteLimitViolation {
  /** Path inside the HTTPRoute. */
  path: (string | number)[];
  message: string;
}

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Checks an HTTPRoute against the validation rules of the Gateway API CRDs that a JSON-schema validator does not
 * apply (CEL rules, listMap keys, cross-field limits). With `target`, also reports fields the target
 * channel/version does not have. Returns [] when the route is valid.
 */
export function checkHttpRouteLimits(route: object, target?: GatewayApiTarget): RouteLimitViolation[] {
  const out: RouteLimitViolation[] = [];
  const add = (path: Path, message: string) => out.push({ path, message });
  const r = route as Obj;
  const spec = isObj(r.spec) ? r.spec : {};
  const has = (f: GatewayApiFeature) => !target || gatewayApiSupports(target, f);
  const featureMsg = (f: GatewayApiFeature) => `is not in the Gateway API ${target ? targetLabel(target) : ""} CRD: ${featureRequirement(f)}`;

  // parentRefs
  const parents = arr(spec.parentRefs);
  if (parents.length > 32) add(["spec", "parentRefs"], "must have at most 32 entries");
  const pkey = (p: Obj) => `${p.group ?? "gateway.networking.k8s.io"}/${p.kind ?? "Gateway"}/${p.namespace ?? ""}/${p.name}`;
  const groups = new Map<string, Obj[]>();
  parents.forEach((p, k) => {
    if (!isObj(p)) return;
    groups.set(pkey(p), [...(groups.get(pkey(p)) ?? []), p]);
    if (p.kind === "Service" && p.group !== "") add(["spec", "parentRefs", k, "group"], 'must be "" for a Service parent (the default group is gateway.networking.k8s.io)');
    if (p.port !== undefined && !has("parentRefPort")) add(["spec", "parentRefs", k, "port"], featureMsg("parentRefPort"));
  });
  for (const [key, list] of groups) {
    if (list.length < 2) continue;
    const ids = list.map((p) => `${p.sectionName ?? ""}/${p.port ?? ""}`);
    if (list.some((p) => !p.sectionName && (target?.channel !== "experimental" || !p.port)) || new Set(ids).size !== ids.length) {
      add(["spec", "parentRefs"], `parent ${key} is referenced more than once without a unique sectionName`);
    }
  }
  if (arr(spec.hostnames).length > 16) add(["spec", "hostnames"], "must have at most 16 entries");

  // rules
  const rules = arr(spec.rules);
  if (rules.length > 16) add(["spec", "rules"], `has ${rules.length} rules; at most 16 are allowed`);
  const totalMatches = rules.reduce<number>((n, rule) => n + (isObj(rule) ? arr(rule.matches).length : 0), 0);
  if (totalMatches > 128) add(["spec", "rules"], `has ${totalMatches} matches in total; at most 128 are allowed`);
  const ruleNames = new Set<string>();

  const checkHeaderFilter = (f: Obj, path: Path) => {
    for (const op of ["set", "add"]) {
      const list = arr(f[op]);
      if (list.length > 16) add([...path, op], "must have at most 16 entries");
      const names = list.map((h) => (isObj(h) ? String(h.name).toLowerCase() : ""));
      if (new Set(names).size !== names.length) add([...path, op], "has duplicate header names");
    }
    const remove = arr(f.remove);
    if (remove.length > 16) add([...path, "remove"], "must have at most 16 entries");
    if (new Set(remove).size !== remove.length) add([...path, "remove"], "has duplicate header names");
  };
  const checkPathModifier = (pm: unknown, path: Path): boolean => {
    if (!isObj(pm)) return false;
    if (pm.type === "ReplaceFullPath" && (pm.replaceFullPath === undefined || pm.replacePrefixMatch !== undefined)) add(path, "type ReplaceFullPath needs replaceFullPath (only)");
    if (pm.type === "ReplacePrefixMatch" && (pm.replacePrefixMatch === undefined || pm.replaceFullPath !== undefined)) add(path, "type ReplacePrefixMatch needs replacePrefixMatch (only)");
    return pm.type === "ReplacePrefixMatch";
  };
  const checkBackendObjectRef = (b: Obj, path: Path) => {
    const isService = (b.group === undefined || b.group === "") && (b.kind === undefined || b.kind === "Service");
    if (isService && b.port === undefined) add(path, "must have port for Service reference");
  };
  const filterField: Record<string, string> = {
    RequestHeaderModifier: "requestHeaderModifier",
    ResponseHeaderModifier: "responseHeaderModifier",
    RequestRedirect: "requestRedirect",
    URLRewrite: "urlRewrite",
    RequestMirror: "requestMirror",
    CORS: "cors",
    ExternalAuth: "externalAuth",
    ExtensionRef: "extensionRef",
  };
  const checkFilters = (filters: unknown[], path: Path): { prefixReplace: boolean; redirect: boolean } => {
    let prefixReplace = false;
    let redirect = false;
    if (filters.length > 16) add(path, "must have at most 16 filters");
    const counts = new Map<string, number>();
    filters.forEach((f, k) => {
      const fp: Path = [...path, k];
      if (!isObj(f)) return;
      const type = String(f.type);
      counts.set(type, (counts.get(type) ?? 0) + 1);
      for (const [t, field] of Object.entries(filterField)) {
        if (t === type && f[field] === undefined) add(fp, `filter type ${t} needs ${field}`);
        if (t !== type && f[field] !== undefined) add([...fp, field], `must not be set for filter type ${type}`);
      }
      if (type === "RequestHeaderModifier" && isObj(f.requestHeaderModifier)) checkHeaderFilter(f.requestHeaderModifier, [...fp, "requestHeaderModifier"]);
      if (type === "ResponseHeaderModifier" && isObj(f.responseHeaderModifier)) checkHeaderFilter(f.responseHeaderModifier, [...fp, "responseHeaderModifier"]);
      if (type === "RequestRedirect" && isObj(f.requestRedirect)) {
        redirect = true;
        if (checkPathModifier(f.requestRedirect.path, [...fp, "requestRedirect", "path"])) prefixReplace = true;
      }
      if (type === "URLRewrite" && isObj(f.urlRewrite)) {
        if (checkPathModifier(f.urlRewrite.path, [...fp, "urlRewrite", "path"])) prefixReplace = true;
      }
      if (type === "RequestMirror" && isObj(f.requestMirror)) {
        const m = f.requestMirror;
        if (isObj(m.backendRef)) checkBackendObjectRef(m.backendRef, [...fp, "requestMirror", "backendRef"]);
        if (m.percent !== undefined && m.fraction !== undefined) add([...fp, "requestMirror"], "only one of percent or fraction may be specified");
        if ((m.percent !== undefined || m.fraction !== undefined) && !has("mirrorPercent")) add([...fp, "requestMirror"], featureMsg("mirrorPercent"));
        if (isObj(m.fraction)) {
          const num = Number(m.fraction.numerator);
          const den = m.fraction.denominator === undefined ? 100 : Number(m.fraction.denominator);
          if (!(den >= 1) || !(num >= 0) || num > den) add([...fp, "requestMirror", "fraction"], "numerator must be 0..denominator and denominator >= 1");
        }
      }
      if (type === "CORS") {
        if (!has("cors")) add(fp, featureMsg("cors"));
        const c = isObj(f.cors) ? f.cors : {};
        const origins = arr(c.allowOrigins);
        if (origins.includes("*") && origins.length > 1) add([...fp, "cors", "allowOrigins"], "'*' must be the only origin");
        const methods = arr(c.allowMethods);
        if (methods.includes("*") && methods.length > 1) add([...fp, "cors", "allowMethods"], "'*' must be the only method");
        if (c.maxAge !== undefined && !(Number(c.maxAge) >= 1)) add([...fp, "cors", "maxAge"], "must be >= 1");
      }
    });
    for (const t of ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite", "CORS", "ExternalAuth"]) {
      if ((counts.get(t) ?? 0) > 1) add(path, `filter ${t} cannot be repeated`);
    }
    if (counts.get("RequestRedirect") && counts.get("URLRewrite")) add(path, "may specify either RequestRedirect or URLRewrite, but not both");
    return { prefixReplace, redirect };
  };

  rules.forEach((rule, ri) => {
    const rp: Path = ["spec", "rules", ri];
    if (!isObj(rule)) return;
    if (rule.name !== undefined) {
      if (!has("ruleName")) add([...rp, "name"], featureMsg("ruleName"));
      const n = String(rule.name);
      if (!SECTION_NAME.test(n) || n.length > 253) add([...rp, "name"], "is not a valid SectionName");
      if (ruleNames.has(n)) add([...rp, "name"], "rule names must be unique within the route");
      ruleNames.add(n);
    }
    const matches = arr(rule.matches);
    if (matches.length > 64) add([...rp, "matches"], "must have at most 64 matches");
    matches.forEach((m, mi) => {
      const mp: Path = [...rp, "matches", mi];
      if (!isObj(m)) return;
      if (isObj(m.path) && (m.path.type === undefined || m.path.type === "Exact" || m.path.type === "PathPrefix")) {
        const why = pathValueProblem(String(m.path.value ?? "/"));
        if (why) add([...mp, "path", "value"], why);
      }
      for (const key of ["headers", "queryParams"]) {
        const list = arr(m[key]);
        if (list.length > 16) add([...mp, key], "must have at most 16 entries");
        const names = list.map((h) => (isObj(h) ? String(h.name) : ""));
        if (new Set(names).size !== names.length) add([...mp, key], "has duplicate names");
        if (key === "headers" && target?.channel === "experimental") {
          list.forEach((h, hi) => {
            if (isObj(h) && !EXPERIMENTAL_HEADER_VALUE.test(String(h.value))) add([...mp, key, hi, "value"], "does not match ^[!-~]+([\\t ]?[!-~]+)*$ (experimental CRD)");
          });
        }
      }
    });
    const { prefixReplace, redirect } = checkFilters(arr(rule.filters), [...rp, "filters"]);
    const backends = arr(rule.backendRefs);
    if (backends.length > 16) add([...rp, "backendRefs"], "must have at most 16 entries");
    if (redirect && backends.length > 0) add([...rp], "RequestRedirect filter must not be used together with backendRefs");
    let backendPrefixReplace = false;
    backends.forEach((b, bi) => {
      const bp: Path = [...rp, "backendRefs", bi];
      if (!isObj(b)) return;
      checkBackendObjectRef(b, bp);
      if (b.weight !== undefined && !(Number(b.weight) >= 0 && Number(b.weight) <= 1000000)) add([...bp, "weight"], "must be 0–1000000");
      const f = checkFilters(arr(b.filters), [...bp, "filters"]);
      if (f.prefixReplace) backendPrefixReplace = true;
    });
    if (prefixReplace || backendPrefixReplace) {
      const effective = matches.length === 0 ? [{ path: { type: "PathPrefix", value: "/" } }] : matches;
      const one = effective.length === 1 && isObj(effective[0]) && isObj((effective[0] as Obj).path) && ((effective[0] as Obj).path as Obj).type === "PathPrefix";
      if (!one) add([...rp, "matches"], "ReplacePrefixMatch needs exactly one match, of type PathPrefix");
    }
    if (isObj(rule.timeouts)) {
      if (!has("timeouts")) add([...rp, "timeouts"], featureMsg("timeouts"));
      const req = rule.timeouts.request !== undefined ? gatewayDurationMs(rule.timeouts.request) : undefined;
      const back = rule.timeouts.backendRequest !== undefined ? gatewayDurationMs(rule.timeouts.backendRequest) : undefined;
      if (req === null) add([...rp, "timeouts", "request"], "is not a Gateway API duration");
      if (back === null) add([...rp, "timeouts", "backendRequest"], "is not a Gateway API duration");
      if (typeof req === "bigint" && typeof back === "bigint" && req !== 0n && back > req) {
        add([...rp, "timeouts"], `backendRequest (${String(rule.timeouts.backendRequest)}) must be <= request (${String(rule.timeouts.request)})`);
      }
    }
    if (isObj(rule.retry)) {
      if (!has("retry")) add([...rp, "retry"], featureMsg("retry"));
      for (const c of arr(rule.retry.codes)) if (!(Number(c) >= 400 && Number(c) <= 599)) add([...rp, "retry", "codes"], "codes must be 400–599");
      if (rule.retry.backoff !== undefined && gatewayDurationMs(rule.retry.backoff) === null) add([...rp, "retry", "backoff"], "is not a Gateway API duration");
    }
  });
  return out;
}
