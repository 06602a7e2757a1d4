import { createRule, type CheckContext, type Suggestion } from "../lib/create-rule.js";
import { isIstioKind, displayName, isObject, type PlainObject } from "../lib/k8s/resource.js";
import { workloadSelectorLabels, type Labels } from "../lib/k8s/selector.js";
import { labelIndex } from "../lib/k8s/label-index.js";
import { inNamespaceOf, repoView, surelyInNamespaceOf, waypointNames, type RepoView, type ServiceView, type WorkloadView } from "../lib/index/view.js";
import { attachment, l7Attributes, selectsGatewayPods, ztunnelOutcome, type ZtunnelOutcome, GATEWAY_SELECTORS_SCHEMA } from "../lib/istio/authorization.js";
import {
  chooseWaypoint,
  classifyServices,
  gatewayRef,
  serviceRef,
  serviceSuggestions,
  toTargetRefs,
  waypointClassRef,
} from "../lib/convert/selector-to-targetrefs.js";
import { waypointFor } from "../lib/settings.js";
import { bypassDeny, isDryRun } from "../lib/istio/bypass.js";
import { knownWaypointPrincipals } from "../lib/istio/waypoint.js";
import {
  trustDomainUses,
  filePolicyFacts, resourceFacts,
  ztunnelPoliciesFor,
  podLabelsOf,
  type Applied,
  type PolicyFacts,
  type TrustDomainUse,
  type UnitPolicies,
} from "../lib/istio/enforcement.js";
import { moveSafety, splitPlan, type MoveSafety } from "../lib/istio/move-to-waypoint.js";
import { splitOffPolicy, waypointAllowPolicy } from "../lib/convert/waypoint-migration.js";
import type { Resource } from "../lib/yaml/documents.js";
import type { EditOp } from "../lib/yaml/edit.js";

type MessageIds =
  | "allowDropped"
  | "allowDeniesAll"
  | "allowOthersAdmit"
  | "denyBroader"
  | "denyNoEffect"
  | "unsupportedAction"
  | "trustDomains"
  | "useService"
  | "useServiceIn"
  | "useServiceUnsafe"
  | "useServiceSameWorkloads"
  | "useWiderService"
  | "useGuessedService"
  | "useWaypoint"
  | "useWaypointClass"
  | "splitPolicy"
  | "addWaypointAllow"
  | "usePrincipals";

interface Options {
  /** Extra label sets that select Envoy gateway pods (selectors on gateways keep working in ambient). */
  gatewaySelectors: Record<string, string>[];
}

const ATTACHED: Record<string, string> = {
  selector: "selector",
  namespace: "namespace-wide",
  mesh: "mesh-wide",
};

