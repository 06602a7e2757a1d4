/**
 * The enforcement model: who enforces which AuthorizationPolicy, how, and for which caller identity.
 *
 * Istio decides one request at several points. For a pod captured by ztunnel:
 * - the **destination ztunnel** enforces the ALLOW and DENY policies attached by `selector`, namespace-wide, or
 *   mesh-wide from the root namespace (istio/istio `pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go`
 *   `convertAuthorizationPolicy`): `targetRefs` policies are "not intended for ztunnel"; CUSTOM and AUDIT are
 *   refused ("ztunnel does not support the … action"); `istio.io/dry-run` policies are treated as not existing
 *   (istio/istio#55414, 1.25; a gated ambient dry-run came later with istio/istio#58657). Within a rule (`handleRule`),
 *   an ALLOW rule holding any HTTP attribute is dropped whole; a DENY rule keeps its L4 matches only. Fields
 *   ztunnel has no match for — `trustDomains`, `notTrustDomains` — are not converted at all.
 * - ztunnel evaluates a policy as rules (OR) of clauses (AND) of matches (OR), where a match whose fields are all
 *   empty is skipped and never matches, a clause without matches matches, and a policy without rules matches nothing
 *   (istio/ztunnel `src/rbac.rs` `Authorization::matches`, `RbacMatch::is_empty`). Any matching DENY denies; when
 *   any ALLOW applies, a request no ALLOW matches is denied (so a root-namespace `spec: {}` ALLOW denies everything
 *   by default).
 * - traffic that passed a **waypoint** arrives at the destination ztunnel with the waypoint's identity, not the
 *   client's (istio.io `ambient/usage/authorization-policy`; the guide's "Prevent waypoint bypass"). The waypoint
 *   itself enforces the `targetRefs` policies with their HTTP attributes, seeing the client's identity.
 * - an **ingress gateway** sends to the destination pods directly, skipping Service waypoints, unless the Service or
 *   its Namespace is labelled `istio.io/ingress-use-waypoint: "true"` (istio/istio `features.EnableIngressWaypointRouting`).
 *
 * Pure: plain policy data in, facts out. Three-valued where the repository cannot tell (`"unknown"`).
 */
import { asArray, isIstioKind, isObject, type PlainObject } from "../k8s/resource.js";
import type { Resource } from "../yaml/documents.js";
import { selectorMatches, type Labels } from "../k8s/selector.js";
import { labelIndex } from "../k8s/label-index.js";
import { oncePer } from "../memo.js";
import type { ObjectRef, ResourceRecord } from "../index/types.js";
import type { RepoIndex } from "../index/repo-index.js";
import { baseOf, sees } from "../index/scope.js";
import { L4_WHEN_KEYS, L7_OPERATION_FIELDS } from "./authorization.js";
import { principalMatches } from "./waypoint.js";

export type Tri = true | false | "unknown";

export const DRY_RUN = "istio.io/dry-run";
export const INGRESS_USE_WAYPOINT = "istio.io/ingress-use-waypoint";

/** An AuthorizationPolicy as the model reads it (from the linted text or from another file's index record). */
export interface PolicyFacts {
  /** Identifies the policy (`<namespace>/<name>`, or the record's file and position). */
  key: string;
  name: string;
  namespace: string | undefined;
  /** Upper-cased `spec.action` (`ALLOW` when absent). */
  action: string;
  /** `spec.selector.matchLabels`; null when there is no `selector`. */
  selector: Labels | null;
  targetRefs: readonly ObjectRef[];
  dryRun: boolean;
  /** `spec.rules` as written; undefined when not known. */
  rules: readonly unknown[] | undefined;
}

function isTrue(v: unknown): boolean {
  return String(v ?? "").trim().toLowerCase() === "true";
}

/** Facts of an index record. */
export function recordFacts(r: ResourceRecord): PolicyFacts {
  // Records do not change within an index snapshot: their facts are made once.
  let facts = recordFactsMemo.get(r);
  if (!facts) recordFactsMemo.set(r, (facts = makeRecordFacts(r)));
  return facts;
}
const recordFactsMemo = new WeakMap<ResourceRecord, PolicyFacts>();

