import { createRule, type MessageData, type Suggestion } from "../lib/create-rule.js";
import { displayName, isIstioKind, isObject } from "../lib/k8s/resource.js";
import { repoView, type Origin, type RepoView, type ServiceView } from "../lib/index/view.js";
import { groupedBy } from "../lib/k8s/label-index.js";
import { oncePer } from "../lib/memo.js";
import { namespacesMatch, resolveHost, sameServiceHost, type HostOptions } from "../lib/k8s/hosts.js";
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
} from "../lib/convert/subset-to-service.js";
import type { Resource } from "../lib/yaml/documents.js";
import type { ResourceRecord } from "../lib/index/index.js";
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
  | "removeSubset"
  | "serviceEntrySubset"
  | "serviceEntryWholeHost";


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
      createService: `{{dr}} subset {{subset}} is no HTTPRoute backend: use Service {{service}}{{note}}.`,
      createServiceFromHost: `{{dr}} subset {{subset}} is no HTTPRoute backend: use Service {{service}}{{note}}.`,
      serviceExistsUnused: `{{dr}} subset {{subset}} is no HTTPRoute backend and no route in {{scope}} uses it; Service {{service}} ({{serviceAt}}) {{selects}}{{note}}.`,
      serviceExistsUsed: `{{dr}} subset {{subset}} is no HTTPRoute backend, but {{vs}} ({{vsAt}}) routes to it: route to Service {{service}} ({{serviceAt}}){{note}}.`,
      nameTaken: `{{dr}} subset {{subset}} is no HTTPRoute backend, and its version Service name {{service}} is taken by other pods ({{serviceAt}}).`,
      wholeService: `{{dr}} subset {{subset}} {{why}}, so it is all of Service {{base}}: route HTTPRoutes to the Service{{note}}.`,
      selectsNothing: `{{dr}} subset {{subset}}: its label {{key}}={{subsetValue}} contradicts Service {{base}} ({{key}}={{serviceValue}}), so it has no endpoints.`,
      rolloutManaged: `{{dr}} subset {{subset}} is no HTTPRoute backend, and {{rollout}} rewrites its labels at run time.`,
      serviceEntrySubset: `{{dr}} subset {{subset}} ({{labels}}) is no HTTPRoute backend: split {{se}} ({{seAt}}) per version or keep {{host}} on a VirtualService.`,
      serviceEntryWholeHost: `{{dr}} subset {{subset}} has no labels, so it is all of {{se}} ({{seAt}}): route to host {{host}} itself.`,
      addService: "Add Service {{service}} ({{selector}}, ports of {{base}}).",
      removeSubset: "Remove subset {{subset}} from this DestinationRule.",
    },
  },
  defaultOptions: {},
  check(ctx) {
    const { resources, settings, report, line } = ctx;
    let view: RepoView | undefined;
    const repo = () => (view ??= repoView(ctx));
    const virtualServices = resources.filter((r) => isIstioKind(r, "VirtualService"));
    // Read once per file, not once per DestinationRule (a large `kind: List` holds thousands).
    const rolloutResources = resources.filter((r) => r.kind === "Rollout" && r.group === "argoproj.io");
    let externalHostList: string[] | undefined;

    for (const resource of resources) {
      if (!isIstioKind(resource, "DestinationRule")) continue;
      const host = destinationRuleHost(resource.value);
      const subsets = destinationRuleSubsets(resource.value);
      if (!host || !subsets.length) continue;
      const v = repo();
      const externalHosts = (externalHostList ??= [...serviceEntryHosts(resources), ...v.serviceEntryHostsElsewhere()]);
      const hostOptions: HostOptions = { clusterDomain: settings.trustDomain, externalHosts };
      const drNamespace = ctx.namespaceOf(resource);
      const target = resolveHost(host, drNamespace, hostOptions);
      // A ServiceEntry host: no version Service of the base can replace its subsets; the replacement is one
      // ServiceEntry (or Service) per version, or keeping the route on a VirtualService.
      const entry = target.kind === "external" ? serviceEntryFor(host, resources, v, ctx.namespaceOf) : null;
      if (entry) {
        const seAt = v.where(entry.origin, (r) => line(r, ["metadata", "name"]));
        for (const subset of subsets) {
          const data: MessageData = { dr: displayName(resource), subset: subset.name, host, se: entry.name, seAt };
          const noLabels = !Object.keys(subset.labels).length;
          report({
            resource,
            path: subset.path,
            messageId: noLabels ? "serviceEntryWholeHost" : "serviceEntrySubset",
            data: noLabels ? data : { ...data, labels: formatLabels(subset.labels) },
          });
        }
        continue;
      }
      // Hosts that are not Kubernetes Services (ServiceEntry hosts, public names, wildcards, IPs): no version
      // Service can replace their subsets, so the rule has nothing to say (see the docs).
      if (target.kind !== "service") continue;
      // Every lookup below is of Services that may be in the target's namespace.
      const services = v.servicesMayBeIn(target.namespace);

      const baseDisplay = target.namespace && target.namespace !== drNamespace ? `${target.namespace}/${target.name}` : target.name;
      // The base Service, anywhere in the repository; an `assumeExists` one has no selector or ports to build from.
      const bases = (groupedBy(services, serviceName).get(target.name) ?? []).filter((s) => !s.assumed && namespacesMatch(s.namespace, target.namespace));
      const base = bases.length === 1 ? bases[0] : null;
      const rollouts = rolloutsManaging(rolloutResources, resource.name, drNamespace);
      const drPolicy = hasTopLevelTrafficPolicy(resource.value);
      const serviceAt = (s: ServiceView) => v.where(s, (r) => line(r, ["metadata", "name"]));

      for (const subset of subsets) {
        const common: MessageData = { dr: displayName(resource), subset: subset.name, base: baseDisplay };
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
              why: noLabels ? "has no labels" : "only repeats the Service's selector",
              note: subset.hasTrafficPolicy
                ? " and move its trafficPolicy to the top level"
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

        const built = base ? versionService({ ...base, namespace: writtenNamespace(base, resource) }, subset, host) : null;
        const expectedName = built?.name ?? versionServiceName(target.name, subset.name).name;
        const expectedSelector = built?.selector ?? null;
        const selectorText = expectedSelector
          ? formatLabels(expectedSelector)
          : `the selector of Service ${baseDisplay} plus ${formatLabels(subset.labels)}`;
        const note = noteFor(subset, drPolicy, expectedName);
        let match = findVersionService(
          inRepository(services),
          { baseName: target.name, namespace: target.namespace, expectedName, expectedSelector, subsetLabels: subset.labels },
        );
        // A Service assumed to exist under the version name (its selector is unknown) counts as the version Service.
        const assumed = (groupedBy(services, serviceName).get(expectedName) ?? []).find((s) => s.assumed && namespacesMatch(s.namespace, target.namespace));
        if (match.status === "missing" && assumed) match = { status: "exists", service: assumed, by: "name" };

        if (match.status === "exists") {
          const service = match.service;
          const serviceData = {
            ...common,
            service: service.name,
            serviceAt: serviceAt(service),
            selects: service.assumed ? "is assumed to select its pods" : "selects its pods",
            note,
          };
          const use = firstUse(virtualServices, v, target, subset, hostOptions, (vs) => ctx.namespaceOf(vs));
          if (use) {
            const vsAt = use.vs ? `line ${line(use.vs, use.path)}` : v.where({ record: use.record, assumed: false }, () => 0);
            report({ ...at, messageId: "serviceExistsUsed", data: { ...serviceData, vs: use.name, vsAt } });
          } else {
            report({
              ...at,
              messageId: "serviceExistsUnused",
              data: { ...serviceData, scope: v.inRepo ? "the repository" : "this file" },
              suggest: [{ messageId: "removeSubset", data: { subset: subset.name }, ops: [removeSubsetOp(resource.value, subset)] }],
            });
          }
          continue;
        }

        if (match.status === "name-taken") {
          report({
            ...at,
            messageId: "nameTaken",
            data: { ...common, service: expectedName, serviceAt: serviceAt(match.service), selector: selectorText },
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
 * The ServiceEntry that declares `host` (hosts compared case-insensitively, without a trailing dot): one of this
 * file, else one of another file of the repository. ServiceEntries are exported to every namespace by default,
 * so any namespace counts.
 */
function serviceEntryFor(
  host: string,
  resources: readonly Resource[],
  view: RepoView,
  namespaceOf: (r: Resource) => string | undefined,
): { name: string; origin: Origin } | null {
  const norm = (h: unknown) => (typeof h === "string" ? h.trim().toLowerCase().replace(/\.$/, "") : "");
  const wanted = norm(host);
  for (const r of resources) {
    if (!isIstioKind(r, "ServiceEntry")) continue;
    const spec = isObject(r.value.spec) ? r.value.spec : {};
    if (Array.isArray(spec.hosts) && spec.hosts.some((h) => norm(h) === wanted)) {
      return { name: displayName(r, namespaceOf(r)), origin: { resource: r, assumed: false } };
    }
  }
  for (const record of view.serviceEntriesElsewhere()) {
    if ((record.hosts ?? []).some((h) => norm(h) === wanted)) {
      return { name: `ServiceEntry ${record.namespace ? `${record.namespace}/` : ""}${record.name}`, origin: { record, assumed: false } };
    }
  }
  return null;
}

/**
 * The namespace to write on a version Service added next to the DestinationRule: the base Service's
 * `metadata.namespace` when it has one, else the DestinationRule's; none when neither writes one (the new
 * Service then lands where the DestinationRule does: kustomization `namespace:` or `kubectl -n`).
 */
function writtenNamespace(base: ServiceView, dr: Resource): string | undefined {
  if (base.resource) return base.resource.namespace;
  if (base.record?.namespaceSource === "metadata") return base.record.namespace;
  return dr.namespace;
}

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
  if (subset.hasTrafficPolicy) return `, its trafficPolicy in a DestinationRule for ${service}`;
  if (drPolicy) return "; this trafficPolicy skips it";
  return "";
}

/**
 * The first VirtualService destination that still routes to this host and subset: in this file (with the path
 * of its `subset` key), else in another file of the repository (its record: `subsetsUsed`).
 */
function firstUse(
  virtualServices: readonly Resource[],
  view: RepoView,
  target: ReturnType<typeof resolveHost>,
  subset: DrSubset,
  hostOptions: HostOptions,
  namespaceOf: (r: Resource) => string | undefined,
): { name: string; vs?: Resource; path: readonly (string | number)[]; record?: ResourceRecord } | null {
  for (const vs of virtualServices) {
    for (const use of virtualServiceSubsetUses(vs.value)) {
      if (use.subset !== subset.name) continue;
      if (sameServiceHost(resolveHost(use.host, namespaceOf(vs), hostOptions), target)) return { name: displayName(vs), vs, path: use.path };
    }
  }
  for (const record of view.virtualServicesElsewhere(target.kind === "service" ? target.name : undefined)) {
    for (const use of record.subsetsUsed) {
      if (use.subset !== subset.name) continue;
      if (sameServiceHost(resolveHost(use.host, record.namespace, hostOptions), target)) {
        return { name: `VirtualService ${record.namespace ? `${record.namespace}/` : ""}${record.name}`, path: [], record };
      }
    }
  }
  return null;
}

const serviceName = (s: ServiceView) => s.name;

/** The Services of a list that are in the repository (not `assumeExists`), once per list. */
const inRepository = oncePer((services: readonly ServiceView[]): readonly ServiceView[] => services.filter((s) => !s.assumed));
