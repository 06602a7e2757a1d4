/**
 * Small, dependency-free helpers over the yaml-eslint-parser AST.
 * Nothing here knows about Kubernetes; everything is total (never throws on odd shapes).
 */
import type { AST } from "yaml-eslint-parser";
import { getStaticYAMLValue } from "yaml-eslint-parser";

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** Unwraps anchors/tags (`&a`, `!!map`) so the caller sees the content node. */
export function unwrap(node: AST.YAMLNode | null | undefined): AST.YAMLContent | null {
  let n: AST.YAMLNode | null | undefined = node;
  while (n && n.type === "YAMLWithMeta") n = (n as AST.YAMLWithMeta).value;
  return (n as AST.YAMLContent | null | undefined) ?? null;
}

export function isMapping(node: AST.YAMLNode | null | undefined): node is AST.YAMLMapping {
  return !!node && node.type === "YAMLMapping";
}

export function isSequence(node: AST.YAMLNode | null | undefined): node is AST.YAMLSequence {
  return !!node && node.type === "YAMLSequence";
}

/** The static value of a key node as a string (keys are compared as strings, as Kubernetes does). */
export function keyName(pair: AST.YAMLPair): string | null {
  const key = unwrap(pair.key);
  if (!key || key.type !== "YAMLScalar") return null;
  return key.value === null ? "null" : String(key.value);
}

/** The last pair with this key (YAML parsers keep the last duplicate; so does Kubernetes' decoder). */
export function findPair(mapping: AST.YAMLMapping, key: string): AST.YAMLPair | null {
  let found: AST.YAMLPair | null = null;
  for (const pair of mapping.pairs) if (keyName(pair) === key) found = pair;
  return found;
}

export interface Located {
  /** The node holding the value at the path (unwrapped), or null when the pair has no value. */
  node: AST.YAMLContent | null;
  /** The pair whose key is the last path segment, when that segment is a string. */
  pair: AST.YAMLPair | null;
  /** The sequence entry node, when the last segment is a number. */
  entry: AST.YAMLNode | null;
}

/** Finds the node at a JSON-like path below `root`. Returns null when the path does not exist in the AST. */
export function locate(root: AST.YAMLNode | null, path: Path): Located | null {
  let node: AST.YAMLContent | null = unwrap(root);
  let pair: AST.YAMLPair | null = null;
  let entry: AST.YAMLNode | null = null;
  for (const seg of path) {
    if (!node) return null;
    if (typeof seg === "string") {
      if (!isMapping(node)) return null;
      const p = findPair(node, seg);
      if (!p) return null;
      pair = p;
      entry = null;
      node = unwrap(p.value);
    } else {
      if (!isSequence(node)) return null;
      const e = node.entries[seg];
      if (!e) return null;
      pair = null;
      entry = e;
      node = unwrap(e);
    }
  }
  return { node, pair, entry };
}

/**
 * The node to report for a path: the key of the pair (precise, one token), the sequence entry,
 * or, when the path does not exist, the deepest existing ancestor.
 */
export function reportNode(root: AST.YAMLNode, path: Path): AST.YAMLNode {
  for (let len = path.length; len >= 0; len--) {
    const found = locate(root, path.slice(0, len));
    if (!found) continue;
    if (found.pair) return found.pair.key ?? found.pair;
    if (found.entry) return found.entry;
    if (found.node) return found.node;
  }
  return root;
}

/** Plain JS value of a node; null on anything the resolver refuses. */
export function staticValue(node: AST.YAMLNode | null | undefined): unknown {
  if (!node) return null;
  try {
    return getStaticYAMLValue(node as AST.YAMLContent);
  } catch {
    return undefined;
  }
}

/** Every node of a subtree, depth first (used for anchor/alias safety checks). */
export function* walk(node: AST.YAMLNode | null | undefined): Generator<AST.YAMLNode> {
  if (!node) return;
  yield node;
  switch (node.type) {
    case "YAMLDocument":
      yield* walk(node.content);
      break;
    case "YAMLWithMeta":
      yield* walk(node.value);
      break;
    case "YAMLMapping":
      for (const p of node.pairs) yield* walk(p);
      break;
    case "YAMLPair":
      yield* walk(node.key);
      yield* walk(node.value);
      break;
    case "YAMLSequence":
      for (const e of node.entries) yield* walk(e);
      break;
    default:
      break;
  }
}

/** True when a subtree holds an anchor or an alias: edits there could break references elsewhere. */
export function hasAnchorsOrAliases(node: AST.YAMLNode | null | undefined): boolean {
  for (const n of walk(node)) {
    if (n.type === "YAMLAlias") return true;
    if (n.type === "YAMLWithMeta" && (n as AST.YAMLWithMeta).anchor) return true;
  }
  return false;
}
