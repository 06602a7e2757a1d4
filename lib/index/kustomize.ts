/**
 * Kustomize, Flux and Argo CD as the deployment model reads them. Pure: plain values in, plain values out; no
 * file system (the caller resolves paths and reads patch files).
 *
 * What is modelled, as `kustomize build` (Kustomize 5.5) does it — the order of the transformers of one
 * kustomization is kustomize's own (api/internal/target/kusttarget.go): patchesStrategicMerge, patches,
 * namespace, namePrefix, nameSuffix, labels/commonLabels, commonAnnotations, patchesJson6902.
 * - `namespace` sets the namespace of every namespaced object (it overrides `metadata.namespace`) and renames
 *   every Namespace object to it;
 * - `namePrefix`/`nameSuffix` change every name but a Namespace's;
 * - `commonLabels` (and `labels` with `includeSelectors`) add to `metadata.labels`, to Service `spec.selector`
 *   (created when absent) and to workload selectors and pod templates; `labels` with only `includeTemplates`
 *   add to pod templates; Istio selectors are not touched (kustomize does not know them);
 * - strategic-merge patches (maps merged, `null` deletes a key, `$patch: delete` removes the object) and
 *   JSON 6902 patches (add, replace, remove, copy, move over the fields a rule reads).
 *
 * A record is patched through its skeleton: the plain object made of the fields the index keeps
 * (`skeletonOf`), patched, and read back (`applySkeleton`). A patch of a field the index does not keep
 * changes nothing the rules read.
 */
import { asArray, asString, isObject, stringMap, type PlainObject } from "../k8s/resource.js";
import type { Labels } from "../k8s/selector.js";
import { isClusterScoped } from "../k8s/namespace.js";
import type { ObjectRef, ResourceRecord } from "./types.js";

export interface LabelsEntry {
  pairs: Labels;
  /** Selectors (Service `spec.selector`, workload `spec.selector.matchLabels`) and pod templates. */
  includeSelectors: boolean;
  /** Pod templates only. */
  includeTemplates: boolean;
}

export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  /** Regular expression (anchored) or plain name. */
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

/** One patch of a kustomization: a file (read by the caller) or inline text already parsed. */
export interface PatchSpec {
  /** Absolute path of the patch file. */
  path?: string;
  /** Inline patch documents (strategic merge objects, or one array of JSON 6902 operations). */
  inline?: unknown[];
  target?: PatchTarget;
  /** `patchesJson6902` entries (always with a target). */
  json6902?: boolean;
}

export interface KustomizationInfo {
  /** Directory of the kustomization file (absolute). */
  dir: string;
  /** `Component` (kustomize.config.k8s.io/v1alpha1) or `Kustomization`. */
  component: boolean;
  /** `resources` (and the deprecated `bases`) entries as written. */
  resources: string[];
  components: string[];
  namespace: string | undefined;
  namePrefix: string;
  nameSuffix: string;
  labels: LabelsEntry[];
  commonAnnotations: Labels;
  patches: PatchSpec[];
  /** `helmCharts` names: rendered by kustomize from outside the repository. */
  helmCharts: string[];
  /** Absolute paths of the patch files it lists (`patches[].path`, `patchesStrategicMerge[]`, `patchesJson6902[].path`). */
  patchFiles: string[];
}

/** A remote base (`github.com/…`, `https://…`, `git@…`, `…?ref=`): outside the repository. */
export function isRemote(entry: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^git@/.test(entry) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) || /\?ref=/.test(entry);
}

