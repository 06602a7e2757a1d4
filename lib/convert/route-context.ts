/**
 * The Services and DestinationRule subsets the VirtualService → HTTPRoute converter needs, gathered from the
 * repository index and the current file (whose in-memory text wins over the index's copy of it).
 */
import type { RepoIndex, ResourceRecord, ServiceRecord, DestinationRuleRecord } from "../index/index.js";
import { baseOf, visibleIn } from "../index/scope.js";
import { asArray, displayName, isObject, stringMap, type ResourceHeader, type PlainObject } from "../k8s/resource.js";
import { servicesIn } from "../k8s/service.js";
import { hostService, hostShortName, sameServiceHost } from "../k8s/hosts.js";
import { relativeTo } from "../index/view.js";
import { isMeshVirtualService, type ServiceInfo, type SubsetInfo } from "./virtualservice-to-httproute.js";

type Res = ResourceHeader & { value: PlainObject };

function fromRecord(s: ServiceRecord, root: string): ServiceInfo {
  const info: ServiceInfo = { name: s.name, selector: s.selector, ports: s.ports ?? [], labels: s.labels, where: `${relativeTo(root, s.file)}:${s.line}` };
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
 * the repository. With `names`, only Services and subsets of those Service names (see `serviceNamesOf`), plus
 * every Service whose selector extends the selector of one of those Services: a version Service of any name
 * the converter may reuse for a subset. `lineOf` gives this file's Services a location (`line 12`).
 */
export function routeContext<R extends Res>(
  resources: readonly R[],
  namespaceOf: (r: R) => string | undefined,
  repo: RepoIndex | null,
  currentFile: string,
  names?: Set<string>,
  lineOf?: (r: R) => number,
): { services: ServiceInfo[]; subsets: SubsetInfo[] } {
  // This file's Services and subsets: read once per file (and unit), picked here by name.
  const file = fileContext(resources, namespaceOf);
  // With `lineOf`, this file's Services say where they are (`line 12`): a copy of the ones picked, made once per call.
  const located = new Map<ServiceInfo, ServiceInfo>();
  const at = (info: ServiceInfo): ServiceInfo => {
    const r = file.resourceOf.get(info);
    if (!r || !lineOf) return info;
    let copy = located.get(info);
    if (!copy) located.set(info, (copy = { ...info, where: `line ${lineOf(r as R)}` }));
    return copy;
  };
  const services = (names ? pick(file.servicesByName, names, file.position) : file.services).map(at);
  const subsets = names ? pick(file.subsetsByHost, names, file.position) : file.subsets.slice();
  // Computed once per snapshot for the whole repository; what this file's unit sees is picked per entry.
  const part = repo ? repoPart(baseOf(repo)) : null;
  const seen = (rec: ResourceRecord) => !!repo && visibleIn(repo, [rec]).length === 1;
  if (part) {
    const keys = names ? [...names] : [...new Set([...part.services.keys(), ...part.subsets.keys()])];
    for (const key of keys) {
      const svcEntries = (part.services.get(key) ?? []).filter((s) => s.file !== currentFile);
      const subEntries = (part.subsets.get(key) ?? []).filter((s) => s.file !== currentFile);
      for (const s of svcEntries) if (seen(s.rec)) services.push(s.info);
      for (const s of subEntries) if (seen(s.rec)) subsets.push(s.info);
      // Copies outside the unit (the same object in several other units) are ambiguous for the index, but when
      // every copy says the same about what the converter reads, the conversion does not depend on which one
      // is deployed: one of them stands for all (never when the unit or the file has its own).
      services.push(...agreeingServiceCopies(svcEntries.filter((s) => !seen(s.rec)), services));
      subsets.push(...agreeingSubsetCopies(subEntries.filter((s) => !seen(s.rec)), subsets));
    }
  }
  if (names) {
    // Candidate version Services: a selector that strictly extends a base Service's selector.
    const taken = new Set<ServiceInfo>(services);
    const bases = services.filter((s) => s.selector && Object.keys(s.selector).length > 0);
    const extendsBase = (c: ServiceInfo) =>
      !!c.selector && bases.some((b) => Object.keys(c.selector!).length > Object.keys(b.selector!).length && Object.entries(b.selector!).every(([k, v]) => c.selector![k] === v));
    // Such a Service holds the first label of a base's selector: only those of this file are looked at, in file order.
    const candidates = new Set<ServiceInfo>();
    for (const base of bases) {
      const [k, v] = Object.entries(base.selector!)[0];
      for (const c of file.servicesBySelectorLabel.get(`${k}=${v}`) ?? []) candidates.add(c);
    }
    for (const c of [...candidates].sort((x, y) => file.position.get(x)! - file.position.get(y)!)) {
      const info = at(c);
      if (!taken.has(info) && extendsBase(info)) (taken.add(info), services.push(info));
    }
    if (part) {
      for (const b of bases) {
        const [k, v] = Object.entries(b.selector!)[0];
        for (const c of part.bySelectorLabel.get(`${k}=${v}`) ?? []) {
          if (c.file !== currentFile && !taken.has(c.info) && seen(c.rec) && extendsBase(c.info)) (taken.add(c.info), services.push(c.info));
        }
      }
    }
  }
  return { services, subsets };
}


type Entry<T> = { file: string; rec: ResourceRecord; info: T };

/**
 * Services seen only as copies outside the unit, grouped by name: a group counts as one Service when every copy
 * has the same namespace, type, selector and ports, and no Service of that name is already known; a group whose
 * copies differ is returned with `differingCopies` only (for the refusal's reason).
 */
function agreeingServiceCopies(hidden: readonly Entry<ServiceInfo>[], known: readonly ServiceInfo[]): ServiceInfo[] {
  const groups = new Map<string, Entry<ServiceInfo>[]>();
  for (const e of hidden) {
    if (e.rec.partial || e.rec.assumed || known.some((k) => k.name === e.info.name)) continue;
    const list = groups.get(e.info.name);
    if (list) list.push(e);
    else groups.set(e.info.name, [e]);
  }
  const facts = (s: ServiceInfo) =>
    JSON.stringify([s.namespace ?? null, s.type ?? null, s.selector ? Object.entries(s.selector).sort() : null, s.ports.map((p) => [p.port, p.name ?? null]).sort()]);
  const out: ServiceInfo[] = [];
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    if (list.every((e) => facts(e.info) === facts(list[0].info))) {
      out.push({ ...list[0].info, where: `${list[0].info.where} and ${list.length - 1} identical ${list.length > 2 ? "copies" : "copy"}` });
    } else {
      // Copies that differ: the converter cannot use them, but can say why the Service is not known.
      const ns = list.every((e) => e.info.namespace === list[0].info.namespace) ? list[0].info.namespace : undefined;
      out.push({ name: list[0].info.name, ...(ns ? { namespace: ns } : {}), selector: null, ports: [], differingCopies: list.map((e) => e.info.where ?? "") });
    }
  }
  return out;
}

