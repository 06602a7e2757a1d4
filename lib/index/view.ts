/**
 * What a single-file rule sees of the repository: the linted file's own resources (with their AST, for
 * reports, lines and edits) plus the records of every other file from the repository index.
 *
 * - The linted file's records in the index are the same objects as its resources (its text overlays its disk
 *   copy), so they are left out of the index part: each object appears once, as a `Resource` when it is in
 *   the linted file and as a record otherwise.
 * - When the file is not covered by the index (outside the root, excluded by the settings, or not parsed by
 *   it), the view holds the file's resources only: rules keep their single-file behaviour.
 * - Kustomize patch records (`partial`) are not Services or waypoints of their own; they are listed apart
 *   (`patchedServices`) because a patch may change what a rule reads (a Service's ports).
 * - `assumeExists` Services and Gateways join the lists (`assumed: true`; their selector and ports are unknown).
 */
import path from "node:path";
import type { Resource } from "../yaml/documents.js";
import type { GatewayRecord, ResourceRecord, ServiceRecord, VirtualServiceRecord, WorkloadRecord } from "./types.js";
import { noteCache, onSnapshotChange, type RepoIndex } from "./repo-index.js";
import { baseOf, visibleIn } from "./scope.js";
import { oncePer } from "../memo.js";
import { GATEWAY_API_GROUP, isIstioGroup, isObject } from "../k8s/resource.js";
import { hostShortName } from "../k8s/hosts.js";
import { serviceInfo, waypointInfo, type ServiceInfo } from "../k8s/service.js";
import { isWaypointClass } from "../versions.js";
import { LATEST_ISTIO_VERSION } from "../settings.js";
import type { Labels } from "../k8s/selector.js";

/** The part of a rule's context the view needs (a `CheckContext` fits). */
export interface ViewContext {
  resources: readonly Resource[];
  repo(): RepoIndex;
  recordOf(resource: Resource): ResourceRecord | undefined;
  namespaceOf(resource: Resource): string | undefined;
  /** The Istio version (which GatewayClasses are waypoints); the latest supported when absent. */
  settings?: { istioVersion: string };
}

/** Where an object is defined: a resource of the linted file, or an index record (another file, or assumed). */
export interface Origin {
  resource?: Resource;
  record?: ResourceRecord;
  /** True for `assumeExists` pseudo-records. */
  assumed: boolean;
}

export type ServiceView = ServiceInfo & Origin & { type?: string };

export interface WaypointView extends Origin {
  name: string;
  namespace: string | undefined;
  serviceAccount: string;
  /** `istio.io/waypoint-for` (default `service`). */
  waypointFor: string;
}

export interface WorkloadView {
  kind: string;
  name: string;
  namespace: string | undefined;
  podLabels: Labels;
}

export interface ServicePatch {
  name: string;
  namespace: string | undefined;
  file: string;
  line: number;
}

export interface RepoView {
  /** True when the linted file is covered by the index (cross-file lookups are on). */
  readonly inRepo: boolean;
  /** Root of the index (meaningful when `inRepo`). */
  readonly root: string;
  /**
   * Core Services: the file's (namespace from `namespaceOf`), then the other files', then `assumeExists` ones.
   * With a namespace: only those that may be in it (that namespace, or unknown).
   */
  services(namespace?: string): readonly ServiceView[];
  /** Waypoint Gateways (`gatewayClassName: istio-waypoint`): the file's, the other files', `assumeExists` ones. */
  waypoints(namespace?: string): readonly WaypointView[];
  /** Gateway API Gateways of another class (name, namespace): ingress/egress Gateways. */
  otherGateways(): { name: string; namespace: string | undefined }[];
  /**
   * The Services of `services()` that may be in `namespace` (that namespace, or unknown), in the same order:
   * `services().filter(…)` without reading the other namespaces.
   */
  servicesMayBeIn(namespace: string | undefined): readonly ServiceView[];
  /**
   * Workloads (pod templates and Pods) of the whole repository, this file included; [] outside the index. With a
   * namespace: only those that may be in it (that namespace, or unknown), in the same order.
   */
  workloads(namespace?: string): readonly WorkloadView[];
  /** Kustomize patches of Services anywhere in the repository (this file included). */
  patchedServices(): ServicePatch[];
  /** Istio VirtualServices of the other files (with a Service name: those routing to a subset of that host). */
  virtualServicesElsewhere(serviceName?: string): VirtualServiceRecord[];
  /** `spec.hosts` of the Istio ServiceEntries of the other files. */
  serviceEntryHostsElsewhere(): string[];
  /** The Istio ServiceEntry records of the other files (name, namespace, `hosts`, file and line). */
  serviceEntriesElsewhere(): ResourceRecord[];
  /** `line 12` (this file), `apps/reviews/service.yaml:3` (another file) or ``settings `assumeExists` ``. */
  where(origin: Origin, lineOf: (resource: Resource) => number): string;
}