function makeRecordFacts(r: ResourceRecord): PolicyFacts {
  return {
    key: `${r.file}\0${r.documentIndex ?? ""}\0${r.namespace ?? ""}/${r.name}`,
    name: r.name,
    namespace: r.namespace,
    action: (r.action ?? "ALLOW").toUpperCase(),
    selector: r.selector ?? null,
    targetRefs: r.targetRefs ?? [],
    dryRun: isTrue(r.annotations[DRY_RUN]),
    rules: r.rules ?? (r.partial ? undefined : []),
  };
}

/** Facts of a policy object (the linted file's text); `namespace` is where it is deployed. */
export function objectFacts(policy: PlainObject, namespace: string | undefined, key: string): PolicyFacts {
  const spec = isObject(policy.spec) ? policy.spec : {};
  const metadata = isObject(policy.metadata) ? policy.metadata : {};
  const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
  const selector = isObject(spec.selector) ? labelsOf(spec.selector.matchLabels) : null;
  const refs = [...(isObject(spec.targetRef) ? [spec.targetRef] : []), ...asArray(spec.targetRefs)].filter(isObject) as unknown as ObjectRef[];
  return {
    key,
    name: typeof metadata.name === "string" ? metadata.name : "",
    namespace,
    action: (typeof spec.action === "string" && spec.action ? spec.action : "ALLOW").toUpperCase(),
    selector,
    targetRefs: refs,
    dryRun: isTrue(annotations[DRY_RUN]),
    rules: asArray(spec.rules),
  };
}

function labelsOf(v: unknown): Labels {
  const out: Labels = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === "string" || typeof x === "number" || typeof x === "boolean") out[k] = String(x);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// How ztunnel evaluates a policy.

/** One ztunnel match: every non-empty field must hold (positive: any entry; negative: no entry). */
export interface ZMatch {
  principals: string[];
  notPrincipals: string[];
  namespaces: string[];
  notNamespaces: string[];
  /** `<namespace>/<serviceAccount>` (a bare name is in the policy's namespace). */
  serviceAccounts: string[];
  notServiceAccounts: string[];
  sourceIps: string[];
  notSourceIps: string[];
  destinationIps: string[];
  notDestinationIps: string[];
  ports: number[];
  notPorts: number[];
}

/** One rule as ztunnel holds it: clauses that must all match; a clause matches when any of its matches does. */
export interface ZRule {
  /** Index in `spec.rules`. */
  index: number;
  clauses: ZMatch[][];
}

export type NotSentReason = "targetRefs" | "custom" | "audit" | "dry-run" | "action";

export interface ZtunnelPolicy {
  facts: PolicyFacts;
  action: "ALLOW" | "DENY";
  scope: "workload" | "namespace" | "global";
  /** The rules ztunnel keeps; undefined when the policy's rules are not known. */
  rules: ZRule[] | undefined;
  /** Indexes of ALLOW rules dropped because they hold HTTP attributes. */
  dropped: number[];
}

const HTTP_SOURCE_FIELDS = ["requestPrincipals", "notRequestPrincipals", "remoteIpBlocks", "notRemoteIpBlocks"];

function strings(v: unknown): string[] {
  return asArray(v).flatMap((x) => (typeof x === "string" ? [x] : typeof x === "number" ? [String(x)] : []));
}

function ports(v: unknown): number[] {
  return strings(v).flatMap((s) => (/^\d+$/.test(s.trim()) && Number(s) <= 65535 ? [Number(s)] : []));
}

function emptyMatch(): ZMatch {
  return {
    principals: [],
    notPrincipals: [],
    namespaces: [],
    notNamespaces: [],
    serviceAccounts: [],
    notServiceAccounts: [],
    sourceIps: [],
    notSourceIps: [],
    destinationIps: [],
    notDestinationIps: [],
    ports: [],
    notPorts: [],
  };
}

