/**
 * Turns a parsed file into the Kubernetes resources it holds: one per YAML document, and one per item of a
 * `kind: List`. Each resource keeps its plain value and the AST node behind it, so rules can ask questions
 * of plain objects and report on the exact node behind a path.
 */
import type { AST } from "yaml-eslint-parser";
import { readHeader, isObject, type ResourceHeader, type PlainObject } from "../k8s/resource.js";
import { isMapping, isSequence, locate, reportNode, staticValue, unwrap, type Path } from "./ast.js";

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
}

const cache = new WeakMap<AST.YAMLProgram, Resource[]>();

/** The resources of a file, computed once per AST (all rules of a lint run share it). */
export function resourcesOf(program: AST.YAMLProgram): Resource[] {
  let found = cache.get(program);
  if (!found) {
    found = extract(program);
    cache.set(program, found);
  }
  return found;
}

function extract(program: AST.YAMLProgram): Resource[] {
  const out: Resource[] = [];
  program.body.forEach((document, documentIndex) => {
    const content = unwrap(document.content);
    if (!isMapping(content)) return;
    const value = staticValue(content);
    const header = readHeader(value);
    if (!header || !isObject(value)) return;
    if (header.kind === "List" || header.kind.endsWith("List")) {
      const items = unwrap(locate(content, ["items"])?.node);
      if (header.kind === "List" || isSequence(items)) {
        if (!isSequence(items)) return;
        items.entries.forEach((entry, listIndex) => {
          const node = unwrap(entry);
          if (!isMapping(node)) return;
          const itemValue = staticValue(node);
          const itemHeader = readHeader(itemValue);
          if (!itemHeader || !isObject(itemValue)) return;
          out.push({ ...itemHeader, value: itemValue, node, document, documentIndex, listIndex, listNode: items });
        });
        return;
      }
    }
    out.push({ ...header, value, node: content, document, documentIndex, listIndex: null, listNode: null });
  });
  return out;
}

/** The node to report for a path inside a resource (the key of the pair, precisely). */
export function nodeFor(resource: Resource, path: Path): AST.YAMLNode {
  return reportNode(resource.node, path);
}

/** 1-based line of the node at a path (for messages that cite "line N"). */
export function lineOf(resource: Resource, path: Path): number {
  return nodeFor(resource, path).loc.start.line;
}
