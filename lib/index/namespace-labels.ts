/**
 * The labels of a namespace as far as the repository shows them: the Namespace manifests of the linted file, over
 * the repository index's Namespace record (`RepoIndex.namespaceRecord`, which gives the effective labels of the
 * deployment model). Pure of ESLint and of the file system: reads plain values and the index it is given.
 */
import { labelsOf } from "../k8s/resource.js";
import { groupedBy } from "../k8s/label-index.js";
import type { RepoIndex } from "./repo-index.js";
import type { Labels } from "../k8s/selector.js";

interface NamedValue {
  kind: string;
  group: string;
  name: string | undefined;
  value: unknown;
}

/**
 * Labels of namespace `name`: the repository's record (if any) with the labels written on this file's Namespace
 * manifests of that name on top. Undefined when neither the file nor the repository has the Namespace, or the
 * name is unknown.
 */
export function namespaceLabels(resources: readonly NamedValue[], repo: () => RepoIndex, name: string | undefined): Labels | undefined {
  if (!name) return undefined;
  const own = namespacesOf(resources).get(name) ?? [];
  const record = repo().namespaceRecord(name);
  if (!own.length && !record) return undefined;
  const out: Labels = { ...(record?.labels ?? {}) };
  for (const r of own) Object.assign(out, labelsOf(r.value));
  return out;
}

/** A file's Namespace manifests by name, once per list of resources (a file may hold thousands, asked one by one). */
const namespacesOf = (resources: readonly NamedValue[]) => groupedBy(resources, namespaceName);
const namespaceName = (r: NamedValue) => (r.kind === "Namespace" && r.group === "" && r.name ? r.name : undefined);
