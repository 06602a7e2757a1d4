import { createRule, type MessageData, type Suggestion } from "../lib/create-rule.js";
import { displayName, isIstioKind, isObject } from "../lib/k8s/resource.js";
import { serviceInfo } from "../lib/k8s/service.js";
import { namespacesMatch, resolveHost, sameServiceHost } from "../lib/k8s/hosts.js";
import {
  destinationRuleHost,
  destinationRuleSubsets,
  hasTopLevelTrafficPolicy,
  rolloutsManaging,
  serviceEntryHosts,
  virtualServiceSubsetUses,
  type DrSubset,
} from "../lib/istio/destinationrule.js";
import {
  findVersionService,
  formatLabels,
  subsetIsWholeService,
  subsetSelector,
  versionService,
  versionServiceName,
  type BaseService,
} from "../lib/convert/subset-to-service.js";
import type { Resource } from "../lib/yaml/documents.js";
import type { EditOp } from "../lib/yaml/edit.js";

type MessageIds =
  | "createService"
  | "createServiceFromHost"
  | "serviceExistsUnused"
  | "serviceExistsUsed"
  | "nameTaken"
  | "wholeService"
  | "selectsNothing"
  | "rolloutManaged"
  | "addService"
  | "removeSubset";

const NO_SUBSETS = "HTTPRoute cannot route to DestinationRule subsets in ambient mode";

type ServiceEntry = BaseService & { resource: Resource };

export default createRule<MessageIds, Record<string, never>>({
  name: "no-destinationrule-subsets",
  meta: {
    type: "suggestion",
    docs: {
      description: "DestinationRule subsets cannot be used by HTTPRoute: split versions with one Service per subset",
      recommended: "warn",
    },
    hasSuggestions: true,
    // No options; one empty object schema because createRule always declares `defaultOptions: [defaults]`.
    schema: [{ type: "object", properties: {}, additionalProperties: false }],
    messages: {
      createService: `{{dr}} subset {{subset}} (line {{line}}): ${NO_SUBSETS}. Create Service {{service}} selecting {{selector}} and route to it with backendRefs.{{note}}`,
      createServiceFromHost: `{{dr}} subset {{subset}} (line {{line}}): ${NO_SUBSETS}. Create Service {{service}} with the selector of Service {{base}} plus {{labels}} and route to it with backendRefs.{{note}}`,
      serviceExistsUnused: `{{dr}} subset {{subset}} (line {{line}}): ${NO_SUBSETS}. Service {{service}} (line {{serviceLine}}) already selects these pods and no VirtualService in this file routes to the subset: route to Service {{service}} with backendRefs and remove the subset.{{note}}`,
      serviceExistsUsed: `{{dr}} subset {{subset}} (line {{line}}): ${NO_SUBSETS}. Service {{service}} (line {{serviceLine}}) already selects these pods, but {{vs}} still routes to the subset (line {{vsLine}}): replace that route with an HTTPRoute to Service {{service}}, then remove the subset.{{note}}`,
      nameTaken: `{{dr}} subset {{subset}} (line {{line}}): ${NO_SUBSETS}, and the version Service name {{service}} is taken by a Service that selects other pods (line {{serviceLine}}). Create a Service selecting {{selector}} under another name and route to it with backendRefs.`,
      wholeService: `{{dr}} subset {{subset}} (line {{line}}) {{why}}, so it selects every endpoint of Service {{base}}. ${NO_SUBSETS}: route to Service {{base}} itself{{note}}.`,
      selectsNothing:
        "{{dr}} subset {{subset}} (line {{line}}): its label {{key}}={{subsetValue}} contradicts the selector of Service {{base}} ({{key}}={{serviceValue}}), so the subset has no endpoints, and HTTPRoute cannot route to subsets in ambient mode anyway. Fix the labels, then replace the subset with a version Service.",
      rolloutManaged:
        "{{dr}} subset {{subset}} (line {{line}}) is managed by Argo Rollouts ({{rollout}}), which rewrites its labels at run time. HTTPRoute cannot route to DestinationRule subsets in ambient mode: switch the Rollout to traffic splitting between a canary and a stable Service (canaryService/stableService).",
      addService: "Add Service {{service}} (selector {{selector}}, the ports of Service {{base}}) after this DestinationRule.",
      removeSubset: "Remove subset {{subset}} from this DestinationRule.",
    },
  },
  defaultOptions: {},
  check({ resources, settings, report, line }) {
    const services: ServiceEntry[] = resources.flatMap((r) => {
      const info = serviceInfo(r);
      if (!info) return [];
      const spec = isObject(r.value.spec) ? r.value.spec : {};
      return [{ ...info, type: typeof spec.type === "string" ? spec.type : undefined, resource: r }];
    });
    const externalHosts = serviceEntryHosts(resources);
    const hostOptions = { clusterDomain: settings.trustDomain, externalHosts };
    const virtualServices = resources.filter((r) => isIstioKind(r, "VirtualService"));

    for (const resource of resources) {
      if (!isIstioKind(resource, "DestinationRule")) continue;
      const host = destinationRuleHost(resource.value);
      const subsets = destinationRuleSubsets(resource.value);
      if (!host || !subsets.length) continue;
      const target = resolveHost(host, resource.namespace, hostOptions);
      // Hosts that are not Kubernetes Services (ServiceEntry hosts, public names, wildcards, IPs): no version
      // Service can replace their subsets, so the rule has nothing to say (see the docs).
      if (target.kind !== "service") continue;

      const baseDisplay = target.namespace && target.namespace !== resource.namespace ? `${target.namespace}/${target.name}` : target.name;
      const bases = services.filter((s) => s.name === target.name && namespacesMatch(s.namespace, target.namespace));
      const base = bases.length === 1 ? bases[0] : null;
      const rollouts = rolloutsManaging(resources, resource.name, resource.namespace);
      const drPolicy = hasTopLevelTrafficPolicy(resource.value);

      for (const subset of subsets) {
        const common: MessageData = { dr: displayName(resource), subset: subset.name, line: line(resource, subset.path), base: baseDisplay };
        const at = { resource, path: subset.path };

        if (rollouts.length) {
          const r = rollouts[0];
          report({ ...at, messageId: "rolloutManaged", data: { ...common, rollout: `Rollout ${r.namespace ? `${r.namespace}/` : ""}${r.name}` } });
          continue;
        }

        const noLabels = !Object.keys(subset.labels).length;
        if (noLabels || (base?.selector && subsetIsWholeService(base.selector, subset.labels))) {
          report({
            ...at,
            messageId: "wholeService",
            data: {
              ...common,
              why: noLabels ? "has no labels" : `only repeats labels of the selector of Service ${baseDisplay}`,
              note: subset.hasTrafficPolicy
                ? "; the subset's trafficPolicy then no longer applies: move it to the top-level trafficPolicy, or to a DestinationRule for a dedicated Service"
                : "",
            },
          });
          continue;
        }

        if (base?.selector) {
          const { conflict } = subsetSelector(base.selector, subset.labels);
          if (conflict) {
            report({ ...at, messageId: "selectsNothing", data: { ...common, ...conflict } });
            continue;
          }
        }

        const built = base ? versionService(base, subset, host) : null;
        const expectedName = built?.name ?? versionServiceName(target.name, subset.name).name;
        const expectedSelector = built?.selector ?? null;
        const selectorText = expectedSelector
          ? formatLabels(expectedSelector)
          : `the selector of Service ${baseDisplay} plus ${formatLabels(subset.labels)}`;
        const note = noteFor(subset, drPolicy, expectedName);
        const match = findVersionService(services, {
          baseName: target.name,
          namespace: target.namespace,
          expectedName,
          expectedSelector,
          subsetLabels: subset.labels,
        });

        if (match.status === "exists") {
          const serviceData = { ...common, service: match.service.name, serviceLine: line(match.service.resource, ["metadata", "name"]), note };
          const use = firstUse(virtualServices, target, subset, hostOptions);
          if (use) {
            report({ ...at, messageId: "serviceExistsUsed", data: { ...serviceData, vs: displayName(use.vs), vsLine: line(use.vs, use.path) } });
          } else {
            report({
              ...at,
              messageId: "serviceExistsUnused",
              data: serviceData,
              suggest: [{ messageId: "removeSubset", data: { subset: subset.name }, ops: [removeSubsetOp(resource.value, subset)] }],
            });
          }
          continue;
        }

        if (match.status === "name-taken") {
          report({
            ...at,
            messageId: "nameTaken",
            data: { ...common, service: expectedName, serviceLine: line(match.service.resource, ["metadata", "name"]), selector: selectorText },
          });
          continue;
        }

        if (built?.result && expectedSelector) {
          const suggest: Suggestion<MessageIds>[] = [
            {
              messageId: "addService",
              data: { service: expectedName, selector: selectorText, base: baseDisplay },
              ops: [{ op: "addResourceAfter", value: built.result }],
            },
          ];
          report({ ...at, messageId: "createService", data: { ...common, service: expectedName, selector: selectorText, note }, suggest });
          continue;
        }
        report({
          ...at,
          messageId: "createServiceFromHost",
          data: { ...common, service: expectedName, labels: formatLabels(subset.labels), note },
        });
      }
    }
  },
});

