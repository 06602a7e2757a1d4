/**
 * Moving a selector-attached AuthorizationPolicy to the waypoint (`targetRefs` to its Service): when the move is
 * still enforced and means the same, and what to offer when it is not.
 *
 * The move is exact only when, in the same deployment unit:
 * - the Service is bound to a waypoint that exists there and serves Services (otherwise nothing enforces the
 *   policy: a `targetRefs` policy on an unbound Service is "not bound", pilot/pkg/serviceregistry/kube/controller/
 *   ambient/policies.go `WaypointPolicyStatusCollection`);
 * - every rule is for traffic that passes that waypoint: no rule names an ingress gateway (ingress skips Service
 *   waypoints unless `istio.io/ingress-use-waypoint`), the waypoint's own identity (at the waypoint the source is
 *   the client), or client IPs;
 * - no other Service selects those pods (a Service target covers only traffic addressed to that Service);
 * - the destination ztunnel still admits the waypoint's identity once the policy is gone from it (under a default
 *   deny, an ALLOW that admits the waypoint must remain).
 *
 * Pure: index records and plain policy data.
 */
import { isObject } from "../k8s/resource.js";
import type { RepoIndex } from "../index/repo-index.js";
import type { ResourceRecord } from "../index/types.js";
import type { PluginSettings } from "../settings.js";
import { admitted, callerOf, identityConditions, INGRESS_USE_WAYPOINT, namesCaller, ruleHasHttp, type Applied, type PolicyFacts, type Tri } from "./enforcement.js";
import { ingressGateways, namesIngress } from "./ingress.js";
import { gatewayIdentity, type WaypointIdentity } from "./waypoint.js";
import { waypointState } from "./waypoint-binding.js";

export type MoveReason = "no-waypoint" | "waypoint-elsewhere" | "ingress" | "waypoint-identity" | "ip" | "other-services" | "waypoint-denied";

export interface MoveSafety {
  safe: boolean;
  /** Why the move is not exact (the first reason found). */
  reason?: MoveReason;
  /** The rule the reason is about (`ingress`, `waypoint-identity`, `ip`). */
  rule?: number;
  otherServices?: string[];
  /** The waypoint serving the Service (bound in the unit or elsewhere). */
  waypoint?: WaypointIdentity;
  /** Does the destination ztunnel admit the waypoint once the policy has moved? */
  waypointAdmitted?: Tri;
  /** Rules naming an ingress gateway (they stay on ztunnel in a split). */
  ingressRules: number[];
  /** Rules holding HTTP attributes. */
  httpRules: number[];
  /** Rules naming the waypoint identity or client IPs (no split moves or keeps them silently). */
  blockingRules: number[];
}

export interface MoveInput {
  repo: RepoIndex;
  settings: PluginSettings;
  policy: PolicyFacts;
  /** The Service the policy would target (its record in the unit). */
  service: ResourceRecord | undefined;
  /** The other policies the destination ztunnel enforces on the pods (`ztunnelPoliciesFor` without this one). */
  others: readonly Applied[];
  /** Other Services that select some of the policy's pods. */
  otherServices: readonly string[];
}

function isTrue(v: unknown): boolean {
  return String(v ?? "").trim().toLowerCase() === "true";
}

/** Does ingress traffic to the Service pass its waypoint (`istio.io/ingress-use-waypoint` on it or its Namespace)? */
export function ingressUsesWaypoint(repo: RepoIndex, service: ResourceRecord): boolean {
  if (service.labels[INGRESS_USE_WAYPOINT] !== undefined) return isTrue(service.labels[INGRESS_USE_WAYPOINT]);
  const ns = service.namespace ? repo.namespaceRecord(service.namespace) : undefined;
  return !!ns && isTrue(ns.labels[INGRESS_USE_WAYPOINT]);
}

export function moveSafety(input: MoveInput): MoveSafety {
  const { repo, settings, policy, service } = input;
  const rules = policy.rules ?? [];
  const httpRules = rules.flatMap((r, i) => (isObject(r) && ruleHasHttp(r) ? [i] : []));
  const out: MoveSafety = { safe: false, ingressRules: [], httpRules, blockingRules: [] };
  const reasons: { reason: MoveReason; rule?: number }[] = [];

  const state = service ? waypointState(repo, service) : undefined;
  const gateway = state?.type === "bound" ? state.gateway : undefined;
  const sameUnit = !!gateway && !!service && !gateway.assumed && gateway.unit !== undefined && gateway.unit === service.unit;
  if (gateway && service) out.waypoint = gatewayIdentity(gateway, settings.trustDomain, service.namespace);
  if (!gateway) reasons.push({ reason: "no-waypoint" });
  else if (!sameUnit) reasons.push({ reason: "waypoint-elsewhere" });

  const waypointCaller = out.waypoint?.principal ? callerOf(out.waypoint.principal) : undefined;
  const ingressPasses = !!service && ingressUsesWaypoint(repo, service);
  const gateways = ingressGateways(repo, settings.trustDomain);
  const ingress = new Set<number>();
  for (const c of identityConditions(rules)) {
    if (c.field === "ipBlocks" || c.field === "notIpBlocks" || c.field.startsWith("source.ip")) {
      reasons.push({ reason: "ip", rule: c.rule });
      out.blockingRules.push(c.rule);
      continue;
    }
    // A principal or service account that is the waypoint's (a namespace condition names its clients too).
    if (waypointCaller && !/amespace/.test(c.field) && c.values.some((v) => namesCaller(c.field, v, waypointCaller))) {
      reasons.push({ reason: "waypoint-identity", rule: c.rule });
      out.blockingRules.push(c.rule);
      continue;
    }
    if (!ingressPasses && c.values.some((v) => namesIngress(c.field, v, gateways, settings.rootNamespace, waypointCaller ? [waypointCaller] : []))) {
      reasons.push({ reason: "ingress", rule: c.rule });
      ingress.add(c.rule);
    }
  }
  out.ingressRules = [...ingress].sort((a, b) => a - b);
  if (input.otherServices.length) {
    reasons.push({ reason: "other-services" });
    out.otherServices = [...input.otherServices];
  }
  if (waypointCaller) {
    out.waypointAdmitted = admitted(input.others, waypointCaller).allowed;
    if (out.waypointAdmitted !== true) reasons.push({ reason: "waypoint-denied" });
  }
  const first = reasons[0];
  if (!first) return { ...out, safe: true };
  return { ...out, reason: first.reason, rule: first.rule };
}

/**
 * Which rules a split moves to a `targetRefs` policy: the rules for traffic through the waypoint, while the rules
 * for ingress gateways (which reach the pods directly) stay on the selector. Only when the kept rules are L4
 * (ztunnel enforces them as written), nothing names the waypoint itself or client IPs, and both parts are non-empty
 * with at least one HTTP rule moving. Null otherwise.
 */
export function splitPlan(safety: MoveSafety, ruleCount: number): number[] | null {
  if (!safety.ingressRules.length || safety.blockingRules.length) return null;
  if (safety.ingressRules.some((i) => safety.httpRules.includes(i))) return null;
  const moved = Array.from({ length: ruleCount }, (_, i) => i).filter((i) => !safety.ingressRules.includes(i));
  if (!moved.length || !moved.some((i) => safety.httpRules.includes(i))) return null;
  return moved;
}
