/**
 * Waypoint-bypass prevention: which AuthorizationPolicies are "bypass DENY" policies (a DENY that exempts
 * only the waypoint identity, so that ztunnel rejects traffic that did not come through the waypoint), and
 * which pods a ztunnel-enforced policy applies to.
 *
 * Facts (see docs/rules/require-bypass-prevention.md):
 * - istio.io "Migrate policies" → "Prevent waypoint bypass": a `selector` DENY with
 *   `notPrincipals: ["cluster.local/ns/<ns>/sa/<waypoint>"]`, enforced by ztunnel at the destination pod;
 *   never `targetRefs` (the waypoint sees client identities and would deny everything).
 * - ztunnel sees the waypoint identity for traffic that came through the waypoint (istio.io
 *   `ambient/usage/authorization-policy`), and enforces only selector / namespace-wide / root-namespace
 *   policies, without their HTTP attributes (istio/istio `pilot/pkg/serviceregistry/ambient/authorization.go`).
 * - A selector in the root namespace also matches workloads of every namespace (istio/api
 *   `security/v1beta1/authorization_policy.proto`).
 *
 * Pure functions over plain objects; every finding carries the path of the entry that caused it.
 */
import { asArray, isObject, type PlainObject } from "../k8s/resource.js";
import { selectorMatches, type Labels } from "../k8s/selector.js";
import type { Path } from "../yaml/ast.js";
import { actionOf } from "./authorization.js";
import { namesWaypoint } from "./waypoint.js";

export const DRY_RUN_ANNOTATION = "istio.io/dry-run";

/** One principal a DENY exempts: an entry of `from[].source.notPrincipals`, or of `when[source.principal].notValues`. */
export interface ExemptPrincipal {
  value: string;
  /** Path of the entry. */
  path: Path;
  /** Path of the list holding it (entries of one list are exempt together). */
  list: Path;
  rule: number;
}

/** Every principal the policy's rules exempt (`notPrincipals` entries and `source.principal` `notValues`), in document order. */
export function exemptPrincipals(policy: PlainObject): ExemptPrincipal[] {
  const spec = isObject(policy.spec) ? policy.spec : {};
  const out: ExemptPrincipal[] = [];
  asArray(spec.rules).forEach((rule, r) => {
    if (!isObject(rule)) return;
    asArray(rule.from).forEach((from, f) => {
      if (!isObject(from) || !isObject(from.source)) return;
      const list: Path = ["spec", "rules", r, "from", f, "source", "notPrincipals"];
      asArray(from.source.notPrincipals).forEach((value, i) => {
        if (typeof value === "string") out.push({ value, path: [...list, i], list, rule: r });
      });
    });
    asArray(rule.when).forEach((when, w) => {
      if (!isObject(when) || when.key !== "source.principal") return;
      const list: Path = ["spec", "rules", r, "when", w, "notValues"];
      asArray(when.notValues).forEach((value, i) => {
        if (typeof value === "string") out.push({ value, path: [...list, i], list, rule: r });
      });
    });
  });
  return out;
}

export interface BypassDeny {
  /** Exempt entries naming a waypoint identity. */
  waypoint: ExemptPrincipal[];
  /** Other entries of the same lists: principals let through besides the waypoint (sidecar callers, …). */
  others: ExemptPrincipal[];
}

/**
 * The waypoint-bypass shape of a policy: a DENY whose exempted principals name one of `waypointPrincipals`.
 * Null for anything else (ALLOW/CUSTOM/AUDIT, or a DENY that exempts no waypoint).
 */
export function bypassDeny(policy: PlainObject, waypointPrincipals: readonly string[]): BypassDeny | null {
  if (actionOf(policy) !== "DENY") return null;
  const entries = exemptPrincipals(policy);
  const waypoint = entries.filter((e) => namesWaypoint(e.value, waypointPrincipals));
  if (!waypoint.length) return null;
  const lists = new Set(waypoint.map((e) => e.list.join("\0")));
  const others = entries.filter((e) => !waypoint.includes(e) && lists.has(e.list.join("\0")));
  return { waypoint, others };
}

/** True when the policy is annotated `istio.io/dry-run: "true"` (not enforced). */
export function isDryRun(policy: PlainObject): boolean {
  const metadata = isObject(policy.metadata) ? policy.metadata : {};
  const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
  return String(annotations[DRY_RUN_ANNOTATION] ?? "").trim().toLowerCase() === "true";
}

/** Where a ztunnel-enforced policy applies: its namespace and `selector.matchLabels` (null = no selector). */
export interface PolicyScope {
  namespace: string | undefined;
  selector: Labels | null;
}

/** The pods of a Service: its namespace, selector, and the pod labels of the workloads of that namespace known to us. */
export interface ServicePods {
  namespace: string | undefined;
  selector: Labels;
  /** Pod-template labels of the workloads in the Service's namespace (may be empty). */
  workloads: readonly Labels[];
}

/**
 * Does a selector / namespace-wide policy apply to every pod of the Service?
 * - namespace: the policy's, or the root namespace (mesh-wide); an unknown namespace matches any;
 * - no selector or an empty `matchLabels`: every pod of the namespace;
 * - otherwise the policy's labels are implied by the Service's selector (policy labels ⊆ Service selector), or
 *   every known workload the Service selects carries them (and there is at least one).
 */
export function appliesToServicePods(scope: PolicyScope, service: ServicePods, rootNamespace: string): boolean {
  const nsOk =
    scope.namespace === undefined || service.namespace === undefined || scope.namespace === rootNamespace || scope.namespace === service.namespace;
  if (!nsOk) return false;
  if (!scope.selector || Object.keys(scope.selector).length === 0) return true;
  if (selectorMatches(scope.selector, service.selector)) return true;
  const pods = service.workloads.filter((w) => selectorMatches(service.selector, w));
  return pods.length > 0 && pods.every((w) => selectorMatches(scope.selector!, w));
}
