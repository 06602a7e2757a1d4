import { createRule, type MessageData, type Suggestion } from "../lib/create-rule.js";
import { displayName } from "../lib/k8s/resource.js";
import type { ServicePort } from "../lib/k8s/service.js";
import { repoView, type RepoView, type ServiceView } from "../lib/index/view.js";
import { namespacesMatch } from "../lib/k8s/hosts.js";
import { backendServices, isGatewayRoute, routeBackendRefs, routeParentRefs, type ParentRef } from "../lib/istio/httproute.js";
import { parentRefToServiceOps } from "../lib/convert/parentref-to-service.js";
import type { Resource } from "../lib/yaml/documents.js";

type MessageIds =
  | "serviceGroup"
  | "portNotOnService"
  | "sectionNotOnService"
  | "portSectionMismatch"
  | "waypointParent"
  | "backendPort"
  | "usePort"
  | "useSection"
  | "dropSection"
  | "parentService"
  | "removeParent"
  | "addPort";

const GROUP_WRITTEN: Record<string, string> = {
  missing: "has no `group` (default gateway.networking.k8s.io)",
  null: "has `group:` null (default gateway.networking.k8s.io)",
  core: "has `group: core` (the core group is \"\")",
  gateway: "has `group: gateway.networking.k8s.io`",
};

