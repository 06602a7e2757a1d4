/**
 * Suppression that survives rendering (`helm template` and `kustomize build` drop comments, not annotations):
 *
 *   metadata:
 *     annotations:
 *       istio-ambient.io/ignore: "no-envoyfilter, prefer-httproute: the Lua filter moves with the gateway in Q3"
 *
 * suppresses those rules' findings on that resource. The reason is required; rule ids may carry the
 * `istio-ambient/` prefix. Pure: plain values in, entries and problems out.
 */
import { isObject } from "./k8s/resource.js";
import type { Resource } from "./yaml/documents.js";
import type { Path } from "./yaml/ast.js";

export const IGNORE_ANNOTATION = "istio-ambient.io/ignore";
export const IGNORE_PATH: Path = ["metadata", "annotations", IGNORE_ANNOTATION];

export interface IgnoreEntry {
  /** Rule names without the plugin prefix. */
  rules: string[];
  reason: string;
}

export type ParsedIgnore = { entry: IgnoreEntry } | { problem: string };

/** Parses the annotation's value; `known` is the set of the plugin's rule names. */
export function parseIgnore(value: unknown, known: ReadonlySet<string>): ParsedIgnore {
  const usage = `write it as "<rule>[, <rule>]: <reason>"`;
  if (typeof value !== "string") return { problem: `${IGNORE_ANNOTATION} must be a string: ${usage}` };
  const colon = value.indexOf(":");
  const list = (colon < 0 ? value : value.slice(0, colon)).trim();
  const reason = colon < 0 ? "" : value.slice(colon + 1).trim();
  const rules = list
    .split(",")
    .map((r) => r.trim().replace(/^istio-ambient\//, ""))
    .filter(Boolean);
  if (!rules.length) return { problem: `${IGNORE_ANNOTATION} names no rule: ${usage}` };
  const unknown = rules.filter((r) => !known.has(r));
  if (unknown.length) {
    return { problem: `${IGNORE_ANNOTATION} names ${unknown.map((r) => `"${r}"`).join(", ")}, not a rule of istio-ambient: ${usage}` };
  }
  if (!reason) return { problem: `${IGNORE_ANNOTATION} suppresses nothing without a reason: ${usage}` };
  return { entry: { rules: [...new Set(rules)], reason } };
}

export interface FileIgnores {
  /** The valid entries, per resource. */
  entries: Map<Resource, IgnoreEntry>;
  /** Annotations that cannot be used (no reason, unknown rule, not a string), each at its resource. */
  problems: { resource: Resource; message: string }[];
}

export function ignoresOf(resources: readonly Resource[], known: ReadonlySet<string>): FileIgnores {
  const out: FileIgnores = { entries: new Map(), problems: [] };
  for (const resource of resources) {
    const metadata = resource.value.metadata;
    const annotations = isObject(metadata) ? metadata.annotations : undefined;
    if (!isObject(annotations) || !Object.hasOwn(annotations, IGNORE_ANNOTATION)) continue;
    const parsed = parseIgnore(annotations[IGNORE_ANNOTATION], known);
    if ("entry" in parsed) out.entries.set(resource, parsed.entry);
    else out.problems.push({ resource, message: parsed.problem });
  }
  return out;
}

const told = new WeakSet<object>();

/** True the first time it is asked for a file's AST: annotation problems are said once per file, by the first rule. */
export function firstToTell(program: object): boolean {
  if (told.has(program)) return false;
  told.add(program);
  return true;
}