export default createRule<MessageIds, Options>({
  name: "authorizationpolicy-targetrefs",
  meta: {
    type: "problem",
    docs: {
      description:
        "AuthorizationPolicies with HTTP attributes, trust domains or action CUSTOM must be attached to a waypoint with targetRefs: ztunnel cannot enforce them",
      recommended: "error",
    },
    fixable: "code",
    hasSuggestions: true,
    schema: [
      {
        type: "object",
        properties: {
          gatewaySelectors: GATEWAY_SELECTORS_SCHEMA,
        },
        additionalProperties: false,
      },
    ],
    messages: {
      allowDropped:
        "{{resource}} ({{attached}}): ztunnel drops the {{dropped}} with HTTP `{{attribute}}` (line {{line}}), so what they allowed is denied.",
      allowDeniesAll:
        "{{resource}} ({{attached}}): ztunnel drops every rule (HTTP `{{attribute}}`, line {{line}}), denying all traffic to its pods.",
      allowOthersAdmit:
        "{{resource}} ({{attached}}): ztunnel drops every rule (HTTP `{{attribute}}`, line {{line}}); only what {{others}} admits reaches its pods.",
      denyBroader:
        "{{resource}} ({{attached}}): ztunnel enforces this DENY without HTTP `{{attribute}}` (line {{line}}), denying more than written.",
      denyNoEffect:
        "{{resource}} ({{attached}}): without HTTP `{{attribute}}` (line {{line}}) this DENY matches nothing at ztunnel (fail-open).",
      unsupportedAction:
        "{{resource}} ({{attached}}): ztunnel does not support action {{action}} (line {{line}}), so the policy is not enforced.",
      trustDomains: "{{resource}} ({{attached}}): ztunnel ignores `{{attribute}}` (line {{line}}), so {{effect}}.",
      useService: "Replace the selector with `targetRefs` to Service {{name}}.",
      useServiceIn: "Replace the selector with `targetRefs` to Service {{name}} ({{where}}).",
      useServiceUnsafe: "Target Service {{name}}{{where}}, but {{reason}}.",
      useServiceSameWorkloads: "Target Service {{name}} ({{where}}): same pods ({{workloads}}), other selector.",
      useWiderService: "Target Service {{name}} ({{where}}): it also selects pods without {{missing}}.",
      useGuessedService: "Target Service {{name}} (guessed from label `app`: check its selector).",
      useWaypoint: "Attach the policy to waypoint Gateway {{name}} (every Service using it).",
      useWaypointClass: "Attach the policy to every waypoint (GatewayClass istio-waypoint).",
      splitPolicy: "Move {{count}} rule(s) to {{name}} targeting Service {{service}}; ingress rules stay here.",
      addWaypointAllow: "Add L4 ALLOW {{name}} for the waypoint (default deny would block it).",
      usePrincipals: "Replace `{{attribute}}` with `{{field}}` patterns {{values}} (the same callers).",
    },
  },
  defaultOptions: { gatewaySelectors: [] },
  check(ctx) {
    const { resources, settings, options, report, line } = ctx;
    let view: RepoView | undefined;
    const repo = () => (view ??= repoView(ctx));
    let unitFacts: UnitPolicies | undefined;
    const facts = () => (unitFacts ??= unitPolicies(ctx));
    for (const resource of resources) {
      if (!isIstioKind(resource, "AuthorizationPolicy")) continue;
      const policy = resource.value;
      const how = attachment(policy, settings.rootNamespace);
      if (how === "targetRefs") continue;
      const spec = isObject(policy.spec) ? policy.spec : {};
      const matchLabels = workloadSelectorLabels(spec.selector) ?? {};
      if (how === "selector" && selectsGatewayPods(matchLabels, options.gatewaySelectors)) continue;
      // A Kustomize patch without `selector` is a fragment of a policy defined elsewhere: it is not namespace-wide.
      if (how !== "selector" && ctx.recordOf(resource)?.partial) continue;
      const action = typeof spec.action === "string" && spec.action ? spec.action.toUpperCase() : "ALLOW";
      // AUDIT and dry-run policies enforce nothing anywhere: authorizationpolicy-audit-dry-run reports what is lost.
      if (action === "AUDIT" || isDryRun(policy)) continue;
      const namespace = ctx.namespaceOf(resource);
      const own = resourceFacts(resource, namespace);
      const outcome = ztunnelOutcome(policy);
      const tds = outcome ? [] : trustDomainUses(own.rules ?? []);
      if (!outcome && !tds.length) continue;
      // A waypoint-bypass DENY must stay on ztunnel (selector): require-bypass-prevention reports its HTTP attributes.
      if (outcome && outcome.kind !== "unsupported-action" && bypassDeny(policy, knownWaypointPrincipals(ctx.repo(), settings, namespace))) continue;

      const pods = { namespace: how === "mesh" ? undefined : namespace, labels: matchLabels, workloads: podLabelsOf(repo().workloads(namespace)) };
      // The other policies ztunnel enforces on these pods (the ALLOW union, DENY precedence, root-namespace defaults).
      const others = ztunnelPoliciesFor(facts(), pods, settings.rootNamespace, own.key);

      if (!outcome) {
        const use = tds[0];
        report({
          resource,
          path: use.path,
          messageId: "trustDomains",
          data: { resource: displayName(resource), attached: ATTACHED[how], attribute: use.field, line: line(resource, use.path), effect: trustDomainEffect(own.action, use) },
          suggest: principalSuggestions(policy, tds),
        });
        continue;
      }

      const trigger = outcome.kind === "unsupported-action" ? null : l7Attributes(policy)[0];
      const triggerPath = trigger ? trigger.path : (["spec", "action"] as const);
      const otherAllows = others.filter((a) => a.policy.action === "ALLOW" && (a.policy.rules === undefined || a.policy.rules.length > 0));
      const data = {
        resource: displayName(resource),
        attached: ATTACHED[how],
        attribute: trigger?.attribute ?? "",
        line: line(resource, triggerPath),
        action: outcome.kind === "unsupported-action" ? outcome.action : "",
        dropped: outcome.kind === "allow-dropped" ? (outcome.droppedRules === 1 ? "rule" : `${outcome.droppedRules} rules`) : "",
        others: otherAllows
          .slice(0, 2)
          .map((a) => `${a.policy.facts.namespace ? `${a.policy.facts.namespace}/` : ""}${a.policy.facts.name}`)
          .join(", ") + (otherAllows.length > 2 ? ` and ${otherAllows.length - 2} more` : ""),
      };

      const hasSelector = how === "selector";
      const suggest: Suggestion<MessageIds>[] = [];
      let fix: EditOp[] | null = null;
      if (hasSelector) {
        const v = repo();
        const services = v.services(namespace);
        const where = (s: ServiceView) => v.where(s, (r) => line(r, ["metadata", "name"]));
        const ops = (name: string) => toTargetRefs(serviceRef(name), true);
        // The workloads classifyServices keeps (those `inNamespaceOf` the policy's): the namespace's, or all.
        const found = classifyServices(matchLabels, namespace, services, inNamespaceOf, namespace === undefined ? v.workloads() : v.workloads(namespace));
        const single = found.exact.length === 1 && surelyInNamespaceOf(found.exact[0], namespace) ? found.exact[0] : undefined;
        const safety = single ? moveSafety({ repo: ctx.repo(), settings, policy: own, service: serviceRecord(ctx, single), others, otherServices: otherSelecting(services, single, matchLabels, v) }) : undefined;
        // The fix: exactly one Service with this selector, bound to a waypoint of the unit, every rule for traffic
        // that passes that waypoint, and ztunnel still admitting the waypoint once the policy has moved.
        if (single && safety?.safe) fix = ops(single.name);
        const opts = { namespace, services, sameNamespace: inNamespaceOf, where, guess: true };
        for (const x of serviceSuggestions(found, matchLabels, opts)) {
          if (x.name === single?.name && safety && !safety.safe) {
            // Not the fix: say what the move would break.
            const whereText = single.resource !== undefined ? "" : ` (${where(single)})`;
            suggest.push({ messageId: "useServiceUnsafe", data: { name: x.name, where: whereText, reason: reasonText(safety) }, ops: ops(x.name) });
          } else {
            suggest.push({ messageId: x.messageId, data: x.data, ops: ops(x.name) });
          }
        }
        if (single && safety) {
          const moved = splitPlan(safety, own.rules?.length ?? 0);
          if (moved) {
            const split = splitOffPolicy(policy, single.name, moved, policyNames(facts().all(), namespace));
            suggest.push({
              messageId: "splitPolicy",
              data: { count: moved.length, name: split.name, service: single.name },
              ops: [...moved.map((i): EditOp => ({ op: "remove", path: ["spec", "rules", i] })), { op: "addResourceAfter", value: split.resource }],
            });
          }
          if (safety.waypoint?.principal && safety.waypointAdmitted === false) {
            const allow = waypointAllowPolicy(policy, safety.waypoint.principal, matchLabels, policyNames(facts().all(), namespace));
            suggest.push({ messageId: "addWaypointAllow", data: { name: allow.name, principal: safety.waypoint.principal }, ops: [{ op: "addResourceAfter", value: allow.resource }] });
          }
        }
      }
      if (how === "mesh") {
        suggest.push({ messageId: "useWaypointClass", ops: toTargetRefs(waypointClassRef(), false) });
      } else {
        // The namespace's waypoints (this file, the repository, assumeExists); the configured one among several.
        const choice = chooseWaypoint(waypointNames(repo().waypoints(namespace), namespace), waypointFor(settings, namespace));
        for (const name of choice.suggest) {
          suggest.push({ messageId: "useWaypoint", data: { name }, ops: toTargetRefs(gatewayRef(name), hasSelector) });
        }
      }

      report({
        resource,
        path: hasSelector ? ["spec", "selector"] : ["spec"],
        messageId: messageFor(outcome, otherAllows),
        data,
        fix,
        suggest,
      });
    }
  },
});

