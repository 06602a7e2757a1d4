/**
 * Deployment units and instances: what the repository applies together, and every record as each unit
 * applies it. Pure of the file system: the caller hands in the parsed files and a reader for patch files.
 *
 * Units, in the order they claim files:
 * 1. Argo CD `Application`s (and `ApplicationSet` list generators) and Flux `Kustomization`s whose path is in
 *    the repository: the path's kustomization rendered (or its manifest files), then the app's namespace
 *    (Argo `destination.namespace` for objects without one; Flux `targetNamespace` for all), Flux
 *    `commonMetadata`, and Argo `managedNamespaceMetadata` labels on the Namespace it creates. A Helm chart or a
 *    remote source is outside the repository.
 * 2. Kustomizations that no other kustomization (and no app) includes, rendered as `kustomize build` does
 *    (see `./kustomize.ts`). A base included by two overlays has an instance in each.
 * 3. Every manifest no unit renders: the directory matching a `settings.units` glob nearest above it, else
 *    its own directory (sibling folders are alternatives until something says they are applied together).
 * Kustomize patch files are not resources: they are applied to the instances they patch, and their own
 * records stay in the index as `partial` records without a unit.
 */
import path from "node:path";
import type { Labels } from "../k8s/selector.js";
import { globMatcher } from "./glob.js";
import {
  applyAnnotations,
  applyLabels,
  applyNamespace,
  applyPatch,
  applyPrefixSuffix,
  fillNamespace,
  isRemote,
  type KustomizationInfo,
  type Rendering,
} from "./kustomize.js";
import type { AppSpec, ResourceRecord } from "./types.js";

export type UnitOrigin = "kustomize" | "argocd" | "flux" | "folder" | "settings" | "buffer";

export interface Unit {
  /** Stable id (`kustomize:overlays/dev`, `argocd:argocd/shop`, `folder:apps/reviews`). */
  id: string;
  origin: UnitOrigin;
  /** The directory it renders (absolute; the file itself for a `buffer` unit). */
  dir: string;
  /** For messages: `overlay overlays/dev`, `Argo CD Application shop`, `folder apps/reviews`. */
  label: string;
  /** The namespace it deploys to, when one is set for all of it. */
  namespace: string | undefined;
  /** What it takes from outside the repository (remote bases, Helm charts). */
  outside: string[];
  /** The Application / Flux Kustomization that declares it. */
  declaredBy?: { file: string; line: number };
}

export interface ModelInput {
  root: string;
  /** Resource records per file (patch files included). */
  records: Map<string, ResourceRecord[]>;
  /** Kustomization infos per directory (the preferred file name when a directory has several). */
  kustomizations: Map<string, KustomizationInfo>;
  /** Files known to the index (any type), for `Chart.yaml` look-ups. */
  files: Set<string>;
  /** Plain documents of a patch file (undefined when it cannot be read). */
  readPlain(file: string): unknown[] | undefined;
  /** `settings.units`. */
  unitGlobs: readonly string[];
  /** Files that are a unit of their own (an unsaved buffer or stdin text that is not on disk). */
  ownUnitFiles?: ReadonlySet<string>;
  /** `settings.defaultNamespace`: the namespace of instances that have none. */
  defaultNamespace?: string;
  /**
   * The previous model of the same repository and its input: units that read none of the changed files are
   * taken over as they are (same unit and instance objects), so that an edit re-renders only what it touches.
   */
  previous?: { input: ModelInput; model: Model };
}

export interface Model {
  units: Unit[];
  /** Every instance (non-patch records), then the patch records (partial, no unit). */
  records: ResourceRecord[];
  /** Patch files (absolute). */
  patchFiles: Set<string>;
  /** Per unit: what it emitted and which files its rendering read (for the next incremental build). */
  parts: Map<string, UnitPart>;
  /** The patch records (the tail of `records`). */
  patchRecords: ResourceRecord[];
  /** The files with records, sorted. */
  sortedFiles: string[];
  /** Against `previous`: the instances no longer there and the new ones (undefined after a full build). */
  changes?: { removed: ResourceRecord[]; added: ResourceRecord[]; reusedUnits: number; renderedUnits: number };
}

