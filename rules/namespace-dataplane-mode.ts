import { createRule, type CheckContext, type Suggestion } from "../lib/create-rule.js";
import { isObject, labelsOf, stringMap } from "../lib/k8s/resource.js";
import {
  DATAPLANE_MODE,
  INJECTION_LABEL,
  injectionLabels,
  labelsAmbient,
  looksLikeGatewayPod,
  podMetadataPath,
  valueAt,
  type InjectionLabel,
} from "../lib/istio/dataplane.js";
import { fileScope } from "../lib/index/file-scope.js";
import type { EditOp } from "../lib/yaml/edit.js";
import type { Path } from "../lib/yaml/ast.js";

type MessageIds = "sidecarWins" | "injectionLeft" | "removeLabel" | "switchToAmbient";

interface Options {
  /** `"ambient"`: the repository is moving to ambient, so a namespace still labelled for injection is reported too. */
  target: "ambient" | "any";
}

const labelPath = (key: string): Path => ["metadata", "labels", key];

export default createRule<MessageIds, Options>({
  name: "namespace-dataplane-mode",
  meta: {
    type: "problem",
    docs: {
      description:
        "Namespaces labelled `istio.io/dataplane-mode: ambient` must not also enable sidecar injection (the sidecar wins); with `target: \"ambient\"`, namespaces still labelled for injection",
      recommended: false,
    },
    fixable: "code",
    hasSuggestions: true,
    schema: [
      {
        type: "object",
        properties: { target: { type: "string", enum: ["ambient", "any"] } },
        additionalProperties: false,
      },
    ],
    messages: {
      sidecarWins:
        "Namespace {{name}} has `istio.io/dataplane-mode: ambient` and `{{label}}`: injected sidecars win, so new pods never run in ambient mode.",
      injectionLeft:
        "Namespace {{name}} is still labelled `{{label}}` for sidecar injection, so its pods stay in sidecar mode.",
      removeLabel: "Remove `{{label}}` from Namespace {{name}}.",
      switchToAmbient: "Replace the injection label(s) of Namespace {{name}} by `istio.io/dataplane-mode: ambient`.",
    },
  },
  defaultOptions: { target: "any" },
  check(ctx) {
    for (const resource of ctx.resources) {
      if (resource.kind !== "Namespace" || resource.group !== "" || !resource.name) continue;
      const metadata = resource.value.metadata;
      if (!isObject(metadata) || !isObject(metadata.labels)) continue;
      const own = labelsOf(resource.value);
      // Effective labels: this Namespace's record (the deployment model adds Argo CD / Flux / Kustomize labels);
      // a Kustomize patch is merged onto the Namespace it patches.
      const record = ctx.recordOf(resource);
      const base = record?.partial ? ctx.repo().namespaceRecord(resource.name) : record;
      const labels = { ...(base?.labels ?? {}), ...(record?.labels ?? {}), ...own };
      // Only injection labels written here can be reported and edited here.
      const written = injectionLabels(labels).filter((l) => own[l.key] !== undefined);
      if (!written.length) continue;
      const name = resource.name;
      const text = (l: InjectionLabel) => `${l.key}: ${l.value}`;

      if (labelsAmbient(labels)) {
        for (const l of written) {
          // `istio-injection: enabled` only turns on injection: removing it is the documented step. `istio.io/rev`
          // may also pick the control-plane revision of the namespace's gateways: a human decides.
          const ops: EditOp[] = [{ op: "remove", path: labelPath(l.key) }];
          const isInjection = l.key === INJECTION_LABEL;
          ctx.report({
            resource,
            path: labelPath(l.key),
            messageId: "sidecarWins",
            data: { name, label: text(l) },
            fix: isInjection ? ops : null,
            suggest: isInjection ? [] : [{ messageId: "removeLabel", data: { name, label: text(l) }, ops }],
          });
        }
        continue;
      }

      if (ctx.options.target !== "ambient") continue;
      // Ingress/egress gateway namespaces keep injection (gateways are Envoy deployments, not ambient workloads).
      if (name === ctx.settings.rootNamespace || hasGateways(ctx, name)) continue;
      const [first, ...rest] = written;
      const remove = (l: InjectionLabel): EditOp => ({ op: "remove", path: labelPath(l.key) });
      // `istio.io/dataplane-mode` already written (`none`, a typo): set it rather than add a second key.
      const ops: EditOp[] =
        own[DATAPLANE_MODE] !== undefined
          ? [{ op: "set", path: labelPath(DATAPLANE_MODE), value: "ambient" }, ...written.map(remove)]
          : [{ op: "replacePair", path: labelPath(first.key), key: DATAPLANE_MODE, value: "ambient" }, ...rest.map(remove)];
      const suggest: Suggestion<MessageIds>[] = [{ messageId: "switchToAmbient", data: { name }, ops }];
      ctx.report({ resource, path: labelPath(first.key), messageId: "injectionLeft", data: { name, label: text(first), key: first.key }, suggest });
    }
  },
});

/**
 * True when the namespace runs Envoy gateways: a workload of the repository with gateway pod labels, or one of this
 * file whose pod template asks for the `gateway` injection template (`inject.istio.io/templates`).
 */
function hasGateways(ctx: CheckContext<MessageIds, Options>, namespace: string): boolean {
  if (fileScope(ctx).repo.workloads(namespace).some((w) => looksLikeGatewayPod(w.podLabels))) return true;
  return ctx.resources.some((r) => {
    const metaPath = podMetadataPath(r.kind, r.group);
    if (!metaPath || ctx.namespaceOf(r) !== namespace) return false;
    const metadata = valueAt(r.value, metaPath);
    if (!isObject(metadata)) return false;
    const templates = stringMap(metadata.annotations)["inject.istio.io/templates"] ?? "";
    return /\bgateway\b/.test(templates) || looksLikeGatewayPod(stringMap(metadata.labels));
  });
}
