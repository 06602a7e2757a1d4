import { createRule, type Suggestion } from "../lib/create-rule.js";
import { isIstioKind, displayName, isObject } from "../lib/k8s/resource.js";
import { workloadSelectorLabels } from "../lib/k8s/selector.js";
import { inNamespaceOf, repoView, surelyInNamespaceOf, waypointNames, type RepoView } from "../lib/index/view.js";
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
import { bypassDeny } from "../lib/istio/bypass.js";
import { knownWaypointPrincipals } from "../lib/istio/waypoint.js";

type MessageIds =
  | "allowDropped"
  | "allowDeniesAll"
  | "denyBroader"
  | "denyNoEffect"
  | "unsupportedAction"
  | "useService"
  | "useServiceIn"
  | "useServiceSameWorkloads"
  | "useWiderService"
  | "useGuessedService"
  | "useWaypoint"
  | "useWaypointClass";

interface Options {
  /** Extra label sets that select Envoy gateway pods (selectors on gateways keep working in ambient). */
  gatewaySelectors: Record<string, string>[];
}

const TO_WAYPOINT = "Attach it to a waypoint with `targetRefs` instead.";

const ATTACHED: Record<string, string> = {
  selector: "is attached by `selector`",
  namespace: "applies namespace-wide (no selector)",
  mesh: "applies mesh-wide (root namespace, no selector)",
};

