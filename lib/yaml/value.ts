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

class Refused extends Error {
  constructor(readonly problem: ReadProblem) {
    super(problem.kind);
  }
}

/** Plain scalars that go-yaml v2 reads as null, booleans, infinities and NaN (one lookup instead of four). */
const SPECIAL = new Map<string, null | boolean | number>();
for (const t of ["", "~", "null", "Null", "NULL"]) SPECIAL.set(t, null);
for (const t of ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]) SPECIAL.set(t, true);
for (const t of ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]) SPECIAL.set(t, false);
for (const t of [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]) SPECIAL.set(t, Infinity);
for (const t of ["-.inf", "-.Inf", "-.INF"]) SPECIAL.set(t, -Infinity);
for (const t of [".nan", ".NaN", ".NAN"]) SPECIAL.set(t, NaN);
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const TEMPLATE = /\{\{[\s\S]*\}\}/;

/** True for a string holding `{{ … }}` (the substring test first: most strings have no `{{`). */
function isTemplateText(text: string): boolean {
  return text.includes("{{") && TEMPLATE.test(text);
}

/** A plain (unquoted, untagged) scalar as go-yaml v2 resolves it for kubectl. */
export function resolvePlain(text: string): string | number | boolean | null {
  // The special texts are at most 5 characters long: longer ones skip the lookup.
  const special = text.length <= 5 ? SPECIAL.get(text) : undefined;
  if (special !== undefined) return special;
  const first = text.charCodeAt(0);
  if (first === 46 /* . */) {
    return /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : text;
  }
  // Only `-`, `+` and digits can start a number.
  if (!(first === 45 || first === 43 || (first >= 48 && first <= 57))) return text;
  const plain = text.includes("_") ? text.replace(/_/g, "") : text;
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
      return typeof v === "object" && v !== null ? ("strValue" in node ? node.strValue : String(node.value ?? "")) : v;
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

/** What the reader remembers of an anchored node (read once, used again by every alias to it). */
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

/**
 * Reads a value and measures it. The measures of a subtree are sums over its nodes (an alias replaces its
 * target's alias counts by the target's size), so they are kept as running totals of the whole read and a subtree's
 * share is the difference before and after it; `height` and `templated` describe the node read last. Nothing is
 * allocated per node but the value itself.
 */
class Reader {
  /** Made at the first anchored node (most documents have none). */
  private memo: Map<AST.YAMLNode, Measured> | null = null;
  /** Anchored nodes being read: only they (and the root) can be entered again, through an alias. */
  private active: Set<AST.YAMLNode> | null = null;
  readonly templated: Path[] = [];
  private mergeWork = 0;
  nodes = 0;
  aliases = 0;
  aliasNodes = 0;
  aliasChars = 0;
  chars = 0;
  /** Height of the node read last. */
  height = 0;
  /** Whether the node read last holds a templated value. */
  isTemplated = false;
  private rootEntered = false;

  constructor(
    private readonly limits: ReadLimits,
    private readonly root: AST.YAMLNode | null | undefined,
  ) {}

  read(node: AST.YAMLNode | null | undefined, path: (string | number)[], depth: number, record: boolean): unknown {
    if (!node) {
      this.nodes++;
      this.height = 0;
      this.isTemplated = false;
      return null;
    }
    if (depth > this.limits.maxDepth) throw new Refused({ kind: "depth", node, limit: this.limits.maxDepth });
    if (node.type === "YAMLWithMeta" && node.anchor) return this.readAnchored(node, path, depth, record);
    // A node that is not anchored is entered again only through an alias to an anchored ancestor (caught there first),
    // or, for the node the read started at, to an anchored node around it.
    if (node === this.root) {
      if (this.rootEntered) throw new Refused({ kind: "alias-cycle", node, name: "?" });
      this.rootEntered = true;
    }
    return this.compute(node, path, depth, record);
  }

  private readAnchored(node: AST.YAMLWithMeta, path: (string | number)[], depth: number, record: boolean): unknown {
    const memo = (this.memo ??= new Map());
    const active = (this.active ??= new Set());
    const cached = memo.get(node);
    if (cached) {
      if (depth + cached.height > this.limits.maxDepth) throw new Refused({ kind: "depth", node, limit: this.limits.maxDepth });
      if (record && cached.templated) this.templated.push([...path]);
      this.nodes += cached.nodes;
      this.aliases += cached.aliases;
      this.aliasNodes += cached.aliasNodes;
      this.aliasChars += cached.aliasChars;
      this.chars += cached.chars;
      this.height = cached.height;
      this.isTemplated = cached.templated;
      return cached.value;
    }
    if (active.has(node)) throw new Refused({ kind: "alias-cycle", node, name: node.anchor!.name });
    active.add(node);
    const nodes = this.nodes;
    const aliases = this.aliases;
    const aliasNodes = this.aliasNodes;
    const aliasChars = this.aliasChars;
    const chars = this.chars;
    const value = this.compute(node, path, depth, record);
    active.delete(node);
    memo.set(node, {
      value,
      nodes: this.nodes - nodes,
      aliases: this.aliases - aliases,
      aliasNodes: this.aliasNodes - aliasNodes,
      aliasChars: this.aliasChars - aliasChars,
      chars: this.chars - chars,
      height: this.height,
      templated: this.isTemplated,
    });
    return value;
  }

  private compute(node: AST.YAMLNode, path: (string | number)[], depth: number, record: boolean): unknown {
    switch (node.type) {
      case "YAMLWithMeta": {
        const inner = node.value;
        if (inner && inner.type === "YAMLScalar") return this.scalar(inner, tagName(node.tag), path, record);
        return this.read(inner, path, depth, record);
      }
      case "YAMLScalar":
        return this.scalar(node, null, path, record);
      case "YAMLAlias": {
        const target = aliasTarget(node);
        if (!target) {
          this.nodes++;
          this.aliases++;
          this.height = 0;
          this.isTemplated = false;
          return null;
        }
        const aliasNodes = this.aliasNodes;
        const aliasChars = this.aliasChars;
        const nodes = this.nodes;
        const chars = this.chars;
        const value = this.read(target, path, depth, false);
        if (this.isTemplated && record) this.templated.push([...path]);
        // The alias adds one node and one alias use to its target's; all of the target's nodes and characters come
        // from alias expansion (instead of the target's own alias counts).
        this.aliasNodes = aliasNodes + (this.nodes - nodes);
        this.aliasChars = aliasChars + (this.chars - chars);
        this.nodes++;
        this.aliases++;
        return value;
      }
      case "YAMLSequence": {
        const out: unknown[] = [];
        const entries = node.entries;
        let height = 0;
        let templated = false;
        this.nodes++;
        for (let i = 0; i < entries.length; i++) {
          const entry = entries[i];
          path.push(i);
          const value = this.read(entry, path, depth + 1, record);
          path.pop();
          if (this.height + 1 > height) height = this.height + 1;
          if (this.isTemplated) {
            templated = true;
            out.push(isTemplated(entry) ? null : value);
          } else out.push(value);
        }
        this.height = height;
        this.isTemplated = templated;
        return out;
      }
      case "YAMLMapping": {
        if (isTemplateMap(node)) {
          if (record) this.templated.push([...path]);
          this.nodes++;
          this.height = 0;
          this.isTemplated = true;
          return undefined;
        }
        const out: Record<string, unknown> = {};
        let height = 0;
        let templated = false;
        this.nodes++;
        for (const pair of node.pairs) {
          if (isMergeKey(pair)) {
            this.merge(pair.value, out, path, depth, record);
            if (this.height + 1 > height) height = this.height + 1;
            if (this.isTemplated) templated = true;
            continue;
          }
          const k = this.read(pair.key, path, depth + 1, false);
          if (this.height + 1 > height) height = this.height + 1;
          if (this.isTemplated) templated = true;
          const key = keyOf(k);
          if (key === null) continue;
          path.push(key);
          const v = this.read(pair.value, path, depth + 1, record);
          path.pop();
          if (this.height + 1 > height) height = this.height + 1;
          if (this.isTemplated) {
            templated = true;
            if (isTemplated(pair.value)) {
              delete out[key];
              continue;
            }
          }
          setKey(out, key, v);
        }
        this.height = height;
        this.isTemplated = templated;
        return out;
      }
      default:
        this.nodes++;
        this.height = 0;
        this.isTemplated = false;
        return null;
    }
  }

  private scalar(node: AST.YAMLScalar, tag: string | null, path: (string | number)[], record: boolean): unknown {
    const value = scalarValue(node, tag);
    this.nodes++;
    this.height = 0;
    if (typeof value === "string") {
      this.chars += value.length;
      if (isTemplateText(value)) {
        if (record) this.templated.push([...path]);
        this.isTemplated = true;
        return undefined;
      }
    } else this.chars++;
    this.isTemplated = false;
    return value;
  }

  /** `<<: value`: go-yaml v2 merges in pair order (a later key wins), a list from its end (its first map wins). */
  private merge(value: AST.YAMLNode | null, out: Record<string, unknown>, path: (string | number)[], depth: number, record: boolean): void {
    const v = this.read(value, path, depth + 1, false);
    if (this.isTemplated && record) this.templated.push([...path]);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) this.mergeOne(value, v[i], out);
    } else this.mergeOne(value, v, out);
  }

  private mergeOne(value: AST.YAMLNode | null, source: unknown, out: Record<string, unknown>): void {
    if (typeof source !== "object" || source === null || Array.isArray(source)) return;
    const keys = Object.keys(source);
    this.mergeWork += keys.length;
    if (this.mergeWork > this.limits.maxAliasNodes) {
      throw new Refused({ kind: "aliases", node: value!, nodes: this.mergeWork, aliases: 0, chars: 0, why: "nodes" });
    }
    for (const k of keys) setKey(out, k, (source as Record<string, unknown>)[k]);
  }
}

/**
 * Own-property assignment that is safe for keys such as `__proto__`: a plain assignment, unless the key names a
 * property of `Object.prototype` (an accessor or a setter could run, or a frozen one refuse).
 */
function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key in Object.prototype) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
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

/** Reads a node's plain value within the limits; on refusal, `value` is undefined and `problem` says why. */
export function readValue(node: AST.YAMLNode | null | undefined, limits: ReadLimits = DEFAULT_LIMITS): ReadResult {
  if (node && node.type === "YAMLScalar" && limits.maxDepth >= 0) {
    // A scalar on its own (a header field): nothing to measure.
    const value = scalarValue(node, null);
    if (typeof value === "string" && isTemplateText(value)) return { value: undefined, templated: [[]], problem: null };
    return { value, templated: [], problem: null };
  }
  const reader = new Reader(limits, node);
  try {
    const value = reader.read(node, [], 0, true);
    const m = reader;
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
    return { value, templated: reader.templated, problem: null };
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
