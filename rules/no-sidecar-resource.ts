import { createRule } from "../lib/create-rule.js";
import { displayName, isIstioKind } from "../lib/k8s/resource.js";
import { fileScope } from "../lib/index/file-scope.js";
import { namespaceLabels } from "../lib/index/namespace-labels.js";
import { selectorMatches } from "../lib/k8s/selector.js";
import { INJECT_KEY, injectionLabels, labelsAmbient, labelsOptOut, podMeantAmbient } from "../lib/istio/dataplane.js";
import { sidecarEffects, sidecarSelector, type SidecarEffect } from "../lib/istio/sidecar-resource.js";

type MessageIds = "ineffective" | "deleteSidecar";

type Options = Record<string, never>;

const EFFECT: Record<SidecarEffect, string> = {
  registryOnly: "its `REGISTRY_ONLY` (line {{line}}) no longer blocks unregistered hosts",
  egressHosts: "its egress hosts (line {{line}}) no longer limit what the pods reach",
  ingress: "its ingress listeners (line {{line}}) no longer apply",
  other: "none of its settings apply",
};

export default createRule<MessageIds, Options>({
  name: "no-sidecar-resource",
  meta: {
    type: "problem",
    docs: {
      description: "Sidecar resources that select pods in ambient mode: ztunnel and waypoints ignore them, so their egress restrictions silently stop",
      recommended: false,
    },
    hasSuggestions: true,
    messages: {
      ineffective: "{{resource}} selects {{scope}}, which have no sidecar: ztunnel and waypoints ignore it, so {{effect}}.",
      deleteSidecar: "Delete {{resource}} (restrict egress with an egress gateway or waypoint and AuthorizationPolicy instead).",
    },
  },
  defaultOptions: {},
  check(ctx) {
    const sidecars = ctx.resources.filter((r) => isIstioKind(r, "Sidecar"));
    if (!sidecars.length) return;
    const scope = fileScope(ctx);
    for (const resource of sidecars) {
      const namespace = ctx.namespaceOf(resource);
      if (!namespace || namespace === ctx.settings.rootNamespace) continue; // mesh-wide default: still configures the remaining sidecars
      const nsLabels = namespaceLabels(ctx.resources, () => scope.repo, namespace);
      if (nsLabels && injectionLabels(nsLabels).length) continue; // the namespace still injects: sidecars exist (namespace-dataplane-mode)
      const nsAmbient = labelsAmbient(nsLabels);
      const selector = sidecarSelector(resource.value);
      const pods = scope.repo.workloads(namespace).filter((w) => !w.partial && (!selector || selectorMatches(selector, w.podLabels)));
      const keepsSidecar = pods.some((w) => String(w.podLabels[INJECT_KEY] ?? "").trim().toLowerCase() === "true" || (nsAmbient && labelsOptOut(w.podLabels)));
      if (keepsSidecar) continue;
      let scopeText: string;
      if (nsAmbient) {
        scopeText = selector ? `pods (${labelText(selector)}) of ambient namespace ${namespace}` : `every pod of ambient namespace ${namespace}`;
      } else {
        // Not an ambient namespace: only pods labelled ambient themselves, when every selected workload is.
        if (!selector || !pods.length || !pods.every((w) => podMeantAmbient(nsLabels, w.podLabels))) continue;
        scopeText = `ambient-labelled pods (${labelText(selector)})`;
      }
      const [first] = sidecarEffects(resource.value);
      const line = first.effect === "other" ? 0 : ctx.line(resource, first.path);
      const name = displayName(resource, namespace);
      ctx.report({
        resource,
        path: ["kind"],
        messageId: "ineffective",
        data: { resource: name, scope: scopeText, effect: EFFECT[first.effect].replace("{{line}}", String(line)) },
        suggest: [{ messageId: "deleteSidecar", data: { resource: name }, ops: [{ op: "removeResource" }] }],
      });
    }
  },
});

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}
