import { createRule } from "../lib/create-rule.js";
import { GATEWAY_API_GROUP, displayName, isObject, stringMap } from "../lib/k8s/resource.js";
import { fileScope, recordWhere } from "../lib/index/file-scope.js";
import { serviceLabel } from "../lib/istio/route-mix.js";
import { servesServices } from "../lib/istio/waypoint-binding.js";
import { podMetadataPath, valueAt } from "../lib/istio/dataplane.js";
import { WAYPOINT_FOR, checkWaypointFor, hboneListener, isWaypointClass, servesWorkloads } from "../lib/istio/waypoint-gateway.js";
import { USE_WAYPOINT, USE_WAYPOINT_NAMESPACE } from "../lib/index/index.js";
import type { Path } from "../lib/yaml/ast.js";
import type { RepoIndex } from "../lib/index/index.js";

type MessageIds = "missingHbone" | "hboneProtocol" | "invalidWaypointFor" | "serviceWorkloadWaypoint" | "podServiceWaypoint" | "setWaypointFor";

type Options = Record<string, never>;

const WAYPOINT_FOR_PATH: Path = ["metadata", "labels", WAYPOINT_FOR];

export default createRule<MessageIds, Options>({
  name: "waypoint-gateway",
  meta: {
    type: "problem",
    docs: {
      description:
        "Waypoint Gateways need the HBONE listener on 15008 and a valid `istio.io/waypoint-for`; Services and pods must not be bound to a waypoint that does not take their traffic type",
      recommended: false,
    },
    fixable: "code",
    hasSuggestions: true,
    messages: {
      missingHbone:
        "{{resource}} (class {{className}}) has no `port: 15008, protocol: HBONE` listener, so no traffic from ztunnel reaches this waypoint.",
      hboneProtocol:
        "{{resource}} listens on 15008 with protocol `{{protocol}}`, but ztunnel reaches waypoints there over HBONE only.",
      invalidWaypointFor:
        "{{resource}} has `istio.io/waypoint-for: {{value}}`, which Istio does not know, so it serves neither Services nor pods.",
      serviceWorkloadWaypoint:
        "{{resource}} gets waypoint {{gateway}} ({{where}}) from its Namespace, but it is `waypoint-for: {{waypointFor}}`: no waypoint binds, so L7 policies and routes are skipped.",
      podServiceWaypoint:
        "{{resource}} labels its pods `istio.io/use-waypoint: {{name}}`, but {{gateway}} ({{where}}) is `waypoint-for: {{waypointFor}}`, so they get no waypoint.",
      setWaypointFor: "Set `istio.io/waypoint-for: {{value}}`.",
    },
  },
  defaultOptions: {},
  check(ctx) {
    let scope: ReturnType<typeof fileScope> | undefined;
    const repoScope = () => (scope ??= fileScope(ctx));

    for (const resource of ctx.resources) {
      const spec = isObject(resource.value.spec) ? resource.value.spec : {};
      const name = () => displayName(resource, ctx.namespaceOf(resource));
      const isGateway = resource.kind === "Gateway" && resource.group === GATEWAY_API_GROUP;
      const isClass = resource.kind === "GatewayClass" && resource.group === GATEWAY_API_GROUP;

      if ((isGateway && isWaypointClass(spec.gatewayClassName, ctx.settings.istioVersion)) || (isClass && isWaypointClass(resource.name, ctx.settings.istioVersion))) {
        const labels = isObject(resource.value.metadata) && isObject(resource.value.metadata.labels) ? resource.value.metadata.labels : {};
        if (labels[WAYPOINT_FOR] !== undefined) {
          const verdict = checkWaypointFor(labels[WAYPOINT_FOR]);
          if (!verdict.valid) {
            ctx.report({
              resource,
              path: WAYPOINT_FOR_PATH,
              messageId: "invalidWaypointFor",
              data: { resource: name(), value: verdict.value },
              suggest: verdict.suggestion
                ? [{ messageId: "setWaypointFor", data: { value: verdict.suggestion }, ops: [{ op: "set", path: WAYPOINT_FOR_PATH, value: verdict.suggestion }] }]
                : [],
            });
          }
        }
        if (!isGateway) continue;
        const state = hboneListener(resource.value);
        if (state.type === "missing") {
          const at: Path = spec.listeners === undefined ? ["spec", "gatewayClassName"] : ["spec", "listeners"];
          ctx.report({
            resource,
            path: at,
            messageId: "missingHbone",
            data: { resource: name(), className: String(spec.gatewayClassName) },
            fix: state.listeners ? [{ op: "set", path: ["spec", "listeners"], value: state.listeners }] : null,
          });
        } else if (state.type === "wrongProtocol") {
          ctx.report({
            resource,
            path: ["spec", "listeners", state.index, "protocol"],
            messageId: "hboneProtocol",
            data: { resource: name(), protocol: state.protocol },
          });
        }
        continue;
      }

      // A Service that inherits its Namespace's waypoint, which does not take Service traffic. (A Service's own
      // `istio.io/use-waypoint` naming such a waypoint is require-waypoint's `serviceWorkloadWaypoint`.)
      if (resource.kind === "Service" && resource.group === "") {
        const { repo, recordOf } = repoScope();
        const record = recordOf(resource);
        if (!record || record.partial) continue;
        const binding = repo.waypointBinding(record);
        if (!binding || binding.source !== "namespace" || binding.optedOut || !binding.gateway || servesServices(binding.gateway)) continue;
        ctx.report({
          resource,
          path: ["metadata", "name"],
          messageId: "serviceWorkloadWaypoint",
          data: {
            resource: name(),
            gateway: serviceLabel(binding.gateway.name, binding.gateway.namespace),
            where: recordWhere(repoScope(), binding.gateway),
            waypointFor: String(binding.gateway.waypointFor),
          },
        });
        continue;
      }

      // Pods whose own `istio.io/use-waypoint` names a waypoint that takes only Service traffic.
      const metaPath = podMetadataPath(resource.kind, resource.group);
      if (!metaPath) continue;
      const podLabels = stringMap(valueAt(resource.value, [...metaPath, "labels"]));
      const value = podLabels[USE_WAYPOINT]?.trim();
      if (!value || value === "none") continue;
      const namespace = podLabels[USE_WAYPOINT_NAMESPACE]?.trim() || ctx.namespaceOf(resource);
      const { repo } = repoScope();
      const gateway = repo.waypoint(value, namespace);
      if (!gateway || gateway.partial) continue;
      // Unset on the Gateway: its GatewayClass's label, else `service`.
      const waypointFor = gateway.waypointFor ?? classWaypointFor(repo, gateway.gatewayClassName);
      if (servesWorkloads(waypointFor)) continue;
      ctx.report({
        resource,
        path: [...metaPath, "labels", USE_WAYPOINT],
        messageId: "podServiceWaypoint",
        data: {
          resource: name(),
          name: value,
          gateway: `Gateway ${serviceLabel(gateway.name, gateway.namespace)}`,
          where: recordWhere(repoScope(), gateway),
          waypointFor: waypointFor?.trim() || "service (the default)",
        },
      });
    }
  },
});

/** `istio.io/waypoint-for` on the GatewayClass `className` of the repository, if written. */
function classWaypointFor(repo: RepoIndex, className: string | undefined): string | undefined {
  if (!className) return undefined;
  return repo.byKind("GatewayClass", GATEWAY_API_GROUP).find((c) => c.name === className && c.labels[WAYPOINT_FOR] !== undefined)?.labels[WAYPOINT_FOR];
}
