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
}

export interface Model {
  units: Unit[];
  /** Every instance (non-patch records), then the patch records (partial, no unit). */
  records: ResourceRecord[];
  /** Patch files (absolute). */
  patchFiles: Set<string>;
}

function rel(root: string, p: string): string {
  const r = path.relative(root, p).split(path.sep).join("/");
  return r || ".";
}

function isInside(child: string, parent: string): boolean {
  const r = path.relative(parent, child);
  return r === "" || (!r.startsWith("..") && !path.isAbsolute(r));
}

export function buildModel(input: ModelInput): Model {
  const { root, records, kustomizations } = input;
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
  const { render, fileRenderings } = renderer(input);

  const emit = (unit: Unit, list: Rendering[]) => {
    units.push(unit);
    for (const r of list) {
      out.push({ ...r.rec, unit: unit.id });
      if (!r.rec.synthetic) rendered.add(r.rec.file);
    }
  };

  // ---- 1. Argo CD and Flux apps
  const claimedFiles = new Set<string>();
  const appUnitIds = new Set<string>();
  for (const { spec, rec } of apps) {
    const id = `${spec.origin}:${rec.namespace ? `${rec.namespace}/` : ""}${spec.name}`;
    if (appUnitIds.has(id)) continue;
    appUnitIds.add(id);
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
    emit({ id, origin: spec.origin, dir: dirForUnit, label, namespace: spec.namespace, outside, declaredBy: { file: rec.file, line: rec.line } }, list);
  }

  // ---- 2. top-level kustomizations
  const sortedDirs = [...kustomizations.keys()].sort();
  for (const dir of sortedDirs) {
    const info = kustomizations.get(dir)!;
    if (included.has(dir) || info.component) continue;
    const r = render(dir, []);
    emit(
      { id: `kustomize:${rel(root, dir)}`, origin: "kustomize", dir, label: `kustomization ${rel(root, dir)}`, namespace: info.namespace, outside: r.outside },
      r.list,
    );
  }

  // ---- 3. loose manifests: settings.units folders, else their own folder
  const unitGlob = globMatcher(input.unitGlobs);
  const looseUnits = new Map<string, { unit: Unit; list: Rendering[] }>();
  const files = [...records.keys()].sort();
  for (const file of files) {
    if (patchFiles.has(file) || rendered.has(file) || claimedFiles.has(file)) continue;
    let unit: Unit;
    if (input.ownUnitFiles?.has(file)) {
      unit = { id: `buffer:${rel(root, file)}`, origin: "buffer", dir: file, label: `text of ${path.basename(file)}`, namespace: undefined, outside: [] };
    } else {
      let dir = path.dirname(file);
      let declared: string | undefined;
      for (let d = dir; isInside(d, root); d = path.dirname(d)) {
        if (input.unitGlobs.length && unitGlob(rel(root, d))) {
          declared = d;
          break;
        }
        if (d === root || path.dirname(d) === d) break;
      }
      if (declared) dir = declared;
      const id = `${declared ? "settings" : "folder"}:${rel(root, dir)}`;
      unit = looseUnits.get(id)?.unit ?? { id, origin: declared ? "settings" : "folder", dir, label: `folder ${rel(root, dir)}`, namespace: undefined, outside: [] };
    }
    const entry = looseUnits.get(unit.id) ?? { unit, list: [] };
    entry.list = entry.list.concat(fileRenderings(file));
    looseUnits.set(unit.id, entry);
  }
  for (const { unit, list } of looseUnits.values()) emit(unit, list);

  // ---- patch records: kept once, partial, without a unit (namespace: the listing kustomization's, if it sets one)
  const patchNamespace = new Map<string, string>();
  for (const k of kustomizations.values()) if (k.namespace) for (const p of k.patchFiles) if (!patchNamespace.has(p)) patchNamespace.set(p, k.namespace);
  for (const file of patchFiles) {
    for (const rec of records.get(file) ?? []) {
      const ns = patchNamespace.get(file);
      out.push(ns && rec.namespaceSource === "unknown" ? { ...rec, partial: true, namespace: ns, namespaceSource: "kustomization" } : { ...rec, partial: true });
    }
  }

  return { units, records: out, patchFiles };

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
  const docsCache = new Map<string, unknown[] | undefined>();
  const patchDocs = (file: string) => {
    if (!docsCache.has(file)) docsCache.set(file, input.readPlain(file));
    return docsCache.get(file);
  };

  const fileRenderings = (file: string): Rendering[] =>
    (records.get(file) ?? []).map((rec) => ({ rec: { ...rec, partial: false }, previousNames: [] }));

  const renderMemo = new Map<string, { list: Rendering[]; outside: string[] }>();
  /** `kustomize build` of a kustomization directory (memoised: a base renders the same for every includer). */
  const render = (dir: string, stack: string[]): { list: Rendering[]; outside: string[] } => {
    const memo = renderMemo.get(dir);
    if (memo) return memo;
    const info = kustomizations.get(dir);
    if (!info || stack.includes(dir)) return { list: [], outside: [] };
    const outside: string[] = [];
    const list = accumulate(info, [], [...stack, dir], outside);
    const result = { list, outside };
    renderMemo.set(dir, result);
    return result;
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

  return { render, fileRenderings };
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