/** The unit's AuthorizationPolicies: this file's from its text, the others from the index. */
function unitPolicies(ctx: CheckContext<MessageIds, Options>): UnitPolicies {
  return filePolicyFacts(ctx, ctx.recordOf(ctx.resources[0])?.file ?? ctx.eslint.physicalFilename);
}

function policyNames(facts: readonly PolicyFacts[], namespace: string | undefined): Set<string> {
  return new Set(facts.filter((f) => f.namespace === undefined || namespace === undefined || f.namespace === namespace).map((f) => f.name));
}

function serviceRecord(ctx: CheckContext<MessageIds, Options>, service: ServiceView) {
  return service.record ?? (service.resource ? ctx.recordOf(service.resource) : undefined);
}

/** Other Services of the namespace that select some of these pods (their traffic is not covered by a Service target). */
function otherSelecting(services: readonly ServiceView[], single: ServiceView, matchLabels: Labels, v: RepoView): string[] {
  // Through label indexes of the two lists (made once per list), in list order.
  const byService = labelIndex(services, selectorOfService);
  const pods = labelIndex(v.workloads(single.namespace), podLabelsOfWorkload).matching(matchLabels);
  return byService
    .inListOrder([...byService.selecting(matchLabels), ...pods.flatMap((w) => byService.selecting(w.podLabels))])
    .filter((s) => s !== single && s.name !== single.name && s.selector && Object.keys(s.selector).length)
    .map((s) => s.name);
}
const selectorOfService = (s: ServiceView) => s.selector;
const podLabelsOfWorkload = (w: WorkloadView) => w.podLabels;

