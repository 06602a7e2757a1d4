import { createRule } from "../lib/create-rule.js";
import { GATEWAY_API_GROUP, displayName, isIstioGroup, isIstioKind, isObject } from "../lib/k8s/resource.js";
import { fileScope, recordName, recordWhere } from "../lib/index/file-scope.js";
import { MIXED_ROUTE_KINDS, isMeshGateways, mixedPairs, serviceHosts, serviceLabel, serviceParents } from "../lib/istio/route-mix.js";
import { sameUnit } from "../lib/istio/waypoint-binding.js";
import type { ResourceRecord } from "../lib/index/index.js";

type MessageIds = "virtualService" | "route";

export default createRule<MessageIds, Record<string, never>>({
  name: "no-mixed-route-apis",
  meta: {
    type: "problem",
    docs: {
      description:
        "A Service must not be routed by both a mesh VirtualService and an HTTPRoute/GRPCRoute (cross-file): Istio does not support mixing them",
      recommended: "error",
    },
    messages: {
      virtualService: "{{vs}} and {{route}} ({{where}}) both route Service {{service}}: which rules win is undefined.",
      route: "{{route}} and {{vs}} ({{where}}) both route Service {{service}}: which rules win is undefined.",
    },
  },
  defaultOptions: {},
  check(ctx) {
    const scope = fileScope(ctx);
    const { repo } = scope;
    const isRoute = (r: { group: string; kind: string }) => r.group === GATEWAY_API_GROUP && MIXED_ROUTE_KINDS.has(r.kind);
    let meshVirtualServices: ResourceRecord[] | undefined;

    for (const resource of ctx.resources) {
      const self = scope.recordOf(resource);
      if (self?.partial) continue; // a Kustomize patch is a fragment of an object defined elsewhere
      const namespace = self ? self.namespace : ctx.namespaceOf(resource);
      const spec = isObject(resource.value.spec) ? resource.value.spec : {};

      if (isIstioKind(resource, "VirtualService")) {
        if (!isMeshGateways(spec.gateways)) continue;
        for (const host of serviceHosts(spec.hosts, namespace)) {
          // One finding per host, naming every route of the same unit that also routes the Service.
          const routes = repo
            .routesFor(host.name, host.namespace)
            .filter((r) => isRoute(r) && sameUnit(self, r) && mixedPairs([host], serviceParents(r.parentRefs, r.namespace)).length > 0);
          if (!routes.length) continue;
          ctx.report({
            resource,
            path: ["spec", "hosts", host.index],
            messageId: "virtualService",
            data: {
              vs: displayName(resource),
              service: serviceLabel(host.name, host.namespace),
              host: host.host,
              route: routes.map(recordName).join(", "),
              where: routes.map((r) => recordWhere(scope, r)).join(", "),
              routeKind: [...new Set(routes.map((r) => r.kind))].join("/"),
            },
          });
        }
      } else if (isRoute(resource)) {
        const parents = serviceParents(spec.parentRefs, namespace);
        if (!parents.length) continue;
        meshVirtualServices ??= repo
          .byKind("VirtualService")
          .filter((r) => isIstioGroup(r.group) && !r.partial && r.mesh === true && Array.isArray(r.hosts));
        for (const parent of parents) {
          // One finding per parentRef, naming every mesh VirtualService of the same unit for that Service.
          const found: { vs: ResourceRecord; host: string }[] = [];
          for (const vs of meshVirtualServices) {
            if (!sameUnit(self, vs)) continue;
            const pairs = mixedPairs(serviceHosts(vs.hosts, vs.namespace), [parent]);
            if (pairs.length) found.push({ vs, host: pairs[0].host.host });
          }
          if (!found.length) continue;
          ctx.report({
            resource,
            path: ["spec", "parentRefs", parent.index],
            messageId: "route",
            data: {
              route: displayName(resource),
              service: serviceLabel(parent.name, parent.namespace),
              vs: found.map((f) => recordName(f.vs)).join(", "),
              where: found.map((f) => recordWhere(scope, f.vs)).join(", "),
              host: [...new Set(found.map((f) => f.host))].join("`, `"),
              routeKind: resource.kind,
            },
          });
        }
      }
    }
  },
});
