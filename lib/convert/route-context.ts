/**
 * The Services and DestinationRule subsets the VirtualService → HTTPRoute converter needs, gathered from the
 * repository index and the current file (whose in-memory text wins over the index's copy of it).
 */
import type { RepoIndex, ServiceRecord, DestinationRuleRecord } from "../index/index.js";
import { asArray, isObject, stringMap, type ResourceHeader, type PlainObject } from "../k8s/resource.js";
import { servicesIn } from "../k8s/service.js";
import type { ServiceInfo, SubsetInfo } from "./virtualservice-to-httproute.js";

type Res = ResourceHeader & { value: PlainObject };

function fromRecord(s: ServiceRecord): ServiceInfo {
  const info: ServiceInfo = { name: s.name, selector: s.selector, ports: s.ports ?? [], labels: s.labels };
  if (s.namespace) info.namespace = s.namespace;
  if (s.serviceType) info.type = s.serviceType;
  return info;
}

function subsetsFromRecord(dr: DestinationRuleRecord): SubsetInfo[] {
  if (!dr.host) return [];
  return dr.subsets.map((sub) => ({
    host: dr.host!,
    name: sub.name,
    labels: sub.labels,
    ...(dr.namespace ? { namespace: dr.namespace } : {}),
    ...(sub.hasTrafficPolicy ? { trafficPolicy: true } : {}),
    ...(dr.hasTrafficPolicy ? { hostTrafficPolicy: true } : {}),
  }));
}

function subsetsFromFile<R extends Res>(resources: readonly R[], namespaceOf: (r: R) => string | undefined): SubsetInfo[] {
  const out: SubsetInfo[] = [];
  for (const r of resources) {
    if (r.kind !== "DestinationRule" || !r.group.endsWith("istio.io")) continue;
    const spec = isObject(r.value.spec) ? r.value.spec : {};
    if (typeof spec.host !== "string") continue;
    const ns = namespaceOf(r);
    for (const sub of asArray(spec.subsets)) {
      if (!isObject(sub) || typeof sub.name !== "string") continue;
      out.push({
        host: spec.host,
        name: sub.name,
        labels: stringMap(sub.labels),
        ...(ns ? { namespace: ns } : {}),
        ...(sub.trafficPolicy !== undefined ? { trafficPolicy: sub.trafficPolicy } : {}),
        ...(spec.trafficPolicy !== undefined ? { hostTrafficPolicy: spec.trafficPolicy } : {}),
      });
    }
  }
  return out;
}

/**
 * Converter context: this file's Services and subsets first (its current text), then those of other files of
 * the repository.
 */
export function routeContext<R extends Res>(
  resources: readonly R[],
  namespaceOf: (r: R) => string | undefined,
  repo: RepoIndex | null,
  currentFile: string,
): { services: ServiceInfo[]; subsets: SubsetInfo[] } {
  const services: ServiceInfo[] = servicesIn(resources).map((s) => {
    const r = resources.find((x) => x.kind === "Service" && x.name === s.name && x.namespace === s.namespace);
    const ns = r ? namespaceOf(r) : s.namespace;
    const info: ServiceInfo = { name: s.name, selector: s.selector, ports: s.ports, labels: s.labels };
    if (ns) info.namespace = ns;
    const type = r && isObject(r.value.spec) ? r.value.spec.type : undefined;
    if (typeof type === "string") info.type = type;
    return info;
  });
  const subsets = subsetsFromFile(resources, namespaceOf);
  if (repo) {
    for (const s of repo.services()) if (s.file !== currentFile && !s.assumed) services.push(fromRecord(s));
    for (const dr of repo.byKind("DestinationRule") as DestinationRuleRecord[]) {
      if (dr.file !== currentFile && !dr.partial) subsets.push(...subsetsFromRecord(dr));
    }
  }
  return { services, subsets };
}
