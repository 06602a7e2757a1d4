import { createRule, type CheckContext, type Suggestion } from "../lib/create-rule.js";
import type { EditOp } from "../lib/yaml/edit.js";
import { GATEWAY_API_GROUP, displayName, isIstioGroup, isObject, stringMap, type PlainObject } from "../lib/k8s/resource.js";
import { repoView, type RepoView } from "../lib/index/view.js";
import { waypointPodSelector } from "../lib/istio/waypoint-gateway.js";
import type { Resource } from "../lib/yaml/documents.js";
import {
  MAX_TARGET_REFS,
  NETWORKING_ISTIO_GROUP,
  WAYPOINT_GATEWAY_CLASS,
  containsRef,
  targetPolicyKind,
  targetRefEntries,
  targetRefsFindings,
  type TargetCheck,
} from "../lib/istio/targetrefs.js";

type MessageIds =
  | "conflictSelector"
  | "conflictTargetRef"
  | "singular"
  | "singularUnknown"
  | "targetFixable"
  | "targetInvalid"
  | "targetClassicGateway"
  | "namespaceSame"
  | "namespaceOther"
  | "gatewayClassNamespace"
  | "gatewayClassName"
  | "tooMany"
  | "selectorOnWaypoint"
  | "targetWaypoint"
  | "removeSelector"
  | "mergeTargetRef"
  | "removeNamespace"
  | "moveToNamespace";


