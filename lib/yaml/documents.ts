/**
 * Turns a parsed file into the Kubernetes resources it holds: one per YAML document, and one per item of a
 * `kind: List`. Each resource keeps its plain value and the AST node behind it, so rules can ask questions
 * of plain objects and report on the exact node behind a path.
 */
import type { AST } from "yaml-eslint-parser";
import { readHeader, isObject, type ResourceHeader, type PlainObject } from "../k8s/resource.js";
import { isMapping, isSequence, keyName, locate, reportNode, unwrap, type Path } from "./ast.js";
import { describeProblem, hasMergeKey, readValue, type ReadProblem } from "./value.js";

export interface Resource extends ResourceHeader {
  /** Plain value of the resource (aliases resolved). */
  value: PlainObject;
  /** The mapping node of the resource. */
  node: AST.YAMLMapping;
  document: AST.YAMLDocument;
  /** Index of the document in the file (0-based). */
  documentIndex: number;
  /** Index in the `items` of a `kind: List`, or null for a top-level resource. */
  listIndex: number | null;
  /** The `items` sequence the resource sits in, when it is a List item. */
  listNode: AST.YAMLSequence | null;
  /**
   * Paths (inside the resource) of templated values (`{{ … }}`): unknown, so left out of `value`. Rules must not
   * compare them, and the rule factory withholds reports about them and every fix of the resource.
   */
  templated: Path[];
}

/** A document that was not read (alias bomb, alias cycle, nesting too deep), with the reason. */
export interface UnreadDocument {
  document: AST.YAMLDocument;
  documentIndex: number;
  problem: ReadProblem;
  /** One sentence: which document and why it was not linted. */
  message: string;
}

interface FileResources {
  resources: Resource[];
  unread: UnreadDocument[];
}

const cache = new WeakMap<AST.YAMLProgram, FileResources>();

function fileOf(program: AST.YAMLProgram): FileResources {
  let found = cache.get(program);
  if (!found) {
    found = extract(program);
    cache.set(program, found);
  }
  return found;
}

/** The resources of a file, computed once per AST (all rules of a lint run share it). */
export function resourcesOf(program: AST.YAMLProgram): Resource[] {
  return fileOf(program).resources;
}

/** The documents of a file that were refused (their resources are not in `resourcesOf`). */
export function unreadDocumentsOf(program: AST.YAMLProgram): UnreadDocument[] {
  return fileOf(program).unread;
}