/**
 * DestinationRule subsets seen only in copies outside the unit, grouped by host and subset name: a group counts
 * as one subset when every copy that defines it gives the same namespace, labels and traffic policies, and no
 * subset of that host and name is already known.
 */
function agreeingSubsetCopies(hidden: readonly Entry<SubsetInfo>[], known: readonly SubsetInfo[]): SubsetInfo[] {
  const hostOf = (s: SubsetInfo) => hostService(s.host, s.namespace);
  const key = (s: SubsetInfo) => {
    const h = hostOf(s);
    return h ? `${h.name}\0${h.namespace ?? ""}\0${s.name}` : null;
  };
  const groups = new Map<string, Entry<SubsetInfo>[]>();
  for (const e of hidden) {
    const k = key(e.info);
    if (k === null || e.rec.partial || known.some((s) => s.name === e.info.name && sameServiceHost(hostOf(s), hostOf(e.info)))) continue;
    const list = groups.get(k);
    if (list) list.push(e);
    else groups.set(k, [e]);
  }
  const facts = (s: SubsetInfo) => JSON.stringify([Object.entries(s.labels).sort(), s.trafficPolicy !== undefined, s.hostTrafficPolicy !== undefined]);
  const out: SubsetInfo[] = [];
  for (const list of groups.values()) if (list.every((e) => facts(e.info) === facts(list[0].info))) out.push(list[0].info);
  return out;
}
interface FileContext {
  /** This file's Services in converter form, in file order. */
  services: ServiceInfo[];
  subsets: SubsetInfo[];
  /** By the first DNS label of the Service name / the subset's host. */
  servicesByName: Map<string, ServiceInfo[]>;
  subsetsByHost: Map<string, SubsetInfo[]>;
  /** Services by each `key=value` of their selector. */
  servicesBySelectorLabel: Map<string, ServiceInfo[]>;
  /** File order of every entry above. */
  position: Map<ServiceInfo | SubsetInfo, number>;
  /** The Service resource an entry was read from (the first of its name and namespace). */
  resourceOf: Map<ServiceInfo, Res>;
}