export default createRule<MessageIds, Record<string, never>>({
  name: "valid-policy-targetrefs",
  meta: {
    type: "problem",
    docs: {
      description:
        "Policy `targetRefs` must be valid: not combined with a selector, not the deprecated `targetRef`, only Gateway/GatewayClass/Service/ServiceEntry targets in the policy's own namespace, at most 16",
      recommended: "error",
    },
    fixable: "code",
    hasSuggestions: true,
    schema: [{ type: "object", properties: {}, additionalProperties: false }],
    messages: {
      conflictSelector:
        "{{resource}} sets `{{key}}` with `{{first}}` (line {{line}}), so the API server rejects it (only one of {{allowed}} may be set).",
      conflictTargetRef:
        "{{resource}} sets both `targetRefs` and the deprecated `targetRef` (line {{line}}), so the API server rejects it.",
      singular:
        "{{resource}} uses the deprecated singular `targetRef`, kept only for compatibility: write `targetRefs`.",
      singularUnknown:
        "{{resource}} uses `targetRef`, which {{kind}} lacks: the API server rejects or drops it, so the {{kind}} applies namespace-wide.",
      targetFixable: "{{ref}} of {{resource}} targets {{got}}, which Istio's webhook rejects; write {{want}}.",
      targetInvalid:
        "{{ref}} of {{resource}} targets {{got}}, which Istio's webhook rejects, so no proxy applies the policy.",
      targetClassicGateway:
        "{{ref}} of {{resource}} targets networking.istio.io Gateway {{name}}, which Istio's webhook rejects, so no proxy applies the policy.",
      namespaceSame:
        "{{ref}} of {{resource}} sets `namespace: {{namespace}}`, which the API server rejects (targets are in the policy's namespace).",
      namespaceOther:
        "{{ref}} of {{resource}} points to namespace {{namespace}}, not the policy's {{policyNamespace}}, so the API server rejects it.",
      gatewayClassNamespace:
        "{{ref}} of {{resource}} targets a GatewayClass outside the root namespace ({{root}}), so Istio matches nothing.",
      gatewayClassName:
        "{{ref}} of {{resource}} targets GatewayClass {{name}}, but Istio attaches policies only to GatewayClass `" + WAYPOINT_GATEWAY_CLASS + "`, so it matches nothing.",
      tooMany: "{{resource}} has {{count}} `targetRefs`, over the " + MAX_TARGET_REFS + " the API server accepts: split it into several policies.",
      selectorOnWaypoint:
        "{{resource}} selects the pods of {{waypoint}} (`{{key}}`), but waypoints ignore `selector` policies: this {{kind}} applies nowhere.",
      targetWaypoint: "Replace `selector` with `targetRefs` to Gateway {{gateway}} (all its traffic).",
      removeSelector: "Remove `{{selectorKey}}` and keep `{{key}}`.",
      mergeTargetRef: "Move the `targetRef` entry into `targetRefs` and remove `targetRef`.",
      removeNamespace: "Remove `namespace` (the target becomes {{kind}} {{policyNamespace}}/{{name}}).",
      moveToNamespace: "Move the policy to namespace {{namespace}} (set `metadata.namespace`) and remove the target's `namespace`.",
    },
  },
  defaultOptions: {},
  check(ctx) {
    const { resources, settings, report, line, namespaceOf } = ctx;
    let view: RepoView | undefined;
    const repo = () => (view ??= repoView(ctx));
    for (const resource of resources) {
      if (!isIstioGroup(resource.group) || !targetPolicyKind(resource.kind)) continue;
      const policy = resource.value;
      // The namespace the policy is deployed to (a Kustomize overlay's `namespace:` overrides metadata).
      const policyNs = namespaceOf(resource);
      if (WAYPOINT_SELECTOR_KINDS.has(resource.kind)) checkWaypointSelector(ctx, repo, resource, policyNs);
      const findings = targetRefsFindings(policy, resource.kind, policyNs, settings.rootNamespace);
      const name = displayName(resource);
      // The `targetRef` → `targetRefs` fix rewrites the whole pair: it carries the entry's own fixes (group/kind
      // corrections, a same-namespace `namespace`), which then are not separate fixes (they would overlap it and
      // need a second `--fix` pass).
      const singular = findings.some((f) => f.type === "singular");
      const inSingular = (f: { entry: { singular?: boolean } }) => singular && f.entry.singular === true;
      const fixable = (f: Extract<(typeof findings)[number], { type: "target" }>) =>
        !!f.check.correction && !(isClassicGatewaySlip(f.check) && typeof f.entry.ref.name === "string" && classicGatewayNamed(resources, f.entry.ref.name, resource.namespace));
      for (const f of findings) {
        const base = { resource, path: f.path };
        switch (f.type) {
          case "conflict": {
            const data = { resource: name, key: f.key, first: f.first, line: line(resource, ["spec", f.first]), selectorKey: f.selectorKey, allowed: allowedKeys(f.selectorKey, resource.kind) };
            if (f.key === f.selectorKey || f.first === f.selectorKey) {
              report({ ...base, messageId: "conflictSelector", data, suggest: [{ messageId: "removeSelector", data: { selectorKey: f.selectorKey, key: f.key === f.selectorKey ? f.first : f.key }, ops: [{ op: "remove", path: ["spec", f.selectorKey] }] }] });
            } else {
              const ops = mergeTargetRef(policy);
              report({ ...base, messageId: "conflictTargetRef", data, suggest: ops ? [{ messageId: "mergeTargetRef", ops }] : [] });
            }
            break;
          }
          case "singular": {
            const spec = policy.spec as PlainObject;
            const ref: PlainObject = { ...(spec.targetRef as PlainObject) };
            for (const g of findings) {
              if (g.type === "target" && inSingular(g) && fixable(g)) {
                if (g.check.correction!.kind !== undefined) ref.kind = g.check.correction!.kind;
                if (g.check.correction!.group !== undefined) ref.group = g.check.correction!.group;
              }
              if (g.type === "namespace" && inSingular(g) && g.same) delete ref.namespace;
            }
            const fix: EditOp[] = [{ op: "replacePair", path: ["spec", "targetRef"], key: "targetRefs", value: [ref] }];
            report({ ...base, messageId: f.known ? "singular" : "singularUnknown", data: { resource: name, kind: resource.kind }, fix });
            break;
          }
          case "target": {
            const ref = f.entry.ref;
            const data = { resource: name, ref: f.entry.label, got: describeTarget(f.check), name: String(ref.name ?? "") };
            if (isClassicGatewaySlip(f.check) && typeof ref.name === "string" && classicGatewayNamed(resources, ref.name, resource.namespace)) {
              report({ ...base, messageId: "targetClassicGateway", data });
            } else if (f.check.correction) {
              const ops: EditOp[] = [];
              if (f.check.correction.kind !== undefined) ops.push({ op: "set", path: [...f.entry.path, "kind"], value: f.check.correction.kind });
              if (f.check.correction.group !== undefined) ops.push({ op: "set", path: [...f.entry.path, "group"], value: f.check.correction.group });
              report({ ...base, messageId: "targetFixable", data: { ...data, want: describeWant(f.check) }, fix: inSingular(f) && fixable(f) ? null : ops });
            } else {
              report({ ...base, messageId: "targetInvalid", data });
            }
            break;
          }
          case "namespace": {
            const ref = f.entry.ref;
            const remove: EditOp[] = [{ op: "remove", path: f.path }];
            if (f.same) {
              report({ ...base, messageId: "namespaceSame", data: { resource: name, ref: f.entry.label, namespace: f.namespace }, fix: inSingular(f) ? null : remove });
              break;
            }
            const policyNamespace = policyNs ?? "";
            const suggest: Suggestion<MessageIds>[] = [
              { messageId: "removeNamespace", data: { kind: String(ref.kind ?? ""), name: String(ref.name ?? ""), policyNamespace }, ops: remove },
            ];
            // Moving the policy is only a clean option when this is its only target.
            if (targetRefEntries(policy).length === 1) {
              suggest.push({ messageId: "moveToNamespace", data: { namespace: f.namespace }, ops: [{ op: "set", path: ["metadata", "namespace"], value: f.namespace }, ...remove] });
            }
            report({ ...base, messageId: "namespaceOther", data: { resource: name, ref: f.entry.label, namespace: f.namespace, policyNamespace }, suggest });
            break;
          }
          case "gatewayClassNamespace":
            report({ ...base, messageId: "gatewayClassNamespace", data: { resource: name, ref: f.entry.label, root: settings.rootNamespace } });
            break;
          case "gatewayClassName":
            report({ ...base, messageId: "gatewayClassName", data: { resource: name, ref: f.entry.label, name: f.name } });
            break;
          case "tooMany":
            report({ ...base, messageId: "tooMany", data: { resource: name, count: f.count } });
            break;
        }
      }
    }
  },
});