/** A field of a plain value (undefined when the value is not an object). */
function fieldOf(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

/** The last pair of each of these keys in a mapping (the one the value keeps), keys read once. */
function lastPairs(mapping: AST.YAMLMapping, keys: readonly string[]): (AST.YAMLPair | null)[] {
  const found: (AST.YAMLPair | null)[] = keys.map(() => null);
  for (const pair of mapping.pairs) {
    const i = keys.indexOf(keyName(pair) as string);
    if (i >= 0) found[i] = pair;
  }
  return found;
}

/** The value of a pair's value node (null for a missing pair or value), read on its own. */
function pairValue(pair: AST.YAMLPair | null): unknown {
  return readValue(pair ? unwrap(pair.value) : null).value;
}

const ROOT_KEYS = ["apiVersion", "kind", "metadata"] as const;
const METADATA_KEYS = ["name", "namespace"] as const;

/**
 * The header of a document, reading only its fields (a document that is not a resource is never read beyond
 * `apiVersion`, `kind` and `metadata.name`/`namespace`). A mapping with a merge key (`<<`) is read whole (bounded),
 * since the field may come from the merge, and the rest of the path is taken from its value.
 */
function headerOf(root: AST.YAMLMapping): ReturnType<typeof readHeader> {
  let apiVersion: unknown;
  let kind: unknown;
  let name: unknown;
  let namespace: unknown;
  if (hasMergeKey(root)) {
    const value = readValue(root).value;
    apiVersion = fieldOf(value, "apiVersion");
    kind = fieldOf(value, "kind");
    if (typeof apiVersion !== "string" || typeof kind !== "string") return null;
    const metadata = fieldOf(value, "metadata");
    name = fieldOf(metadata, "name");
    namespace = fieldOf(metadata, "namespace");
  } else {
    const [apiPair, kindPair, metadataPair] = lastPairs(root, ROOT_KEYS);
    apiVersion = pairValue(apiPair);
    kind = pairValue(kindPair);
    if (typeof apiVersion !== "string" || typeof kind !== "string") return null;
    const metadata = metadataPair ? unwrap(metadataPair.value) : null;
    if (isMapping(metadata)) {
      if (hasMergeKey(metadata)) {
        const value = readValue(metadata).value;
        name = fieldOf(value, "name");
        namespace = fieldOf(value, "namespace");
      } else {
        const [namePair, namespacePair] = lastPairs(metadata, METADATA_KEYS);
        name = pairValue(namePair);
        namespace = pairValue(namespacePair);
      }
    }
  }
  return readHeader({ apiVersion, kind, metadata: { name, namespace } });
}

function under(paths: Path[], prefix: Path): Path[] {
  return paths.filter((p) => prefix.every((s, i) => p[i] === s)).map((p) => p.slice(prefix.length));
}

/**
 * A resource: the header's fields, then the rest, in the order `{ ...header, value, … }` would give them (a literal
 * of one shape is cheaper than a spread with more properties after it).
 */
function resourceOf(
  header: ResourceHeader,
  value: PlainObject,
  node: AST.YAMLMapping,
  document: AST.YAMLDocument,
  documentIndex: number,
  listIndex: number | null,
  listNode: AST.YAMLSequence | null,
  templated: Path[],
): Resource {
  const { apiVersion, group, version, kind, name, namespace } = header;
  return { apiVersion, group, version, kind, name, namespace, value, node, document, documentIndex, listIndex, listNode, templated };
}

/** True when an object has an own enumerable key (`Object.keys(o).length > 0` without the array). */
function hasOwnKey(o: object | null | undefined): boolean {
  if (!o) return false;
  for (const k in o) if (Object.hasOwn(o, k)) return true;
  return false;
}

function extract(program: AST.YAMLProgram): FileResources {
  const out: Resource[] = [];
  const unread: UnreadDocument[] = [];
  const refuse = (document: AST.YAMLDocument, documentIndex: number, problem: ReadProblem) => {
    const which = program.body.length > 1 ? `Document ${documentIndex + 1} of this file` : "This file";
    unread.push({ document, documentIndex, problem, message: `${which} was not linted: ${describeProblem(problem)}.` });
  };
  program.body.forEach((document, documentIndex) => {
    const content = unwrap(document.content);
    const hasAnchors = hasOwnKey(document.anchors);
    const header = isMapping(content) ? headerOf(content) : null;
    if (!header || !isMapping(content)) {
      // Not a resource: never read. Anchored documents are still measured, so an alias bomb gets its message.
      if (hasAnchors && document.content) {
        const problem = readValue(document.content).problem;
        if (problem) refuse(document, documentIndex, problem);
      }
      return;
    }
    const read = readValue(content);
    if (read.problem) {
      refuse(document, documentIndex, read.problem);
      return;
    }
    const value = read.value;
    if (!isObject(value)) return;
    if (header.kind === "List" || header.kind.endsWith("List")) {
      const items = unwrap(locate(content, ["items"])?.node);
      if (header.kind === "List" || isSequence(items)) {
        if (!isSequence(items) || !Array.isArray(value.items) || value.items.length !== items.entries.length) return;
        const itemValues = value.items;
        items.entries.forEach((entry, listIndex) => {
          const node = unwrap(entry);
          if (!isMapping(node)) return;
          const itemValue = itemValues[listIndex];
          const itemHeader = readHeader(itemValue);
          if (!itemHeader || !isObject(itemValue)) return;
          const templated = under(read.templated, ["items", listIndex]);
          out.push(resourceOf(itemHeader, itemValue, node, document, documentIndex, listIndex, items, templated));
        });
        return;
      }
    }
    out.push(resourceOf(header, value, content, document, documentIndex, null, null, read.templated));
  });
  return { resources: out, unread };
}

/** The node to report for a path inside a resource (the key of the pair, precisely). */
export function nodeFor(resource: Resource, path: Path): AST.YAMLNode {
  return reportNode(resource.node, path);
}

/** 1-based line of the node at a path (for messages that cite "line N"). */
export function lineOf(resource: Resource, path: Path): number {
  return nodeFor(resource, path).loc.start.line;
}