/** The last file context made for a file's resources (a rule run asks with the same namespace reader). */
const fileContexts = new WeakMap<readonly Res[], { namespaceOf: unknown; context: FileContext }>();

function fileContext<R extends Res>(resources: readonly R[], namespaceOf: (r: R) => string | undefined): FileContext {
  const cached = fileContexts.get(resources);
  if (cached && cached.namespaceOf === namespaceOf) return cached.context;
  const firstService = new Map<string, R>();
  for (const x of resources) {
    if (x.kind !== "Service") continue;
    const key = `${x.name}\0${x.namespace ?? "\u0001"}`;
    if (!firstService.has(key)) firstService.set(key, x);
  }
  const services: ServiceInfo[] = [];
  const resourceOf = new Map<ServiceInfo, Res>();
  for (const s of servicesIn(resources)) {
    const r = firstService.get(`${s.name}\0${s.namespace ?? "\u0001"}`);
    const ns = r ? namespaceOf(r) : s.namespace;
    const info: ServiceInfo = { name: s.name, selector: s.selector, ports: s.ports, labels: s.labels };
    if (ns) info.namespace = ns;
    const type = r && isObject(r.value.spec) ? r.value.spec.type : undefined;
    if (typeof type === "string") info.type = type;
    if (r) resourceOf.set(info, r);
    services.push(info);
  }
  const subsets = subsetsFromFile(resources, namespaceOf);
  const context: FileContext = {
    services,
    subsets,
    servicesByName: new Map(),
    subsetsByHost: new Map(),
    servicesBySelectorLabel: new Map(),
    position: new Map(),
    resourceOf,
  };
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  services.forEach((s, i) => {
    context.position.set(s, i);
    push(context.servicesByName, hostShortName(s.name), s);
    for (const [k, v] of Object.entries(s.selector ?? {})) push(context.servicesBySelectorLabel, `${k}=${v}`, s);
  });
  subsets.forEach((s, i) => {
    context.position.set(s, i);
    push(context.subsetsByHost, hostShortName(s.host), s);
  });
  fileContexts.set(resources, { namespaceOf, context });
  return context;
}

/** The entries of `names` in a by-name map, in file order. */
function pick<T>(map: Map<string, T[]>, names: Set<string>, position: Map<unknown, number>): T[] {
  const out: T[] = [];
  for (const name of names) for (const x of map.get(name) ?? []) out.push(x);
  return names.size > 1 ? out.sort((a, b) => position.get(a)! - position.get(b)!) : out;
}

