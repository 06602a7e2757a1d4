/**
 * Plain values of YAML nodes, read as kubectl reads them (sigs.k8s.io/yaml over go-yaml v2) and bounded.
 *
 * - Scalars: YAML 1.1 resolution of plain scalars (`on`/`off`/`yes`/`no`/`y`/`n` are booleans, `0777` is octal,
 *   `1_000` is 1000, `0b101` is 5); quoted and block scalars are strings; `!!str` and custom tags keep the text.
 * - Keys: strings as sigs.k8s.io/yaml writes them (`1` → "1", `on` → "true"); collection and null keys are
 *   dropped (kubectl rejects them).
 * - Merge keys (`<<: *base`, `<<: [*a, *b]`, `<<: {…}`) are merged, in go-yaml v2's order.
 * - Aliases share the anchored value; their expansion is measured (nodes, alias uses, characters) without being
 *   performed, so an alias bomb costs the size of its text. A document over the limits is refused with a reason.
 * - Templated values (`{{ .Values.x }}`, which YAML reads as a flow map, and strings holding `{{ … }}`) are unknown:
 *   left out of the value (null in a list) and listed in `templated`.
 *
 * Never throws; recursion is bounded by `maxDepth`.
 */
import type { AST } from "yaml-eslint-parser";
import type { Path } from "./path.js";

export interface ReadLimits {
  /** Nodes that alias expansion may add to one document. */
  maxAliasNodes: number;
  /** Scalar characters that alias expansion may add to one document. */
  maxAliasChars: number;
  /** Nesting depth of the expanded value. */
  maxDepth: number;
}

export const DEFAULT_LIMITS: ReadLimits = { maxAliasNodes: 1_000_000, maxAliasChars: 16 * 1024 * 1024, maxDepth: 500 };

export type ReadProblem =
  | { kind: "aliases"; node: AST.YAMLNode; nodes: number; aliases: number; chars: number; why: "ratio" | "nodes" | "chars" }
  | { kind: "alias-cycle"; node: AST.YAMLNode; name: string }
  | { kind: "depth"; node: AST.YAMLNode; limit: number };

export interface ReadResult {
  value: unknown;
  /** Paths (relative to the node read) of templated values. */
  templated: Path[];
  problem: ReadProblem | null;
}

interface Measured {
  value: unknown;
  /** Nodes of the expanded value. */
  nodes: number;
  /** Alias uses in the expanded value. */
  aliases: number;
  /** Nodes and scalar characters contributed by alias expansion. */
  aliasNodes: number;
  aliasChars: number;
  chars: number;
  /** Height of the expanded value. */
  height: number;
  templated: boolean;
}

class Refused extends Error {
  constructor(readonly problem: ReadProblem) {
    super(problem.kind);
  }
}

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const TRUES = new Set(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]);
const FALSES = new Set(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]);
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const TEMPLATE = /\{\{[\s\S]*\}\}/;

/** A plain (unquoted, untagged) scalar as go-yaml v2 resolves it for kubectl. */
export function resolvePlain(text: string): string | number | boolean | null {
  if (NULLS.has(text)) return null;
  if (TRUES.has(text)) return true;
  if (FALSES.has(text)) return false;
  switch (text) {
    case ".inf":
    case ".Inf":
    case ".INF":
    case "+.inf":
    case "+.Inf":
    case "+.INF":
      return Infinity;
    case "-.inf":
    case "-.Inf":
    case "-.INF":
      return -Infinity;
    case ".nan":
    case ".NaN":
    case ".NAN":
      return NaN;
  }
  const first = text[0];
  if (first === ".") {
    return /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : text;
  }
  if (!/[-+0-9]/.test(first)) return text;
  const plain = text.replace(/_/g, "");
  if (GO_INT.test(plain)) {
    const negative = plain[0] === "-";
    const digits = plain.replace(/^[-+]/, "");
    let n: number;
    if (/^0[xX]/.test(digits)) n = parseInt(digits.slice(2), 16);
    else if (/^0[oO]/.test(digits)) n = parseInt(digits.slice(2), 8);
    else if (/^0[bB]/.test(digits)) n = parseInt(digits.slice(2), 2);
    else if (digits.length > 1 && digits[0] === "0") n = parseInt(digits, 8);
    else n = parseInt(digits, 10);
    return negative ? -n : n;
  }
  if (YAML_FLOAT.test(plain)) return Number(plain);
  return text;
}