const EMPTY: never[] = [];

/** Lookups made once per index snapshot (not once per linted file), each built on first use. */
interface PerIndex {
  /** VirtualServices that route to subsets, by the first DNS label of the subset's host. */
  virtualServices?: Map<string, VirtualServiceRecord[]>;
  serviceEntries?: ResourceRecord[];
}
const perIndexCache = new WeakMap<RepoIndex, PerIndex>();

function perIndex(index: RepoIndex): PerIndex {
  let cached = perIndexCache.get(index);
  if (!cached) perIndexCache.set(index, (cached = {}));
  return cached;
}

function subsetRoutes(index: RepoIndex): Map<string, VirtualServiceRecord[]> {
  const cached = perIndex(index);
  if (!cached.virtualServices) {
    noteCache(index, "view:subsetRoutes", "built");
    const virtualServices = new Map<string, VirtualServiceRecord[]>();
    for (const r of index.byKind("VirtualService")) {
      if (r.partial || !isIstioGroup(r.group) || !Array.isArray(r.subsetsUsed)) continue;
      for (const use of r.subsetsUsed) {
        const key = hostShortName(use.host);
        const list = virtualServices.get(key);
        if (!list) virtualServices.set(key, [r as VirtualServiceRecord]);
        else if (list[list.length - 1] !== r) list.push(r as VirtualServiceRecord);
      }
    }
    cached.virtualServices = virtualServices;
  }
  return cached.virtualServices;
}

function serviceEntryRecords(index: RepoIndex): ResourceRecord[] {
  const cached = perIndex(index);
  if (!cached.serviceEntries) {
    noteCache(index, "view:serviceEntries", "built");
    cached.serviceEntries = index.byKind("ServiceEntry").filter((r) => !r.partial && isIstioGroup(r.group));
  }
  return cached.serviceEntries;
}

// After an edit, the next snapshot keeps the lookups of kinds the edit did not touch.
onSnapshotChange((previous, next, changes) => {
  const old = perIndexCache.get(previous);
  if (!old) return;
  const kinds = new Set([...changes.removed, ...changes.added].map((r) => r.kind));
  const carried: PerIndex = {};
  if (old.virtualServices && !kinds.has("VirtualService")) {
    carried.virtualServices = old.virtualServices;
    noteCache(next, "view:subsetRoutes", "carried");
  }
  if (old.serviceEntries && !kinds.has("ServiceEntry")) {
    carried.serviceEntries = old.serviceEntries;
    noteCache(next, "view:serviceEntries", "carried");
  }
  perIndexCache.set(next, carried);
});
const workloadViews = new WeakMap<WorkloadRecord, WorkloadView>();