export function isEmptyMatch(m: ZMatch): boolean {
  return Object.values(m).every((v) => (v as unknown[]).length === 0);
}

function saMatches(list: string[], ns: string | undefined): string[] {
  return list.map((v) => (v.includes("/") ? v : `${ns ?? ""}/${v}`));
}

/** Does the rule hold an attribute ztunnel treats as HTTP (`handleRule`'s `l7RuleFound`)? */
function ruleHasHttp(rule: PlainObject): boolean {
  for (const to of asArray(rule.to)) {
    const op = isObject(to) && isObject(to.operation) ? to.operation : {};
    if (L7_OPERATION_FIELDS.some((f) => asArray(op[f]).length > 0)) return true;
  }
  for (const from of asArray(rule.from)) {
    const src = isObject(from) && isObject(from.source) ? from.source : {};
    if (HTTP_SOURCE_FIELDS.some((f) => asArray(src[f]).length > 0)) return true;
  }
  return asArray(rule.when).some((w) => isObject(w) && typeof w.key === "string" && !L4_WHEN_KEYS.has(w.key));
}

/** The rule as ztunnel's clauses (`handleRule`), HTTP attributes and trust domains left out. */
function toClauses(rule: PlainObject, namespace: string | undefined): ZMatch[][] {
  const clauses: ZMatch[][] = [];
  const tos = asArray(rule.to);
  if (tos.length) {
    clauses.push(
      tos.map((to) => {
        const op = isObject(to) && isObject(to.operation) ? to.operation : {};
        return { ...emptyMatch(), ports: ports(op.ports), notPorts: ports(op.notPorts) };
      }),
    );
  }
  const froms = asArray(rule.from);
  if (froms.length) {
    clauses.push(
      froms.map((from) => {
        const s = isObject(from) && isObject(from.source) ? from.source : {};
        return {
          ...emptyMatch(),
          principals: strings(s.principals),
          notPrincipals: strings(s.notPrincipals),
          namespaces: strings(s.namespaces),
          notNamespaces: strings(s.notNamespaces),
          serviceAccounts: saMatches(strings(s.serviceAccounts), namespace),
          notServiceAccounts: saMatches(strings(s.notServiceAccounts), namespace),
          sourceIps: strings(s.ipBlocks),
          notSourceIps: strings(s.notIpBlocks),
        };
      }),
    );
  }
  for (const when of asArray(rule.when)) {
    const w = isObject(when) ? when : {};
    const m = emptyMatch();
    const values = strings(w.values);
    const notValues = strings(w.notValues);
    switch (w.key) {
      case "source.principal":
        m.principals = values;
        m.notPrincipals = notValues;
        break;
      case "source.namespace":
        m.namespaces = values;
        m.notNamespaces = notValues;
        break;
      case "source.ip":
        m.sourceIps = values;
        m.notSourceIps = notValues;
        break;
      case "destination.ip":
        m.destinationIps = values;
        m.notDestinationIps = notValues;
        break;
      case "destination.port":
        m.ports = ports(values);
        m.notPorts = ports(notValues);
        break;
    }
    clauses.push([m]);
  }
  return clauses;
}

/** Why ztunnel never receives the policy, or null when it does. */
export function notSentToZtunnel(f: PolicyFacts): NotSentReason | null {
  if (f.targetRefs.length) return "targetRefs";
  if (f.action === "CUSTOM") return "custom";
  if (f.action === "AUDIT") return "audit";
  if (f.action !== "ALLOW" && f.action !== "DENY") return "action";
  if (f.dryRun) return "dry-run";
  return null;
}