/** True for the text of a string kubectl would read back as something else (or differently) when written plain. */
export function plainIsNotString(text: string): boolean {
  return resolvePlain(text) !== text;
}

/** A map key as sigs.k8s.io/yaml turns it into a JSON key; null when kubectl would refuse it. */
export function keyOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return ".nan";
    if (value === Infinity) return ".inf";
    if (value === -Infinity) return "-.inf";
    return String(value);
  }
  return null;
}

function tagName(tag: AST.YAMLTag | null | undefined): string | null {
  return tag ? tag.tag : null;
}

function scalarValue(node: AST.YAMLScalar, tag: string | null): unknown {
  const text = "strValue" in node ? node.strValue : String(node.value ?? "");
  if (tag) {
    if (tag === "tag:yaml.org,2002:str") return node.style === "plain" ? node.strValue : node.value;
    if (tag === "tag:yaml.org,2002:binary") {
      const b64 = String(node.value ?? "").replace(/\s+/g, "");
      try {
        return Buffer.from(b64, "base64").toString("latin1");
      } catch {
        return b64;
      }
    }
    // Other core tags (`!!int`, `!!bool`, `!!null`, `!!float`): the parser already applied them.
    if (tag.startsWith("tag:yaml.org,2002:")) {
      const v = node.value as unknown;
      return typeof v === "object" && v !== null ? text : v;
    }
    // Custom tags: go-yaml leaves the text as it is.
    return node.style === "plain" ? node.strValue : node.value;
  }
  if (node.style === "plain") return resolvePlain(node.strValue);
  return node.value;
}

/** `{{ x }}`: a flow map whose only key is a flow map (how YAML reads a Go/Helm template action). */
function isTemplateMap(node: AST.YAMLMapping): boolean {
  if (node.style !== "flow" || node.pairs.length !== 1) return false;
  const key = node.pairs[0].key;
  return !!key && key.type === "YAMLMapping" && key.style === "flow";
}

function isMergeKey(pair: AST.YAMLPair): boolean {
  const key = pair.key;
  if (!key) return false;
  if (key.type === "YAMLWithMeta") {
    const t = tagName(key.tag);
    return t === "tag:yaml.org,2002:merge" && !!key.value && key.value.type === "YAMLScalar";
  }
  return key.type === "YAMLScalar" && key.style === "plain" && key.strValue === "<<";
}

/** True when a mapping has a merge key (`<<`): its value is not just its own pairs. */
export function hasMergeKey(node: AST.YAMLMapping): boolean {
  return node.pairs.some(isMergeKey);
}

function documentOf(node: AST.YAMLNode): AST.YAMLDocument | null {
  let n: AST.YAMLNode | null = node;
  while (n && n.type !== "YAMLDocument") n = (n as { parent: AST.YAMLNode | null }).parent;
  return (n as AST.YAMLDocument | null) ?? null;
}