/** Reads a kustomization's plain value (`dir` absolute, `resolve` joins a relative path to it). */
export function readKustomization(value: PlainObject, dir: string, resolve: (p: string) => string, parseInline: (text: string) => unknown[]): KustomizationInfo {
  const strings = (v: unknown) => asArray(v).filter((x): x is string => typeof x === "string" && x.trim() !== "").map((x) => x.trim());
  const labels: LabelsEntry[] = [];
  if (isObject(value.commonLabels)) labels.push({ pairs: stringMap(value.commonLabels), includeSelectors: true, includeTemplates: true });
  for (const entry of asArray(value.labels)) {
    if (!isObject(entry) || !isObject(entry.pairs)) continue;
    const includeSelectors = entry.includeSelectors === true;
    labels.push({ pairs: stringMap(entry.pairs), includeSelectors, includeTemplates: includeSelectors || entry.includeTemplates === true });
  }
  const patches: PatchSpec[] = [];
  const patchFiles: string[] = [];
  const target = (t: unknown): PatchTarget | undefined => {
    if (!isObject(t)) return undefined;
    const out: PatchTarget = {};
    for (const k of ["group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"] as const) {
      const v = asString(t[k]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  };
  const fromText = (text: string) => {
    try {
      return parseInline(text);
    } catch {
      return [];
    }
  };
  for (const entry of asArray(value.patchesStrategicMerge)) {
    if (typeof entry !== "string" || !entry.trim()) continue;
    if (entry.includes("\n")) patches.push({ inline: fromText(entry) });
    else {
      const p = resolve(entry.trim());
      patchFiles.push(p);
      patches.push({ path: p });
    }
  }
  for (const entry of asArray(value.patches)) {
    if (!isObject(entry)) continue;
    const t = target(entry.target);
    if (typeof entry.path === "string" && entry.path.trim()) {
      const p = resolve(entry.path.trim());
      patchFiles.push(p);
      patches.push({ path: p, target: t });
    } else if (typeof entry.patch === "string") {
      patches.push({ inline: fromText(entry.patch), target: t });
    }
  }
  const json6902: PatchSpec[] = [];
  for (const entry of asArray(value.patchesJson6902)) {
    if (!isObject(entry)) continue;
    const t = target(entry.target);
    if (typeof entry.path === "string" && entry.path.trim()) {
      const p = resolve(entry.path.trim());
      patchFiles.push(p);
      json6902.push({ path: p, target: t, json6902: true });
    } else if (typeof entry.patch === "string") {
      json6902.push({ inline: fromText(entry.patch), target: t, json6902: true });
    }
  }
  return {
    dir,
    component: asString(value.kind) === "Component",
    resources: [...strings(value.resources), ...strings(value.bases)],
    components: strings(value.components),
    namespace: asString(value.namespace)?.trim() || undefined,
    namePrefix: asString(value.namePrefix) ?? "",
    nameSuffix: asString(value.nameSuffix) ?? "",
    labels,
    commonAnnotations: isObject(value.commonAnnotations) ? stringMap(value.commonAnnotations) : {},
    patches: [...patches, ...json6902],
    helmCharts: asArray(value.helmCharts).flatMap((h) => (isObject(h) && typeof h.name === "string" ? [h.name] : [])),
    patchFiles,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Skeletons: the fields of a record as a plain object, so that patches apply as kustomize applies them.

const TEMPLATE_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "Rollout"]);
/** Kinds whose selectors and templates kustomize's `commonLabels` knows (api/konfig/builtinpluginconsts/commonlabels.go). */
const KUSTOMIZE_SELECTOR_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "CronJob"]);
const POLICY_SELECTOR_KINDS = new Set(["AuthorizationPolicy", "RequestAuthentication", "PeerAuthentication", "Telemetry", "WasmPlugin", "TrafficExtension"]);

function templatePath(kind: string): string[] | null {
  if (kind === "CronJob") return ["spec", "jobTemplate", "spec", "template"];
  if (TEMPLATE_KINDS.has(kind)) return ["spec", "template"];
  return null;
}

