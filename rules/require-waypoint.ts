import { createRule, type CheckContext, type MessageData } from "../lib/create-rule.js";
import { bindingIsSafe } from "../lib/istio/binding-safety.js";
import { GATEWAY_API_GROUP, displayName, isIstioGroup, isObject } from "../lib/k8s/resource.js";
import { fileScope, recordName, recordWhere, type FileScope } from "../lib/index/file-scope.js";
import { canonicalGroup, targetRefEntries, NETWORKING_ISTIO_GROUP } from "../lib/istio/targetrefs.js";
import { MIXED_ROUTE_KINDS, serviceLabel, serviceParents } from "../lib/istio/route-mix.js";
import {
  anyGatewayNamed,
  resolveCanary,
  waypointState,
  resolveLabel,
  targetRecords,
  targetState,
  waypointCandidates,
  type BindingState,
} from "../lib/istio/waypoint-binding.js";
import { USE_WAYPOINT, type ResourceRecord } from "../lib/index/index.js";
import { waypointFor } from "../lib/settings.js";
import { istioHas, USE_WAYPOINT_CANARY } from "../lib/versions.js";
import type { EditOp } from "../lib/yaml/edit.js";
import type { Resource } from "../lib/yaml/documents.js";
import type { Path } from "../lib/yaml/ast.js";

type MessageIds =
  | "policyTarget"
  | "routeParent"
  | "gatewayNotFound"
  | "danglingLabel"
  | "serviceWorkloadWaypoint"
  | "notAllowedLabel"
  | "canaryIgnored"
  | "useWaypoint";

type Options = Record<string, never>;

/** Istio policy kinds whose `targetRefs` only waypoints (and Gateway API gateways) apply. */
const POLICY_KINDS = new Set(["AuthorizationPolicy", "RequestAuthentication", "WasmPlugin", "Telemetry", "TrafficExtension"]);

const LABEL_PATH: Path = ["metadata", "labels", USE_WAYPOINT];
const CANARY_PATH: Path = ["metadata", "labels", USE_WAYPOINT_CANARY];