export default createRule<MessageIds, Record<string, never>>({
  name: "httproute-service-parentref",
  meta: {
    type: "problem",
    docs: {
      description:
        "Mesh HTTPRoutes must attach to a Service with `group: \"\"` and a port the Service has, not to the waypoint; Service backendRefs need a port",
      recommended: "error",
    },
    fixable: "code",
    hasSuggestions: true,
    // No options; one empty object schema because createRule always declares `defaultOptions: [defaults]`.
    schema: [{ type: "object", properties: {}, additionalProperties: false }],
    messages: {
      serviceGroup:
        "{{route}}: parentRef to Service {{name}} {{written}}, so the route attaches to nothing.",
      portNotOnService:
        "{{route}}: parentRef port {{port}} is not a port of Service {{service}} ({{defined}}ports: {{ports}}), so the route applies to no traffic.",
      sectionNotOnService:
        "{{route}}: sectionName `{{section}}` names no port of Service {{service}} ({{defined}}names: {{names}}); Istio ignores it, so the route applies to {{scope}}.",
      portSectionMismatch:
        "{{route}}: port {{port}} and sectionName `{{section}}` name different ports of Service {{service}}; Istio ignores sectionName, so port {{port}} counts.",
      waypointParent:
        "{{route}}: parentRef waypoint {{waypoint}} accepts no routes (mesh routes attach to a Service), so the route attaches to nothing.",
      backendPort:
        "{{route}}: {{ref}} to Service {{name}} has no `port`, so the API server rejects this {{kind}}.",
      usePort: "Set the parentRef port to {{port}}{{portName}}.",
      useSection: "Set the parentRef sectionName to `{{section}}` (port {{port}}).",
      dropSection: "Remove `sectionName` (attach to every port of Service {{service}}).",
      parentService: "Attach the route to Service {{name}} (its only backend) instead of the waypoint.",
      removeParent: "Remove this parentRef: the route already attaches to Service {{name}}.",
      addPort: "Add `port: {{port}}` ({{why}}).",
    },
  },
  defaultOptions: {},
  check(ctx) {
    const { resources, report, line } = ctx;
    let view: RepoView | undefined;
    const repo = () => (view ??= repoView(ctx));
    for (const resource of resources) {
      if (!isGatewayRoute(resource)) continue;
      const route = displayName(resource);
      const routeNs = ctx.namespaceOf(resource);
      const v = repo();
      const services = v.services();
      const parents = routeParentRefs(resource.value);

      for (const parent of parents) {
        const ns = parent.namespace ?? routeNs;
        if (parent.target.type === "service-wrong-group" && parent.name) {
          const present = "group" in parent.ref;
          report({
            resource,
            path: [...parent.path, present ? "group" : "kind"],
            messageId: "serviceGroup",
            data: { route, name: parent.name, line: line(resource, [...parent.path, present ? "group" : "kind"]), written: GROUP_WRITTEN[parent.target.written] },
            fix: [{ op: "set", path: [...parent.path, "group"], value: "" }],
          });
        }
        if (parent.target.type === "service" || parent.target.type === "service-wrong-group") {
          const service = parent.name ? uniqueService(services, parent.name, ns) : null;
          if (service) checkPorts(resource, route, parent, service);
          continue;
        }
        if (parent.target.type === "gateway" && parent.name) {
          // The one Gateway of that name is a waypoint (this file, the repository or assumeExists).
          const waypoint = v.waypoints().filter((w) => w.name === parent.name && namespacesMatch(w.namespace, ns));
          if (waypoint.length !== 1) continue;
          if (v.otherGateways().some((g) => g.name === parent.name && namespacesMatch(g.namespace, ns))) continue;
          const path = [...parent.path, "kind" in parent.ref ? "kind" : "name"];
          const suggest: Suggestion<MessageIds>[] = [];
          const backends = backendServices(resource.value, routeNs);
          if (backends.length === 1) {
            const target = backends[0];
            const already = parents.some(
              (p) => p !== parent && p.target.type === "service" && p.name === target.name && (p.namespace ?? routeNs) === target.namespace,
            );
            if (already) {
              suggest.push({ messageId: "removeParent", data: { name: target.name }, ops: [{ op: "remove", path: parent.path }] });
            } else {
              const crossNs = target.namespace !== undefined && target.namespace !== routeNs ? target.namespace : undefined;
              suggest.push({
                messageId: "parentService",
                data: { name: target.name },
                ops: parentRefToServiceOps(parent.ref as Record<string, unknown>, parent.path, target.name, crossNs),
              });
            }
          }
          const w = waypoint[0];
          report({
            resource,
            path,
            messageId: "waypointParent",
            data: { route, line: line(resource, path), waypoint: w.namespace ? `${w.namespace}/${w.name}` : w.name },
            suggest,
          });
        }
      }

      // (d) every Service backendRef needs a port (also on ingress routes: the CRD rejects the route).
      const parentPorts = new Set(parents.filter((p) => p.target.type === "service" && p.port !== undefined).map((p) => p.port!));
      for (const b of routeBackendRefs(resource.value)) {
        if (!b.isService || !b.missingPort || !b.name) continue;
        const path = [...b.path, "name"];
        const service = uniqueService(services, b.name, b.namespace ?? routeNs);
        const candidates: { port: number; why: string }[] = [];
        if (service && service.ports.length === 1) {
          candidates.push({ port: service.ports[0].port, why: `the only port of Service ${b.name}` });
        } else if (service && service.ports.length > 1) {
          const viaParent = service.ports.filter((p) => parentPorts.has(p.port));
          const list = viaParent.length === 1 ? viaParent : service.ports;
          for (const p of list) candidates.push({ port: p.port, why: `port${p.name ? ` ${p.name}` : ""} of Service ${b.name}` });
        } else if (!service && parentPorts.size === 1) {
          const [port] = parentPorts;
          candidates.push({ port, why: "the port of the route's Service parentRef" });
        }
        report({
          resource,
          path,
          messageId: "backendPort",
          data: {
            route,
            ref: b.via === "mirror" ? "RequestMirror backendRef" : "backendRef",
            name: b.namespace && b.namespace !== routeNs ? `${b.namespace}/${b.name}` : b.name,
            line: line(resource, path),
            kind: resource.kind,
          },
          suggest: candidates.map((c) => ({ messageId: "addPort", data: { port: c.port, why: c.why }, ops: [{ op: "set", path: [...b.path, "port"], value: c.port }] })),
        });
      }
    }

    function checkPorts(resource: Resource, route: string, parent: ParentRef, service: ServiceView): void {
      const ports = service.ports;
      if (!ports.length) return;
      const v = repo();
      // A Kustomize patch of this Service may add or rename ports in some overlay: its port list is not final.
      if (v.patchedServices().some((p) => p.name === service.name && namespacesMatch(p.namespace, service.namespace))) return;
      const routeNs = ctx.namespaceOf(resource);
      const svc = service.namespace && service.namespace !== routeNs ? `${service.namespace}/${service.name}` : service.name;
      const { port, sectionName } = parent;
      const sectionOk = sectionName === undefined || ports.some((p) => p.name === sectionName);
      const portOk = port === undefined || ports.some((p) => p.port === port);
      const defined = service.resource ? "" : `${v.where(service, () => 0)}; `;
      const base: MessageData = { route, service: svc };
      if (!sectionOk) {
        const path = [...parent.path, "sectionName"];
        const named = ports.filter((p): p is ServicePort & { name: string } => !!p.name);
        report({
          resource,
          path,
          messageId: "sectionNotOnService",
          data: {
            ...base,
            defined,
            section: sectionName!,
            line: line(resource, path),
            names: named.map((p) => p.name).join(", ") || "none",
            scope: port === undefined ? "every port of the Service" : `port ${port} only`,
          },
          suggest: [
            ...named.map((p) => ({ messageId: "useSection" as const, data: { section: p.name, port: p.port }, ops: [{ op: "set" as const, path, value: p.name }] })),
            { messageId: "dropSection", data: { service: svc }, ops: [{ op: "remove", path }] },
          ],
        });
      }
      if (!portOk) {
        const path = [...parent.path, "port"];
        const fitting = sectionOk && sectionName !== undefined ? ports.filter((p) => p.name === sectionName) : ports;
        report({
          resource,
          path,
          messageId: "portNotOnService",
          data: { ...base, defined, port: port!, line: line(resource, path), ports: ports.map((p) => p.port).join(", ") },
          suggest: fitting.map((p) => ({
            messageId: "usePort",
            data: { port: p.port, portName: p.name ? ` (${p.name})` : "" },
            ops: [{ op: "set", path, value: p.port }],
          })),
        });
      }
      if (sectionOk && portOk && port !== undefined && sectionName !== undefined && !ports.some((p) => p.port === port && p.name === sectionName)) {
        const path = [...parent.path, "port"];
        report({
          resource,
          path,
          messageId: "portSectionMismatch",
          data: { ...base, port, section: sectionName, line: line(resource, path) },
          suggest: ports
            .filter((p) => p.name === sectionName)
            .map((p) => ({ messageId: "usePort", data: { port: p.port, portName: ` (${p.name})` }, ops: [{ op: "set", path, value: p.port }] })),
        });
      }
    }
  },
});

/**
 * The one Service with this name in a namespace compatible with `namespace` (this file, the repository, else
 * `assumeExists`); null when none or ambiguous.
 */
function uniqueService(services: readonly ServiceView[], name: string, namespace: string | undefined): ServiceView | null {
  const found = services.filter((s) => s.name === name && namespacesMatch(s.namespace, namespace));
  const real = found.filter((s) => !s.assumed);
  const pick = real.length ? real : found;
  return pick.length === 1 ? pick[0] : null;
}