/** Kinds istioctl's IST0166 checks (EnvoyFilter's `workloadSelector` on waypoints is no-envoyfilter's). */
const WAYPOINT_SELECTOR_KINDS = new Set(["AuthorizationPolicy", "RequestAuthentication", "Telemetry", "WasmPlugin"]);

/**
 * A `selector` (no `targetRefs`) that picks waypoint pods: `gateway.networking.k8s.io/gateway-name` naming a
 * waypoint Gateway of the policy's namespace (any namespace for a root-namespace policy), or every Istio waypoint
 * (`gateway.istio.io/managed: istio.io-mesh-controller`). Suggests `targetRefs` to that Gateway, outside the root
 * namespace (a root-namespace Gateway target only matches root-namespace Gateways).
 */
function checkWaypointSelector(ctx: CheckContext<MessageIds, Record<string, never>>, repo: () => RepoView, resource: Resource, policyNs: string | undefined): void {
  const spec = isObject(resource.value.spec) ? resource.value.spec : undefined;
  if (!spec || !isObject(spec.selector) || spec.targetRefs !== undefined || spec.targetRef !== undefined) return;
  const labels = stringMap(spec.selector.matchLabels);
  if (!Object.keys(labels).length) return;
  const root = policyNs !== undefined && policyNs === ctx.settings.rootNamespace;
  const names = repo()
    .waypoints(root ? undefined : policyNs)
    .filter((w) => root || policyNs === undefined || w.namespace === undefined || w.namespace === policyNs)
    .map((w) => w.name);
  const found = waypointPodSelector(labels, names);
  if (!found) return;
  const gateway = found.gateway ?? (new Set(names).size === 1 && !root ? names[0] : undefined);
  const suggest: Suggestion<MessageIds>[] =
    gateway !== undefined && !root
      ? [
          {
            messageId: "targetWaypoint",
            data: { gateway },
            ops: [{ op: "replacePair", path: ["spec", "selector"], key: "targetRefs", value: [{ kind: "Gateway", group: GATEWAY_API_GROUP, name: gateway }] }],
          },
        ]
      : [];
  ctx.report({
    resource,
    path: ["spec", "selector"],
    messageId: "selectorOnWaypoint",
    data: {
      resource: displayName(resource),
      waypoint: found.gateway !== undefined ? `waypoint ${found.gateway}` : "every Istio waypoint",
      key: found.key,
      kind: resource.kind,
    },
    suggest,
  });
}

function allowedKeys(selectorKey: string, kind: string): string {
  return targetPolicyKind(kind)?.singular ? `\`${selectorKey}\`, \`targetRef\` or \`targetRefs\`` : `\`${selectorKey}\` or \`targetRefs\``;
}

/** `targetRefs` with the singular `targetRef` appended (unless already there), and `targetRef` removed. */
function mergeTargetRef(policy: PlainObject): EditOp[] | null {
  const spec = isObject(policy.spec) ? policy.spec : null;
  if (!spec || !isObject(spec.targetRef) || !Array.isArray(spec.targetRefs)) return null;
  const ops: EditOp[] = [{ op: "remove", path: ["spec", "targetRef"] }];
  if (!containsRef(spec.targetRefs, spec.targetRef)) ops.push({ op: "set", path: ["spec", "targetRefs"], value: [...spec.targetRefs, { ...spec.targetRef }] });
  return ops;
}

type FailedCheck = Extract<TargetCheck, { ok: false }>;

function describeTarget(check: FailedCheck): string {
  if (check.kind === undefined) return "no `kind`";
  const group = check.group === undefined ? "no group (core)" : check.group === "" ? '`group: ""` (core)' : `\`group: ${check.group}\``;
  return `\`kind: ${check.kind}\` with ${group}`;
}

function describeWant(check: FailedCheck): string {
  const kind = `\`kind: ${check.correction?.kind ?? check.kind}\``;
  const group = check.correction?.group ?? check.group;
  return group === undefined ? kind : `${kind} with \`group: ${group === "" ? '""' : group}\``;
}

/** `kind: Gateway` with the classic Istio group: the user may mean that Istio Gateway, not a Gateway API one. */
function isClassicGatewaySlip(check: FailedCheck): boolean {
  return (check.correction?.kind ?? check.kind) === "Gateway" && check.group === NETWORKING_ISTIO_GROUP;
}

function classicGatewayNamed(resources: readonly { kind: string; group: string; name?: string; namespace?: string }[], name: string, namespace: string | undefined): boolean {
  return resources.some((r) => r.kind === "Gateway" && r.group === NETWORKING_ISTIO_GROUP && r.name === name && (r.namespace ?? namespace) === namespace);
}
