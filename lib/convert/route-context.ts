/**
 * The Services and DestinationRule subsets the VirtualService → HTTPRoute converter needs, gathered from the
 * repository index and the current file (whose in-memory text wins over the index's copy of it).
 */
import type { RepoIndex, ServiceRecord, DestinationRuleRecord } from "../index/index.js";
import { asArray, isObject, stringMap, type ResourceHeader, type PlainObject } from "../k8s/resource.js";
import { servicesIn } from "../k8s/service.js";
import { hostShortName } from "../k8s/hosts.js";
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
 * the repository. With `names`, only Services and subsets of those Service names (see `serviceNamesOf`).
 */
export function routeContext<R extends Res>(
  resources: readonly R[],
  namespaceOf: (r: R) => string | undefined,
  repo: RepoIndex | null,
  currentFile: string,
  names?: Set<string>,
): { services: ServiceInfo[]; subsets: SubsetInfo[] } {
  const wanted = (name: string) => !names || names.has(hostShortName(name));
  const services: ServiceInfo[] = [];
  for (const s of servicesIn(resources)) {
    if (!wanted(s.name)) continue;
    const r = resources.find((x) => x.kind === "Service" && x.name === s.name && x.namespace === s.namespace);
    const ns = r ? namespaceOf(r) : s.namespace;
    const info: ServiceInfo = { name: s.name, selector: s.selector, ports: s.ports, labels: s.labels };
    if (ns) info.namespace = ns;
    const type = r && isObject(r.value.spec) ? r.value.spec.type : undefined;
    if (typeof type === "string") info.type = type;
    services.push(info);
  }
  const subsets = subsetsFromFile(resources, namespaceOf).filter((s) => wanted(s.host));
  if (repo) {
    const part = repoPart(repo);
    const keys = names ? [...names] : [...new Set([...part.services.keys(), ...part.subsets.keys()])];
    for (const key of keys) {
      for (const s of part.services.get(key) ?? []) if (s.file !== currentFile) services.push(s.info);
      for (const s of part.subsets.get(key) ?? []) if (s.file !== currentFile) subsets.push(s.info);
    }
  }
  return { services, subsets };
}


interface RepoPart {
  /** By Service name (lower case). */
  services: Map<string, { file: string; info: ServiceInfo }[]>;
  /** By the first DNS label of the DestinationRule host. */
  subsets: Map<string, { file: string; info: SubsetInfo }[]>;
}

/** The repository's Services and subsets in converter form, computed once per index snapshot (not per file). */
const repoParts = new WeakMap<RepoIndex, RepoPart>();

function repoPart(repo: RepoIndex): RepoPart {
  let part = repoParts.get(repo);
  if (!part) {
    const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    part = { services: new Map(), subsets: new Map() };
    for (const s of repo.services()) if (!s.assumed) push(part.services, hostShortName(s.name), { file: s.file, info: fromRecord(s) });
    for (const dr of repo.byKind("DestinationRule") as DestinationRuleRecord[]) {
      if (dr.partial || !dr.host) continue;
      for (const info of subsetsFromRecord(dr)) push(part.subsets, hostShortName(dr.host), { file: dr.file, info });
    }
    repoParts.set(repo, part);
  }
  return part;
}

/** Every host a VirtualService names (`spec.hosts`, and `host` of destinations and mirrors), first DNS label only. */
export function serviceNamesOf(vs: PlainObject): Set<string> {
  const names = new Set<string>();
  const add = (h: unknown) => {
    if (typeof h === "string" && h) names.add(hostShortName(h));
  };
  const spec = isObject(vs.spec) ? vs.spec : {};
  asArray(spec.hosts).forEach(add);
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === "host") add(x);
        else visit(x);
      }
    }
  };
  visit(spec.http);
  return names;
}
