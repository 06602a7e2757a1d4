/**
 * VirtualServices of other files that a conversion must take along, as the linted file's deployment unit sees
 * them in the resource index (its own unit first, outside it a unique match): the other mesh VirtualServices of
 * the same Service, and the root or the delegates of a delegation. Their records keep `spec` as written, so they
 * can be converted with the linted one; a suggestion edits only the linted file, so the caller names them.
 */
import type { RepoIndex, ResourceRecord } from "../index/index.js";
import { baseOf, visibleIn } from "../index/scope.js";
import { relativeTo } from "../index/view.js";
import { asArray, displayName, isObject, type PlainObject, type ResourceHeader } from "../k8s/resource.js";
import { hostService, namespacesMatch, sameServiceHost } from "../k8s/hosts.js";
import { isMeshVirtualService } from "./virtualservice-to-httproute.js";
import { virtualServicesNaming } from "./route-context.js";

/** A VirtualService of another file, in the form the converter takes. */
export interface ForeignVirtualService {
  name: string;
  namespace: string | undefined;
  /** `VirtualService bookinfo/reviews-canary`. */
  label: string;
  /** `routing/reviews-canary.yaml:3`. */
  where: string;
  /** `{apiVersion, kind, metadata: {name, namespace}, spec}` from the record. */
  value: PlainObject;
}

const isVirtualService = (r: ResourceRecord) => r.kind === "VirtualService" && r.group.endsWith("istio.io") && !r.partial;

function foreign(repo: RepoIndex, rec: ResourceRecord): ForeignVirtualService | null {
  if (!rec.spec) return null;
  const metadata: PlainObject = { name: rec.name };
  if (rec.namespace !== undefined) metadata.namespace = rec.namespace;
  return {
    name: rec.name,
    namespace: rec.namespace,
    label: `VirtualService ${rec.namespace ? `${rec.namespace}/` : ""}${rec.name}`,
    where: `${relativeTo(repo.root, rec.file)}:${rec.line}`,
    value: { apiVersion: rec.apiVersion, kind: "VirtualService", metadata, spec: rec.spec },
  };
}

/** The VirtualService records among `list` (index order) that the unit sees, outside `currentFile`. */
function unitVirtualServices(repo: RepoIndex, currentFile: string, list: readonly ResourceRecord[]): ResourceRecord[] {
  return visibleIn(repo, list).filter((r) => r.file !== currentFile && isVirtualService(r));
}

/** VirtualService records of the whole index by name and by the names they delegate to, in index order (once per snapshot). */
const byNames = new WeakMap<RepoIndex, { byName: Map<string, ResourceRecord[]>; byDelegate: Map<string, ResourceRecord[]> }>();
function virtualServiceNames(base: RepoIndex): { byName: Map<string, ResourceRecord[]>; byDelegate: Map<string, ResourceRecord[]> } {
  let maps = byNames.get(base);
  if (!maps) {
    const byName = new Map<string, ResourceRecord[]>();
    const byDelegate = new Map<string, ResourceRecord[]>();
    const push = (map: Map<string, ResourceRecord[]>, key: string, r: ResourceRecord) => {
      const list = map.get(key);
      if (!list) map.set(key, [r]);
      else if (list[list.length - 1] !== r) list.push(r);
    };
    for (const r of base.byKind("VirtualService")) {
      push(byName, r.name, r);
      for (const d of delegateRefs(r.spec, r.namespace)) push(byDelegate, d.name, r);
    }
    byNames.set(base, (maps = { byName, byDelegate }));
  }
  return maps;
}

/** `{name, namespace}` of every `http[].delegate` of a VirtualService spec (namespace defaults to the root's). */
export function delegateRefs(spec: unknown, rootNamespace: string | undefined): { name: string; namespace: string | undefined }[] {
  const http = isObject(spec) ? asArray(spec.http) : [];
  return http
    .filter(isObject)
    .map((rule) => (isObject(rule.delegate) ? rule.delegate : null))
    .filter((d): d is PlainObject => d !== null && typeof d.name === "string")
    .map((d) => ({ name: d.name as string, namespace: typeof d.namespace === "string" ? d.namespace : rootNamespace }));
}

/**
 * Delegation across the files of the unit, for a VirtualService whose delegation the linted file does not hold:
 * for a delegate (no `hosts`), the roots of other files that delegate to it (a mesh one first); for a root, its
 * delegates when every one it names is found (in this file — `local` — or in another file of the unit), else
 * `missing` names those not found.
 */
