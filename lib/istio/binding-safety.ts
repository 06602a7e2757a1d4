/**
 * Whether labelling a Service `istio.io/use-waypoint: <name>` keeps every ztunnel policy on its pods working.
 *
 * With the label, traffic to the Service goes through the waypoint and reaches the destination ztunnel with the
 * waypoint's identity (lib/istio/enforcement.ts, "Who the destination sees"). That is safe when:
 * - the waypoint is a waypoint Gateway deployed in the Service's unit (not only a name from settings);
 * - the ztunnel policies on the Service's pods admit the waypoint (under a default deny some ALLOW must);
 * - none of them matches client identities the waypoint would hide (lib/istio/behind-waypoint.ts).
 *
 * Pure: index records and plain policy data.
 */
import { isIstioKind } from "../k8s/resource.js";
import type { RepoIndex } from "../index/repo-index.js";
import type { ResourceRecord } from "../index/types.js";
import type { PluginSettings } from "../settings.js";
import type { Resource } from "../yaml/documents.js";
import { admitted, callerOf, podLabelsOf, resourceFacts, UnitPolicies, ztunnelPoliciesFor } from "./enforcement.js";
import { staleConditions } from "./behind-waypoint.js";
import { ingressGateways } from "./ingress.js";
import { ingressUsesWaypoint } from "./move-to-waypoint.js";
import { gatewayIdentity } from "./waypoint.js";
import { servesServices } from "./waypoint-binding.js";

export function bindingIsSafe(
  repo: RepoIndex,
  settings: PluginSettings,
  service: ResourceRecord,
  waypointName: string,
  fileResources: readonly Resource[],
  namespaceOf: (r: Resource) => string | undefined,
): boolean {
  const namespace = service.namespace;
  if (!namespace || !service.selector) return false;
  const gateway = repo.waypoint(waypointName, namespace);
  if (!gateway || gateway.assumed || !servesServices(gateway) || gateway.unit === undefined || gateway.unit !== service.unit) return false;
  const principal = gatewayIdentity(gateway, settings.trustDomain, namespace).principal;
  if (!principal) return false;
  const waypoint = callerOf(principal);
  const own = fileResources.filter((r) => isIstioKind(r, "AuthorizationPolicy")).map((r) => resourceFacts(r, namespaceOf(r)));
  const file = fileResources.length ? service.file : "";
  // The unit's policies from the per-snapshot table (the linted file's from its text), as the rules read them.
  const facts = new UnitPolicies(own, repo, file);
  const pods = { namespace, labels: service.selector, workloads: podLabelsOf(repo.workloads(namespace)) };
  const applied = ztunnelPoliciesFor(facts, pods, settings.rootNamespace);
  if (admitted(applied, waypoint).allowed !== true) return false;
  const ctx = { waypoints: [waypoint], gateways: ingressGateways(repo, settings.trustDomain), rootNamespace: settings.rootNamespace, ingressUsesWaypoint: ingressUsesWaypoint(repo, service) };
  return applied.every((a) => a.policy.facts.namespace === settings.rootNamespace || staleConditions(a.policy.facts.action, a.policy.facts.rules ?? [], ctx).length === 0);
}