/** The policy as ztunnel enforces it, or null when ztunnel never receives it (see `notSentToZtunnel`). */
export function atZtunnel(f: PolicyFacts, rootNamespace: string): ZtunnelPolicy | null {
  if (notSentToZtunnel(f)) return null;
  const scope = f.selector !== null ? "workload" : f.namespace === rootNamespace ? "global" : "namespace";
  if (!f.rules) return { facts: f, action: f.action as "ALLOW" | "DENY", scope, rules: undefined, dropped: [] };
  const rules: ZRule[] = [];
  const dropped: number[] = [];
  f.rules.forEach((rule, index) => {
    const r = isObject(rule) ? rule : {};
    if (f.action === "ALLOW" && ruleHasHttp(r)) {
      dropped.push(index);
      return;
    }
    rules.push({ index, clauses: toClauses(r, f.namespace) });
  });
  return { facts: f, action: f.action as "ALLOW" | "DENY", scope, rules, dropped };
}

// ---------------------------------------------------------------------------------------------------------
// Callers.

/**
 * A caller as the destination ztunnel sees it. Fields left undefined are not known (the answer may then be
 * `"unknown"`); `principal` is `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`.
 */
export interface Caller {
  principal?: string;
  namespace?: string;
  serviceAccount?: string;
  ip?: string;
  port?: number;
  destinationIp?: string;
}

/** The caller a principal stands for (namespace and service account read from it). */
export function callerOf(principal: string): Caller {
  const m = /^[^/]+\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
  return m ? { principal, namespace: m[1], serviceAccount: m[2] } : { principal };
}

function and(a: Tri, b: Tri): Tri {
  if (a === false || b === false) return false;
  if (a === "unknown" || b === "unknown") return "unknown";
  return true;
}
function or(a: Tri, b: Tri): Tri {
  if (a === true || b === true) return true;
  if (a === "unknown" || b === "unknown") return "unknown";
  return false;
}
function not(a: Tri): Tri {
  return a === "unknown" ? "unknown" : !a;
}

/** ztunnel's `matches_internal`: any positive entry, and no negative entry. */
function field<T>(positive: T[], negative: T[], value: unknown, test: (entry: T) => boolean): Tri {
  if (!positive.length && !negative.length) return true;
  if (value === undefined) return "unknown";
  const pm: Tri = positive.length ? positive.some(test) : true;
  const nm: Tri = negative.length ? !negative.some(test) : true;
  return and(pm, nm);
}

function ipIn(cidr: string, ip: string): boolean {
  // Exact address, or a CIDR whose prefix bits match (IPv4 only; anything else compares as text).
  const [net, bitsText] = cidr.split("/");
  const toInt = (a: string) => {
    const p = a.split(".").map(Number);
    return p.length === 4 && p.every((x) => Number.isInteger(x) && x >= 0 && x < 256) ? ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0 : null;
  };
  const a = toInt(net);
  const b = toInt(ip);
  if (a === null || b === null) return cidr === ip;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) === (b & mask);
}

function matchHolds(m: ZMatch, c: Caller): Tri {
  let r: Tri = true;
  r = and(r, field(m.destinationIps, m.notDestinationIps, c.destinationIp, (x) => ipIn(x, c.destinationIp!)));
  r = and(r, field(m.sourceIps, m.notSourceIps, c.ip, (x) => ipIn(x, c.ip!)));
  r = and(r, field(m.ports, m.notPorts, c.port, (p) => p === c.port));
  const sa = c.namespace !== undefined && c.serviceAccount !== undefined ? `${c.namespace}/${c.serviceAccount}` : undefined;
  r = and(r, field(m.serviceAccounts, m.notServiceAccounts, sa, (x) => x === sa));
  r = and(r, field(m.principals, m.notPrincipals, c.principal, (p) => principalMatches(p, c.principal!)));
  r = and(r, field(m.namespaces, m.notNamespaces, c.namespace, (p) => principalMatches(p, c.namespace!)));
  return r;
}

/** Does the policy (as ztunnel holds it) match the caller? */
export function matches(p: ZtunnelPolicy, c: Caller): Tri {
  if (!p.rules) return "unknown";
  let any: Tri = false;
  for (const rule of p.rules) {
    let all: Tri = true;
    for (const clause of rule.clauses) {
      let some: Tri = false;
      for (const m of clause) {
        if (isEmptyMatch(m)) continue;
        some = or(some, matchHolds(m, c));
      }
      all = and(all, clause.length === 0 ? true : some);
      if (all === false) break;
    }
    any = or(any, all);
    if (any === true) return true;
  }
  return any;
}

