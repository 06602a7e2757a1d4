import { createRule, type Suggestion } from "../lib/create-rule.js";
import { displayName, isIstioKind, isObject } from "../lib/k8s/resource.js";
import { workloadSelectorLabels } from "../lib/k8s/selector.js";
import { inNamespaceOf, repoView, surelyInNamespaceOf, waypointNames } from "../lib/index/view.js";
import { attachment, GATEWAY_SELECTORS_SCHEMA, selectsGatewayPods } from "../lib/istio/authorization.js";
import { DRY_RUN, objectFacts } from "../lib/istio/enforcement.js";
import { chooseWaypoint, classifyServices, gatewayRef, serviceRef, toTargetRefs, waypointClassRef } from "../lib/convert/selector-to-targetrefs.js";
import { waypointFor } from "../lib/settings.js";
import { istioHas } from "../lib/versions.js";

type MessageIds = "audit" | "dryRun" | "dryRunEnforced" | "useService" | "useWaypoint" | "useWaypointClass";

interface Options {
  gatewaySelectors: Record<string, string>[];
}

const ATTACHED: Record<string, string> = { selector: "selector", namespace: "namespace-wide", mesh: "mesh-wide" };

export default createRule<MessageIds, Options>({
  name: "authorizationpolicy-audit-dry-run",
  meta: {
    type: "problem",
    docs: {
      description:
        "AUDIT and dry-run AuthorizationPolicies enforced by ztunnel (selector or namespace-wide) lose what they are for: ztunnel neither audits nor dry-runs",
      recommended: "warn",
    },
    hasSuggestions: true,
    schema: [{ type: "object", properties: { gatewaySelectors: GATEWAY_SELECTORS_SCHEMA }, additionalProperties: false }],
    messages: {
      audit: "{{resource}} ({{attached}}): ztunnel does not support AUDIT, so these requests are no longer audit-logged.",
      dryRun: "{{resource}} ({{attached}}) is dry-run: ztunnel never receives it, so nothing logs what it would do.",
      dryRunEnforced: "{{resource}} ({{attached}}) is dry-run, but before Istio 1.25 ztunnel enforces it as a real {{action}}.",
      useService: "Use `targetRefs` to Service {{name}} (its waypoint audits and dry-runs).",
      useWaypoint: "Attach the policy to waypoint Gateway {{name}} (every Service using it).",
      useWaypointClass: "Attach the policy to every waypoint (GatewayClass istio-waypoint).",
    },
  },
  defaultOptions: { gatewaySelectors: [] },
  check(ctx) {
    const { settings, options, line } = ctx;
    for (const resource of ctx.resources) {
      if (!isIstioKind(resource, "AuthorizationPolicy")) continue;
      const policy = resource.value;
      const how = attachment(policy, settings.rootNamespace);
      if (how === "targetRefs") continue;
      const spec = isObject(policy.spec) ? policy.spec : {};
      const matchLabels = workloadSelectorLabels(spec.selector) ?? {};
      if (how === "selector" && selectsGatewayPods(matchLabels, options.gatewaySelectors)) continue;
      if (how !== "selector" && ctx.recordOf(resource)?.partial) continue;
      const namespace = ctx.namespaceOf(resource);
      const facts = objectFacts(policy, namespace, "");
      let messageId: MessageIds;
      let path: (string | number)[];
      if (facts.action === "AUDIT") {
        messageId = "audit";
        path = ["spec", "action"];
      } else if (facts.dryRun && (facts.action === "ALLOW" || facts.action === "DENY")) {
        messageId = istioHas(settings.istioVersion, "ztunnelIgnoresDryRun") ? "dryRun" : "dryRunEnforced";
        path = ["metadata", "annotations", DRY_RUN];
      } else {
        continue;
      }
      const suggest: Suggestion<MessageIds>[] = [];
      const view = repoView(ctx);
      if (how === "selector") {
        const found = classifyServices(matchLabels, namespace, view.services(namespace), inNamespaceOf, view.workloads());
        for (const s of found.exact) {
          if (surelyInNamespaceOf(s, namespace)) suggest.push({ messageId: "useService", data: { name: s.name }, ops: toTargetRefs(serviceRef(s.name), true) });
        }
      }
      if (how === "mesh") {
        suggest.push({ messageId: "useWaypointClass", ops: toTargetRefs(waypointClassRef(), false) });
      } else {
        const choice = chooseWaypoint(waypointNames(view.waypoints(namespace), namespace), waypointFor(settings, namespace));
        for (const name of choice.suggest) suggest.push({ messageId: "useWaypoint", data: { name }, ops: toTargetRefs(gatewayRef(name), how === "selector") });
      }
      ctx.report({
        resource,
        path,
        messageId,
        data: { resource: displayName(resource), attached: ATTACHED[how], line: line(resource, path), action: facts.action },
        suggest,
      });
    }
  },
});