export default createRule<MessageIds, Options>({
  name: "authorizationpolicy-targetrefs",
  meta: {
    type: "problem",
    docs: {
      description:
        "AuthorizationPolicies with HTTP attributes, or action CUSTOM/AUDIT, must be attached to a waypoint with targetRefs: ztunnel cannot enforce them",
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
        "{{resource}} {{attached}} and uses the HTTP attribute `{{attribute}}` (line {{line}}). ztunnel cannot evaluate HTTP attributes: it drops the {{dropped}} of this ALLOW policy that use them, so the traffic they allowed will be DENIED. " +
        TO_WAYPOINT,
      allowDeniesAll:
        "{{resource}} {{attached}} and uses the HTTP attribute `{{attribute}}` (line {{line}}). ztunnel cannot evaluate HTTP attributes: every rule of this ALLOW policy uses them and is dropped, so ALL traffic to the selected workloads will be DENIED. " +
        TO_WAYPOINT,
      denyBroader:
        "{{resource}} {{attached}} and uses the HTTP attribute `{{attribute}}` (line {{line}}). ztunnel enforces this DENY without its HTTP conditions, so it denies more traffic than intended. " +
        TO_WAYPOINT,
      denyNoEffect:
        "{{resource}} {{attached}} and uses the HTTP attribute `{{attribute}}` (line {{line}}). Without its HTTP conditions this DENY has nothing left that ztunnel can match: it will have NO EFFECT (fail-open). " +
        TO_WAYPOINT,
      unsupportedAction:
        "{{resource}} {{attached}} with action {{action}} (line {{line}}). ztunnel does not support {{action}} policies, so it will NOT be enforced in ambient mode. " +
        TO_WAYPOINT,
      useService: "Replace the selector with `targetRefs` to Service {{name}} (it selects the same pods).",
      useServiceIn: "Replace the selector with `targetRefs` to Service {{name}} ({{where}}; it selects the same pods).",
      useServiceSameWorkloads:
        "Replace the selector with `targetRefs` to Service {{name}} ({{where}}): its selector {{selector}} is not these matchLabels, but it selects the same workloads in this repository ({{workloads}}). Check that no other pods carry its labels.",
      useWiderService:
        "Replace the selector with `targetRefs` to Service {{name}} ({{where}}): it selects more pods than this policy (its selector {{selector}} does not require {{missing}}), and the policy would apply to all of them.",
      useGuessedService: "Replace the selector with `targetRefs` to Service {{name}} (a guess from the `app` label: check that this Service exists and selects these pods).",
      useWaypoint: "Attach the policy to the waypoint Gateway {{name}} with `targetRefs` (applies to every Service that uses this waypoint).",
      useWaypointClass: "Attach the policy to every waypoint with `targetRefs` to GatewayClass istio-waypoint.",
    },
  },
  defaultOptions: { gatewaySelectors: [] },
  check(ctx) {
    const { resources, settings, options, report, line } = ctx;
    let view: RepoView | undefined;
    const repo = () => (view ??= repoView(ctx));
    for (const resource of resources) {
      if (!isIstioKind(resource, "AuthorizationPolicy")) continue;
      const policy = resource.value;
      const how = attachment(policy, settings.rootNamespace);
      if (how === "targetRefs") continue;
      const spec = isObject(policy.spec) ? policy.spec : {};
      const matchLabels = workloadSelectorLabels(spec.selector) ?? {};
      if (how === "selector" && selectsGatewayPods(matchLabels, options.gatewaySelectors)) continue;
      const outcome = ztunnelOutcome(policy);
      if (!outcome) continue;
      // A Kustomize patch without `selector` is a fragment of a policy defined elsewhere: it is not namespace-wide.
      if (how !== "selector" && ctx.recordOf(resource)?.partial) continue;
      // A waypoint-bypass DENY must stay on ztunnel (selector): require-bypass-prevention reports its HTTP attributes.
      if (outcome.kind !== "unsupported-action" && bypassDeny(policy, knownWaypointPrincipals(ctx.repo(), settings, ctx.namespaceOf(resource)))) continue;

      const trigger = outcome.kind === "unsupported-action" ? null : l7Attributes(policy)[0];
      const triggerPath = trigger ? trigger.path : (["spec", "action"] as const);
      const data = {
        resource: displayName(resource),
        attached: ATTACHED[how],
        attribute: trigger?.attribute ?? "",
        line: line(resource, triggerPath),
        action: outcome.kind === "unsupported-action" ? outcome.action : "",
        dropped: outcome.kind === "allow-dropped" ? (outcome.droppedRules === 1 ? "rule" : `${outcome.droppedRules} rules`) : "",
      };

      // Fix / suggestions: which targets can the policy move to? (This file, then the rest of the repository.)
      const hasSelector = how === "selector";
      const namespace = ctx.namespaceOf(resource);
      const suggest: Suggestion<MessageIds>[] = [];
      let fix = null;
      if (hasSelector) {
        const v = repo();
        const services = v.services(namespace);
        const where = (s: (typeof services)[number]) => v.where(s, (r) => line(r, ["metadata", "name"]));
        const ops = (name: string) => toTargetRefs(serviceRef(name), true);
        const found = classifyServices(matchLabels, namespace, services, inNamespaceOf, v.workloads(namespace));
        // Only an equal selector is the same pods by definition: the fix needs exactly one such Service, and one
        // surely in the policy's namespace (a Service of unknown namespace elsewhere may be deployed anywhere).
        if (found.exact.length === 1 && surelyInNamespaceOf(found.exact[0], namespace)) fix = ops(found.exact[0].name);
        const opts = { namespace, services, sameNamespace: inNamespaceOf, where, guess: true };
        for (const x of serviceSuggestions(found, matchLabels, opts)) suggest.push({ messageId: x.messageId, data: x.data, ops: ops(x.name) });
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
        messageId: messageFor(outcome),
        data,
        fix,
        suggest,
      });
    }
  },
});

function messageFor(outcome: ZtunnelOutcome): MessageIds {
  switch (outcome.kind) {
    case "allow-dropped":
      return outcome.droppedRules >= outcome.totalRules ? "allowDeniesAll" : "allowDropped";
    case "deny-broader":
      return "denyBroader";
    case "deny-no-effect":
      return "denyNoEffect";
    case "unsupported-action":
      return "unsupportedAction";
  }
}
