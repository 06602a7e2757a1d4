/**
 * One immutable snapshot of the repository resource index, and its queries.
 *
 * `resources` are instances of the deployment model (./units.ts): a manifest applied by two units is two
 * records. The queries here see the whole repository; a rule sees it through its unit (`scopedIndex` in
 * ./scope.ts: the same unit first, outside it only a unique match).
 *
 * Query conventions:
 * - a namespace argument of `undefined` means "any namespace", and a record whose namespace is unknown
 *   matches every namespace (never guess `default`);
 * - Kustomize patch records (`partial: true`) are returned by `resources`, `byKind` and `inFile` only: the
 *   semantic lookups (Services, waypoints, routes, DestinationRules, workloads) ignore them, since a patch
 *   is a fragment of an object defined elsewhere. `namespaceRecord` falls back to a patch when no full
 *   Namespace exists;
 * - `assumeExists` pseudo-records (`assumed: true`) join `services()`, `waypoints()`, `namespaceRecord()` and
 *   `assumed()` lookups.
 */
import path from "node:path";
import { GATEWAY_API_GROUP, isIstioGroup, isObject, stringMap } from "../k8s/resource.js";
import { sameLabels, selectorMatches, type Labels } from "../k8s/selector.js";
import { hostNamesService, hostService, hostShortName, namespacesMatch } from "../k8s/hosts.js";
import type { AssumedResource, PluginSettings } from "../settings.js";
import { isWaypointClass, WAYPOINT_CLASS } from "../versions.js";
import { globMatch } from "./glob.js";
import type { KustomizationInfo, ParsedFile } from "./extract.js";
import { buildModel, type Model, type ModelInput, type Unit } from "./units.js";
import type {
  DestinationRuleRecord,
  GatewayRecord,
  IndexStats,
  NamespaceRecord,
  ResourceRecord,
  RouteRecord,
  ServiceRecord,
  ServiceRouteRecord,
  VirtualServiceRecord,
  WaypointBinding,
  WorkloadRecord,
} from "./types.js";

export { WAYPOINT_CLASS };
export const USE_WAYPOINT = "istio.io/use-waypoint";
export const USE_WAYPOINT_NAMESPACE = "istio.io/use-waypoint-namespace";

const EMPTY: readonly never[] = [];
const ROUTE_KINDS = new Set(["HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute"]);

export interface RepoIndex {
  /** Root directory the index covers. */
  readonly root: string;
  /** Settings the index was built with. */
  readonly settings: PluginSettings;
  /** Every record of the repository (patches included, `assumeExists` pseudo-records not). */
  readonly resources: readonly ResourceRecord[];
  /** Build / revalidation counters of the cache entry, with this snapshot's file and record counts. */
  readonly stats: IndexStats;