interface RepoPart {
  /** By Service name (lower case). */
  services: Map<string, { file: string; rec: ResourceRecord; info: ServiceInfo }[]>;
  /** By the first DNS label of the DestinationRule host. */
  subsets: Map<string, { file: string; rec: ResourceRecord; info: SubsetInfo }[]>;
  /** Services by each `key=value` of their selector (to find version Services of any name). */
  bySelectorLabel: Map<string, { file: string; rec: ResourceRecord; info: ServiceInfo }[]>;
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
    part = { services: new Map(), subsets: new Map(), bySelectorLabel: new Map() };
    for (const s of repo.services()) {
      if (s.assumed) continue;
      const entry = { file: s.file, rec: s as ResourceRecord, info: fromRecord(s, repo.root) };
      push(part.services, hostShortName(s.name), entry);
      for (const [k, v] of Object.entries(s.selector ?? {})) push(part.bySelectorLabel, `${k}=${v}`, entry);
    }
    for (const dr of repo.byKind("DestinationRule") as DestinationRuleRecord[]) {
      if (dr.partial || !dr.host) continue;
      for (const info of subsetsFromRecord(dr)) push(part.subsets, hostShortName(dr.host), { file: dr.file, rec: dr, info });
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

/** Another mesh VirtualService that routes one of the same Services (it must move to HTTPRoute in the same change). */
export interface SameServiceRoute<R = unknown> {
  /** The resource, when it is in the linted file. */
  resource?: R;
  /** `VirtualService bookinfo/reviews-canary`. */
  label: string;
  /** `line 30` (this file) or `routing/canary.yaml:3`. */
  where: string;
  /** The Service both route (short name). */
  service: string;
}

/**
 * The other mesh VirtualServices — of this file and of the rest of the repository — whose `spec.hosts` name a
 * Service that `vs` (in namespace `vsNamespace`) names in its hosts. Converting `vs` alone would leave them on
 * the same Service as the new HTTPRoute (mixed route APIs, undefined behaviour on waypoints).
 */
export function sameServiceRoutes<R extends Res>(
  vs: R,
  resources: readonly R[],
  namespaceOf: (r: R) => string | undefined,
  repo: RepoIndex | null,
  currentFile: string,
  lineOf: (r: R) => number,
): SameServiceRoute<R>[] {
  const mine = asArray(isObject(vs.value.spec) ? vs.value.spec.hosts : undefined)
    .map((h) => hostService(h, namespaceOf(vs)))
    .filter((h): h is NonNullable<typeof h> => h !== null);
  if (!mine.length) return [];
  const match = (hosts: unknown[], ns: string | undefined): string | undefined => {
    for (const h of hosts) {
      const ref = hostService(h, ns);
      const hit = ref && mine.find((m) => sameServiceHost(m, ref));
      if (hit) return hit.name;
    }
    return undefined;
  };
  const out: SameServiceRoute<R>[] = [];
  for (const r of fileVirtualServicesNaming(resources, mine.map((m) => m.name))) {
    if (r === vs) continue;
    const service = match(asArray(isObject(r.value.spec) ? r.value.spec.hosts : undefined), namespaceOf(r));
    if (service) out.push({ resource: r, label: displayName(r, namespaceOf(r)), where: `line ${lineOf(r)}`, service });
  }
  if (repo) {
    // Only VirtualServices naming one of the same Services (by a host's first DNS label) can match: no repository scan.
    for (const rec of visibleIn(repo, virtualServicesNaming(baseOf(repo), mine.map((m) => m.name)))) {
      if (rec.file === currentFile || rec.partial || !rec.group.endsWith("istio.io") || rec.mesh === false) continue;
      const service = match(rec.hosts ?? [], rec.namespace);
      if (service) out.push({ label: `VirtualService ${rec.namespace ? `${rec.namespace}/` : ""}${rec.name}`, where: `${relativeTo(repo.root, rec.file)}:${rec.line}`, service });
    }
  }
  return out;
}

/** The mesh VirtualServices of a file by the first DNS label of each of their hosts (once per file). */
const fileVsByHostName = new WeakMap<readonly Res[], Map<string, Res[]>>();

/** The mesh VirtualServices of `resources` that name one of `names` (first DNS labels) in a host, in file order. */
function fileVirtualServicesNaming<R extends Res>(resources: readonly R[], names: readonly string[]): R[] {
  let byName = fileVsByHostName.get(resources);
  if (!byName) {
    byName = new Map();
    for (const r of resources) {
      if (r.kind !== "VirtualService" || !r.group.endsWith("istio.io") || !isMeshVirtualService(r.value)) continue;
      for (const h of asArray(isObject(r.value.spec) ? r.value.spec.hosts : undefined)) {
        if (typeof h !== "string") continue;
        const key = hostShortName(h);
        const list = byName.get(key);
        if (!list) byName.set(key, [r]);
        else if (list[list.length - 1] !== r) list.push(r);
      }
    }
    fileVsByHostName.set(resources, byName);
  }
  const distinct = [...new Set(names)];
  if (distinct.length === 1) return (byName.get(distinct[0]) ?? []) as R[];
  const found = new Set<Res>();
  for (const name of distinct) for (const r of byName.get(name) ?? []) found.add(r);
  return resources.filter((r) => found.has(r));
}

/** VirtualService records by the first DNS label of each of their hosts, in index order (once per snapshot). */
const vsByHostName = new WeakMap<RepoIndex, { byName: Map<string, ResourceRecord[]>; position: Map<ResourceRecord, number> }>();

/** The VirtualService records of the whole index that name one of `names` (first DNS labels) in a host, in index order. */
export function virtualServicesNaming(base: RepoIndex, names: readonly string[]): ResourceRecord[] {
  let cached = vsByHostName.get(base);
  if (!cached) {
    const byName = new Map<string, ResourceRecord[]>();
    const position = new Map<ResourceRecord, number>();
    for (const rec of base.byKind("VirtualService")) {
      position.set(rec, position.size);
      for (const h of rec.hosts ?? []) {
        const key = hostShortName(h);
        const list = byName.get(key);
        if (!list) byName.set(key, [rec]);
        else if (list[list.length - 1] !== rec) list.push(rec);
      }
    }
    vsByHostName.set(base, (cached = { byName, position }));
  }
  const distinct = [...new Set(names)];
  if (distinct.length === 1) return cached.byName.get(distinct[0]) ?? [];
  const found = new Set<ResourceRecord>();
  for (const name of distinct) for (const rec of cached.byName.get(name) ?? []) found.add(rec);
  const position = cached.position;
  return [...found].sort((a, b) => position.get(a)! - position.get(b)!);
}

/**
 * Delegation inside one file: for a delegate VirtualService (no `hosts`), the root of this file that delegates to
 * it; for a root, its delegates when every one it names is in this file (else none: they are elsewhere).
 */
export function delegationIn<R extends Res>(vs: R, resources: readonly R[], namespaceOf: (r: R) => string | undefined): { root?: R; delegates?: R[] } {
  const isVs = (r: R) => r.kind === "VirtualService" && r.group.endsWith("istio.io");
  const refs = (r: R) =>
    asArray(isObject(r.value.spec) ? r.value.spec.http : undefined)
      .filter(isObject)
      .map((rule) => (isObject(rule.delegate) ? rule.delegate : null))
      .filter((d): d is PlainObject => d !== null)
      .map((d) => ({ name: typeof d.name === "string" ? d.name : "", namespace: typeof d.namespace === "string" ? d.namespace : namespaceOf(r) }));
  const hosts = asArray(isObject(vs.value.spec) ? vs.value.spec.hosts : undefined);
  if (!hosts.length) {
    const root = resources.find((r) => r !== vs && isVs(r) && refs(r).some((d) => d.name === vs.name && d.namespace === namespaceOf(vs)));
    return root ? { root } : {};
  }
  const wanted = refs(vs);
  if (!wanted.length) return {};
  const delegates: R[] = [];
  for (const d of wanted) {
    const found = resources.find((r) => r !== vs && isVs(r) && r.name === d.name && namespaceOf(r) === d.namespace);
    if (!found) return {};
    if (!delegates.includes(found)) delegates.push(found);
  }
  return { delegates };
}

/**
 * Other mesh VirtualServices (this file's, and the unit's records of other files) with one of `hosts` — hosts of
 * ServiceEntries, which Istio reads as written: the first found, with the host. A copy of the VirtualService
 * itself (same name and namespace) is not another one.
 */
export function otherRoutesOfHosts<R extends Res>(
  vs: R,
  hosts: string[],
  resources: readonly R[],
  namespaceOf: (r: R) => string | undefined,
  repo: RepoIndex | null,
  currentFile: string,
  lineOf: (r: R) => number,
): { label: string; where: string; host: string } | undefined {
  if (!hosts.length) return undefined;
  const wanted = new Set(hosts.map((h) => h.toLowerCase()));
  const ns = namespaceOf(vs);
  const sameNs = (other: string | undefined) => other === undefined || ns === undefined || other === ns;
  const hit = (list: unknown) => asArray(list).find((h): h is string => typeof h === "string" && wanted.has(h.toLowerCase()));
  for (const r of resources) {
    if (r === vs || r.kind !== "VirtualService" || !isObject(r.value.spec) || !isMeshVirtualService(r.value) || !sameNs(namespaceOf(r))) continue;
    const host = hit(r.value.spec.hosts);
    if (host) return { label: displayName(r, namespaceOf(r)), where: `line ${lineOf(r)}`, host };
  }
  if (!repo) return undefined;
  const records = repo.byKind("VirtualService").filter((rec) => rec.file !== currentFile && !rec.partial && rec.group.endsWith("istio.io") && rec.mesh !== false);
  for (const rec of visibleIn(repo, records)) {
    if (rec.name === vs.name && rec.namespace === ns) continue;
    if (!sameNs(rec.namespace)) continue;
    const host = hit(rec.hosts);
    if (host) return { label: `VirtualService ${rec.namespace ? `${rec.namespace}/` : ""}${rec.name}`, where: `${relativeTo(repo.root, rec.file)}:${rec.line}`, host };
  }
  return undefined;
}