export interface Decision {
  /** true: admitted; false: denied; "unknown": the repository cannot tell. */
  allowed: Tri;
  /** The DENY that denies, or the ALLOW that admits. */
  by?: ZtunnelPolicy;
}

/** ztunnel's decision (istio/ztunnel `src/state.rs` `assert_rbac`): a matching DENY denies; then ALLOWs, if any apply. */
export function decide(policies: readonly ZtunnelPolicy[], c: Caller): Decision {
  let unknown = false;
  for (const p of policies) {
    if (p.action !== "DENY") continue;
    const m = matches(p, c);
    if (m === true) return { allowed: false, by: p };
    if (m === "unknown") unknown = true;
  }
  const allows = policies.filter((p) => p.action === "ALLOW");
  if (!allows.length) return { allowed: unknown ? "unknown" : true };
  let allowUnknown = false;
  for (const p of allows) {
    const m = matches(p, c);
    if (m === true) return unknown ? { allowed: "unknown", by: p } : { allowed: true, by: p };
    if (m === "unknown") allowUnknown = true;
  }
  return { allowed: unknown || allowUnknown ? "unknown" : false };
}

// ---------------------------------------------------------------------------------------------------------
// Which pods a policy applies to.

/** A set of pods: their namespace, the labels all of them carry, and the known pod labels among them. */
export interface Pods {
  namespace: string | undefined;
  /** Labels every pod of the set carries (a Service selector, a policy selector). */
  labels: Labels;
  /** Pod-template labels of the repository's workloads in the namespace (to decide selectors more precisely). */
  workloads?: readonly Labels[];
}

/**
 * Does a ztunnel-side policy (selector, namespace-wide, or from the root namespace) apply to every pod of the set?
 * false when it applies to none of them; "unknown" in between or when the repository cannot tell.
 */
export function appliesTo(f: PolicyFacts, pods: Pods, rootNamespace: string): Tri {
  const root = f.namespace === rootNamespace;
  if (f.namespace !== undefined && pods.namespace !== undefined && !root && f.namespace !== pods.namespace) return false;
  const nsKnown = f.namespace !== undefined && (root || pods.namespace !== undefined);
  if (f.selector === null || Object.keys(f.selector).length === 0) return nsKnown ? true : "unknown";
  const sel = f.selector;
  let verdict: Tri;
  if (selectorMatches(sel, pods.labels)) verdict = true;
  else if (Object.entries(sel).some(([k, v]) => pods.labels[k] !== undefined && pods.labels[k] !== v)) verdict = false;
  else {
    // The workloads among the set's pods, through a label index of the list (made once per list).
    const known = pods.workloads ? labelIndex(pods.workloads, ownLabels).matching(pods.labels) : [];
    if (!known.length) verdict = "unknown";
    else if (known.every((w) => selectorMatches(sel, w))) verdict = true;
    else if (known.every((w) => !selectorMatches(sel, w))) verdict = false;
    else verdict = "unknown";
  }
  return verdict === true && !nsKnown ? "unknown" : verdict;
}

const ownLabels = (labels: Labels) => labels;

/**
 * The pod labels of a list of workloads (`Pods.workloads`), once per list: the index hands out one array per
 * snapshot and namespace, so every policy of the namespace shares the list and its label index.
 */
export const podLabelsOf = oncePer((workloads: readonly { podLabels: Labels }[]): readonly Labels[] => workloads.map((w) => w.podLabels));

export interface Applied {
  policy: ZtunnelPolicy;
  applies: Tri;
}