/** One unit's share of a model. */
export interface UnitPart {
  unit: Unit;
  instances: ResourceRecord[];
  /** Files whose records (or patch documents) the rendering read (loose units: the keys of `byFile`). */
  reads: ReadonlySet<string>;
  /** Files with a (non-synthetic) instance in this unit (loose units: none recorded). */
  rendered: ReadonlySet<string>;
  /** Files an app claimed as plain manifests (Argo CD / Flux paths). */
  claimed: string[];
  /** Loose units: the instances of each file (reused per file when only another file changed). */
  byFile?: Map<string, ResourceRecord[]>;
}

function rel(root: string, p: string): string {
  const r = path.relative(root, p).split(path.sep).join("/");
  return r || ".";
}

function isInside(child: string, parent: string): boolean {
  const r = path.relative(parent, child);
  return r === "" || (!r.startsWith("..") && !path.isAbsolute(r));
}

/**
 * The files whose parse differs from the previous input, when the previous model can be reused: same files,
 * same kustomizations, and the changed files are plain manifests (no patch file, no Argo CD / Flux app, no
 * unit of their own) before and after. Undefined when the model must be built from scratch.
 */
function reusableChanges(input: ModelInput): Set<string> | undefined {
  const prev = input.previous?.input;
  if (!prev || !input.previous) return undefined;
  if (prev.root !== input.root || prev.defaultNamespace !== input.defaultNamespace || prev.unitGlobs.join("\0") !== input.unitGlobs.join("\0")) return undefined;
  if (prev.files.size !== input.files.size || prev.records.size !== input.records.size || prev.kustomizations.size !== input.kustomizations.size) return undefined;
  for (const [dir, info] of input.kustomizations) if (prev.kustomizations.get(dir) !== info) return undefined;
  const own = input.ownUnitFiles ?? new Set<string>();
  const prevOwn = prev.ownUnitFiles ?? new Set<string>();
  if (own.size !== prevOwn.size) return undefined;
  for (const f of own) if (!prevOwn.has(f)) return undefined;
  const changed = new Set<string>();
  for (const [file, list] of input.records) {
    const old = prev.records.get(file);
    if (old === list) continue;
    if (!old || input.previous.model.patchFiles.has(file)) return undefined;
    if (list.some((r) => r.deploys) || old.some((r) => r.deploys)) return undefined;
    changed.add(file);
  }
  for (const f of changed) if (!prev.files.has(f)) return undefined;
  return changed;
}

export function buildModel(input: ModelInput): Model {
  const changed = reusableChanges(input);
  if (changed) {
    const model = buildModelWith(input, changed);
    if (model) return model;
  }
  return buildModelWith(input, undefined)!;
}