export default createRule<MessageIds, Options>({
  name: "require-waypoint",
  meta: {
    type: "problem",
    docs: {
      description:
        "targetRefs policies and mesh HTTPRoutes need their Service bound to a waypoint, Gateway targets must be waypoints the repository knows, and `istio.io/use-waypoint` labels must name an existing waypoint that serves Services (cross-file)",
      recommended: "warn",
    },
    fixable: "code",
    hasSuggestions: true,
    messages: {
      policyTarget:
        "{{policy}} targets {{target}} ({{where}}), which {{state}}, so no waypoint {{verb}} it{{status}}.",
      routeParent:
        "{{route}} attaches to Service {{service}} ({{where}}), which {{state}}: no waypoint applies it.",
      gatewayNotFound:
        "{{policy}} targets Gateway {{gateway}}, which is neither in the repository nor in `assumeExists`: if it does not exist, {{effect}}.",
      danglingLabel:
        "{{resource}} uses waypoint `{{name}}`, but no Gateway {{gateway}} is in the repository or in `assumeExists`: {{effect}}.",
      serviceWorkloadWaypoint:
        "{{resource}} uses waypoint {{gateway}} ({{where}}), which is `waypoint-for: {{waypointFor}}`: no waypoint binds, so L7 policies and routes are skipped.",
      notAllowedLabel:
        "{{resource}} uses waypoint {{gateway}}, whose `allowedRoutes` ({{from}}) excludes namespace {{namespace}}: no waypoint binds, so L7 policies and routes are skipped.",
      canaryIgnored: "{{resource}} names canary waypoint {{gateway}}, which {{problem}}: istiod reports it and sends all traffic to the primary waypoint.",
      useWaypoint: "Label Service {{service}} `istio.io/use-waypoint: {{name}}`.",
    },
  },
  defaultOptions: {},
  check(ctx) {
    const scope = fileScope(ctx);
    const { repo } = scope;

    for (const resource of ctx.resources) {
      const self = scope.recordOf(resource);
      const namespace = self ? self.namespace : ctx.namespaceOf(resource);
      const spec = isObject(resource.value.spec) ? resource.value.spec : {};

      // (a), (c): targetRefs of Istio policies.
      if (isIstioGroup(resource.group) && POLICY_KINDS.has(resource.kind)) {
        if (self?.partial) continue;
        if (spec.selector !== undefined && spec.selector !== null) continue; // rejected at admission (valid-policy-targetrefs)
        const policy = displayName(resource);
        for (const entry of targetRefEntries(resource.value)) {
          const { ref } = entry;
          if (typeof ref.name !== "string" || !ref.name) continue;
          if (typeof ref.namespace === "string" && ref.namespace) continue; // rejected at admission
          const group = typeof ref.group === "string" ? ref.group : undefined;
          if (ref.kind === "Gateway" && group === GATEWAY_API_GROUP) {
            if (repo.waypoint(ref.name, namespace) || anyGatewayNamed(repo, ref.name, namespace) || configuredWaypoint(ctx, ref.name, namespace)) continue;
            ctx.report({
              resource,
              path: entry.path,
              messageId: "gatewayNotFound",
              data: {
                policy,
                gateway: serviceLabel(ref.name, namespace),
                effect:
                  resource.kind === "AuthorizationPolicy"
                    ? "nothing enforces the policy (WaypointAccepted=False)"
                    : "nothing applies the policy",
              },
            });
            continue;
          }
          const targetKind =
            ref.kind === "Service" && canonicalGroup(group) === "core"
              ? "Service"
              : ref.kind === "ServiceEntry" && group === NETWORKING_ISTIO_GROUP
                ? "ServiceEntry"
                : null;
          if (!targetKind) continue;
          const verdict = targetState(repo, targetRecords(repo, targetKind, ref.name, namespace));
          if (!verdict) continue;
          const { record, state } = verdict;
          report(ctx, scope, {
            resource,
            path: entry.path,
            messageId: "policyTarget",
            data: {
              policy,
              target: `${targetKind} ${serviceLabel(record.name, record.namespace ?? namespace)}`,
              where: recordWhere(scope, record),
              state: stateText(state),
              verb: resource.kind === "AuthorizationPolicy" || resource.kind === "RequestAuthentication" ? "enforces" : "applies",
              status: resource.kind === "AuthorizationPolicy" ? " (istiod sets WaypointAccepted=False)" : "",
            },
            service: record,
            state,
          });
        }
        continue;
      }

      // (b): mesh routes attached to a Service.
      if (resource.group === GATEWAY_API_GROUP && MIXED_ROUTE_KINDS.has(resource.kind)) {
        if (self?.partial) continue;
        for (const parent of serviceParents(spec.parentRefs, namespace)) {
          const verdict = targetState(repo, targetRecords(repo, "Service", parent.name, parent.namespace));
          if (!verdict) continue;
          const { record, state } = verdict;
          report(ctx, scope, {
            resource,
            path: ["spec", "parentRefs", parent.index],
            messageId: "routeParent",
            data: {
              route: displayName(resource),
              service: serviceLabel(record.name, record.namespace ?? parent.namespace),
              where: recordWhere(scope, record),
              state: stateText(state),
            },
            service: record,
            state,
          });
        }
        continue;
      }

      // (d), (e): `istio.io/use-waypoint` on a Namespace or Service.
      const isNamespace = resource.kind === "Namespace" && resource.group === "";
      const isService = resource.kind === "Service" && resource.group === "";
      if (!(isNamespace || isService) || !self) continue;
      const metadata = isObject(resource.value.metadata) ? resource.value.metadata : {};
      const labels = isObject(metadata.labels) ? metadata.labels : {};
      const objectNamespace = isNamespace ? resource.name : namespace;
      // (f) 1.31+: `istio.io/use-waypoint-canary` on this object, next to a working primary binding.
      if (istioHas(ctx.settings.istioVersion, "useWaypointCanary") && typeof labels[USE_WAYPOINT_CANARY] === "string") {
        const primary = isNamespace ? resolveLabel(repo, self, objectNamespace, "namespace") : waypointState(repo, self);
        const canary = resolveCanary(repo, self, primary, objectNamespace);
        const problem = canary ? canaryProblem(canary, ctx) : null;
        if (canary && problem) {
          const gateway = canary.type === "dangling" ? serviceLabel(canary.name, canary.namespace) : "gateway" in canary ? serviceLabel(canary.gateway.name, canary.gateway.namespace) : "";
          ctx.report({ resource, path: CANARY_PATH, messageId: "canaryIgnored", data: { resource: displayName(resource), gateway, problem } });
        }
      }
      const value = labels[USE_WAYPOINT];
      if (typeof value !== "string" || !value.trim() || value.trim() === "none") continue;
      const state = resolveLabel(repo, self, objectNamespace, isNamespace ? "namespace" : "service");
      if (state.type === "dangling" && !configuredWaypoint(ctx, state.name, state.namespace)) {
        ctx.report({
          resource,
          path: LABEL_PATH,
          messageId: "danglingLabel",
          data: {
            resource: displayName(resource),
            name: state.name,
            gateway: serviceLabel(state.name, state.namespace),
            effect: isNamespace
              ? "until it exists, its Services and pods get no waypoint and skip their L7 policies and routes"
              : "until it exists, the Service gets no waypoint (none from its Namespace either) and skips its L7 policies and routes",
          },
        });
      } else if (state.type === "notAllowed") {
        ctx.report({
          resource,
          path: LABEL_PATH,
          messageId: "notAllowedLabel",
          data: {
            resource: displayName(resource),
            gateway: serviceLabel(state.gateway.name, state.gateway.namespace),
            from: `from: ${state.from}`,
            namespace: state.namespace,
          },
        });
      } else if (state.type === "wrongType" && isService) {
        ctx.report({
          resource,
          path: LABEL_PATH,
          messageId: "serviceWorkloadWaypoint",
          data: {
            resource: displayName(resource),
            gateway: recordName(state.gateway).replace(/^Gateway /, ""),
            where: recordWhere(scope, state.gateway),
            waypointFor: state.waypointFor,
          },
        });
      }
    }
  },
});