const ztunnelMemo = new WeakMap<PolicyFacts, Map<string, ZtunnelPolicy | null>>();
/** `atZtunnel`, once per facts object and root namespace (facts are not changed once made). */
function ztunnelPolicy(f: PolicyFacts, rootNamespace: string): ZtunnelPolicy | null {
  let byRoot = ztunnelMemo.get(f);
  if (!byRoot) ztunnelMemo.set(f, (byRoot = new Map()));
  let z = byRoot.get(rootNamespace);
  if (z === undefined) byRoot.set(rootNamespace, (z = atZtunnel(f, rootNamespace)));
  return z;
}

/**
 * The policies the destination ztunnel enforces for the pods (those that surely or maybe apply), in the order of
 * `facts`; `exclude` leaves out the policy of that key (the one being judged).
 */
export function ztunnelPoliciesFor(facts: readonly PolicyFacts[] | UnitPolicies, pods: Pods, rootNamespace: string, exclude?: string): Applied[] {
  const out: Applied[] = [];
  for (const f of facts instanceof UnitPolicies ? facts.candidates(pods, rootNamespace) : facts) {
    if (exclude !== undefined && f.key === exclude) continue;
    // Whether it applies first (cheap: most policies of a repository are of other namespaces), then what the
    // ztunnel receives of it (made once per policy and root namespace).
    const applies = appliesTo(f, pods, rootNamespace);
    if (applies === false) continue;
    const z = ztunnelPolicy(f, rootNamespace);
    if (z) out.push({ policy: z, applies });
  }
  return out;
}

/**
 * Is the caller admitted at the destination ztunnel of these pods? Policies that only maybe apply make a
 * definite answer "unknown" unless the answer is the same with and without them.
 */
export function admitted(applied: readonly Applied[], c: Caller): Decision {
  const sure = applied.filter((a) => a.applies === true).map((a) => a.policy);
  const all = applied.map((a) => a.policy);
  const a = decide(sure, c);
  if (sure.length === all.length) return a;
  const b = decide(all, c);
  return a.allowed === b.allowed ? a : { allowed: "unknown" };
}

/** True when, at these pods, some ALLOW applies for sure (the default is then deny). */
export function defaultDeny(applied: readonly Applied[]): boolean {
  return applied.some((a) => a.applies === true && a.policy.action === "ALLOW");
}

// ---------------------------------------------------------------------------------------------------------
// Caller identities named by a rule.

/** Source fields that name the client's identity or address. */
export const IDENTITY_SOURCE_FIELDS = ["principals", "notPrincipals", "namespaces", "notNamespaces", "serviceAccounts", "notServiceAccounts", "ipBlocks", "notIpBlocks"] as const;
export const IDENTITY_WHEN_KEYS = new Set(["source.principal", "source.namespace", "source.ip"]);

export interface IdentityCondition {
  rule: number;
  /** `principals`, `namespaces`, … or the `when` key. */
  field: string;
  values: string[];
  path: (string | number)[];
}

/** Every condition on the caller's identity or address in the policy's rules, in document order. */
export function identityConditions(rules: readonly unknown[]): IdentityCondition[] {
  const out: IdentityCondition[] = [];
  rules.forEach((rule, r) => {
    if (!isObject(rule)) return;
    asArray(rule.from).forEach((from, i) => {
      if (!isObject(from) || !isObject(from.source)) return;
      for (const fieldName of IDENTITY_SOURCE_FIELDS) {
        const values = strings(from.source[fieldName]);
        if (values.length) out.push({ rule: r, field: fieldName, values, path: ["spec", "rules", r, "from", i, "source", fieldName] });
      }
    });
    asArray(rule.when).forEach((when, w) => {
      if (!isObject(when) || typeof when.key !== "string" || !IDENTITY_WHEN_KEYS.has(when.key)) return;
      for (const k of ["values", "notValues"] as const) {
        const values = strings(when[k]);
        if (values.length) out.push({ rule: r, field: k === "values" ? when.key : `${when.key} (notValues)`, values, path: ["spec", "rules", r, "when", w, k] });
      }
    });
  });
  return out;
}