function getIn(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

function setIn(obj: PlainObject, path: readonly string[], value: unknown): void {
  let cur = obj;
  for (const k of path.slice(0, -1)) {
    if (!isObject(cur[k])) cur[k] = {};
    cur = cur[k] as PlainObject;
  }
  cur[path[path.length - 1]] = value;
}

function refToPlain(r: ObjectRef): PlainObject {
  return { ...r };
}

/** The record's fields as the plain object they were read from (only the fields the index keeps). */
export function skeletonOf(rec: ResourceRecord): PlainObject {
  const metadata: PlainObject = { name: rec.name, labels: { ...rec.labels }, annotations: { ...rec.annotations } };
  if (rec.namespace !== undefined && rec.namespaceSource !== "cluster") metadata.namespace = rec.namespace;
  const obj: PlainObject = { apiVersion: rec.apiVersion, kind: rec.kind, metadata };
  const tpl = templatePath(rec.kind);
  if (rec.kind === "Service" && rec.group === "") {
    if (rec.selector) setIn(obj, ["spec", "selector"], { ...rec.selector });
    if (rec.ports) setIn(obj, ["spec", "ports"], rec.ports.map((p) => ({ ...p })));
  } else if (POLICY_SELECTOR_KINDS.has(rec.kind)) {
    if (rec.selector) setIn(obj, ["spec", "selector", "matchLabels"], { ...rec.selector });
    if (rec.targetRefs?.length) setIn(obj, ["spec", "targetRefs"], rec.targetRefs.map(refToPlain));
    if (rec.kind === "AuthorizationPolicy") {
      if (rec.action !== undefined) setIn(obj, ["spec", "action"], rec.action);
      if (rec.rules) setIn(obj, ["spec", "rules"], structuredClone(rec.rules));
    }
  } else if (tpl && rec.podLabels) {
    setIn(obj, [...tpl, "metadata", "labels"], { ...rec.podLabels });
  } else if (rec.kind === "VirtualService" && rec.spec) {
    obj.spec = structuredClone(rec.spec);
  }
  return obj;
}

/** Reads a patched skeleton back into a copy of the record. */
export function applySkeleton(rec: ResourceRecord, obj: PlainObject): ResourceRecord {
  const out: ResourceRecord = { ...rec };
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  if (typeof metadata.name === "string") out.name = metadata.name;
  out.labels = stringMap(metadata.labels);
  const annotations = stringMap(metadata.annotations);
  out.annotations = Object.fromEntries(Object.entries(annotations).filter(([k]) => k.includes("istio.io")));
  if (out.namespaceSource !== "cluster") {
    const ns = asString(metadata.namespace)?.trim();
    if (ns && ns !== rec.namespace) {
      out.namespace = ns;
      out.namespaceSource = "kustomization";
    }
  }
  const tpl = templatePath(rec.kind);
  if (rec.kind === "Service" && rec.group === "") {
    const sel = getIn(obj, ["spec", "selector"]);
    out.selector = isObject(sel) && Object.keys(sel).length ? stringMap(sel) : null;
    const ports = getIn(obj, ["spec", "ports"]);
    if (Array.isArray(ports)) out.ports = ports.filter(isObject).map((p) => ({ ...(p as object) })) as ResourceRecord["ports"];
  } else if (POLICY_SELECTOR_KINDS.has(rec.kind)) {
    const sel = getIn(obj, ["spec", "selector"]);
    out.selector = isObject(sel) ? stringMap(sel.matchLabels) : null;
    const refs = getIn(obj, ["spec", "targetRefs"]);
    if (Array.isArray(refs)) out.targetRefs = refs.filter((r): r is PlainObject => isObject(r) && typeof r.name === "string") as unknown as ObjectRef[];
    if (rec.kind === "AuthorizationPolicy") {
      out.action = asString(getIn(obj, ["spec", "action"])) ?? "ALLOW";
      const rules = getIn(obj, ["spec", "rules"]);
      if (Array.isArray(rules)) out.rules = rules;
      else delete out.rules;
    }
  } else if (tpl && rec.podLabels) {
    out.podLabels = stringMap(getIn(obj, [...tpl, "metadata", "labels"]));
  } else if (rec.kind === "VirtualService" && rec.spec) {
    if (isObject(obj.spec)) out.spec = obj.spec;
    else delete out.spec;
  }
  if (rec.kind === "Pod" && rec.group === "") out.podLabels = out.labels;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Patches.

/** Strategic merge of `patch` into `base` (in place): maps merge, `null` deletes, lists are replaced (ports merge by `port`). */
export function strategicMerge(base: PlainObject, patch: PlainObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$patch" || k.startsWith("$setElementOrder") || k.startsWith("$retainKeys") || k.startsWith("$deleteFromPrimitiveList")) continue;
    if (v === null) {
      delete base[k];
    } else if (isObject(v)) {
      if (v.$patch === "replace") {
        const { $patch: _drop, ...rest } = v;
        base[k] = rest;
      } else if (v.$patch === "delete") {
        delete base[k];
      } else {
        if (!isObject(base[k])) base[k] = {};
        strategicMerge(base[k] as PlainObject, v);
      }
    } else if (Array.isArray(v) && k === "ports" && Array.isArray(base[k])) {
      const merged = (base[k] as unknown[]).map((p) => (isObject(p) ? { ...p } : p));
      for (const p of v) {
        if (!isObject(p)) continue;
        const i = merged.findIndex((m) => isObject(m) && m.port === p.port);
        if (p.$patch === "delete") {
          if (i >= 0) merged.splice(i, 1);
        } else if (i >= 0) strategicMerge(merged[i] as PlainObject, p);
        else merged.push({ ...p });
      }
      base[k] = merged;
    } else {
      base[k] = Array.isArray(v) ? v.map((x) => (isObject(x) ? { ...x } : x)) : v;
    }
  }
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, "/").replace(/~0/g, "~");
}