/** Builds the model; with `changed`, reuses the previous model's units that read none of those files (undefined when a changed file moved between rendered and loose: build again from scratch). */
function buildModelWith(input: ModelInput, changed: Set<string> | undefined): Model | undefined {
  const { root, records, kustomizations } = input;
  const prevParts = changed ? input.previous!.model.parts : undefined;
  const reusable = (id: string): UnitPart | undefined => {
    const part = prevParts?.get(id);
    if (!part) return undefined;
    const reads = part.byFile ?? part.reads;
    for (const f of changed!) if (reads.has(f)) return undefined;
    return part;
  };
  const parts = new Map<string, UnitPart>();
  let reusedUnits = 0;
  let renderedUnits = 0;
  const patchFiles = new Set<string>();
  for (const k of kustomizations.values()) for (const p of k.patchFiles) patchFiles.add(p);

  // ---- which kustomizations are included by another one (or by an app), which files are resources of one
  const included = new Set<string>();
  for (const k of kustomizations.values()) {
    for (const entry of [...k.resources, ...k.components]) {
      if (isRemote(entry)) continue;
      const p = path.resolve(k.dir, entry);
      if (kustomizations.has(p)) included.add(p);
    }
  }

  const apps: { spec: AppSpec; rec: ResourceRecord }[] = [];
  for (const list of records.values()) {
    for (const rec of list) for (const spec of rec.deploys ?? []) apps.push({ spec, rec });
  }

  const units: Unit[] = [];
  const out: ResourceRecord[] = [];
  const rendered = new Set<string>(); // files with at least one instance
  const { render, fileRenderings, collect } = renderer(input);
  const defaultNamespace = input.defaultNamespace;

  const instanceOf = (r: Rendering, unit: Unit): ResourceRecord => {
    const rec: ResourceRecord = { ...r.rec, unit: unit.id };
    if (defaultNamespace && rec.namespaceSource === "unknown") {
      rec.namespace = defaultNamespace;
      rec.namespaceSource = "default";
    }
    return rec;
  };
  const addPart = (part: UnitPart) => {
    units.push(part.unit);
    parts.set(part.unit.id, part);
    for (const rec of part.instances) out.push(rec);
    for (const f of part.rendered) rendered.add(f);
  };
  const emit = (unit: Unit, list: Rendering[], reads: Set<string>, claimed: string[] = NO_CLAIMS) => {
    renderedUnits++;
    const previous = prevParts?.get(unit.id)?.instances;
    const instances: ResourceRecord[] = [];
    const renderedFiles = new Set<string>();
    list.forEach((r, i) => {
      let rec = instanceOf(r, unit);
      // The same instance as before (a unit re-rendered for another of its files): keep the old object.
      const old = previous?.[i];
      if (old && sameValue(old, rec)) rec = old;
      instances.push(rec);
      if (!r.rec.synthetic) renderedFiles.add(r.rec.file);
    });
    addPart({ unit, instances, reads, rendered: renderedFiles, claimed });
  };
  /** A previous unit whose inputs did not change: the same objects. */
  const reuse = (part: UnitPart) => {
    reusedUnits++;
    addPart(part);
    for (const f of part.claimed) claimedFiles.add(f);
  };

  // ---- 1. Argo CD and Flux apps
  const claimedFiles = new Set<string>();
  const appUnitIds = new Set<string>();
  for (const { spec, rec } of apps) {
    const id = `${spec.origin}:${rec.namespace ? `${rec.namespace}/` : ""}${spec.name}`;
    if (appUnitIds.has(id)) continue;
    appUnitIds.add(id);
    const same = reusable(id);
    if (same) {
      reuse(same);
      continue;
    }
    const reads = new Set<string>();
    const claimed: string[] = [];
    collect(reads, () => {
    const label = `${spec.origin === "argocd" ? "Argo CD Application" : "Flux Kustomization"} ${spec.name}`;
    const outside: string[] = [];
    let list: Rendering[] = [];
    let dirForUnit = root;
    for (const p of spec.paths) {
      const dir = path.resolve(root, p.replace(/^\.?\//, "") || ".");
      if (!isInside(dir, root)) {
        outside.push(p);
        continue;
      }
      dirForUnit = dir;
      if (input.files.has(path.join(dir, "Chart.yaml"))) {
        outside.push(`Helm chart ${rel(root, dir)}`);
        continue;
      }
      if (kustomizations.has(dir)) {
        included.add(dir);
        const r = render(dir, []);
        list = list.concat(r.list);
        outside.push(...r.outside);
      } else {
        // Argo CD: the directory's manifests (recursively with `directory.recurse`); Flux: a generated
        // kustomization of every manifest below the path, subfolders with a kustomization rendered as such.
        const recurse = spec.origin === "flux" || spec.recurse;
        const found = plainFiles(dir, recurse, spec.origin === "flux");
        for (const f of found.files) {
          claimedFiles.add(f);
          claimed.push(f);
          list = list.concat(fileRenderings(f));
        }
        for (const k of found.kustomizations) {
          included.add(k);
          const r = render(k, []);
          list = list.concat(r.list);
          outside.push(...r.outside);
        }
      }
    }
    if (spec.helm) outside.push(spec.helm);
    if (spec.namespace) list = spec.override ? applyNamespace(list, spec.namespace) : fillNamespace(list, spec.namespace);
    if (spec.labels && Object.keys(spec.labels).length) list = applyLabels(list, { pairs: spec.labels, includeSelectors: false, includeTemplates: false });
    if (spec.annotations) list = applyAnnotations(list, spec.annotations);
    if (spec.namespace && spec.namespaceLabels) list = withNamespaceLabels(list, spec.namespace, spec.namespaceLabels, rec);
    emit({ id, origin: spec.origin, dir: dirForUnit, label, namespace: spec.namespace, outside, declaredBy: { file: rec.file, line: rec.line } }, list, reads, claimed);
    });
  }

  // ---- 2. top-level kustomizations
  const sortedDirs = [...kustomizations.keys()].sort();
  for (const dir of sortedDirs) {
    const info = kustomizations.get(dir)!;
    if (included.has(dir) || info.component) continue;
    const id = `kustomize:${rel(root, dir)}`;
    const same = reusable(id);
    if (same) {
      reuse(same);
      continue;
    }
    const reads = new Set<string>();
    const r = collect(reads, () => render(dir, []));
    emit({ id, origin: "kustomize", dir, label: `kustomization ${rel(root, dir)}`, namespace: info.namespace, outside: r.outside }, r.list, reads);
  }

  // ---- 3. loose manifests: settings.units folders, else their own folder
  const looseUnits = new Map<string, { unit: Unit; files: string[] }>();
  const looseUnitOfFile = looseUnitResolver(input);
  // The same files as before when the previous model is reused: the same sorted list.
  const files = changed ? input.previous!.model.sortedFiles : [...records.keys()].sort();
  for (const file of files) {
    if (patchFiles.has(file) || rendered.has(file) || claimedFiles.has(file)) continue;
    let unit: Unit;
    if (input.ownUnitFiles?.has(file)) {
      unit = { id: `buffer:${rel(root, file)}`, origin: "buffer", dir: file, label: `text of ${path.basename(file)}`, namespace: undefined, outside: [] };
    } else {
      const { id, dir, declared, label } = looseUnitOfFile(file);
      unit = looseUnits.get(id)?.unit ?? { id, origin: declared ? "settings" : "folder", dir, label, namespace: undefined, outside: [] };
    }
    const entry = looseUnits.get(unit.id) ?? { unit, files: [] };
    entry.files.push(file);
    looseUnits.set(unit.id, entry);
  }
  for (const { unit, files: unitFiles } of looseUnits.values()) {
    const previous = prevParts?.get(unit.id);
    const same = reusable(unit.id);
    if (same && same.byFile && same.byFile.size === unitFiles.length && unitFiles.every((f) => same.byFile!.has(f))) {
      reuse(same);
      continue;
    }
    // Per file: a file that did not change keeps its instances (the unit's other files are untouched by an edit).
    renderedUnits++;
    const byFile = new Map<string, ResourceRecord[]>();
    const instances: ResourceRecord[] = [];
    const theUnit = previous && sameValue(previous.unit, unit) ? previous.unit : unit;
    for (const f of unitFiles) {
      let list = previous && !changed!.has(f) ? previous.byFile?.get(f) : undefined;
      if (!list) list = fileRenderings(f).map((r) => instanceOf(r, theUnit));
      byFile.set(f, list);
      for (const rec of list) instances.push(rec);
    }
    // A loose unit's reads are its files (`byFile`); what it renders matters to no other unit.
    addPart({ unit: theUnit, instances, reads: NO_FILES, rendered: NO_FILES, claimed: NO_CLAIMS, byFile });
  }

  // ---- patch records: kept once, partial, without a unit (namespace: the listing kustomization's, if it sets one)
  const patchNamespace = new Map<string, string>();
  for (const k of kustomizations.values()) if (k.namespace) for (const p of k.patchFiles) if (!patchNamespace.has(p)) patchNamespace.set(p, k.namespace);
  const patchRecords: ResourceRecord[] = [];
  if (changed) patchRecords.push(...input.previous!.model.patchRecords); // patch files are never among the changed ones
  else {
    for (const file of patchFiles) {
      for (const rec of records.get(file) ?? []) {
        const ns = patchNamespace.get(file);
        const patch: ResourceRecord = ns && rec.namespaceSource === "unknown" ? { ...rec, partial: true, namespace: ns, namespaceSource: "kustomization" } : { ...rec, partial: true };
        if (defaultNamespace && patch.namespaceSource === "unknown") {
          patch.namespace = defaultNamespace;
          patch.namespaceSource = "default";
        }
        patchRecords.push(patch);
      }
    }
  }
  for (const rec of patchRecords) out.push(rec);

  const model: Model = { units, records: out, patchFiles, parts, patchRecords, sortedFiles: files };
  if (changed) {
    const prev = input.previous!.model.parts;
    // A changed file that moved between rendered by a unit and loose changes the units: build from scratch.
    const renderedIn = (all: Map<string, UnitPart>, f: string) => {
      for (const part of all.values()) if (!part.byFile && part.rendered.has(f)) return true;
      return false;
    };
    for (const f of changed) if (renderedIn(prev, f) !== renderedIn(parts, f)) return undefined;
    // What changed: the instances of the units rendered again (the others are the same objects).
    const removed: ResourceRecord[] = [];
    const added: ResourceRecord[] = [];
    for (const [id, part] of parts) {
      const old = prev.get(id);
      if (old === part) continue;
      const before = new Set(old?.instances ?? []);
      const now = new Set(part.instances);
      for (const r of old?.instances ?? []) if (!now.has(r)) removed.push(r);
      for (const r of part.instances) if (!before.has(r)) added.push(r);
    }
    for (const [id, old] of prev) if (!parts.has(id)) removed.push(...old.instances);
    model.changes = { removed, added, reusedUnits, renderedUnits };
  }
  return model;

  function plainFiles(dir: string, recurse: boolean, kustomizationsAsUnits: boolean): { files: string[]; kustomizations: string[] } {
    const filesOut: string[] = [];
    const kusts: string[] = [];
    const kustDirs = kustomizationsAsUnits ? [...kustomizations.keys()].filter((k) => k !== dir && isInside(k, dir)) : [];
    for (const f of records.keys()) {
      if (patchFiles.has(f) || !isInside(f, dir)) continue;
      const parent = path.dirname(f);
      if (!recurse && parent !== dir) continue;
      if (kustDirs.some((k) => isInside(f, k))) continue;
      filesOut.push(f);
    }
    // Only the outermost kustomizations below the path.
    for (const k of kustDirs) if (!kustDirs.some((o) => o !== k && isInside(k, o))) kusts.push(k);
    return { files: filesOut.sort(), kustomizations: kusts.sort() };
  }
}

/** `kustomize build` over the parsed files: renders kustomization directories (memoised per renderer). */
export function renderer(input: Pick<ModelInput, "records" | "kustomizations" | "readPlain">) {
  const { records, kustomizations } = input;
  // The files read by the rendering under way (`collect`): a unit is rendered again only when one of them changes.
  let reads: Set<string> | undefined;
  const docsCache = new Map<string, unknown[] | undefined>();
  const patchDocs = (file: string) => {
    reads?.add(file);
    if (!docsCache.has(file)) docsCache.set(file, input.readPlain(file));
    return docsCache.get(file);
  };

  const fileRenderings = (file: string): Rendering[] => {
    reads?.add(file);
    return (records.get(file) ?? []).map((rec) => ({ rec: { ...rec, partial: false }, previousNames: [] }));
  };

  const renderMemo = new Map<string, { list: Rendering[]; outside: string[]; reads: Set<string> }>();
  /** `kustomize build` of a kustomization directory (memoised: a base renders the same for every includer). */
  const render = (dir: string, stack: string[]): { list: Rendering[]; outside: string[] } => {
    const memo = renderMemo.get(dir);
    if (memo) {
      if (reads) for (const f of memo.reads) reads.add(f);
      return memo;
    }
    const info = kustomizations.get(dir);
    if (!info || stack.includes(dir)) return { list: [], outside: [] };
    const outer = reads;
    const own = new Set<string>();
    reads = own;
    const outside: string[] = [];
    let list: Rendering[];
    try {
      list = accumulate(info, [], [...stack, dir], outside);
    } finally {
      reads = outer;
    }
    if (outer) for (const f of own) outer.add(f);
    const result = { list, outside, reads: own };
    renderMemo.set(dir, result);
    return result;
  };
  /** Runs `fn`, adding every file it reads to `into`. */
  const collect = <T>(into: Set<string>, fn: () => T): T => {
    const outer = reads;
    reads = into;
    try {
      return fn();
    } finally {
      reads = outer;
      if (outer) for (const f of into) outer.add(f);
    }
  };
  /**
   * One kustomization (or component) over the resources accumulated so far: its resources are added, its
   * components applied in order (each adds its resources and transforms everything), then its transformers.
   */
  function accumulate(info: KustomizationInfo, start: Rendering[], stack: string[], outside: string[]): Rendering[] {
    let list = start;
    outside.push(...info.helmCharts.map((h) => `Helm chart ${h}`));
    for (const entry of info.resources) {
      if (isRemote(entry)) {
        outside.push(entry);
        continue;
      }
      const p = path.resolve(info.dir, entry);
      if (kustomizations.has(p)) {
        const sub = render(p, stack);
        list = list.concat(sub.list);
        outside.push(...sub.outside);
      } else if (records.has(p)) {
        list = list.concat(fileRenderings(p));
      }
    }
    for (const entry of info.components) {
      if (isRemote(entry)) {
        outside.push(entry);
        continue;
      }
      const comp = kustomizations.get(path.resolve(info.dir, entry));
      if (!comp || stack.includes(comp.dir)) continue;
      list = accumulate(comp, list, [...stack, comp.dir], outside);
    }
    return transform(info, list);
  }

  function transform(info: KustomizationInfo, list: Rendering[]): Rendering[] {
    for (const spec of info.patches.filter((p) => !p.json6902)) {
      const docs = spec.inline ?? (spec.path ? patchDocs(spec.path) : undefined);
      if (docs) list = applyPatch(list, spec, docs);
    }
    if (info.namespace) list = applyNamespace(list, info.namespace);
    list = applyPrefixSuffix(list, info.namePrefix, info.nameSuffix);
    for (const entry of info.labels) list = applyLabels(list, entry);
    list = applyAnnotations(list, info.commonAnnotations);
    for (const spec of info.patches.filter((p) => p.json6902)) {
      const docs = spec.inline ?? (spec.path ? patchDocs(spec.path) : undefined);
      if (docs) list = applyPatch(list, spec, docs);
    }
    return list;
  }

  return { render, fileRenderings, collect };
}

const NO_FILES: ReadonlySet<string> = new Set<string>();
const NO_CLAIMS: string[] = [];

/** Structural equality of plain data (records, units): same keys, same values. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** The loose unit of a manifest no unit renders: the `settings.units` folder nearest above it, else its folder. Memoised per root and globs. */
/** Forgets the memoised loose units (with `clearIndexCache`). */
export function clearUnitMemo(): void {
  looseUnitMemo.clear();
}

interface LooseUnit {
  id: string;
  dir: string;
  declared: boolean;
  label: string;
}
const looseUnitMemo = new Map<string, { match: (p: string) => boolean; files: Map<string, LooseUnit>; dirs: Map<string, LooseUnit> }>();
function looseUnitResolver(input: ModelInput): (file: string) => LooseUnit {
  const key = `${input.root}\0${input.unitGlobs.join("\0")}`;
  let memo = looseUnitMemo.get(key);
  if (!memo) {
    if (looseUnitMemo.size > 16) looseUnitMemo.clear();
    looseUnitMemo.set(key, (memo = { match: globMatcher(input.unitGlobs), files: new Map(), dirs: new Map() }));
  }
  const m = memo;
  return (file) => looseUnitOf(input, m, file);
}
function looseUnitOf(input: ModelInput, memo: { match: (p: string) => boolean; files: Map<string, LooseUnit>; dirs: Map<string, LooseUnit> }, file: string): LooseUnit {
  let found = memo.files.get(file);
  if (found) return found;
  if (memo.files.size > 200_000) memo.files.clear();
  const fileDir = path.dirname(file);
  found = memo.dirs.get(fileDir);
  if (found) {
    memo.files.set(file, found);
    return found;
  }
  const root = input.root;
  const unitGlob = memo.match;
  let dir = fileDir;
  let declared: string | undefined;
  for (let d = dir; isInside(d, root); d = path.dirname(d)) {
    if (input.unitGlobs.length && unitGlob(rel(root, d))) {
      declared = d;
      break;
    }
    if (d === root || path.dirname(d) === d) break;
  }
  if (declared) dir = declared;
  const relDir = rel(root, dir);
  found = { id: `${declared ? "settings" : "folder"}:${relDir}`, dir, declared: !!declared, label: `folder ${relDir}` };
  if (memo.dirs.size > 200_000) memo.dirs.clear();
  memo.dirs.set(fileDir, found);
  memo.files.set(file, found);
  return found;
}

/** The instances `kustomize build <dir>` makes (for tests against the real kustomize). */
export function kustomizeBuild(input: Pick<ModelInput, "records" | "kustomizations" | "readPlain">, dir: string): ResourceRecord[] {
  return renderer(input).render(dir, []).list.map((r) => r.rec);
}

/** Argo CD `managedNamespaceMetadata` (with `CreateNamespace=true`): labels of the Namespace the app creates. */
function withNamespaceLabels(list: Rendering[], namespace: string, labels: Labels, app: ResourceRecord): Rendering[] {
  let found = false;
  const out = list.map((r) => {
    if (r.rec.kind !== "Namespace" || r.rec.group !== "" || r.rec.name !== namespace) return r;
    found = true;
    return { ...r, rec: { ...r.rec, labels: { ...r.rec.labels, ...labels } } };
  });
  if (!found) {
    out.push({
      rec: {
        file: app.file,
        line: app.line,
        documentIndex: app.documentIndex,
        ...(app.listIndex !== undefined ? { listIndex: app.listIndex } : {}),
        apiVersion: "v1",
        group: "",
        kind: "Namespace",
        name: namespace,
        namespace: undefined,
        namespaceSource: "cluster",
        labels: { ...labels },
        annotations: {},
        partial: false,
        synthetic: true,
      },
      previousNames: [],
    });
  }
  return out;
}
