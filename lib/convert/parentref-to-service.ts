/**
 * parentRef → Service (GAMMA): the edit that turns one `spec.parentRefs[i]` entry into
 * `{group: "", kind: Service, name, namespace?}`, touching only the keys that must change. Pure.
 */
import type { PlainObject } from "../k8s/resource.js";
import type { EditOp } from "../yaml/edit.js";
import type { Path } from "../yaml/ast.js";

/** Keys of a ParentReference that do not carry over to a Service parent (listener port/name, namespace). */
const DROPPED = ["namespace", "sectionName", "port"];

/**
 * Ops rewriting the parentRef mapping at `path` (plain value `entry`) to Service `name` (in `namespace` when
 * given, else the route's namespace). Existing keys are set in place; keys that must go are reused for the
 * keys that must be added (so no insertion ever lands inside a removed line), the rest are removed.
 */
export function parentRefToServiceOps(entry: PlainObject, path: Path, name: string, namespace?: string): EditOp[] {
  const desired: [string, unknown][] = [
    ["group", ""],
    ["kind", "Service"],
    ["name", name],
  ];
  if (namespace) desired.push(["namespace", namespace]);
  const desiredKeys = new Set(desired.map(([k]) => k));
  const ops: EditOp[] = [];
  const reusable = Object.keys(entry).filter((k) => DROPPED.includes(k) && !desiredKeys.has(k));
  for (const [key, value] of desired) {
    if (key in entry) {
      if (entry[key] !== value) ops.push({ op: "set", path: [...path, key], value });
      continue;
    }
    const slot = reusable.shift();
    ops.push(slot ? { op: "replacePair", path: [...path, slot], key, value } : { op: "set", path: [...path, key], value });
  }
  for (const key of reusable) ops.push({ op: "remove", path: [...path, key] });
  return ops;
}
