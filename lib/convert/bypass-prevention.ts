/**
 * The waypoint-bypass prevention policy for a Service (istio.io "Migrate policies" → "Prevent waypoint
 * bypass", and "Bypass prevention during incremental migration" for the sidecar principals):
 *
 * ```yaml
 * apiVersion: security.istio.io/v1
 * kind: AuthorizationPolicy
 * metadata: {name: <service>-deny-waypoint-bypass, namespace: <ns>}
 * spec:
 *   selector: {matchLabels: <the Service's selector>}
 *   action: DENY
 *   rules:
 *   - from:
 *     - source:
 *         notPrincipals: [<waypoint principal>, <sidecar principals still migrating>...]
 * ```
 *
 * Pure; returns `{result, problems}` like the other converters (result null when a problem prevents it).
 */
import type { Labels } from "../k8s/selector.js";

export const BYPASS_POLICY_SUFFIX = "-deny-waypoint-bypass";
const DEFAULT_API_VERSION = "security.istio.io/v1";
const API_VERSIONS = new Set(["security.istio.io/v1", "security.istio.io/v1beta1"]);
/** Kubernetes object names (DNS-1123 subdomain). */
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface BypassPolicyInput {
  /** Name of the Service the policy protects. */
  service: string;
  /** Namespace to write in `metadata.namespace` (omitted when undefined). */
  namespace?: string;
  /** The Service's selector: the policy selects the same pods. */
  selector: Labels | null;
  /** `<trustDomain>/ns/<ns>/sa/<waypoint service account>`. */
  waypointPrincipal: string;
  /** Principals also let through (sidecar callers still migrating: the guide's option 2). */
  extraPrincipals?: readonly string[];
  /** Policy name; default `<service>-deny-waypoint-bypass`. */
  name?: string;
  /** `security.istio.io/v1` (default) or `v1beta1`. */
  apiVersion?: string;
}

export type BypassPolicyProblem =
  /** The Service has no selector: a policy without one would apply to the whole namespace. */
  | { code: "no-selector" }
  /** The waypoint principal is empty or a wildcard. */
  | { code: "invalid-principal"; principal: string }
  /** The name is not a valid Kubernetes object name. */
  | { code: "invalid-name"; name: string };

export interface BypassPolicy {
  name: string;
  /** Principals of `notPrincipals`, waypoint first, deduplicated. */
  principals: string[];
  result: Record<string, unknown> | null;
  problems: BypassPolicyProblem[];
}

/** `<service>-deny-waypoint-bypass`, lower-cased, characters outside `[a-z0-9.-]` replaced by `-`, at most 253 characters. */
export function bypassPolicyName(service: string): string {
  const clean = service
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  return `${clean.slice(0, 253 - BYPASS_POLICY_SUFFIX.length)}${BYPASS_POLICY_SUFFIX}`.replace(/^-+/, "");
}

/** `base` when no policy of that name exists, else `base-2`, `base-3`, … */
export function freePolicyName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

function validPrincipal(p: string): boolean {
  return p.trim() !== "" && !p.includes("*");
}

/** The DENY policy that lets only the waypoint (and `extraPrincipals`) reach the Service's pods. */
export function bypassPolicy(input: BypassPolicyInput): BypassPolicy {
  const name = input.name ?? bypassPolicyName(input.service);
  const principals = [...new Set([input.waypointPrincipal, ...(input.extraPrincipals ?? [])].map((p) => p.trim()).filter(Boolean))];
  const problems: BypassPolicyProblem[] = [];
  if (!input.selector || Object.keys(input.selector).length === 0) problems.push({ code: "no-selector" });
  if (!validPrincipal(input.waypointPrincipal)) problems.push({ code: "invalid-principal", principal: input.waypointPrincipal });
  if (name.length > 253 || !DNS_1123_SUBDOMAIN.test(name)) problems.push({ code: "invalid-name", name });
  if (problems.length) return { name, principals, result: null, problems };

  const metadata: Record<string, unknown> = { name };
  if (input.namespace) metadata.namespace = input.namespace;
  const result: Record<string, unknown> = {
    apiVersion: input.apiVersion && API_VERSIONS.has(input.apiVersion) ? input.apiVersion : DEFAULT_API_VERSION,
    kind: "AuthorizationPolicy",
    metadata,
    spec: {
      selector: { matchLabels: { ...input.selector } },
      action: "DENY",
      rules: [{ from: [{ source: { notPrincipals: principals } }] }],
    },
  };
  return { name, principals, result, problems };
}

export const WAYPOINT_ALLOW_SUFFIX = "-allow-waypoint";

/** `<service>-allow-waypoint`, cleaned like `bypassPolicyName`. */
export function waypointAllowPolicyName(service: string): string {
  return bypassPolicyName(service).replace(new RegExp(`${BYPASS_POLICY_SUFFIX}$`), WAYPOINT_ALLOW_SUFFIX);
}

/**
 * The L4 ALLOW that lets the waypoint (and `extraPrincipals`) reach the Service's pods under a default deny (the
 * migrated form of bypass prevention: with an ALLOW on the pods, every caller no ALLOW admits is denied):
 *
 * ```yaml
 * spec:
 *   selector: {matchLabels: <the Service's selector>}
 *   action: ALLOW
 *   rules:
 *   - from:
 *     - source:
 *         principals: [<waypoint principal>]
 * ```
 */
export function waypointAllowPolicy(input: BypassPolicyInput): BypassPolicy {
  const deny = bypassPolicy({ ...input, name: input.name ?? waypointAllowPolicyName(input.service) });
  if (!deny.result) return deny;
  const spec = deny.result.spec as Record<string, unknown>;
  const result = {
    ...deny.result,
    spec: { selector: spec.selector, action: "ALLOW", rules: [{ from: [{ source: { principals: deny.principals } }] }] },
  };
  return { ...deny, result };
}
