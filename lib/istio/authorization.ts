/**
 * How ztunnel treats an AuthorizationPolicy that is attached by `selector` or namespace-wide.
 *
 * Mirrors istiod's conversion for ztunnel (istio/istio pilot/pkg/serviceregistry/ambient/authorization.go:
 * `httpOperations`, `httpSources`, `handleRule`, `l4WhenAttributes`, `hasEffectiveRules`). Pure functions
 * over the plain policy object; every finding carries the path of the attribute that caused it.
 */
import { asArray, isObject, type PlainObject } from "../k8s/resource.js";
import type { Path } from "../yaml/ast.js";

/** `rules[].to[].operation` fields ztunnel cannot evaluate. */
export const L7_OPERATION_FIELDS = ["hosts", "notHosts", "methods", "notMethods", "paths", "notPaths"] as const;
/**
 * `rules[].from[].source` fields ztunnel cannot evaluate (istiod's `httpSources`). `remoteIpBlocks` come from
 * X-Forwarded-For / PROXY protocol. Trust domains are not among them: istiod does not convert them at all (no
 * ztunnel match field, no warning), see `TRUST_DOMAIN_FIELDS` and lib/istio/enforcement.ts.
 */
export const L7_SOURCE_FIELDS = ["requestPrincipals", "notRequestPrincipals", "remoteIpBlocks", "notRemoteIpBlocks"] as const;
/** `rules[].from[].source` fields ztunnel silently ignores. */
export const TRUST_DOMAIN_FIELDS = ["trustDomains", "notTrustDomains"] as const;
/** The only `when` keys ztunnel enforces. */
export const L4_WHEN_KEYS = new Set(["source.ip", "source.namespace", "source.principal", "destination.ip", "destination.port"]);

const L4_SOURCE_FIELDS = ["ipBlocks", "notIpBlocks", "namespaces", "notNamespaces", "serviceAccounts", "notServiceAccounts", "principals", "notPrincipals"];
const L4_OPERATION_FIELDS = ["ports", "notPorts"];

export interface L7Attribute {
  /** Attribute name as the user wrote it: `methods`, `remoteIpBlocks`, `request.headers[x-user]`. */
  attribute: string;
  /** Path of the attribute inside the resource. */
  path: Path;
  /** Index of the rule (`spec.rules[i]`) holding it. */
  rule: number;
}

function nonEmpty(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null && value !== "";
}

/** Every attribute of the policy's rules that ztunnel cannot enforce, in document order. */
export function l7Attributes(policy: PlainObject): L7Attribute[] {
  const spec = isObject(policy.spec) ? policy.spec : {};
  const out: L7Attribute[] = [];
  asArray(spec.rules).forEach((rule, r) => {
    if (!isObject(rule)) return;
    asArray(rule.from).forEach((from, f) => {
      if (!isObject(from) || !isObject(from.source)) return;
      for (const field of L7_SOURCE_FIELDS) {
        if (nonEmpty(from.source[field])) out.push({ attribute: field, path: ["spec", "rules", r, "from", f, "source", field], rule: r });
      }
    });
    asArray(rule.to).forEach((to, t) => {
      if (!isObject(to) || !isObject(to.operation)) return;
      for (const field of L7_OPERATION_FIELDS) {
        if (nonEmpty(to.operation[field])) out.push({ attribute: field, path: ["spec", "rules", r, "to", t, "operation", field], rule: r });
      }
    });
    asArray(rule.when).forEach((when, w) => {
      if (!isObject(when) || typeof when.key !== "string") return;
      if (!L4_WHEN_KEYS.has(when.key)) out.push({ attribute: when.key, path: ["spec", "rules", r, "when", w, "key"], rule: r });
    });
  });
  return out;
}

export type Attachment = "selector" | "namespace" | "mesh" | "targetRefs";