  /** Records of a kind (patches included), optionally of one API group (`""` = core). */
  byKind(kind: string, group?: string): readonly ResourceRecord[];
  /** Records read from one file (absolute path). */
  inFile(file: string): readonly ResourceRecord[];
  /**
   * Core Services in a namespace (any when undefined), plus `assumeExists` Services. Like every list of a
   * snapshot, the same array for the same question (callers never change it; per-list caches key on it).
   */
  services(namespace?: string): readonly ServiceRecord[];
  /**
   * Services in `namespace` that select the same pods as the label set `labels` (e.g. an AuthorizationPolicy
   * `selector.matchLabels`): the Service `spec.selector` equals `labels`, or — using the workloads in the
   * repository — both select the same non-empty set of workloads. Exact matches come first. An empty
   * `labels` (namespace-wide) gives [].
   */
  servicesSelecting(labels: Labels, namespace: string | undefined): ServiceRecord[];
  /** Services in `namespace` whose selector selects a pod with these labels (selector ⊆ podLabels). */
  servicesForPod(podLabels: Labels, namespace: string | undefined): ServiceRecord[];
  /** Workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Rollout, Pod) in a namespace. */
  workloads(namespace?: string): readonly WorkloadRecord[];
  /** Gateways of class `istio-waypoint` in a namespace (with `serviceAccount`), plus `assumeExists` Gateways. */
  waypoints(namespace?: string): readonly GatewayRecord[];
  /** The waypoint Gateway `name` in `namespace` (repo or `assumeExists`), preferring an exact namespace. */
  waypoint(name: string, namespace: string | undefined): GatewayRecord | undefined;
  /** The Namespace resource `name` (a full one before a patch, an `assumeExists` one last). */
  namespaceRecord(name: string): NamespaceRecord | undefined;
  /**
   * Which waypoint a Service (or ServiceEntry) uses: its own `istio.io/use-waypoint` label, else its
   * Namespace's; `istio.io/use-waypoint-namespace` on the same object names the waypoint's namespace.
   * `none` is an explicit opt-out. Undefined when neither carries the label.
   */
  waypointBinding(service: ResourceRecord): WaypointBinding | undefined;
  /**
   * Routes for a Service: mesh VirtualServices whose `hosts` name it (short names resolved in the
   * VirtualService's namespace, `name.ns`, `name.ns.svc`, `name.ns.svc.<domain>`), and Gateway API routes
   * (HTTPRoute, GRPCRoute, TCPRoute, TLSRoute) with a `kind: Service` parentRef to it. Wildcard hosts are
   * not matched.
   */
  routesFor(serviceName: string, namespace: string | undefined): ServiceRouteRecord[];
  /** DestinationRules whose `host` names the same Service as `host` read in `namespace` (or the same literal host). */
  destinationRules(host: string, namespace: string | undefined): DestinationRuleRecord[];
  /**
   * The `assumeExists` entry matching kind, name and namespace, as a pseudo-record. Entry `name` and
   * `namespace` may be globs (`payments-*`); an entry without namespace matches every namespace.
   */
  assumed(kind: string, name: string, namespace?: string): ResourceRecord | undefined;
  /** The deployment units of the repository (see ./units.ts). */
  readonly units: readonly Unit[];
  /** The unit of an instance (undefined for patch and `assumeExists` records). */
  unitOf(record: ResourceRecord): Unit | undefined;
  /** Every instance of the document at `documentIndex` (and `listIndex`) of a file: one per unit that applies it. */
  instancesAt(file: string, documentIndex: number, listIndex?: number): ResourceRecord[];
}

export interface MutableCounters {
  builds: number;
  revalidations: number;
  parsed: number;
  reparsed: number;
  lastReparsed: string[];
  statCalls: number;
  overlays: number;
  /** Limits hit while walking (caps on files and bytes, files too large): one line each. */
  notes?: string[];
  /** Snapshots made, and how many of them reused the previous one's units (an edit re-renders what it touches). */
  snapshots?: number;
  incrementalSnapshots?: number;
  /** Units rendered and units taken over unchanged by the most recent snapshot. */
  lastRenderedUnits?: number;
  lastReusedUnits?: number;
  /** Revalidations done in the background (a timer, off the lint path), and how long the last one took (ms). */
  backgroundChecks?: number;
  backgroundMs?: number;
  /** Per-snapshot caches: built from scratch, or carried over from the previous snapshot with the edit applied. */
  caches?: Record<string, { built: number; carried: number }>;
}

/** What changed between a snapshot and the next one (records compared by identity). */
export interface SnapshotChanges {
  removed: readonly ResourceRecord[];
  added: readonly ResourceRecord[];
}

type CarryOver = (previous: RepoIndexSnapshot, next: RepoIndexSnapshot, changes: SnapshotChanges) => void;
const carryOvers: CarryOver[] = [];

/**
 * Registers a hook run when a snapshot replaces another after an edit (a changed buffer, a file changed on
 * disk): a per-snapshot cache moves to the next snapshot with only the changed records applied, instead of being
 * built again from the whole repository.
 */
export function onSnapshotChange(fn: CarryOver): void {
  carryOvers.push(fn);
}