function pointer(p: unknown): string[] | null {
  if (typeof p !== "string" || (p !== "" && !p.startsWith("/"))) return null;
  return p === "" ? [] : p.slice(1).split("/").map(unescapePointer);
}

/** Applies JSON 6902 operations (in place). Operations on paths the object does not have are skipped. */
export function applyJson6902(obj: PlainObject, ops: unknown[]): void {
  const parentOf = (path: string[], create: boolean): { parent: PlainObject | unknown[]; key: string } | null => {
    let cur: unknown = obj;
    for (const k of path.slice(0, -1)) {
      if (Array.isArray(cur)) cur = cur[Number(k)];
      else if (isObject(cur)) {
        if (cur[k] === undefined && create) cur[k] = {};
        cur = cur[k];
      } else return null;
    }
    if (!Array.isArray(cur) && !isObject(cur)) return null;
    return { parent: cur, key: path[path.length - 1] };
  };
  const read = (path: string[]): unknown => {
    let cur: unknown = obj;
    for (const k of path) cur = Array.isArray(cur) ? cur[Number(k)] : isObject(cur) ? cur[k] : undefined;
    return cur;
  };
  const write = (path: string[], value: unknown, insert: boolean): void => {
    const at = parentOf(path, false);
    if (!at) return;
    if (Array.isArray(at.parent)) {
      const i = at.key === "-" ? at.parent.length : Number(at.key);
      if (!Number.isInteger(i) || i < 0 || i > at.parent.length) return;
      if (insert) at.parent.splice(i, 0, value);
      else at.parent[i] = value;
    } else at.parent[at.key] = value;
  };
  const remove = (path: string[]): void => {
    const at = parentOf(path, false);
    if (!at) return;
    if (Array.isArray(at.parent)) {
      const i = Number(at.key);
      if (Number.isInteger(i) && i >= 0 && i < at.parent.length) at.parent.splice(i, 1);
    } else delete at.parent[at.key];
  };
  for (const op of ops) {
    if (!isObject(op)) continue;
    const path = pointer(op.path);
    if (!path || !path.length) continue;
    const clone = (v: unknown) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
    switch (op.op) {
      case "add":
        write(path, clone(op.value), true);
        break;
      case "replace":
        if (read(path) !== undefined) write(path, clone(op.value), false);
        break;
      case "remove":
        remove(path);
        break;
      case "copy":
      case "move": {
        const from = pointer(op.from);
        if (!from) break;
        const v = clone(read(from));
        if (v === undefined) break;
        if (op.op === "move") remove(from);
        write(path, v, true);
        break;
      }
      default:
        break;
    }
  }
}