export function repoView(ctx: ViewContext): RepoView {
  const own = new Map<Resource, ResourceRecord>();
  for (const r of ctx.resources) {
    const rec = ctx.recordOf(r);
    if (rec) own.set(r, rec);
  }
  const inRepo = own.size > 0;
  const index = inRepo ? ctx.repo() : undefined;
  const thisFile = inRepo ? [...own.values()][0].file : "";
  const elsewhere = (r: ResourceRecord) => r.file !== thisFile;
  const partial = (r: Resource) => own.get(r)?.partial === true;

  const services = new Map<string, readonly ServiceView[]>();
  const waypoints = new Map<string, WaypointView[]>();
  let workloadList: readonly WorkloadView[] | undefined;
  const workloadsIn = new Map<string, readonly WorkloadView[]>();
  const mayBeIn = (ns: string | undefined, wanted: string | undefined) => wanted === undefined || ns === undefined || ns === wanted;
  const istioVersion = ctx.settings?.istioVersion ?? index?.settings.istioVersion ?? LATEST_ISTIO_VERSION;

  // This file's Services and waypoints with their namespaces, read once per view (a file may hold thousands of
  // resources, asked about namespace by namespace): one view object per Service of the file.
  let ownServices: ServiceView[] | undefined;
  const fileServices = () => {
    if (!ownServices) {
      ownServices = [];
      for (const resource of ctx.resources) {
        if (partial(resource)) continue;
        const info = serviceInfo(resource);
        if (!info) continue;
        const spec = isObject(resource.value.spec) ? resource.value.spec : {};
        const view: ServiceView = { ...info, namespace: ctx.namespaceOf(resource), resource, assumed: false };
        if (typeof spec.type === "string") view.type = spec.type;
        ownServices.push(view);
      }
    }
    return ownServices;
  };
  // No Service document in this file (its own, or a record of it in the index): the index's lists then need no
  // filtering for this file, and the views of them are shared with every such file.
  let noServices: boolean | undefined;
  const noServicesHere = () => (noServices ??= !fileServices().length && !(index?.inFile(thisFile).some((r) => r.kind === "Service") ?? false));
  let ownWaypoints: { resource: Resource; info: NonNullable<ReturnType<typeof waypointInfo>>; ns: string | undefined }[] | undefined;
  const fileWaypoints = () => {
    if (!ownWaypoints) {
      ownWaypoints = [];
      for (const resource of ctx.resources) {
        if (partial(resource)) continue;
        const info = waypointInfo(resource, istioVersion);
        if (info) ownWaypoints.push({ resource, info, ns: ctx.namespaceOf(resource) });
      }
    }
    return ownWaypoints;
  };

  return {
    inRepo,
    root: index?.root ?? "",
    services(namespace) {
      const key = namespace ?? "\0";
      let out = services.get(key);
      if (out) return out;
      const own = fileServices();
      if (index && noServicesHere()) {
        // No Service in this file: every record of the index's list is another file's (or assumed), and the
        // list of views is the same array for every such file (lookups over it are then made once).
        out = serviceViewsOf(index.services(namespace));
        services.set(key, out);
        return out;
      }
      const list: ServiceView[] = [];
      out = list;
      for (const view of own) if (mayBeIn(view.namespace, namespace)) list.push(view);
      if (index) {
        for (const rec of index.services(namespace)) {
          if (!rec.assumed && !elsewhere(rec)) continue;
          list.push(serviceView(rec));
        }
      }
      services.set(key, out);
      return out;
    },
    waypoints(namespace) {
      const key = namespace ?? "\0";
      let out = waypoints.get(key);
      if (out) return out;
      out = [];
      for (const { resource, info, ns } of fileWaypoints()) {
        if (mayBeIn(ns, namespace)) out.push({ ...info, namespace: ns, resource, assumed: false });
      }
      if (index) {
        for (const rec of index.waypoints(namespace)) {
          if (!rec.assumed && !elsewhere(rec)) continue;
          out.push(waypointView(rec));
        }
      }
      waypoints.set(key, out);
      return out;
    },
    otherGateways() {
      const out: { name: string; namespace: string | undefined }[] = [];
      for (const resource of ctx.resources) {
        if (resource.kind !== "Gateway" || resource.group !== GATEWAY_API_GROUP || !resource.name || partial(resource)) continue;
        const spec = isObject(resource.value.spec) ? resource.value.spec : {};
        if (!isWaypointClass(spec.gatewayClassName, istioVersion)) out.push({ name: resource.name, namespace: ctx.namespaceOf(resource) });
      }
      if (index) {
        for (const rec of index.byKind("Gateway", GATEWAY_API_GROUP)) {
          if (rec.partial || !elsewhere(rec) || isWaypointClass(rec.gatewayClassName, istioVersion)) continue;
          out.push({ name: rec.name, namespace: rec.namespace });
        }
      }
      return out;
    },
    servicesMayBeIn(namespace) {
      if (namespace === undefined) return this.services();
      const key = `\0may\0${namespace}`;
      let out = services.get(key);
      if (out) return out;
      if (index && noServicesHere()) {
        // No Service in this file (see `services`): one list per index list and namespace, shared by such files.
        out = mayBeInViewsOf(index.services(namespace), assumedServices(baseOf(index)), namespace);
        services.set(key, out);
        return out;
      }
      const list: ServiceView[] = [];
      out = list;
      // This file's Services first, as `services()` lists them.
      for (const view of fileServices()) if (mayBeIn(view.namespace, namespace)) list.push(view);
      if (index) {
        // What `index.services()` holds of the namespace (its records and those of unknown namespace, in index
        // order, as this unit sees them), then its `assumeExists` Services.
        const base = baseOf(index);
        for (const rec of index.services(namespace)) {
          if (rec.assumed || !elsewhere(rec)) continue;
          list.push(serviceView(rec));
        }
        for (const rec of assumedServices(base)) if (mayBeIn(rec.namespace, namespace)) list.push(serviceView(rec));
      }
      services.set(key, out);
      return out;
    },
    workloads(namespace) {
      if (!index) return EMPTY;
      if (namespace !== undefined) {
        // The namespace's records and those of unknown namespace, as this unit sees them (in index order).
        // `index.workloads(namespace)` is that list (a unit's view prepares it once per snapshot); its views are
        // made once per index and namespace, not once per linted file.
        let list = workloadsIn.get(namespace);
        if (!list) workloadsIn.set(namespace, (list = workloadViewsOf(index.workloads(namespace))));
        return list;
      }
      // One view object per record (not per unit), and one list of views per list of records.
      return (workloadList ??= workloadViewsOf(index.workloads()));
    },
    patchedServices() {
      if (!index) return EMPTY;
      return index
        .byKind("Service", "")
        .filter((r) => r.partial)
        .map((r) => ({ name: r.name, namespace: r.namespace, file: r.file, line: r.line }));
    },
    virtualServicesElsewhere(serviceName) {
      if (!index) return EMPTY;
      const all = subsetRoutes(baseOf(index));
      const list = serviceName === undefined ? [...all.values()].flat() : (all.get(hostShortName(serviceName)) ?? EMPTY);
      return visibleIn(index, [...new Set(list)]).filter(elsewhere);
    },
    serviceEntryHostsElsewhere() {
      if (!index) return EMPTY;
      return visibleIn(index, serviceEntryRecords(baseOf(index))).filter((r) => elsewhere(r)).flatMap((r) => r.hosts ?? []);
    },
    serviceEntriesElsewhere() {
      if (!index) return EMPTY;
      return visibleIn(index, serviceEntryRecords(baseOf(index))).filter(elsewhere);
    },
    where(origin, lineOf) {
      if (origin.resource) return `line ${lineOf(origin.resource)}`;
      const rec = origin.record;
      if (!rec || rec.assumed) return "settings `assumeExists`";
      return `${path.basename(rec.file)}:${rec.line}`;
    },
  };
}