/** Runs the hooks of `onSnapshotChange` and the snapshot's own carry-over. Never throws. */
export function carryOver(previous: RepoIndexSnapshot, next: RepoIndexSnapshot, changes: SnapshotChanges): void {
  try {
    next.carryFrom(previous, changes);
  } catch {
    // the caches are built again on first use
  }
  for (const fn of carryOvers) {
    try {
      fn(previous, next, changes);
    } catch {
      // idem
    }
  }
}

/** Counts a per-snapshot cache built from scratch (`built`) or carried over (`carried`) in the snapshot's counters. */
export function noteCache(index: RepoIndex, name: string, how: "built" | "carried"): void {
  if (!(index instanceof RepoIndexSnapshot)) return;
  index.noteCache(name, how);
}

// ---------------------------------------------------------------------------------------------------------
// Assembly: per-file parse results → the deployment model (units and instances, see ./units.ts).

const KUSTOMIZATION_PRIORITY = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

export interface AssembleOptions {
  /** Plain documents of a patch file (the index reads it from disk or from the linted buffer). */
  readPlain?(file: string): unknown[] | undefined;
  /** Files that are a unit of their own (unsaved buffers / stdin text not on disk). */
  ownUnitFiles?: ReadonlySet<string>;
  /** The previous assembly of the same repository: what did not change is taken over (see `buildModel`). */
  previous?: Assembled;
}

export interface Assembled {
  records: ResourceRecord[];
  units: Unit[];
  /** The model and its input, for the next incremental assembly. */
  model?: Model;
  input?: ModelInput;
}

/** Parsed files → the input of the deployment model (kustomizations by directory, records by file). */
export function modelInput(root: string, settings: PluginSettings, files: Iterable<[string, ParsedFile]>, options: AssembleOptions = {}): ModelInput {
  const kustByDir = new Map<string, { info: KustomizationInfo; priority: number }>();
  const records = new Map<string, ResourceRecord[]>();
  const known = new Set<string>();
  for (const [file, parsed] of files) {
    known.add(file);
    if (parsed.type === "kustomization") {
      const priority = KUSTOMIZATION_PRIORITY.indexOf(path.basename(file));
      const dir = parsed.kustomization.dir;
      const prev = kustByDir.get(dir);
      if (!prev || priority < prev.priority) kustByDir.set(dir, { info: parsed.kustomization, priority });
    } else if (parsed.type === "resources") {
      records.set(file, parsed.records);
    }
  }
  return {
    root,
    records,
    kustomizations: new Map([...kustByDir].map(([d, k]) => [d, k.info])),
    files: known,
    readPlain: options.readPlain ?? (() => undefined),
    unitGlobs: settings.units ?? [],
    ownUnitFiles: options.ownUnitFiles,
    defaultNamespace: settings.defaultNamespace,
    previous: options.previous?.model && options.previous.input ? { input: options.previous.input, model: options.previous.model } : undefined,
  };
}

/**
 * Files → units and instances. Namespace of an instance: its unit's (Kustomize `namespace`, Flux
 * `targetNamespace` override `metadata.namespace`; Argo CD `destination.namespace` fills it), else
 * `metadata.namespace`, else `settings.defaultNamespace`, else unknown.
 */
export function assemble(root: string, settings: PluginSettings, files: Iterable<[string, ParsedFile]>, options: AssembleOptions = {}): Assembled {
  const input = modelInput(root, settings, files, options);
  const model = buildModel(input);
  // The previous input is not kept alive by the next one.
  input.previous = undefined;
  return { records: model.records, units: model.units, model, input };
}


// ---------------------------------------------------------------------------------------------------------

function isCoreService(r: ResourceRecord): r is ServiceRecord {
  return r.kind === "Service" && r.group === "";
}

/** A Gateway API Gateway of a waypoint class in Istio `istioVersion` (lib/versions.ts). */
function isWaypointGateway(r: ResourceRecord, istioVersion: string): r is GatewayRecord {
  return r.kind === "Gateway" && r.group === GATEWAY_API_GROUP && isWaypointClass(r.gatewayClassName, istioVersion);
}