/** How the policy is attached: by targetRefs (waypoint), selector (ztunnel), or to the whole namespace / mesh. */
export function attachment(policy: PlainObject, rootNamespace: string): Attachment {
  const spec = isObject(policy.spec) ? policy.spec : {};
  if (nonEmpty(spec.targetRefs) || isObject(spec.targetRef)) return "targetRefs";
  if (spec.selector !== undefined && spec.selector !== null) return "selector";
  const ns = isObject(policy.metadata) ? policy.metadata.namespace : undefined;
  return ns === rootNamespace ? "mesh" : "namespace";
}

export function actionOf(policy: PlainObject): string {
  const spec = isObject(policy.spec) ? policy.spec : {};
  return typeof spec.action === "string" && spec.action ? spec.action : "ALLOW";
}

/** Does one ztunnel rule (after dropping HTTP attributes) still match anything? Mirrors `hasEffectiveRules`. */
function ruleStillMatches(rule: PlainObject): boolean {
  const clauses: boolean[] = [];
  const tos = asArray(rule.to);
  if (tos.length) {
    clauses.push(tos.some((to) => isObject(to) && isObject(to.operation) && L4_OPERATION_FIELDS.some((f) => nonEmpty((to.operation as PlainObject)[f]))));
  }
  const froms = asArray(rule.from);
  if (froms.length) {
    clauses.push(froms.some((from) => isObject(from) && isObject(from.source) && L4_SOURCE_FIELDS.some((f) => nonEmpty((from.source as PlainObject)[f]))));
  }
  for (const when of asArray(rule.when)) {
    clauses.push(isObject(when) && typeof when.key === "string" && L4_WHEN_KEYS.has(when.key) && (nonEmpty(when.values) || nonEmpty(when.notValues)));
  }
  // A rule with no clause at all matches everything; otherwise every clause needs a non-empty match.
  return clauses.every(Boolean);
}

export type ZtunnelOutcome =
  /** ALLOW: the rules with HTTP attributes are dropped; what they allowed is denied. */
  | { kind: "allow-dropped"; droppedRules: number; totalRules: number }
  /** DENY: enforced without its HTTP conditions (denies more than intended). */
  | { kind: "deny-broader" }
  /** DENY: nothing enforceable is left: no effect (fail-open). */
  | { kind: "deny-no-effect" }
  /** CUSTOM / AUDIT: not sent to ztunnel at all. */
  | { kind: "unsupported-action"; action: string };

/**
 * What ztunnel will do with a selector-attached or namespace-wide policy, or null when ztunnel enforces
 * it as written (no HTTP attributes, ALLOW/DENY action).
 */
export function ztunnelOutcome(policy: PlainObject): ZtunnelOutcome | null {
  const action = actionOf(policy);
  if (action === "CUSTOM" || action === "AUDIT") return { kind: "unsupported-action", action };
  const found = l7Attributes(policy);
  if (!found.length) return null;
  const spec = isObject(policy.spec) ? policy.spec : {};
  const rules = asArray(spec.rules);
  const l7Rules = new Set(found.map((f) => f.rule));
  if (action === "DENY") {
    const effective = rules.some((rule) => isObject(rule) && ruleStillMatches(rule));
    return effective ? { kind: "deny-broader" } : { kind: "deny-no-effect" };
  }
  return { kind: "allow-dropped", droppedRules: l7Rules.size, totalRules: rules.length };
}

/** The `gatewaySelectors` option of the rules that skip Envoy gateway pods (see `selectsGatewayPods`). */
export const GATEWAY_SELECTORS_SCHEMA = {
  type: "array",
  items: { type: "object", additionalProperties: { type: "string" } },
} as const;

/** Labels that select Istio/Gateway API gateway pods: those are Envoy gateways, which keep honouring selectors. */
export function selectsGatewayPods(matchLabels: Record<string, string>, extra: Record<string, string>[] = []): boolean {
  for (const [k, v] of Object.entries(matchLabels)) {
    if (k === "gateway.networking.k8s.io/gateway-name" || k === "istio.io/gateway-name") return true;
    if (k === "istio" && /gateway/i.test(v)) return true;
    if (k === "app" && /^istio-(ingress|egress)gateway/.test(v)) return true;
  }
  return extra.some((labels) => Object.entries(labels).every(([k, v]) => matchLabels[k] === v) && Object.keys(labels).length > 0);
}