/**
 * The views of a list of the index (`index.workloads(namespace)`, the same array for every unit that sees the same
 * records), made once per list: units and files that share a list share its views and the lookups over them.
 */
const workloadViewsOf = oncePer((records: readonly WorkloadRecord[]): readonly WorkloadView[] => records.map(workloadView));

/** `servicesMayBeIn` for a file without Services: the non-assumed records' views, then the assumed ones that may be in `namespace`. */
const mayBeInLists = new WeakMap<readonly ServiceRecord[], Map<string, readonly ServiceView[]>>();
function mayBeInViewsOf(records: readonly ServiceRecord[], assumed: readonly ServiceRecord[], namespace: string): readonly ServiceView[] {
  let byNamespace = mayBeInLists.get(records);
  if (!byNamespace) mayBeInLists.set(records, (byNamespace = new Map()));
  let list = byNamespace.get(namespace);
  if (!list) {
    const views: ServiceView[] = [];
    for (const rec of records) if (!rec.assumed) views.push(serviceView(rec));
    for (const rec of assumed) if (rec.namespace === undefined || rec.namespace === namespace) views.push(serviceView(rec));
    byNamespace.set(namespace, (list = views));
  }
  return list;
}

const serviceViewsOf = oncePer((records: readonly ServiceRecord[]): readonly ServiceView[] => records.map(serviceView));

