import { createRule, type CheckContext } from "../lib/create-rule.js";
import { displayName, isObject, stringMap } from "../lib/k8s/resource.js";
import { namespaceLabels } from "../lib/index/namespace-labels.js";
import {
  INJECT_KEY,
  injectionLabels,
  labelsAmbient,
  podMeantAmbient,
  podMetadataPath,
  podSpecPath,
  sidecarAnnotationKind,
  valueAt,
  type SidecarAnnotationKind,
} from "../lib/istio/dataplane.js";
import type { EditOp } from "../lib/yaml/edit.js";
import type { Path } from "../lib/yaml/ast.js";
import type { Resource } from "../lib/yaml/documents.js";

type MessageIds = "sidecarOnly" | "excludePorts" | "injectTrue" | "removeInject";

type Options = Record<string, never>;

export default createRule<MessageIds, Options>({
  name: "no-sidecar-annotations",
  meta: {
    type: "suggestion",
    docs: {
      description:
        "Pod-template annotations that only configure the Istio sidecar (`sidecar.istio.io/*`, `proxy.istio.io/config`, `traffic.sidecar.istio.io/*`, …) on pods in ambient mode, and `sidecar.istio.io/inject: \"true\"` there",
      recommended: false,
    },
    fixable: "code",
    hasSuggestions: true,
    messages: {
      sidecarOnly: "{{workload}}: `{{key}}` configures only the Istio sidecar, and its pods {{where}} run without one: it has no effect.",
      excludePorts:
        "{{workload}}: `{{key}}: \"{{value}}\"` kept these ports out of the sidecar, but ztunnel captures every port {{where}}, so they get mTLS and L4 policy.",
      injectTrue:
        "{{workload}} sets `sidecar.istio.io/inject: \"true\"` on pods {{where}}: the sidecar wins, so ztunnel does not capture them.",
      removeInject: "Remove `sidecar.istio.io/inject: \"true\"` (the pods run in ambient mode after their next restart).",
    },
  },
  defaultOptions: {},
  check(ctx) {
    for (const resource of ctx.resources) {
      const metaPath = podMetadataPath(resource.kind, resource.group);
      if (!metaPath) continue;
      const metadata = valueAt(resource.value, metaPath);
      if (!isObject(metadata)) continue;
      const podSpec = valueAt(resource.value, podSpecPath(metaPath));
      if (isObject(podSpec) && podSpec.hostNetwork === true) continue; // never captured by ztunnel
      const podLabels = stringMap(metadata.labels);
      const namespace = ctx.namespaceOf(resource);
      const nsLabels = namespaceLabels(ctx.resources, ctx.repo, namespace);
      if (!podMeantAmbient(nsLabels, podLabels)) continue;
      // The namespace still injects sidecars: these annotations are live (namespace-dataplane-mode reports that).
      if (nsLabels && injectionLabels(nsLabels).length) continue;
      const where = labelsAmbient(podLabels) ? "(labelled `istio.io/dataplane-mode: ambient`)" : `in ambient namespace ${namespace}`;
      const workload = displayName(resource, namespace);
      const annotations = isObject(metadata.annotations) ? metadata.annotations : {};

      // A sidecar is still asked for: the other annotations are live too. Dropping it is the owner's call.
      const injectAt: Path | null =
        sidecarAnnotationKind(INJECT_KEY, podLabels[INJECT_KEY]) === "injectTrue"
          ? [...metaPath, "labels", INJECT_KEY]
          : sidecarAnnotationKind(INJECT_KEY, annotations[INJECT_KEY]) === "injectTrue"
            ? [...metaPath, "annotations", INJECT_KEY]
            : null;
      if (injectAt) {
        const suggest = [{ messageId: "removeInject" as const, ops: [{ op: "remove", path: injectAt } as EditOp] }];
        ctx.report({ resource, path: injectAt, messageId: "injectTrue", data: { workload, where }, suggest });
        continue;
      }

      const found: { key: string; kind: SidecarAnnotationKind; value: unknown }[] = [];
      for (const [key, value] of Object.entries(annotations)) {
        const kind = sidecarAnnotationKind(key, value);
        if (kind) found.push({ key, kind, value });
      }
      if (!found.length) continue;
      const annotationsPath: Path = [...metaPath, "annotations"];
      // Every annotation goes: remove the emptied `annotations:` with them. (lib/yaml keeps the comments of removed lines.)
      const all = found.length === Object.keys(annotations).length;
      for (const f of found) {
        const path: Path = [...annotationsPath, f.key];
        const fix: EditOp[] = [{ op: "remove", path: all ? annotationsPath : path }];
        report(ctx, resource, path, f, { workload, where }, fix);
      }
    }
  },
});

function report(
  ctx: CheckContext<MessageIds, Options>,
  resource: Resource,
  path: Path,
  f: { key: string; kind: SidecarAnnotationKind; value: unknown },
  data: { workload: string; where: string },
  fix: EditOp[] | null,
): void {
  const messageId: MessageIds = f.kind === "excludePorts" ? "excludePorts" : "sidecarOnly";
  ctx.report({ resource, path, messageId, data: { ...data, key: f.key, value: String(f.value) }, fix });
}