export function delegationAcross(
  vs: { name: string; namespace: string | undefined; value: PlainObject },
  local: (ref: { name: string; namespace: string | undefined }) => { value: PlainObject; namespace: string | undefined } | undefined,
  repo: RepoIndex | null,
  currentFile: string,
): { roots?: ForeignVirtualService[]; delegates?: Array<ForeignVirtualService | null>; missing?: string[] } {
  if (!repo) return {};
  const spec = isObject(vs.value.spec) ? vs.value.spec : {};
  // Only records of the names involved are read (by name, or by the names they delegate to): no repository scan.
  const names = virtualServiceNames(baseOf(repo));
  if (!asArray(spec.hosts).length) {
    const roots = unitVirtualServices(repo, currentFile, names.byDelegate.get(vs.name) ?? [])
      .filter((r) => delegateRefs(r.spec, r.namespace).some((d) => d.name === vs.name && namespacesMatch(d.namespace, vs.namespace)))
      .map((r) => foreign(repo, r))
      .filter((r): r is ForeignVirtualService => r !== null)
      .sort((a, b) => Number(isMeshVirtualService(b.value)) - Number(isMeshVirtualService(a.value)));
    return roots.length ? { roots } : {};
  }
  const refs = delegateRefs(spec, vs.namespace);
  if (!refs.length) return {};
  const delegates: Array<ForeignVirtualService | null> = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const key = `${ref.namespace ?? ""}/${ref.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (local(ref)) {
      delegates.push(null); // in the linted file: the caller has it
      continue;
    }
    const found = unitVirtualServices(repo, currentFile, names.byName.get(ref.name) ?? []).filter((r) => r.name === ref.name && namespacesMatch(r.namespace, ref.namespace) && !asArray(r.spec?.hosts).length);
    const f = found.length === 1 ? foreign(repo, found[0]) : null;
    if (f) delegates.push(f);
    else missing.push(ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name);
  }
  return missing.length ? { missing } : { delegates };
}

/**
 * The mesh VirtualServices of other files of the unit whose hosts name a Service that `vs` names in its hosts,
 * with their specs, for converting them together. The same object (same name and namespace: another copy that
 * replaces it when applied) is not one of them.
 */
export function sameServiceAcross(
  vs: { name: string; namespace: string | undefined; value: PlainObject },
  repo: RepoIndex | null,
  currentFile: string,
): ForeignVirtualService[] {
  if (!repo) return [];
  const spec = isObject(vs.value.spec) ? vs.value.spec : {};
  const mine = asArray(spec.hosts)
    .map((h) => hostService(h, vs.namespace))
    .filter((h): h is NonNullable<typeof h> => h !== null);
  if (!mine.length) return [];
  const out: ForeignVirtualService[] = [];
  // Only records naming one of the same Services (by a host's first DNS label) can match: no repository scan.
  const candidates = virtualServicesNaming(baseOf(repo), mine.map((m) => m.name));
  for (const rec of unitVirtualServices(repo, currentFile, candidates)) {
    if (rec.mesh === false || (rec.name === vs.name && namespacesMatch(rec.namespace, vs.namespace))) continue;
    if (!(rec.hosts ?? []).some((h) => mine.some((m) => sameServiceHost(m, hostService(h, rec.namespace))))) continue;
    const f = foreign(repo, rec);
    if (f) out.push(f);
  }
  return out;
}

/** A delegate of a root: in the linted file (`resource`) or in another file of the unit (`where`). */
export interface Delegate<R> {
  value: PlainObject;
  namespace: string | undefined;
  name: string;
  label: string;
  resource?: R;
  where?: string;
}

/**
 * The delegates of a root whose delegation spans files, in the order the root names them: the linted file's
 * (`local`) and those `delegationAcross` found in other files; one that is found nowhere is left out (the
 * converter then refuses with `delegate-unknown`).
 */
export function delegatesOf<R extends ResourceHeader & { value: PlainObject }>(
  vs: PlainObject,
  namespace: string | undefined,
  local: (ref: { name: string; namespace: string | undefined }) => R | undefined,
  foreign: Array<ForeignVirtualService | null> | undefined,
): Delegate<R>[] {
  const out: Delegate<R>[] = [];
  const seen = new Set<string>();
  for (const ref of delegateRefs(vs.spec, namespace)) {
    const key = `${ref.namespace ?? ""}/${ref.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const here = local(ref);
    if (here) {
      out.push({ value: here.value, namespace: ref.namespace, name: ref.name, label: displayName(here, ref.namespace), resource: here });
      continue;
    }
    const f = foreign?.find((d) => d && d.name === ref.name && namespacesMatch(d.namespace, ref.namespace));
    if (f) out.push({ value: f.value, namespace: f.namespace ?? ref.namespace, name: f.name, label: f.label, where: f.where });
  }
  return out;
}

/** The path of the root's first rule delegating to `name` (where a problem of a delegate in another file is reported). */
export function delegatingRulePath(vs: PlainObject, name: string): (string | number)[] {
  const http = isObject(vs.spec) ? asArray(vs.spec.http) : [];
  const i = http.findIndex((rule) => isObject(rule) && isObject(rule.delegate) && rule.delegate.name === name);
  return i >= 0 ? ["spec", "http", i, "delegate"] : ["kind"];
}