function workloadView(w: WorkloadRecord): WorkloadView {
  let view = workloadViews.get(w);
  if (!view) workloadViews.set(w, (view = { kind: w.kind, name: w.name, namespace: w.namespace, podLabels: w.podLabels }));
  return view;
}

/** The `assumeExists` Services of `services()` (no namespace asked), once per snapshot. */
const assumedServiceLists = new WeakMap<RepoIndex, ServiceRecord[]>();
function assumedServices(base: RepoIndex): ServiceRecord[] {
  let list = assumedServiceLists.get(base);
  if (!list) {
    list = base.settings.assumeExists.some((a) => a.kind === "Service") ? base.services().filter((s) => s.assumed) : [];
    assumedServiceLists.set(base, list);
  }
  return list;
}

/** Views of index records are made once per record (records are immutable within a snapshot). */
const serviceViews = new WeakMap<ServiceRecord, ServiceView>();
const waypointViews = new WeakMap<GatewayRecord, WaypointView>();

function serviceView(rec: ServiceRecord): ServiceView {
  const cached = serviceViews.get(rec);
  if (cached) return cached;
  const view: ServiceView = {
    name: rec.name,
    namespace: rec.namespace,
    selector: rec.selector ?? null,
    labels: rec.labels,
    ports: rec.ports ?? [],
    record: rec,
    assumed: rec.assumed === true,
  };
  if (rec.serviceType !== undefined) view.type = rec.serviceType;
  serviceViews.set(rec, view);
  return view;
}

function waypointView(rec: GatewayRecord): WaypointView {
  let view = waypointViews.get(rec);
  if (!view) {
    view = {
      name: rec.name,
      namespace: rec.namespace,
      serviceAccount: rec.serviceAccount,
      waypointFor: rec.waypointFor ?? "service",
      record: rec,
      assumed: rec.assumed === true,
    };
    waypointViews.set(rec, view);
  }
  return view;
}

/** `file` relative to `root`, with `/` separators (the absolute path when it is outside). */
export function relativeTo(root: string, file: string): string {
  if (!root) return file;
  const rel = path.relative(root, file);
  if (!rel || rel.startsWith("..") || path.isAbsolute(rel)) return file;
  return rel.split(path.sep).join("/");
}

/**
 * Namespace pairing for a policy's candidate targets: an object of unknown namespace may live in the policy's
 * namespace (the index convention), but a policy of unknown namespace pairs only with objects of unknown
 * namespace (a Service of a named namespace may be anywhere else).
 */
export function inNamespaceOf(objectNamespace: string | undefined, policyNamespace: string | undefined): boolean {
  return (objectNamespace ?? policyNamespace) === policyNamespace;
}

/**
 * The distinct waypoint names a policy of `namespace` can target (never `istio.io/waypoint-for: none` ones):
 * `same` = waypoints of exactly that namespace (both unknown counts as the same); `unknownNamespace` = waypoints
 * whose namespace is unknown, for a policy whose namespace is known (they may or may not be deployed there).
 */
export function waypointNames(waypoints: readonly WaypointView[], namespace: string | undefined): { same: string[]; unknownNamespace: string[] } {
  const same: string[] = [];
  const unknownNamespace: string[] = [];
  for (const w of waypoints) {
    if (w.waypointFor === "none") continue;
    const list = w.namespace === namespace ? same : namespace !== undefined && w.namespace === undefined ? unknownNamespace : null;
    if (list && !list.includes(w.name)) list.push(w.name);
  }
  return { same, unknownNamespace };
}

/**
 * True when a Service stands in the policy's namespace for sure: same resolved namespace (both unknown counts),
 * or — in the linted file itself — no namespace of its own (it is applied together with the policy).
 */
export function surelyInNamespaceOf(service: Origin & { namespace: string | undefined }, namespace: string | undefined): boolean {
  return service.resource ? inNamespaceOf(service.namespace, namespace) : !service.assumed && service.namespace === namespace;
}