/** The object a strategic-merge patch document names (for patches without a target). */
export interface PatchId {
  kind: string;
  name: string;
  namespace: string | undefined;
  group: string;
}

export function patchIdOf(doc: unknown): PatchId | null {
  if (!isObject(doc) || typeof doc.kind !== "string") return null;
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  if (typeof metadata.name !== "string") return null;
  const apiVersion = typeof doc.apiVersion === "string" ? doc.apiVersion : "";
  const slash = apiVersion.indexOf("/");
  return {
    kind: doc.kind,
    name: metadata.name,
    namespace: asString(metadata.namespace) || undefined,
    group: slash < 0 ? "" : apiVersion.slice(0, slash),
  };
}

/** An instance being rendered: the record as it is now and the names it had before (patches may use either). */
export interface Rendering {
  rec: ResourceRecord;
  /** Names the object had before prefixes/suffixes of inner kustomizations (kustomize matches the original id too). */
  previousNames: string[];
}

const nsEquals = (a: string | undefined, b: string | undefined) => (a || "default") === (b || "default");

/** Does a strategic-merge patch without target apply to this instance (kind, group, name or previous name, namespace)? */
export function patchIdMatches(id: PatchId, r: Rendering): boolean {
  if (id.kind !== r.rec.kind || id.group !== r.rec.group) return false;
  if (id.name !== r.rec.name && !r.previousNames.includes(id.name)) return false;
  if (isClusterScoped(r.rec.kind)) return true;
  return nsEquals(id.namespace, r.rec.namespace);
}

