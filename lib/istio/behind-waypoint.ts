/**
 * L4 conditions on the caller's identity in policies the destination ztunnel enforces, on pods behind a waypoint.
 *
 * Traffic that passes a waypoint reaches the destination ztunnel with the waypoint's identity (and from the
 * waypoint pod's address), not the client's (istio.io `ambient/usage/authorization-policy`, "Prevent waypoint
 * bypass"; istio/ztunnel `src/rbac.rs` matches the connection's peer identity). A selector or namespace-wide
 * condition on `principals`, `namespaces`, `serviceAccounts`, `ipBlocks` or `source.*` therefore no longer sees the
 * client. What that does depends on the action and the polarity:
 * - ALLOW `principals: [client]`: the waypoint is not the client, so the client's traffic is denied (outage);
 * - ALLOW `notPrincipals: [client]`: the waypoint is admitted, so every caller through it is (fail-open);
 * - DENY `principals: [client]`: never matches the waypoint (fail-open);
 * - DENY `notPrincipals: [client]`: matches the waypoint, so all traffic through it is denied (outage).
 * Conditions naming the waypoint itself (a bypass DENY), its namespace, or an ingress gateway (ingress reaches the
 * pods directly unless `istio.io/ingress-use-waypoint`) still mean what they say.
 *
 * Pure: plain policy data and index records.
 */
import { identityConditions, namesCaller, type Caller, type IdentityCondition } from "./enforcement.js";
import { namesIngress, type IngressGateway } from "./ingress.js";

export type Effect = "callers-denied" | "all-admitted" | "never-matches" | "all-denied";

export interface StaleCondition {
  condition: IdentityCondition;
  /** The first value of the condition that names a client the waypoint now hides. */
  value: string;
  effect: Effect;
}

export interface BehindWaypoint {
  /** The waypoint identities the destination ztunnel sees for traffic through the waypoint(s). */
  waypoints: readonly Caller[];
  gateways: readonly IngressGateway[];
  rootNamespace: string;
  /** Ingress traffic passes the waypoint too (`istio.io/ingress-use-waypoint`). */
  ingressUsesWaypoint: boolean;
}

function negative(field: string): boolean {
  return field.startsWith("not") || field.endsWith("(notValues)");
}

function effectOf(action: string, field: string): Effect {
  const neg = negative(field);
  if (action === "DENY") return neg ? "all-denied" : "never-matches";
  return neg ? "all-admitted" : "callers-denied";
}

/** Does a value still stand for a caller the destination ztunnel sees (the waypoint, its namespace, an ingress gateway)? */
function stillSeen(field: string, value: string, ctx: BehindWaypoint): boolean {
  if (value === "*") return true;
  const isIp = /ipBlocks|source\.ip/i.test(field);
  if (isIp) return false;
  if (ctx.waypoints.some((w) => namesCaller(field, value, w))) return true;
  if (!ctx.ingressUsesWaypoint && namesIngress(field, value, ctx.gateways, ctx.rootNamespace, ctx.waypoints)) return true;
  return false;
}

/** The conditions of the rules that name clients the waypoint hides from the destination ztunnel, with what follows. */
export function staleConditions(action: string, rules: readonly unknown[], ctx: BehindWaypoint): StaleCondition[] {
  if (action !== "ALLOW" && action !== "DENY") return [];
  const out: StaleCondition[] = [];
  for (const condition of identityConditions(rules)) {
    // A list that names the waypoint too is written for it (a bypass DENY, an ALLOW for the waypoint and for
    // sidecar clients still migrating): its other entries are for callers that do not pass the waypoint.
    if (condition.values.some((v) => v !== "*" && ctx.waypoints.some((w) => namesCaller(condition.field, v, w)))) continue;
    const value = condition.values.find((v) => !stillSeen(condition.field, v, ctx));
    if (value === undefined) continue;
    out.push({ condition, value, effect: effectOf(action, condition.field) });
  }
  return out;
}

