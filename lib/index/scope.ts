/**
 * The repository as one deployment unit sees it: lookups resolve in the same unit first; outside it, only a
 * unique match counts (an object that exists once in the repository, in the asked namespace). Copies of one
 * object in different units (the same app in `clusters/east` and `clusters/west`) are never merged: from a
 * third unit they are ambiguous and not returned.
 *
 * Within the unit, a record of unknown namespace may be in any namespace (it is applied with the others);
 * outside it, only records of the asked namespace count.
 */
import type { Labels } from "../k8s/selector.js";
import { bindingOf, noteCache, onSnapshotChange, sameSelection, type RepoIndex } from "./repo-index.js";
import type {
  DestinationRuleRecord,
  GatewayRecord,
  IndexStats,
  NamespaceRecord,
  ResourceRecord,
  ServiceRecord,
  ServiceRouteRecord,
  WaypointBinding,
  WorkloadRecord,
} from "./types.js";
import type { Unit } from "./units.js";

const scopes = new WeakMap<RepoIndex, Map<string, RepoIndex>>();

/** The index as `unit` sees it (the index itself when `unit` is undefined). Cached per snapshot and unit. */
export function scopedIndex(index: RepoIndex, unit: string | undefined): RepoIndex {
  if (!unit) return index;
  let byUnit = scopes.get(index);
  if (!byUnit) scopes.set(index, (byUnit = new Map()));
  let scoped = byUnit.get(unit);
  if (!scoped) byUnit.set(unit, (scoped = new ScopedIndex(index, unit)));
  return scoped;
}

/** The whole-repository index behind a scoped one (the index itself otherwise): per-snapshot caches key on it. */
export function baseOf(index: RepoIndex): RepoIndex {
  return index instanceof ScopedIndex ? index.base : index;
}

/**
 * The records of `list` that `index` sees: all of them for a whole-repository index; for a unit's view, the
 * unit's own and the unique ones of the asked namespace (any when undefined). Cheap on short lists.
 */
export function visibleIn<T extends ResourceRecord>(index: RepoIndex, list: readonly T[], namespace?: string): T[] {
  return index instanceof ScopedIndex ? index.visible(list, namespace) : list.slice();
}

/**
 * Does `index` see a record of a base list (as `visibleIn(index, list)` without a namespace decides)? Always for a
 * whole-repository index. Lets per-snapshot tables built on the base index serve every unit's view.
 */
export function sees(index: RepoIndex, r: ResourceRecord): boolean {
  return index instanceof ScopedIndex ? index.sees(r) : true;
}

const identities = new WeakMap<ResourceRecord, string>();
function identity(r: ResourceRecord): string {
  let key = identities.get(r);
  if (key === undefined) identities.set(r, (key = `${r.kind}\0${r.group}\0${r.namespace ?? ""}\0${r.name}`));
  return key;
}

/** A base list prepared once per snapshot: what every unit sees of it, and the records only some units see. */
interface Prepared<T> {
  all: readonly T[];
  /** Unique records of the asked namespace, and assumed ones: every unit sees them. */
  shared: Set<T>;
  sharedList: T[];
  /** Units with records outside `shared` (copies, unknown namespace): they see those too. */
  ownUnits: Set<string>;
}
const prepared = new WeakMap<RepoIndex, Map<string, Prepared<ResourceRecord>>>();

function prepare<T extends ResourceRecord>(base: RepoIndex, key: string, list: () => readonly T[], namespace: string | undefined): Prepared<T> {
  let byKey = prepared.get(base);
  if (!byKey) prepared.set(base, (byKey = new Map()));
  let p = byKey.get(key) as Prepared<T> | undefined;
  if (!p) {
    const all = list();
    const shared = new Set<T>();
    const ownUnits = new Set<string>();
    for (const r of all) {
      if (r.assumed || (!r.partial && (namespace === undefined || r.namespace === namespace) && instanceCount(base, identity(r)) === 1)) shared.add(r);
      else if (r.unit) ownUnits.add(r.unit);
    }
    p = { all, shared, sharedList: all.filter((r) => shared.has(r)), ownUnits };
    byKey.set(key, p as Prepared<ResourceRecord>);
  }
  return p;
}

class ScopedIndex implements RepoIndex {
  constructor(
    readonly base: RepoIndex,
    readonly unit: string,
  ) {}

  get root(): string {
    return this.base.root;
  }
  get settings() {
    return this.base.settings;
  }
  get resources(): readonly ResourceRecord[] {
    return this.base.resources;
  }
  get stats(): IndexStats {
    return this.base.stats;
  }
  get units(): readonly Unit[] {
    return this.base.units;
  }

  /** Same-unit records (and assumed ones) as they are; others only when unique and of the asked namespace. */
  visible<T extends ResourceRecord>(list: readonly T[], namespace: string | undefined): T[] {
    return list.filter((r) => {
      if (r.assumed || r.unit === this.unit) return true;
      if (r.partial) return false;
      if (namespace !== undefined && r.namespace !== namespace) return false;
      return instanceCount(this.base, identity(r)) === 1;
    });
  }

  /** `visible` of one record, without a namespace. */
  sees(r: ResourceRecord): boolean {
    if (r.assumed || r.unit === this.unit) return true;
    return !r.partial && instanceCount(this.base, identity(r)) === 1;
  }

  /** This unit's answers (the same array for the same question, as the base index's are). */
  private lists = new Map<string, readonly ResourceRecord[]>();

