/**
 * Small, dependency-free helpers over the yaml-eslint-parser AST.
 * Nothing here knows about Kubernetes; everything is total (never throws on odd shapes).
 */
import type { AST } from "yaml-eslint-parser";
import { hasMergeKey, readValue, scalarKeyName } from "./value.js";

import type { Path } from "./path.js";
export type { Path, PathSegment } from "./path.js";

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

/**
 * The name of a pair's key as kubectl reads it (`on` → "true", `1` → "1"), the same as the keys of `staticValue`;
 * null for keys that are not scalars.
 */
export function keyName(pair: AST.YAMLPair): string | null {
  return scalarKeyName(pair.key);
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
    // A key that only a merge key (`<<: *base`) provides is reported at that `<<`.
    if (len < path.length && isMapping(found.node) && hasMergeKey(found.node)) {
      const merge = found.node.pairs.find((p) => scalarKeyName(p.key) === "<<");
      if (merge?.key) return merge.key;
    }
    if (found.pair) return found.pair.key ?? found.pair;
    if (found.entry) return found.entry;
    if (found.node) return found.node;
  }
  return root;
}

/**
 * Plain JS value of a node as kubectl reads it (YAML 1.1 scalars, merge keys, bounded alias expansion; see
 * value.ts); undefined when the node is refused (alias bomb, alias cycle, nesting too deep).
 */
export function staticValue(node: AST.YAMLNode | null | undefined): unknown {
  if (!node) return null;
  return readValue(node).value;
}

/** Every node of a subtree, depth first in document order (iterative: linear at any depth). */
export function* walk(node: AST.YAMLNode | null | undefined): Generator<AST.YAMLNode> {
  const stack: (AST.YAMLNode | null | undefined)[] = [node];
  while (stack.length) {
    const n = stack.pop();
    if (!n) continue;
    yield n;
    switch (n.type) {
      case "YAMLDocument":
        stack.push(n.content);
        break;
      case "YAMLWithMeta":
        stack.push(n.value);
        break;
      case "YAMLMapping":
        for (let i = n.pairs.length - 1; i >= 0; i--) stack.push(n.pairs[i]);
        break;
      case "YAMLPair":
        stack.push(n.value, n.key);
        break;
      case "YAMLSequence":
        for (let i = n.entries.length - 1; i >= 0; i--) stack.push(n.entries[i]);
        break;
      default:
        break;
    }
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
