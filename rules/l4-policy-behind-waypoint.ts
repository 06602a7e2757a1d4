import { createRule, type CheckContext, type Suggestion } from "../lib/create-rule.js";
import { displayName, isIstioKind, isObject } from "../lib/k8s/resource.js";
import { workloadSelectorLabels, type Labels } from "../lib/k8s/selector.js";
import { labelIndex } from "../lib/k8s/label-index.js";
import { attachment, GATEWAY_SELECTORS_SCHEMA, selectsGatewayPods } from "../lib/istio/authorization.js";
import { admitted, callerOf, podLabelsOf, notSentToZtunnel, filePolicyFacts, resourceFacts, ztunnelPoliciesFor, type Caller, type PolicyFacts, type UnitPolicies } from "../lib/istio/enforcement.js";
import { staleConditions, type Effect } from "../lib/istio/behind-waypoint.js";
import { ingressGateways } from "../lib/istio/ingress.js";
import { ingressUsesWaypoint } from "../lib/istio/move-to-waypoint.js";
import { gatewayIdentity } from "../lib/istio/waypoint.js";
import { waypointState } from "../lib/istio/waypoint-binding.js";
import { splitOffPolicy } from "../lib/convert/waypoint-migration.js";
import { serviceRef, toTargetRefs } from "../lib/convert/selector-to-targetrefs.js";
import type { ResourceRecord, ServiceRecord, WorkloadRecord } from "../lib/index/index.js";
import type { Resource } from "../lib/yaml/documents.js";
import type { EditOp } from "../lib/yaml/edit.js";

type MessageIds = "stale" | "moveRule" | "movePolicy";

interface Options {
  gatewaySelectors: Record<string, string>[];
}

const EFFECT: Record<Effect, string> = {
  "callers-denied": "so those callers are denied",
  "all-admitted": "so it admits every caller through the waypoint",
  "never-matches": "so this DENY never matches them (fail-open)",
  "all-denied": "so this DENY denies all traffic through the waypoint",
};

export default createRule<MessageIds, Options>({
  name: "l4-policy-behind-waypoint",
  meta: {
    type: "problem",
    docs: {
      description:
        "Selector or namespace-wide policies that match the client's identity on pods behind a waypoint: the destination ztunnel sees the waypoint's identity instead",
      recommended: "error",
    },
    hasSuggestions: true,
    schema: [{ type: "object", properties: { gatewaySelectors: GATEWAY_SELECTORS_SCHEMA }, additionalProperties: false }],
    messages: {
      stale:
        "{{resource}}: behind waypoint {{waypoint}}, ztunnel sees the waypoint, not `{{field}}` {{value}}, {{effect}}.",
      moveRule: "Move rule {{rule}} to {{name}} with `targetRefs` to Service {{service}} (the waypoint sees the client).",
      movePolicy: "Use `targetRefs` to Service {{service}} (its waypoint sees the client).",
    },
  },
  defaultOptions: { gatewaySelectors: [] },
  check(ctx) {
    let unitFacts: UnitPolicies | undefined;
    const facts = () => (unitFacts ??= unitPolicies(ctx));
    for (const resource of ctx.resources) {
      if (!isIstioKind(resource, "AuthorizationPolicy")) continue;
      if (ctx.recordOf(resource)?.partial) continue;
      const policy = resource.value;
      const how = attachment(policy, ctx.settings.rootNamespace);
      // Mesh-wide policies apply to every namespace, behind a waypoint or not: out of scope.
      if (how !== "selector" && how !== "namespace") continue;
      const namespace = ctx.namespaceOf(resource);
      if (namespace === undefined) continue;
      const own = resourceFacts(resource, namespace);
      if (notSentToZtunnel(own)) continue;
      const spec = isObject(policy.spec) ? policy.spec : {};
      const matchLabels = workloadSelectorLabels(spec.selector);
      if (matchLabels && selectsGatewayPods(matchLabels, ctx.options.gatewaySelectors)) continue;

      const behind = servicesBehindWaypoint(ctx, namespace, matchLabels);
      if (!behind.length) continue;
      const waypoints: Caller[] = [];
      for (const b of behind) if (b.principal && !waypoints.some((w) => w.principal === b.principal)) waypoints.push(callerOf(b.principal));
      if (!waypoints.length) continue;
      const stale = staleConditions(own.action, own.rules ?? [], {
        waypoints,
        gateways: ingressGateways(ctx.repo(), ctx.settings.trustDomain),
        rootNamespace: ctx.settings.rootNamespace,
        ingressUsesWaypoint: behind.every((b) => ingressUsesWaypoint(ctx.repo(), b.service)),
      });
      if (!stale.length) continue;

      // An ALLOW whose callers now arrive as the waypoint denies them only when nothing else admits the waypoint.
      const pods = { namespace, labels: matchLabels ?? {}, workloads: podLabelsOf(ctx.repo().workloads(namespace)) };
      const applied = ztunnelPoliciesFor(facts(), pods, ctx.settings.rootNamespace);
      const waypointAdmitted = waypoints.every((w) => admitted(applied, w).allowed === true);
      const first = behind[0];
      const reportedRules = new Set<number>();
      for (const s of stale) {
        if (s.effect === "callers-denied" && waypointAdmitted) continue;
        if (reportedRules.has(s.condition.rule)) continue; // one finding per rule: its first stale condition
        reportedRules.add(s.condition.rule);
        ctx.report({
          resource,
          path: s.condition.path,
          messageId: "stale",
          data: {
            resource: displayName(resource, namespace),
            waypoint: `${first.waypointNamespace}/${first.waypointName}`,
            field: s.condition.field,
            value: JSON.stringify(s.value),
            line: ctx.line(resource, s.condition.path),
            effect: EFFECT[s.effect],
          },
          suggest: suggestions(ctx, resource, own, behind, s.condition.rule, facts),
        });
      }
    }
  },
});