  /**
   * A base query as this unit sees it, from a list prepared once per snapshot: the list every unit shares when
   * the unit has no records of its own outside it, else the unit's own list (made once).
   */
  private scoped<T extends ResourceRecord>(key: string, list: () => readonly T[], namespace: string | undefined): readonly T[] {
    const p = prepare(this.base, key, list, namespace);
    if (!p.ownUnits.has(this.unit)) return p.sharedList;
    let mine = this.lists.get(key) as readonly T[] | undefined;
    if (!mine) this.lists.set(key, (mine = p.all.filter((r) => p.shared.has(r) || r.unit === this.unit)));
    return mine;
  }

  byKind(kind: string, group?: string): readonly ResourceRecord[] {
    return this.scoped(`byKind\0${kind}\0${group ?? "*"}`, () => this.base.byKind(kind, group), undefined);
  }
  inFile(file: string): readonly ResourceRecord[] {
    const all = this.base.inFile(file);
    const mine = new Set(all.filter((r) => r.unit === this.unit).map((r) => `${r.documentIndex}\0${r.listIndex ?? ""}`));
    return all.filter((r) => r.unit === this.unit || !mine.has(`${r.documentIndex}\0${r.listIndex ?? ""}`));
  }
  instancesAt(file: string, documentIndex: number, listIndex?: number): ResourceRecord[] {
    return this.base.instancesAt(file, documentIndex, listIndex);
  }
  unitOf(record: ResourceRecord): Unit | undefined {
    return this.base.unitOf(record);
  }
  services(namespace?: string): readonly ServiceRecord[] {
    return this.scoped(`services\0${namespace ?? "*"}`, () => this.base.services(namespace), namespace);
  }
  servicesSelecting(labels: Labels, namespace: string | undefined): ServiceRecord[] {
    return sameSelection(this.services(namespace).filter((s) => !s.assumed), this.workloads(namespace), labels);
  }
  servicesForPod(podLabels: Labels, namespace: string | undefined): ServiceRecord[] {
    return this.visible(this.base.servicesForPod(podLabels, namespace), namespace);
  }
  workloads(namespace?: string): readonly WorkloadRecord[] {
    return this.scoped(`workloads\0${namespace ?? "*"}`, () => this.base.workloads(namespace), namespace);
  }
  waypoints(namespace?: string): readonly GatewayRecord[] {
    return this.scoped(`waypoints\0${namespace ?? "*"}`, () => this.base.waypoints(namespace), namespace);
  }
  waypoint(name: string, namespace: string | undefined): GatewayRecord | undefined {
    const inRepo = this.waypoints(namespace).filter((g) => g.name === name && !g.assumed);
    const exact = inRepo.find((g) => g.namespace !== undefined && g.namespace === namespace);
    if (exact) return exact;
    if (inRepo.length) return inRepo[0];
    const assumed = this.base.waypoint(name, namespace);
    return assumed?.assumed ? assumed : undefined;
  }
  namespaceRecord(name: string): NamespaceRecord | undefined {
    const all = this.visible(
      this.byKind("Namespace", "").filter((r) => r.name === name),
      undefined,
    ) as NamespaceRecord[];
    return all.find((r) => !r.partial) ?? all[0] ?? (this.base.assumed("Namespace", name) as NamespaceRecord | undefined);
  }
  waypointBinding(service: ResourceRecord): WaypointBinding | undefined {
    return bindingOf(this, service);
  }
  routesFor(serviceName: string, namespace: string | undefined): ServiceRouteRecord[] {
    return this.visible(this.base.routesFor(serviceName, namespace), undefined);
  }
  destinationRules(host: string, namespace: string | undefined): DestinationRuleRecord[] {
    return this.visible(this.base.destinationRules(host, namespace), undefined);
  }
  assumed(kind: string, name: string, namespace?: string): ResourceRecord | undefined {
    return this.base.assumed(kind, name, namespace);
  }
}

/**
 * Instances of one identity across the repository, counted once per snapshot. After an edit the next snapshot's
 * counts are the previous ones with the changed records applied (a small delta over the same base map).
 */
interface Counts {
  base: Map<string, number>;
  delta: Map<string, number> | undefined;
}
const identityCounts = new WeakMap<RepoIndex, Counts>();
function countsOf(index: RepoIndex): Counts {
  let counts = identityCounts.get(index);
  if (!counts) {
    noteCache(index, "identities", "built");
    const base = new Map<string, number>();
    for (const x of index.resources) {
      if (x.partial) continue;
      const k = identity(x);
      base.set(k, (base.get(k) ?? 0) + 1);
    }
    identityCounts.set(index, (counts = { base, delta: undefined }));
  }
  return counts;
}
function instanceCount(index: RepoIndex, key: string): number {
  const counts = countsOf(index);
  return counts.delta?.get(key) ?? counts.base.get(key) ?? 0;
}

onSnapshotChange((previous, next, changes) => {
  const counts = identityCounts.get(previous);
  if (!counts) return;
  const delta = new Map(counts.delta ?? []);
  // Folding the delta into a new base once it grows keeps lookups to two maps.
  if (delta.size > 4096) return;
  const get = (k: string) => delta.get(k) ?? counts.base.get(k) ?? 0;
  for (const r of changes.removed) if (!r.partial) delta.set(identity(r), get(identity(r)) - 1);
  for (const r of changes.added) if (!r.partial) delta.set(identity(r), get(identity(r)) + 1);
  identityCounts.set(next, { base: counts.base, delta });
  noteCache(next, "identities", "carried");
});