function hasGlob(s: string): boolean {
  return /[*?[{]/.test(s);
}

const DEFAULT_GROUPS: Record<string, string> = {
  Service: "",
  Namespace: "",
  ServiceAccount: "",
  Gateway: GATEWAY_API_GROUP,
  HTTPRoute: GATEWAY_API_GROUP,
  GRPCRoute: GATEWAY_API_GROUP,
  GatewayClass: GATEWAY_API_GROUP,
  VirtualService: "networking.istio.io",
  DestinationRule: "networking.istio.io",
  ServiceEntry: "networking.istio.io",
  AuthorizationPolicy: "security.istio.io",
  RequestAuthentication: "security.istio.io",
  PeerAuthentication: "security.istio.io",
};

/** The names a record is found by in `byServiceName` (a host's first DNS label, a parentRef name). */
const nameKeys = {
  routes: (r: ResourceRecord): string[] =>
    r.kind === "VirtualService" ? (r.hosts ?? []).map(hostShortName) : ROUTE_KINDS.has(r.kind) ? (r.parentRefs ?? []).map((p) => p.name) : [],
  destinationRules: (r: ResourceRecord): string[] => (r.kind === "DestinationRule" && typeof r.host === "string" ? [hostShortName(r.host)] : []),
};

interface Partition {
  all: ResourceRecord[];
  unknown: ResourceRecord[];
  byNamespace: Map<string, ResourceRecord[]>;
}

export class RepoIndexSnapshot implements RepoIndex {
  private kindMap: Map<string, ResourceRecord[]> | undefined;
  private fileMap: Map<string, ResourceRecord[]> | undefined;
  private position: Map<ResourceRecord, number> | undefined;
  /** Full (non-patch) records of one category, partitioned by namespace; built on first use. */
  private partitions = new Map<string, Partition>();
  private nameMaps = new Map<string, Map<string, ResourceRecord[]>>();
  private memos = new Map<string, unknown>();
  private unitMap: Map<string, Unit> | undefined;

  constructor(
    readonly root: string,
    readonly settings: PluginSettings,
    readonly resources: readonly ResourceRecord[],
    private readonly counters: MutableCounters,
    private readonly fileCount: number,
    readonly units: readonly Unit[] = [],
  ) {}

  /** See `noteCache`. */
  noteCache(name: string, how: "built" | "carried"): void {
    const caches = (this.counters.caches ??= {});
    (caches[name] ??= { built: 0, carried: 0 })[how]++;
  }

  /**
   * Takes over the caches of the snapshot this one replaces, with `changes` applied: lists of untouched kinds
   * and files are the same arrays, touched ones are patched (kept records, then the added ones in index order).
   */
  carryFrom(previous: RepoIndexSnapshot, changes: SnapshotChanges): void {
    const removed = new Set(changes.removed);
    const touchedKinds = new Set<string>();
    const touchedFiles = new Set<string>();
    let workloadsTouched = false;
    for (const list of [changes.removed, changes.added]) {
      for (const r of list) {
        touchedKinds.add(r.kind);
        touchedFiles.add(r.file);
        if (r.podLabels) workloadsTouched = true;
      }
    }
    const order = () => this.positions();
    const patch = (list: readonly ResourceRecord[], added: ResourceRecord[]): ResourceRecord[] => {
      const kept = list.filter((r) => !removed.has(r));
      if (!added.length) return kept;
      const pos = order();
      return [...kept, ...added].sort((a, b) => pos.get(a)! - pos.get(b)!);
    };
    // A map of lists keyed by `keyOf(record)`: the touched keys patched, the others the same arrays.
    const carry = (previousMap: Map<string, ResourceRecord[]>, touched: Set<string>, keyOf: (r: ResourceRecord) => string) => {
      const map = new Map(previousMap);
      for (const key of touched) {
        const next = patch(map.get(key) ?? [], changes.added.filter((r) => keyOf(r) === key));
        if (next.length) map.set(key, next);
        else map.delete(key);
      }
      return map;
    };
    if (previous.kindMap) {
      this.kindMap = carry(previous.kindMap, touchedKinds, (r) => r.kind);
      this.noteCache("byKind", "carried");
    }
    if (previous.fileMap) {
      this.fileMap = carry(previous.fileMap, touchedFiles, (r) => r.file);
      this.noteCache("inFile", "carried");
    }
    for (const [category, part] of previous.partitions) {
      const untouched = category === "workloads" ? !workloadsTouched : !touchedKinds.has(category.slice("kind:".length));
      if (!untouched) continue;
      this.partitions.set(category, part);
      this.noteCache("partitions", "carried");
    }
    for (const [category, map] of previous.nameMaps) {
      const keysOf = nameKeys[category as keyof typeof nameKeys];
      const changedRecords = [...changes.removed, ...changes.added].filter((r) => !r.partial && keysOf(r).length);
      let next = map;
      if (changedRecords.length) {
        // Only the keys the changed records name are patched (kept records, then the added ones in index order).
        next = new Map(map);
        const keys = new Set(changedRecords.flatMap(keysOf));
        for (const key of keys) {
          const added = changes.added.filter((r) => !r.partial && keysOf(r).includes(key));
          const list = patch(map.get(key) ?? [], added);
          if (list.length) next.set(key, list);
          else next.delete(key);
        }
      }
      this.nameMaps.set(category, next);
      this.noteCache(`names:${category}`, "carried");
    }
  }

  /** Index of each record in `resources` (built once per snapshot). */
  private positions(): Map<ResourceRecord, number> {
    if (!this.position) {
      const pos = new Map<ResourceRecord, number>();
      this.resources.forEach((r, i) => pos.set(r, i));
      this.position = pos;
    }
    return this.position;
  }

  get stats(): IndexStats {
    const c = this.counters;
    return {
      root: this.root,
      files: this.fileCount,
      resources: this.resources.length,
      builds: c.builds,
      revalidations: c.revalidations,
      parsed: c.parsed,
      reparsed: c.reparsed,
      lastReparsed: [...c.lastReparsed],
      statCalls: c.statCalls,
      overlays: c.overlays,
      notes: [...(c.notes ?? [])],
      units: this.units.length,
      snapshots: c.snapshots ?? 0,
      incrementalSnapshots: c.incrementalSnapshots ?? 0,
      lastRenderedUnits: c.lastRenderedUnits ?? 0,
      lastReusedUnits: c.lastReusedUnits ?? 0,
      backgroundChecks: c.backgroundChecks ?? 0,
      ...(c.backgroundMs !== undefined ? { backgroundMs: c.backgroundMs } : {}),
      caches: Object.fromEntries(Object.entries(c.caches ?? {}).map(([k, v]) => [k, { ...v }])),
    };
  }

  byKind(kind: string, group?: string): readonly ResourceRecord[] {
    if (!this.kindMap) {
      this.noteCache("byKind", "built");
      this.kindMap = new Map();
      for (const r of this.resources) {
        const list = this.kindMap.get(r.kind);
        if (list) list.push(r);
        else this.kindMap.set(r.kind, [r]);
      }
    }
    const list = this.kindMap.get(kind) ?? EMPTY;
    if (group === undefined) return list;
    return this.memo(`byKind\0${kind}\0${group}`, () => list.filter((r) => r.group === group));
  }

  inFile(file: string): readonly ResourceRecord[] {
    if (!this.fileMap) {
      this.noteCache("inFile", "built");
      this.fileMap = new Map();
      for (const r of this.resources) {
        const list = this.fileMap.get(r.file);
        if (list) list.push(r);
        else this.fileMap.set(r.file, [r]);
      }
    }
    return this.fileMap.get(path.resolve(file)) ?? EMPTY;
  }

  /** One answer per snapshot and question (`key`): lists are immutable within a snapshot. */
  private memo<T>(key: string, make: () => T): T {
    let value = this.memos.get(key) as T | undefined;
    if (value === undefined) this.memos.set(key, (value = make()));
    return value;
  }

  /** Full (non-patch) records of a category in a namespace (any when undefined), in file order. */
  private select<T extends ResourceRecord>(category: string, pick: () => readonly ResourceRecord[], namespace: string | undefined): readonly T[] {
    let part = this.partitions.get(category);
    if (!part) {
      this.noteCache("partitions", "built");
      part = { all: [], unknown: [], byNamespace: new Map() };
      for (const r of pick()) {
        if (r.partial) continue;
        part.all.push(r);
        if (r.namespace === undefined) part.unknown.push(r);
        else {
          const list = part.byNamespace.get(r.namespace);
          if (list) list.push(r);
          else part.byNamespace.set(r.namespace, [r]);
        }
      }
      this.partitions.set(category, part);
    }
    if (namespace === undefined) return part.all as T[];
    const own = part.byNamespace.get(namespace) ?? EMPTY;
    if (!part.unknown.length) return own as T[];
    if (!own.length) return part.unknown as T[];
    const unknown = part.unknown;
    return this.memo(`select\0${category}\0${namespace}`, () => this.inFileOrder([...own, ...unknown])) as T[];
  }

  private inFileOrder(records: ResourceRecord[]): ResourceRecord[] {
    const pos = this.positions();
    return records.sort((a, b) => pos.get(a)! - pos.get(b)!);
  }

  private full(kind: string, namespace: string | undefined): readonly ResourceRecord[] {
    return this.select(`kind:${kind}`, () => this.byKind(kind), namespace);
  }

  services(namespace?: string): readonly ServiceRecord[] {
    return this.memo(`services\0${namespace ?? "\0"}`, () => [
      ...this.full("Service", namespace).filter(isCoreService),
      ...(this.assumedList("Service", namespace) as ServiceRecord[]),
    ]);
  }

  servicesSelecting(labels: Labels, namespace: string | undefined): ServiceRecord[] {
    // An empty selector means "every workload of the namespace", which no single Service stands for.
    if (Object.keys(labels).length === 0) return [];
    return sameSelection(this.full("Service", namespace).filter(isCoreService), this.workloads(namespace), labels);
  }

  servicesForPod(podLabels: Labels, namespace: string | undefined): ServiceRecord[] {
    return this.full("Service", namespace)
      .filter(isCoreService)
      .filter((s) => s.selector && selectorMatches(s.selector, podLabels));
  }

  workloads(namespace?: string): readonly WorkloadRecord[] {
    return this.select<WorkloadRecord>("workloads", () => this.resources.filter((r) => !!r.podLabels), namespace);
  }

  waypoints(namespace?: string): readonly GatewayRecord[] {
    return this.memo(`waypoints\0${namespace ?? "\0"}`, () => {
      const version = this.settings.istioVersion;
      const found = this.full("Gateway", namespace).filter((r): r is GatewayRecord => isWaypointGateway(r, version));
      const assumed = (this.assumedList("Gateway", namespace) as GatewayRecord[]).filter((g) => isWaypointClass(g.gatewayClassName, version));
      return [...found, ...assumed];
    });
  }

  waypoint(name: string, namespace: string | undefined): GatewayRecord | undefined {
    const inRepo = this.waypoints(namespace).filter((g) => g.name === name && !g.assumed);
    const exact = inRepo.find((g) => g.namespace !== undefined && g.namespace === namespace);
    if (exact) return exact;
    if (inRepo.length) return inRepo[0];
    const assumed = this.assumed("Gateway", name, namespace) as GatewayRecord | undefined;
    return assumed && isWaypointClass(assumed.gatewayClassName, this.settings.istioVersion) ? assumed : undefined;
  }

  namespaceRecord(name: string): NamespaceRecord | undefined {
    const all = this.byKind("Namespace", "").filter((r) => r.name === name) as NamespaceRecord[];
    return all.find((r) => !r.partial) ?? all[0] ?? (this.assumed("Namespace", name) as NamespaceRecord | undefined);
  }

  waypointBinding(service: ResourceRecord): WaypointBinding | undefined {
    return bindingOf(this, service);
  }

  routesFor(serviceName: string, namespace: string | undefined): ServiceRouteRecord[] {
    const out: ServiceRouteRecord[] = [];
    // Only routes naming this Service (by a host's or parentRef's first label) are examined: no scan of the repo.
    for (const r of this.byServiceName("routes", serviceName)) {
      if (r.kind === "VirtualService" && isIstioGroup(r.group)) {
        const vs = r as VirtualServiceRecord;
        if (vs.mesh && vs.hosts.some((h) => hostNamesService(h, vs.namespace, serviceName, namespace))) out.push(vs);
      } else if (ROUTE_KINDS.has(r.kind) && r.group === GATEWAY_API_GROUP) {
        const route = r as RouteRecord;
        const hit = route.parentRefs.some(
          (p) =>
            p.kind === "Service" &&
            (p.group === undefined || p.group === "" || p.group === "core") &&
            p.name === serviceName &&
            namespacesMatch(p.namespace ?? route.namespace, namespace),
        );
        if (hit) out.push(route);
      }
    }
    return out;
  }

  destinationRules(host: string, namespace: string | undefined): DestinationRuleRecord[] {
    const target = hostService(host, namespace);
    const candidates = target ? this.byServiceName("destinationRules", target.name) : this.byKind("DestinationRule");
    return candidates.filter((r): r is DestinationRuleRecord => {
      if (r.partial || !isIstioGroup(r.group) || typeof r.host !== "string") return false;
      if (!target) return r.host.trim().toLowerCase() === host.trim().toLowerCase();
      const ref = hostService(r.host, r.namespace);
      return !!ref && ref.name === target.name && namespacesMatch(ref.namespace, target.namespace);
    });
  }

  /**
   * Full records of a category keyed by the Service name they may refer to (the first DNS label of a host, or a
   * parentRef name), in file order. Built once per snapshot; lookups then cost no scan of the repository.
   */
  private byServiceName(category: "routes" | "destinationRules", serviceName: string): ResourceRecord[] {
    let map = this.nameMaps.get(category);
    if (!map) {
      this.noteCache(`names:${category}`, "built");
      map = new Map();
      const add = (key: string, r: ResourceRecord) => {
        const list = map!.get(key);
        if (!list) map!.set(key, [r]);
        else if (list[list.length - 1] !== r) list.push(r);
      };
      const keysOf = nameKeys[category];
      for (const r of this.resources) {
        if (r.partial) continue;
        for (const key of keysOf(r)) add(key, r);
      }
      this.nameMaps.set(category, map);
    }
    return map.get(serviceName.toLowerCase()) ?? map.get(serviceName) ?? [];
  }

  assumed(kind: string, name: string, namespace?: string): ResourceRecord | undefined {
    for (const entry of this.settings.assumeExists) {
      if (entry.kind !== kind || !globMatch(entry.name, name)) continue;
      if (entry.namespace !== undefined && namespace !== undefined && !globMatch(entry.namespace, namespace)) continue;
      const ns = entry.namespace !== undefined && !hasGlob(entry.namespace) ? entry.namespace : namespace;
      return makeAssumed(entry, name, ns);
    }
    return undefined;
  }

  unitOf(record: ResourceRecord): Unit | undefined {
    if (!record.unit) return undefined;
    if (!this.unitMap) this.unitMap = new Map(this.units.map((u) => [u.id, u]));
    return this.unitMap.get(record.unit);
  }

  instancesAt(file: string, documentIndex: number, listIndex?: number): ResourceRecord[] {
    return this.inFile(file).filter((r) => r.documentIndex === documentIndex && (r.listIndex ?? undefined) === listIndex && !r.synthetic);
  }

  /** `assumeExists` entries of a kind with a literal name, as pseudo-records, in a namespace (any when undefined). */
  private assumedList(kind: string, namespace: string | undefined): ResourceRecord[] {
    const out: ResourceRecord[] = [];
    for (const entry of this.settings.assumeExists) {
      if (entry.kind !== kind || hasGlob(entry.name)) continue;
      let ns: string | undefined;
      if (entry.namespace === undefined) ns = undefined;
      else if (!hasGlob(entry.namespace)) {
        if (!namespacesMatch(entry.namespace, namespace)) continue;
        ns = entry.namespace;
      } else {
        if (namespace === undefined || !globMatch(entry.namespace, namespace)) continue;
        ns = namespace;
      }
      out.push(makeAssumed(entry, entry.name, ns));
    }
    return out;
  }
}

/**
 * A pseudo-record for an `assumeExists` entry. Optional extra keys of the entry are honoured: `group`,
 * `labels` (e.g. a Namespace's `istio.io/use-waypoint`), and for Gateways `gatewayClassName` (default
 * `istio-waypoint`: an assumed Gateway is taken to be a waypoint) and `serviceAccount` (default: its name).
 */
function makeAssumed(entry: AssumedResource, name: string, namespace: string | undefined): ResourceRecord {
  const extra = entry as unknown as Record<string, unknown>;
  const group = typeof extra.group === "string" ? extra.group : (DEFAULT_GROUPS[entry.kind] ?? "");
  const rec: ResourceRecord = {
    file: "",
    line: 0,
    documentIndex: -1,
    apiVersion: "",
    group,
    kind: entry.kind,
    name,
    namespace: entry.kind === "Namespace" ? undefined : namespace,
    namespaceSource: entry.kind === "Namespace" ? "cluster" : namespace ? "metadata" : "unknown",
    labels: isObject(extra.labels) ? stringMap(extra.labels) : {},
    annotations: {},
    partial: false,
    assumed: true,
  };
  if (entry.kind === "Service") {
    rec.selector = null;
    rec.ports = [];
  } else if (entry.kind === "Gateway") {
    rec.gatewayClassName = typeof extra.gatewayClassName === "string" ? extra.gatewayClassName : WAYPOINT_CLASS;
    rec.listeners = [];
    rec.serviceAccount = typeof extra.serviceAccount === "string" ? extra.serviceAccount : name;
  }
  return rec;
}

/** `RepoIndex.waypointBinding` over any index (the lookups it makes are the index's own, scoped or not). */
export function bindingOf(index: Pick<RepoIndex, "namespaceRecord" | "waypoint">, service: ResourceRecord): WaypointBinding | undefined {
  let source: "service" | "namespace" | undefined;
  let holder: ResourceRecord | undefined;
  if (service.labels[USE_WAYPOINT]?.trim()) {
    source = "service";
    holder = service;
  } else if (service.namespace) {
    const ns = index.namespaceRecord(service.namespace);
    if (ns && ns.labels[USE_WAYPOINT]?.trim()) {
      source = "namespace";
      holder = ns;
    }
  }
  if (!source || !holder) return undefined;
  const value = holder.labels[USE_WAYPOINT].trim();
  if (value === "none") {
    return { source, labelledBy: holder, optedOut: true, name: undefined, namespace: undefined, gateway: undefined };
  }
  const namespace = holder.labels[USE_WAYPOINT_NAMESPACE]?.trim() || service.namespace;
  return {
    source,
    labelledBy: holder,
    optedOut: false,
    name: value,
    namespace,
    gateway: index.waypoint(value, namespace),
  };
}

/** Services among `candidates` that select the same pods as `labels` (exact selector first, then by workloads). */
export function sameSelection(candidates: readonly ServiceRecord[], workloads: readonly WorkloadRecord[], labels: Labels): ServiceRecord[] {
  if (Object.keys(labels).length === 0) return [];
  const withSelector = candidates.filter((s) => s.selector);
  const exact = withSelector.filter((s) => sameLabels(s.selector!, labels));
  const selected = (sel: Labels) => new Set(workloads.filter((w) => selectorMatches(sel, w.podLabels)));
  const wanted = selected(labels);
  const samePods = wanted.size
    ? withSelector.filter((s) => {
        if (exact.includes(s)) return false;
        const got = selected(s.selector!);
        return got.size === wanted.size && [...got].every((w) => wanted.has(w));
      })
    : [];
  return [...exact, ...samePods];
}