/** The node an alias refers to: the last anchor of that name before it in its document. */
export function aliasTarget(alias: AST.YAMLAlias): AST.YAMLWithMeta | null {
  const doc = documentOf(alias);
  const anchors = doc?.anchors?.[alias.name];
  if (!anchors?.length) return null;
  let lo = 0;
  let hi = anchors.length - 1;
  let found: AST.YAMLAnchor | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (anchors[mid].range[0] < alias.range[0]) {
      found = anchors[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found ? found.parent : null;
}

/** go-yaml v2's limit on the share of a document that may come from aliases ("document contains excessive aliasing"). */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

const EMPTY: Measured = { value: null, nodes: 1, aliases: 0, aliasNodes: 0, aliasChars: 0, chars: 0, height: 0, templated: false };

class Reader {
  private memo = new Map<AST.YAMLNode, Measured>();
  private active = new Set<AST.YAMLNode>();
  readonly templated: Path[] = [];
  private mergeWork = 0;

  constructor(private readonly limits: ReadLimits) {}

  read(node: AST.YAMLNode | null | undefined, path: (string | number)[], depth: number, record: boolean): Measured {
    if (!node) return EMPTY;
    if (depth > this.limits.maxDepth) throw new Refused({ kind: "depth", node, limit: this.limits.maxDepth });
    const cached = this.memo.get(node);
    if (cached) {
      if (depth + cached.height > this.limits.maxDepth) throw new Refused({ kind: "depth", node, limit: this.limits.maxDepth });
      if (record && cached.templated) this.templated.push([...path]);
      return cached;
    }
    if (this.active.has(node)) {
      const name = node.type === "YAMLWithMeta" && node.anchor ? node.anchor.name : "?";
      throw new Refused({ kind: "alias-cycle", node, name });
    }
    this.active.add(node);
    const m = this.compute(node, path, depth, record);
    this.active.delete(node);
    // Only anchored nodes are read twice (through aliases); remembering the rest would only cost memory.
    if (node.type === "YAMLWithMeta" && node.anchor) this.memo.set(node, m);
    return m;
  }

  private compute(node: AST.YAMLNode, path: (string | number)[], depth: number, record: boolean): Measured {
    switch (node.type) {
      case "YAMLWithMeta": {
        const tag = tagName(node.tag);
        const inner = node.value;
        if (inner && inner.type === "YAMLScalar") return this.scalar(inner, tag, path, record);
        return this.read(inner, path, depth, record);
      }
      case "YAMLScalar":
        return this.scalar(node, null, path, record);
      case "YAMLAlias": {
        const target = aliasTarget(node);
        if (!target) return { ...EMPTY, aliases: 1 };
        const t = this.read(target, path, depth, false);
        if (t.templated && record) this.templated.push([...path]);
        return {
          value: t.value,
          nodes: t.nodes + 1,
          aliases: t.aliases + 1,
          aliasNodes: t.nodes,
          aliasChars: t.chars,
          chars: t.chars,
          height: t.height,
          templated: t.templated,
        };
      }
      case "YAMLSequence": {
        const out: unknown[] = [];
        const m: Measured = { value: out, nodes: 1, aliases: 0, aliasNodes: 0, aliasChars: 0, chars: 0, height: 0, templated: false };
        node.entries.forEach((entry, i) => {
          path.push(i);
          const e = this.read(entry, path, depth + 1, record);
          path.pop();
          out.push(e.templated && isTemplated(entry) ? null : e.value);
          add(m, e);
        });
        return m;
      }
      case "YAMLMapping": {
        if (isTemplateMap(node)) {
          if (record) this.templated.push([...path]);
          return { ...EMPTY, value: undefined, templated: true };
        }
        const out: Record<string, unknown> = {};
        const m: Measured = { value: out, nodes: 1, aliases: 0, aliasNodes: 0, aliasChars: 0, chars: 0, height: 0, templated: false };
        for (const pair of node.pairs) {
          if (isMergeKey(pair)) {
            this.merge(pair.value, out, m, path, depth, record);
            continue;
          }
          const k = this.read(pair.key, path, depth + 1, false);
          const key = keyOf(k.value);
          add(m, k);
          if (key === null) continue;
          path.push(key);
          const v = this.read(pair.value, path, depth + 1, record);
          path.pop();
          add(m, v);
          if (v.templated && isTemplated(pair.value)) delete out[key];
          else setKey(out, key, v.value);
        }
        return m;
      }
      default:
        return EMPTY;
    }
  }

  private scalar(node: AST.YAMLScalar, tag: string | null, path: (string | number)[], record: boolean): Measured {
    const value = scalarValue(node, tag);
    const chars = typeof value === "string" ? value.length : 1;
    const templated = typeof value === "string" && TEMPLATE.test(value);
    if (templated && record) this.templated.push([...path]);
    return { value: templated ? undefined : value, nodes: 1, aliases: 0, aliasNodes: 0, aliasChars: 0, chars, height: 0, templated };
  }

  /** `<<: value`: go-yaml v2 merges in pair order (a later key wins), a list from its end (its first map wins). */
  private merge(value: AST.YAMLNode | null, out: Record<string, unknown>, m: Measured, path: (string | number)[], depth: number, record: boolean): void {
    const v = this.read(value, path, depth + 1, false);
    add(m, v);
    if (v.templated && record) this.templated.push([...path]);
    const sources = Array.isArray(v.value) ? [...v.value].reverse() : [v.value];
    for (const source of sources) {
      if (typeof source !== "object" || source === null || Array.isArray(source)) continue;
      const keys = Object.keys(source);
      this.mergeWork += keys.length;
      if (this.mergeWork > this.limits.maxAliasNodes) {
        throw new Refused({ kind: "aliases", node: value!, nodes: this.mergeWork, aliases: 0, chars: 0, why: "nodes" });
      }
      for (const k of keys) setKey(out, k, (source as Record<string, unknown>)[k]);
    }
  }
}

/** Own-property assignment that is safe for keys such as `__proto__`. */
function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Is this node itself a template (not merely an alias to one, nor a collection holding one)? */
function isTemplated(node: AST.YAMLNode | null): boolean {
  let n = node;
  while (n && n.type === "YAMLWithMeta") n = n.value;
  if (!n) return false;
  if (n.type === "YAMLMapping") return isTemplateMap(n);
  if (n.type === "YAMLScalar") return typeof n.value === "string" && TEMPLATE.test(n.value);
  return false;
}

function add(m: Measured, c: Measured): void {
  m.nodes += c.nodes;
  m.aliases += c.aliases;
  m.aliasNodes += c.aliasNodes;
  m.aliasChars += c.aliasChars;
  m.chars += c.chars;
  if (c.height + 1 > m.height) m.height = c.height + 1;
  if (c.templated) m.templated = true;
}

/** Reads a node's plain value within the limits; on refusal, `value` is undefined and `problem` says why. */
export function readValue(node: AST.YAMLNode | null | undefined, limits: ReadLimits = DEFAULT_LIMITS): ReadResult {
  const reader = new Reader(limits);
  try {
    const m = reader.read(node, [], 0, true);
    const at = node ?? null;
    if (at) {
      if (m.aliases > 100 && m.nodes > 1000 && m.aliases / m.nodes > allowedAliasRatio(m.nodes)) {
        return refused({ kind: "aliases", node: at, nodes: m.nodes, aliases: m.aliases, chars: m.chars, why: "ratio" });
      }
      if (m.aliasNodes > limits.maxAliasNodes) {
        return refused({ kind: "aliases", node: at, nodes: m.nodes, aliases: m.aliases, chars: m.chars, why: "nodes" });
      }
      if (m.aliasChars > limits.maxAliasChars) {
        return refused({ kind: "aliases", node: at, nodes: m.nodes, aliases: m.aliases, chars: m.chars, why: "chars" });
      }
    }
    return { value: m.value, templated: reader.templated, problem: null };
  } catch (error) {
    if (error instanceof Refused) return refused(error.problem);
    if (error instanceof RangeError) return refused({ kind: "depth", node: node!, limit: limits.maxDepth });
    throw error;
  }
}

function refused(problem: ReadProblem): ReadResult {
  return { value: undefined, templated: [], problem };
}

/** A scalar key's name as kubectl reads it (`on` → "true", `1` → "1"); null for collection or null keys. */
export function scalarKeyName(node: AST.YAMLNode | null | undefined): string | null {
  let n = node;
  let tag: string | null = null;
  while (n && n.type === "YAMLWithMeta") {
    tag = tagName(n.tag) ?? tag;
    n = n.value;
  }
  if (!n || n.type !== "YAMLScalar") return null;
  return keyOf(scalarValue(n, tag));
}

/** One sentence for a refused document (the rule factory reports it once per file). */
export function describeProblem(problem: ReadProblem): string {
  switch (problem.kind) {
    case "aliases": {
      const size =
        problem.why === "chars"
          ? `${fmt(problem.chars)} characters`
          : `${fmt(problem.nodes)} nodes from ${fmt(problem.aliases)} alias uses`;
      const kubectl = problem.why === "ratio" ? "kubectl rejects it (excessive aliasing)" : "too large to read safely";
      return `its aliases expand to ${size}: ${kubectl}`;
    }
    case "alias-cycle":
      return `the alias *${problem.name} refers to its own anchor (kubectl rejects it)`;
    case "depth":
      return `it is nested more than ${problem.limit} levels deep`;
  }
}

function fmt(n: number): string {
  return n >= 1e12 ? n.toExponential(1) : Math.round(n).toLocaleString("en-US");
}