function anchoredMatch(pattern: string, value: string): boolean {
  if (pattern === value) return true;
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

/** A label selector string (`a=b,c!=d,e,!f,g in (x,y)`) against labels; unparsable parts never match. */
export function labelSelectorMatches(selector: string, labels: Labels): boolean {
  const parts = selector.match(/(?:[^,(]|\([^)]*\))+/g) ?? [];
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) continue;
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/))) {
      const has = labels[m[1]] === m[3].trim();
      if (m[2] === "!=" ? has : !has) return false;
    } else if ((m = part.match(/^([^\s]+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      const values = m[3].split(",").map((v) => v.trim());
      const has = labels[m[1]] !== undefined && values.includes(labels[m[1]]);
      if (m[2] === "in" ? !has : has) return false;
    } else if ((m = part.match(/^!\s*(\S+)$/))) {
      if (labels[m[1]] !== undefined) return false;
    } else if (/^\S+$/.test(part)) {
      if (labels[part] === undefined) return false;
    } else return false;
  }
  return true;
}

export function targetMatches(t: PatchTarget, r: Rendering): boolean {
  const rec = r.rec;
  if (t.kind && !anchoredMatch(t.kind, rec.kind)) return false;
  if (t.group !== undefined && t.group !== "" && !anchoredMatch(t.group, rec.group)) return false;
  if (t.group === "" && rec.group !== "") return false;
  if (t.version) {
    const v = rec.apiVersion.includes("/") ? rec.apiVersion.slice(rec.apiVersion.indexOf("/") + 1) : rec.apiVersion;
    if (!anchoredMatch(t.version, v)) return false;
  }
  if (t.name && !anchoredMatch(t.name, rec.name) && !r.previousNames.some((n) => anchoredMatch(t.name!, n))) return false;
  if (t.namespace && !anchoredMatch(t.namespace, rec.namespace ?? "")) return false;
  if (t.labelSelector && !labelSelectorMatches(t.labelSelector, rec.labels)) return false;
  if (t.annotationSelector && !labelSelectorMatches(t.annotationSelector, rec.annotations)) return false;
  return true;
}

/**
 * Applies one patch document set to the renderings (returns the new list: `$patch: delete` removes objects).
 * `docs` are the patch documents: strategic-merge objects, or a single array of JSON 6902 operations.
 */
export function applyPatch(list: Rendering[], spec: PatchSpec, docs: unknown[]): Rendering[] {
  const jsonOps = docs.length === 1 && Array.isArray(docs[0]) ? (docs[0] as unknown[]) : null;
  if (spec.json6902 || jsonOps) {
    if (!jsonOps || !spec.target) return list;
    return list.map((r) => {
      if (!targetMatches(spec.target!, r)) return r;
      const skel = skeletonOf(r.rec);
      applyJson6902(skel, jsonOps);
      return { ...r, rec: applySkeleton(r.rec, skel) };
    });
  }
  let out = list;
  for (const doc of docs) {
    if (!isObject(doc)) continue;
    const id = spec.target ? null : patchIdOf(doc);
    if (!spec.target && !id) continue;
    const matches = (r: Rendering) => (spec.target ? targetMatches(spec.target, r) : patchIdMatches(id!, r));
    if (doc.$patch === "delete") {
      out = out.filter((r) => !matches(r));
      continue;
    }
    out = out.map((r) => {
      if (!matches(r)) return r;
      const skel = skeletonOf(r.rec);
      const patch: PlainObject = { ...doc };
      if (spec.target) {
        // A targeted patch keeps the target's identity (kustomize restores name/kind after merging).
        delete patch.apiVersion;
        delete patch.kind;
        if (isObject(patch.metadata)) {
          const { name: _n, namespace: _ns, ...restMeta } = patch.metadata;
          patch.metadata = restMeta;
        }
      }
      strategicMerge(skel, patch);
      return { ...r, rec: applySkeleton(r.rec, skel) };
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The other transformers of a kustomization.

export function applyNamespace(list: Rendering[], namespace: string): Rendering[] {
  return list.map((r) => {
    const rec = r.rec;
    if (rec.kind === "Namespace" && rec.group === "") {
      return rec.name === namespace ? r : { rec: { ...rec, name: namespace }, previousNames: [...r.previousNames, rec.name] };
    }
    if (isClusterScoped(rec.kind)) return r;
    return { ...r, rec: { ...rec, namespace, namespaceSource: "kustomization" } };
  });
}

export function applyPrefixSuffix(list: Rendering[], prefix: string, suffix: string): Rendering[] {
  if (!prefix && !suffix) return list;
  return list.map((r) => {
    const rec = r.rec;
    if ((rec.kind === "Namespace" && rec.group === "") || rec.kind === "CustomResourceDefinition") return r;
    return { rec: { ...rec, name: `${prefix}${rec.name}${suffix}` }, previousNames: [...r.previousNames, rec.name] };
  });
}

export function applyLabels(list: Rendering[], entry: LabelsEntry): Rendering[] {
  const pairs = entry.pairs;
  if (!Object.keys(pairs).length) return list;
  return list.map((r) => {
    const rec: ResourceRecord = { ...r.rec, labels: { ...r.rec.labels, ...pairs } };
    const core = rec.group === "" || rec.group === "apps" || rec.group === "batch";
    if (entry.includeSelectors && rec.kind === "Service" && rec.group === "") rec.selector = { ...(rec.selector ?? {}), ...pairs };
    if (entry.includeTemplates && core && KUSTOMIZE_SELECTOR_KINDS.has(rec.kind) && rec.podLabels) rec.podLabels = { ...rec.podLabels, ...pairs };
    if (rec.kind === "Pod" && rec.group === "") rec.podLabels = rec.labels;
    return { ...r, rec };
  });
}

export function applyAnnotations(list: Rendering[], annotations: Labels): Rendering[] {
  const istio = Object.fromEntries(Object.entries(annotations).filter(([k]) => k.includes("istio.io")));
  if (!Object.keys(istio).length) return list;
  return list.map((r) => ({ ...r, rec: { ...r.rec, annotations: { ...r.rec.annotations, ...istio } } }));
}

/** Argo CD: `destination.namespace` for the namespaced objects that have none. */
export function fillNamespace(list: Rendering[], namespace: string): Rendering[] {
  return list.map((r) =>
    r.rec.namespace !== undefined || isClusterScoped(r.rec.kind) ? r : { ...r, rec: { ...r.rec, namespace, namespaceSource: "kustomization" } },
  );
}
