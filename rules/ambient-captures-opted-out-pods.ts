import { createRule, type Suggestion } from "../lib/create-rule.js";
import { displayName, isIstioGroup, isObject, stringMap } from "../lib/k8s/resource.js";
import { fileScope, recordName } from "../lib/index/file-scope.js";
import { namespaceLabels } from "../lib/index/namespace-labels.js";
import {
  DATAPLANE_MODE,
  INJECT_KEY,
  labelsAmbient,
  optedOutOfSidecar,
  podMeantAmbient,
  podMetadataPath,
  podSpecPath,
  valueAt,
} from "../lib/istio/dataplane.js";
import { ztunnelPolicies } from "../lib/istio/ztunnel-policies.js";
import type { ResourceRecord } from "../lib/index/index.js";
import type { Resource } from "../lib/yaml/documents.js";
import type { EditOp } from "../lib/yaml/edit.js";
import type { Path } from "../lib/yaml/ast.js";

type MessageIds = "captured" | "optOut" | "allowCallers";

type Options = Record<string, never>;

/** Names listed in a message before "and N more". */
const LISTED = 2;

export default createRule<MessageIds, Options>({
  name: "ambient-captures-opted-out-pods",
  meta: {
    type: "problem",
    docs: {
      description:
        "Pods that opted out of the sidecar (`sidecar.istio.io/inject: \"false\"`) in an ambient namespace are captured by ztunnel, where the namespace's policies now apply to their callers",
      recommended: "warn",
    },
    hasSuggestions: true,
    messages: {
      captured:
        "{{workload}} opted out of the sidecar, but ztunnel captures it {{where}}: {{policies}} now {{verb}}{{callers}}.",
      optOut: "Keep these pods out of ambient: label the pod template `istio.io/dataplane-mode: none`.",
      allowCallers: "Add AuthorizationPolicy {{name}} that allows every caller of these pods at L4 (what they had without a proxy); narrow it later.",
    },
  },
  defaultOptions: {},
  check(ctx) {
    let scope: ReturnType<typeof fileScope> | undefined;
    for (const resource of ctx.resources) {
      const metaPath = podMetadataPath(resource.kind, resource.group);
      if (!metaPath) continue;
      const metadata = valueAt(resource.value, metaPath);
      if (!isObject(metadata)) continue;
      const podLabels = stringMap(metadata.labels);
      const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
      if (!optedOutOfSidecar(podLabels, annotations)) continue;
      const podSpec = valueAt(resource.value, podSpecPath(metaPath));
      if (isObject(podSpec) && podSpec.hostNetwork === true) continue; // never captured
      const namespace = ctx.namespaceOf(resource);
      if (!namespace) continue;
      scope ??= fileScope(ctx);
      const repo = scope.repo;
      const nsLabels = namespaceLabels(ctx.resources, () => repo, namespace);
      if (!podMeantAmbient(nsLabels, podLabels)) continue;
      // Namespace injection labels do not matter: a pod that opted out has no sidecar, so ztunnel captures it.

      const records = [...repo.byKind("AuthorizationPolicy"), ...repo.byKind("PeerAuthentication")].filter((r) => isIstioGroup(r.group));
      const { authorization, strict } = ztunnelPolicies(records, { namespace, labels: podLabels }, ctx.settings.rootNamespace);
      const applying: ResourceRecord[] = [...authorization, ...(strict ? [strict] : [])];
      if (!applying.length) continue;
      // Only ALLOW policies, one of which (in this file) admits every caller: nothing is refused.
      const onlyAllow = !strict && authorization.every((r) => (r.action ?? "ALLOW").toUpperCase() === "ALLOW");
      if (onlyAllow && authorization.some((r) => allowsEveryone(ctx.resources, scope!.recordOf, r))) continue;

      const names = applying.map((r) => (r.kind === "PeerAuthentication" ? `${recordName(r)} (STRICT)` : (r.action ?? "ALLOW").toUpperCase() === "DENY" ? `${recordName(r)} (DENY)` : recordName(r)));
      const policies = names.length > LISTED ? `${names.slice(0, LISTED).join(", ")} and ${names.length - LISTED} more` : names.join(", ");
      const injectPath: Path =
        String(podLabels[INJECT_KEY] ?? "").trim().toLowerCase() === "false" ? [...metaPath, "labels", INJECT_KEY] : [...metaPath, "annotations", INJECT_KEY];
      const callers = strict ? ", refusing plaintext" : "; non-mesh callers match no identity";

      const suggest: Suggestion<MessageIds>[] = [];
      const labelOps: EditOp[] = isObject(metadata.labels)
        ? [{ op: "set", path: [...metaPath, "labels", DATAPLANE_MODE], value: "none" }]
        : metadata.labels === undefined
          ? [{ op: "set", path: [...metaPath, "labels"], value: { [DATAPLANE_MODE]: "none" } }]
          : [];
      if (labelOps.length) suggest.push({ messageId: "optOut", ops: labelOps });
      // An allow-all ALLOW restores what the pods had without a proxy, only when ALLOW policies are all that apply.
      const selector = Object.fromEntries(Object.entries(podLabels).filter(([k]) => !k.includes("istio.io/")));
      const baseName = resource.name && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(resource.name) ? resource.name : undefined;
      if (onlyAllow && baseName && Object.keys(selector).length) {
        const name = `${baseName}-allow-callers`.slice(0, 63).replace(/-+$/, "");
        const policy = {
          apiVersion: "security.istio.io/v1",
          kind: "AuthorizationPolicy",
          metadata: { name, namespace },
          spec: { selector: { matchLabels: selector }, action: "ALLOW", rules: [{}] },
        };
        suggest.push({ messageId: "allowCallers", data: { name }, ops: [{ op: "addResourceAfter", value: policy }] });
      }

      ctx.report({
        resource,
        path: injectPath,
        messageId: "captured",
        data: {
          workload: displayName(resource, namespace),
          where: labelsAmbient(podLabels) ? "(labelled `istio.io/dataplane-mode: ambient`)" : `in ambient namespace ${namespace}`,
          policies,
          verb: applying.length === 1 ? "applies" : "apply",
          callers,
        },
        suggest,
      });
    }
  },
});

/**
 * True when an ALLOW policy of this file has a rule with no `from`, `to` or `when`: it admits every request.
 * (Records of other files do not carry their rules; such policies count as restrictive.)
 */
function allowsEveryone(resources: readonly Resource[], recordOf: (r: Resource) => ResourceRecord | undefined, record: ResourceRecord): boolean {
  const resource = resources.find((r) => recordOf(r) === record);
  if (!resource || !isObject(resource.value.spec)) return false;
  const rules = resource.value.spec.rules;
  return Array.isArray(rules) && rules.some((rule) => isObject(rule) && rule.from === undefined && rule.to === undefined && rule.when === undefined);
}