/** Why a canary binding does not take traffic (null when it does, or the repository cannot tell). */
function canaryProblem(canary: BindingState, ctx: CheckContext<MessageIds, Options>): string | null {
  switch (canary.type) {
    case "dangling":
      return configuredWaypoint(ctx, canary.name, canary.namespace) ? null : "is neither in the repository nor in settings `assumeExists`";
    case "notAllowed":
      return `does not admit namespace ${canary.namespace} (listener \`allowedRoutes\` from: ${canary.from})`;
    case "wrongType":
      return `does not serve Services (\`istio.io/waypoint-for: ${canary.waypointFor}\`)`;
    default:
      return null;
  }
}

/** True when the user named this waypoint in settings (`waypoint`) for the namespace: it is taken to exist. */
function configuredWaypoint(ctx: CheckContext<MessageIds, Options>, name: string, namespace: string | undefined): boolean {
  const configured = waypointFor(ctx.settings, namespace);
  return configured.configured && configured.name === name;
}

function stateText(state: BindingState): string {
  switch (state.type) {
    case "unbound":
      return `has no waypoint (no \`use-waypoint\` on it or Namespace ${state.namespace.name})`;
    case "optedOut":
      return `opted out of waypoints (\`use-waypoint: none\` on ${state.source === "service" ? "it" : `Namespace ${state.holder.name}`})`;
    case "wrongType":
      return `uses waypoint ${serviceLabel(state.gateway.name, state.gateway.namespace)}${state.source === "namespace" ? ` (through Namespace ${state.holder.name})` : ""}, whose \`waypoint-for: ${state.waypointFor}\` does not serve Services`;
    case "notAllowed":
      return `uses waypoint ${serviceLabel(state.gateway.name, state.gateway.namespace)}${state.source === "namespace" ? ` (through Namespace ${state.holder.name})` : ""}, whose listener \`allowedRoutes\` (from: ${state.from}) does not admit namespace ${state.namespace}`;
    default:
      return "";
  }
}

interface BindingReport {
  resource: Resource;
  path: Path;
  messageId: MessageIds;
  data: MessageData;
  /** The Service (record) that lacks a working waypoint binding. */
  service: ResourceRecord;
  state: BindingState;
}

/**
 * Reports (a)/(b). When the Service is in this file, offers the `istio.io/use-waypoint` label on it: a fix when
 * it has no binding at all and exactly one waypoint is known for its namespace, else a suggestion per waypoint.
 * The edit is on another resource than the reported one, which `CheckContext.report` cannot express, so this
 * reports through ESLint directly (same location and edit machinery).
 */
function report(ctx: CheckContext<MessageIds, Options>, scope: FileScope, r: BindingReport): void {
  const target = r.service.assumed || r.service.partial || r.service.kind !== "Service" ? undefined : ctx.resources.find((x) => scope.recordOf(x) === r.service);
  if (!target) {
    ctx.report({ resource: r.resource, path: r.path, messageId: r.messageId, data: r.data });
    return;
  }
  const configured = waypointFor(ctx.settings, r.service.namespace);
  let names = waypointCandidates(scope.repo, r.service, configured.configured ? configured.name : undefined);
  if (r.state.type === "wrongType") {
    const current = r.state.gateway.name;
    names = names.filter((n) => n !== current);
  }
  const ops = (name: string) => labelOps(target, name);
  // Binding the Service sends its traffic through the waypoint: the destination ztunnel then sees the waypoint's
  // identity. A fix only when that waypoint is deployed with the Service and ztunnel's policies on its pods still
  // admit the waypoint and mean what they say (lib/istio/binding-safety.ts); otherwise a suggestion.
  const safe = r.state.type === "unbound" && names.length === 1 && bindingIsSafe(scope.repo, ctx.settings, r.service, names[0], ctx.resources, (x) => ctx.namespaceOf(x));
  const fix = safe ? ops(names[0]) : null;
  const suggest = fix ? [] : names.flatMap((name) => {
    const o = ops(name);
    return o ? [{ messageId: "useWaypoint" as const, data: { service: r.service.name, name }, ops: o }] : [];
  });

  ctx.report({ resource: r.resource, path: r.path, messageId: r.messageId, data: r.data, fix, suggest, fixResource: target });
}

/** Sets `metadata.labels["istio.io/use-waypoint"]` on a resource (creating `labels` when absent). */
function labelOps(resource: Resource, name: string): EditOp[] | null {
  const metadata = resource.value.metadata;
  if (!isObject(metadata)) return null;
  if (isObject(metadata.labels)) return [{ op: "set", path: LABEL_PATH, value: name }];
  if (metadata.labels !== undefined && metadata.labels !== null) return null;
  return [{ op: "set", path: ["metadata", "labels"], value: { [USE_WAYPOINT]: name } }];
}