/**
 * Removes one subset entry; the last one takes the `subsets` key with it (an empty block sequence would have to
 * be written `subsets: []`, and `subsets` is optional).
 */
function removeSubsetOp(dr: Record<string, unknown>, subset: DrSubset): EditOp {
  const spec = isObject(dr.spec) ? dr.spec : {};
  const count = Array.isArray(spec.subsets) ? spec.subsets.length : 0;
  return count === 1 ? { op: "remove", path: ["spec", "subsets"] } : { op: "remove", path: ["spec", "subsets", subset.index] };
}

/** What happens to traffic policies once traffic goes to the version Service instead of the subset. */
function noteFor(subset: DrSubset, drPolicy: boolean, service: string): string {
  if (subset.hasTrafficPolicy) return ` Move the subset's trafficPolicy to a DestinationRule for host ${service}.`;
  if (drPolicy) return ` This DestinationRule's trafficPolicy does not apply to Service ${service}: give it its own DestinationRule.`;
  return "";
}

/** The first VirtualService destination (in this file) that still routes to this host and subset. */
function firstUse(
  virtualServices: readonly Resource[],
  target: ReturnType<typeof resolveHost>,
  subset: DrSubset,
  hostOptions: Parameters<typeof resolveHost>[2],
): { vs: Resource; path: readonly (string | number)[] } | null {
  for (const vs of virtualServices) {
    for (const use of virtualServiceSubsetUses(vs.value)) {
      if (use.subset !== subset.name) continue;
      if (sameServiceHost(resolveHost(use.host, vs.namespace, hostOptions), target)) return { vs, path: use.path };
    }
  }
  return null;
}