/** Does one identity value of a condition (principal, namespace, `ns/sa`) stand for the caller? */
export function namesCaller(fieldName: string, value: string, c: Caller): boolean {
  const base = fieldName.replace(/^not/, "").replace(" (notValues)", "");
  const f = base.charAt(0).toLowerCase() + base.slice(1);
  if (f === "principals" || f === "source.principal") return c.principal !== undefined && value !== "*" && principalMatches(value, c.principal);
  if (f === "namespaces" || f === "source.namespace") return c.namespace !== undefined && value !== "*" && principalMatches(value, c.namespace);
  if (f === "serviceAccounts") return c.namespace !== undefined && c.serviceAccount !== undefined && (value === c.serviceAccount || value === `${c.namespace}/${c.serviceAccount}`);
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Trust domains.

export interface TrustDomainUse {
  rule: number;
  field: "trustDomains" | "notTrustDomains";
  path: (string | number)[];
  /** The source holds other fields ztunnel matches on (else the source is an empty match and never matches). */
  withOthers: boolean;
  /** The source is the only one of its `from` list. */
  onlySource: boolean;
}

const ZTUNNEL_SOURCE_FIELDS = ["principals", "notPrincipals", "namespaces", "notNamespaces", "serviceAccounts", "notServiceAccounts", "ipBlocks", "notIpBlocks"];

/** Every `trustDomains` / `notTrustDomains` of the rules (ztunnel ignores both). */
export function trustDomainUses(rules: readonly unknown[]): TrustDomainUse[] {
  const out: TrustDomainUse[] = [];
  rules.forEach((rule, r) => {
    if (!isObject(rule)) return;
    const froms = asArray(rule.from);
    froms.forEach((from, i) => {
      if (!isObject(from) || !isObject(from.source)) return;
      const s = from.source;
      for (const fieldName of ["trustDomains", "notTrustDomains"] as const) {
        if (!asArray(s[fieldName]).length) continue;
        out.push({
          rule: r,
          field: fieldName,
          path: ["spec", "rules", r, "from", i, "source", fieldName],
          withOthers: ZTUNNEL_SOURCE_FIELDS.some((k) => asArray(s[k]).length > 0),
          onlySource: froms.length === 1,
        });
      }
    });
  });
  return out;
}

/** True when the rule holds an HTTP attribute (ztunnel drops such ALLOW rules; DENY rules lose those matches). */
export { ruleHasHttp };

export const _internal = { toClauses, not };

/** Facts of a policy of the linted file (read from its text), keyed by its position in the file. */
export function resourceFacts(resource: Resource, namespace: string | undefined): PolicyFacts {
  return objectFacts(resource.value, namespace, `own\0${resource.documentIndex}\0${resource.listIndex ?? ""}`);
}

/** What `filePolicyFacts` needs of a rule's view of its file and unit. */
export interface FilePolicyView {
  resources: readonly Resource[];
  recordOf(resource: Resource): ResourceRecord | undefined;
  namespaceOf(resource: Resource): string | undefined;
  repo(): RepoIndex;
}

/** The unit's AuthorizationPolicies as a rule sees them: the linted file's from its text, the others from the index. */
export function filePolicyFacts(view: FilePolicyView, file: string): UnitPolicies {
  const own = view.resources
    .filter((r) => isIstioKind(r, "AuthorizationPolicy") && !view.recordOf(r)?.partial)
    .map((r) => resourceFacts(r, view.namespaceOf(r)));
  return new UnitPolicies(own, view.repo(), file);
}

/**
 * The repository's AuthorizationPolicy records as facts, made once per index snapshot (on the whole-repository
 * index, so every unit's view shares it) and indexed by namespace and by one selector label, so that the policies
 * that may apply to a set of pods are found without a pass over every policy of the repository.
 */
interface PolicyTable {
  records: ResourceRecord[];
  facts: PolicyFacts[];
  byNamespace: Map<string, number[]>;
  unknownNamespace: number[];
  /** Per namespace (and root namespace): positions without a selector, and by a selector label. */
  near: Map<string, NearTable>;
}

interface NearTable {
  /** Positions of policies without a (non-empty) selector. */
  unselected: number[];
  /** Positions of policies with a selector, by the first key of their selector and its value. */
  byLabel: Map<string, Map<unknown, number[]>>;
}

const policyTables = new WeakMap<RepoIndex, PolicyTable>();

function policyTable(repo: RepoIndex): PolicyTable {
  const base = baseOf(repo);
  let table = policyTables.get(base);
  if (table) return table;
  table = { records: [], facts: [], byNamespace: new Map(), unknownNamespace: [], near: new Map() };
  for (const r of base.byKind("AuthorizationPolicy")) {
    if (r.kind !== "AuthorizationPolicy" || !r.group.endsWith("istio.io") || r.partial) continue;
    const at = table.records.length;
    table.records.push(r);
    table.facts.push(recordFacts(r));
    if (r.namespace === undefined) table.unknownNamespace.push(at);
    else {
      const list = table.byNamespace.get(r.namespace);
      if (list) list.push(at);
      else table.byNamespace.set(r.namespace, [at]);
    }
  }
  policyTables.set(base, table);
  return table;
}

/** The positions of the policies of `namespace`, of the root namespace and of unknown namespace, by selector label. */
function nearTable(table: PolicyTable, namespace: string, rootNamespace: string): NearTable {
  const key = `${namespace}\0${rootNamespace}`;
  let near = table.near.get(key);
  if (near) return near;
  near = { unselected: [], byLabel: new Map() };
  const positions = [...(table.byNamespace.get(namespace) ?? []), ...(namespace === rootNamespace ? [] : (table.byNamespace.get(rootNamespace) ?? [])), ...table.unknownNamespace].sort((a, b) => a - b);
  for (const at of positions) {
    const selector = table.facts[at].selector;
    const first = selector ? Object.keys(selector)[0] : undefined;
    if (first === undefined) {
      near.unselected.push(at);
      continue;
    }
    let byValue = near.byLabel.get(first);
    if (!byValue) near.byLabel.set(first, (byValue = new Map()));
    const value = selector![first];
    const list = byValue.get(value);
    if (list) list.push(at);
    else byValue.set(value, [at]);
  }
  table.near.set(key, near);
  return near;
}

/**
 * The AuthorizationPolicies a unit shows to one linted file: the file's own (read from its text) first, then the
 * other files' index records the unit sees, in index order.
 */
export class UnitPolicies {
  private list: PolicyFacts[] | undefined;
  private readonly table: PolicyTable;

  constructor(
    readonly own: readonly PolicyFacts[],
    private readonly repo: RepoIndex,
    private readonly file: string,
  ) {
    this.table = policyTable(repo);
  }

  private takes(at: number): boolean {
    const r = this.table.records[at];
    return r.file !== this.file && sees(this.repo, r);
  }

  /** Every policy, in order. */
  all(): PolicyFacts[] {
    if (!this.list) {
      const list = this.own.slice();
      for (let at = 0; at < this.table.facts.length; at++) if (this.takes(at)) list.push(this.table.facts[at]);
      this.list = list;
    }
    return this.list;
  }

  /**
   * The policies that may apply to the pods (every one for which `appliesTo` is not false, and maybe others), in
   * the order of `all()`.
   */
  candidates(pods: Pods, rootNamespace: string): readonly PolicyFacts[] {
    if (pods.namespace === undefined) return this.all();
    const near = nearTable(this.table, pods.namespace, rootNamespace);
    let positions = near.unselected;
    if (near.byLabel.size) {
      positions = positions.slice();
      for (const [key, byValue] of near.byLabel) {
        const value = pods.labels[key];
        // A selector whose label the pods carry with another value selects none of them.
        if (value !== undefined) positions.push(...(byValue.get(value) ?? []));
        else for (const list of byValue.values()) positions.push(...list);
      }
      positions.sort((a, b) => a - b);
    }
    const out = this.own.slice();
    for (const at of positions) if (this.takes(at)) out.push(this.table.facts[at]);
    return out;
  }
}