function reasonText(safety: MoveSafety): string {
  switch (safety.reason) {
    case "no-waypoint":
      return "no waypoint serves it";
    case "waypoint-elsewhere":
      return `its waypoint ${safety.waypoint?.name ?? ""} is in another unit or assumed`;
    case "ingress":
      return `rule ${safety.rule! + 1} admits an ingress gateway, which skips the waypoint`;
    case "waypoint-identity":
      return `rule ${safety.rule! + 1} names the waypoint itself (the waypoint sees the client)`;
    case "ip":
      return `rule ${safety.rule! + 1} matches client IPs`;
    case "other-services":
      return `it covers only traffic addressed to it, not to ${safety.otherServices!.slice(0, 2).join(", ")}`;
    case "waypoint-denied":
      return "ztunnel's default deny would then block the waypoint";
    default:
      return "check the result";
  }
}

function trustDomainEffect(action: string, use: TrustDomainUse): string {
  const scope = use.onlySource ? "that rule" : "that source";
  if (action === "DENY") return use.withOthers ? "this DENY applies to callers of every trust domain" : `${scope} never matches and denies nothing (fail-open)`;
  return use.withOthers ? "this ALLOW admits those callers from any trust domain" : `${scope} never matches, so its callers are denied`;
}

/**
 * `trustDomains: [td]` → `principals: ["td/*"]` where the source names no principals; `notTrustDomains` joins
 * `notPrincipals` (a source matches when it is in none of them). A suggestion: trust domain aliases expand
 * principals and trust domains differently.
 */
function principalSuggestions(policy: PlainObject, uses: readonly TrustDomainUse[]): Suggestion<MessageIds>[] {
  const out: Suggestion<MessageIds>[] = [];
  for (const use of uses) {
    const sourcePath = use.path.slice(0, -1);
    let node: unknown = policy;
    for (const k of sourcePath) node = isObject(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[k] : undefined;
    if (!isObject(node)) continue;
    const domains = (Array.isArray(node[use.field]) ? (node[use.field] as unknown[]) : []).filter((d): d is string => typeof d === "string" && d.length > 0 && !d.includes("*"));
    if (!domains.length) continue;
    const patterns = domains.map((d) => `${d}/*`);
    const target = use.field === "trustDomains" ? "principals" : "notPrincipals";
    const existing = Array.isArray(node[target]) ? (node[target] as unknown[]) : [];
    if (target === "principals" && existing.length) continue; // principals AND trust domains: no single list says it
    const value = [...existing, ...patterns];
    const ops: EditOp[] = existing.length
      ? [{ op: "remove", path: use.path }, { op: "set", path: [...sourcePath, target], value }]
      : [{ op: "replacePair", path: use.path, key: target, value }];
    out.push({ messageId: "usePrincipals", data: { attribute: use.field, field: target, values: patterns.map((p) => `"${p}"`).join(", ") }, ops });
  }
  return out;
}

function messageFor(outcome: ZtunnelOutcome, otherAllows: readonly Applied[]): MessageIds {
  switch (outcome.kind) {
    case "allow-dropped":
      if (outcome.droppedRules < outcome.totalRules) return "allowDropped";
      return otherAllows.length ? "allowOthersAdmit" : "allowDeniesAll";
    case "deny-broader":
      return "denyBroader";
    case "deny-no-effect":
      return "denyNoEffect";
    case "unsupported-action":
      return "unsupportedAction";
  }
}

