/**
 * Turns a parsed file into the Kubernetes resources it holds: one per YAML document, and one per item of a
 * `kind: List`. Each resource keeps its plain value and the AST node behind it, so rules can ask questions
 * of plain objects and report on the exact node behind a path.
 */
import type { AST } from "yaml-eslint-parser";
import { readHeader, isObject, type ResourceHeader, type PlainObject } from "../k8s/resource.js";
import { isMapping, isSequence, locate, reportNode, unwrap, type Path } from "./ast.js";
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

/**
 * The value at a path of a header field, reading only that field (a document that is not a resource is never
 * read beyond `apiVersion`, `kind` and `metadata.name`/`namespace`).
 */
function headerField(root: AST.YAMLMapping, path: Path): { value: unknown; problem: ReadProblem | null } {
  let node: AST.YAMLContent | null = root;
  for (let i = 0; i < path.length; i++) {
    if (!isMapping(node)) return { value: undefined, problem: null };
    if (hasMergeKey(node)) {
      // The field may come from a merge: read this mapping (bounded) and take the rest of the path from its value.
      const read = readValue(node);
      let v: unknown = read.value;
      for (const seg of path.slice(i)) v = isObject(v) ? v[seg as string] : undefined;
      return { value: v, problem: read.problem };
    }
    node = locate(node, [path[i]])?.node ?? null;
  }
  const read = readValue(node);
  return { value: read.value, problem: read.problem };
}

function headerOf(root: AST.YAMLMapping): ReturnType<typeof readHeader> {
  const apiVersion = headerField(root, ["apiVersion"]).value;
  const kind = headerField(root, ["kind"]).value;
  if (typeof apiVersion !== "string" || typeof kind !== "string") return null;
  const name = headerField(root, ["metadata", "name"]).value;
  const namespace = headerField(root, ["metadata", "namespace"]).value;
  return readHeader({ apiVersion, kind, metadata: { name, namespace } });
}

function under(paths: Path[], prefix: Path): Path[] {
  return paths.filter((p) => prefix.every((s, i) => p[i] === s)).map((p) => p.slice(prefix.length));
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
    const hasAnchors = Object.keys(document.anchors ?? {}).length > 0;
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
          out.push({ ...itemHeader, value: itemValue, node, document, documentIndex, listIndex, listNode: items, templated });
        });
        return;
      }
    }
    out.push({ ...header, value, node: content, document, documentIndex, listIndex: null, listNode: null, templated: read.templated });
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