interface Behind {
  service: ServiceRecord;
  principal: string | undefined;
  waypointName: string;
  waypointNamespace: string;
}

/** The Services of the namespace that select the policy's pods (all of them for a namespace-wide policy) and are bound to a waypoint. */
function servicesBehindWaypoint(ctx: CheckContext<MessageIds, Options>, namespace: string, matchLabels: Labels | null): Behind[] {
  const repo = ctx.repo();
  const services = repo.services(namespace);
  let candidates: readonly ServiceRecord[] = services;
  if (matchLabels && Object.keys(matchLabels).length) {
    // The Services whose selector is held by the matchLabels or selects one of the workloads they select (a
    // Service selecting one of them holds some of the policy's pods), through label indexes made once per list.
    const byService = labelIndex(services, selectorOfRecord);
    const selected = labelIndex(repo.workloads(namespace), podLabelsOfRecord)
      .matching(matchLabels)
      .filter((w) => w.namespace === namespace);
    candidates = byService.inListOrder([...byService.selecting(matchLabels), ...selected.flatMap((w) => byService.selecting(w.podLabels))]);
  }
  const out: Behind[] = [];
  for (const service of candidates) {
    if (service.assumed || service.namespace !== namespace || !service.selector || !Object.keys(service.selector).length) continue;
    const state = waypointState(repo, service as ResourceRecord);
    if (state.type !== "bound") continue;
    const id = gatewayIdentity(state.gateway, ctx.settings.trustDomain, namespace);
    out.push({ service, principal: id.principal, waypointName: state.gateway.name, waypointNamespace: id.namespace ?? namespace });
  }
  return out;
}

/** The unit's AuthorizationPolicies: this file's from its text, the others from the index. */
function unitPolicies(ctx: CheckContext<MessageIds, Options>): UnitPolicies {
  return filePolicyFacts(ctx, ctx.recordOf(ctx.resources[0])?.file ?? ctx.eslint.physicalFilename);
}

/**
 * Move the rule to a `targetRefs` policy on the Service (the waypoint sees the client), when exactly one bound
 * Service stands for the pods: a split for a policy with other rules, the whole policy otherwise.
 */
function suggestions(ctx: CheckContext<MessageIds, Options>, resource: Resource, own: PolicyFacts, behind: readonly Behind[], rule: number, unit: () => UnitPolicies): Suggestion<MessageIds>[] {
  if (behind.length !== 1) return [];
  const service = behind[0].service.name;
  const rules = own.rules ?? [];
  if (rules.length <= 1) {
    if (attachment(resource.value, ctx.settings.rootNamespace) !== "selector") return [];
    return [{ messageId: "movePolicy", data: { service }, ops: toTargetRefs(serviceRef(service), true) }];
  }
  const taken = new Set(unit().all().map((f) => f.name));
  const split = splitOffPolicy(resource.value, service, [rule], taken);
  const ops: EditOp[] = [{ op: "remove", path: ["spec", "rules", rule] }, { op: "addResourceAfter", value: split.resource }];
  return [{ messageId: "moveRule", data: { rule: rule + 1, name: split.name, service }, ops }];
}

const selectorOfRecord = (s: ServiceRecord) => s.selector;
const podLabelsOfRecord = (w: WorkloadRecord) => w.podLabels;
