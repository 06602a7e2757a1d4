/**
 * The plain values of the documents of a file, for the index: read as kubectl reads them (YAML 1.1 scalars,
 * go-yaml v2 merge order), the same reading as the rules' (`lib/yaml/value.ts`), without an AST.
 *
 * Two readers give the same values:
 * - a line scanner for the plain YAML that manifests are almost always written in (block mappings and
 *   sequences, one-line plain and quoted scalars, one-line flow sequences of scalars, comments, `---`). It
 *   allocates only the values, and gives up (returns undefined) on anything else;
 * - the `yaml` package's parser for the rest (anchors, aliases, tags, merge keys, block and multi-line scalars,
 *   flow mappings, JSON), its nodes read with the rules' semantics.
 *
 * Pure; never throws for a text that is not YAML (null: the file is not indexed, its own lint reports it).
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from "yaml";
import { keyOf, resolvePlain } from "../yaml/value.js";

export interface PlainDocument {
  /** The document's value (null for an empty document). */
  value: unknown;
  /** 1-based line where the document's content starts (1 when it has none). */
  line: number;
  /** 1-based start lines of the entries of a top-level `items` sequence (`kind: List`), when there is one. */
  itemLines: number[] | null;
  /** True when the document holds an unquoted `{{ … }}` (a flow mapping keyed by a flow mapping): a template. */
  template: boolean;
}

/** Alias uses allowed in one document before the file is refused (the index never expands an alias bomb). */
const MAX_ALIASES = 1000;

/** Every document of `text`, or null when it does not parse as YAML. */
export function readDocuments(text: string): PlainDocument[] | null {
  return scanDocuments(text) ?? parseDocuments(text);
}

// ---------------------------------------------------------------------------------------------------------
// The `yaml` package reader (everything; exported for the tests that compare the two readers).

export function parseDocuments(text: string): PlainDocument[] | null {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, merge: false, uniqueKeys: false, prettyErrors: false, logLevel: "silent" });
  if (!Array.isArray(docs)) return [];
  // A broken file is indexed not at all (its own lint run reports the parse error).
  for (const doc of docs) if (doc.errors.length) return null;
  return docs.map((doc) => {
    const contents = doc.contents;
    const lineOf = (node: { range?: [number, number, number] | null } | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1);
    const reader = new NodeReader(doc);
    const value = contents ? reader.read(contents, 0) : null;
    let itemLines: number[] | null = null;
    if (isMap(contents)) {
      const items = contents.get("items", true);
      if (isSeq(items)) itemLines = items.items.map((n) => lineOf(n as { range?: [number, number, number] | null }));
    }
    return { value, line: lineOf(contents), itemLines, template: reader.template };
  });
}

class NodeReader {
  template = false;
  private aliases = 0;
  private memo = new Map<unknown, unknown>();
  private active = new Set<unknown>();

  constructor(private readonly doc: Document.Parsed) {}

  read(node: unknown, depth: number): unknown {
    if (depth > 500) throw new Error("too deep");
    if (isAlias(node)) {
      if (++this.aliases > MAX_ALIASES) throw new Error("too many aliases");
      const target = node.resolve(this.doc);
      if (!target) return null;
      if (this.memo.has(target)) return this.memo.get(target);
      if (this.active.has(target)) throw new Error("alias cycle");
      this.active.add(target);
      const value = this.read(target, depth);
      this.active.delete(target);
      this.memo.set(target, value);
      return value;
    }
    if (isScalar(node)) return scalarValue(node as ScalarNode);
    if (isSeq(node)) return node.items.map((item) => this.read(item, depth + 1));
    if (isMap(node)) {
      if (node.flow && node.items.some((pair) => isMap(pair.key))) this.template = true;
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isMergeKey(pair.key)) {
          this.merge(this.read(pair.value, depth + 1), out);
          continue;
        }
        const key = keyOf(this.read(pair.key, depth + 1));
        if (key === null) continue;
        setKey(out, key, this.read(pair.value, depth + 1));
      }
      return out;
    }
    return null;
  }

  /** `<<: value`: go-yaml v2 merges in pair order (a later key wins), a list from its end (its first map wins). */
  private merge(value: unknown, out: Record<string, unknown>): void {
    const sources = Array.isArray(value) ? [...value].reverse() : [value];
    for (const source of sources) {
      if (typeof source !== "object" || source === null || Array.isArray(source)) continue;
      for (const k of Object.keys(source)) setKey(out, k, (source as Record<string, unknown>)[k]);
    }
  }
}

interface ScalarNode {
  value: unknown;
  source?: string;
  type?: string;
  tag?: string;
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const k = key as ScalarNode;
  if (k.tag) return k.tag === "tag:yaml.org,2002:merge";
  return k.type === "PLAIN" && k.source === "<<";
}

/** As `lib/yaml/value.ts` reads a scalar: plain ones by YAML 1.1 rules, quoted and block ones as strings. */
function scalarValue(node: ScalarNode): unknown {
  const text = node.source ?? String(node.value ?? "");
  const plain = node.type === "PLAIN";
  const tag = node.tag;
  if (tag) {
    if (tag === "tag:yaml.org,2002:str") return text;
    if (tag === "tag:yaml.org,2002:binary") {
      try {
        return Buffer.from(text.replace(/\s+/g, ""), "base64").toString("latin1");
      } catch {
        return text;
      }
    }
    if (tag.startsWith("tag:yaml.org,2002:")) {
      const v = node.value;
      return (typeof v === "object" && v !== null) || v === undefined ? text : v;
    }
    return text;
  }
  return plain ? resolvePlain(text) : text;
}

/** Own-property assignment that is safe for keys such as `__proto__`. */
function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

// ---------------------------------------------------------------------------------------------------------
// The line scanner (plain block YAML only; undefined = not that, use the parser).

class GiveUp extends Error {}
const GIVE_UP = new GiveUp();

interface Line {
  /** 1-based line number. */
  no: number;
  indent: number;
  /** The line from its indentation on, trailing spaces kept. */
  text: string;
}

/** Characters a plain scalar may not start with (YAML 1.2 §7.3.3; `-`, `?`, `:` only before a space). */
const INDICATORS = new Set([",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`"]);

export function scanDocuments(text: string): PlainDocument[] | undefined {
  // Templates, tabs, CR and a byte order mark: the parser reads them. (Anchors, aliases, tags, block scalars,
  // flow mappings, directives and `...` are found where they start a key or a value, and give up there.)
  if (text.charCodeAt(0) === 0xfeff || /[\t\r]|\{\{/.test(text)) return undefined;
  try {
    const docs: PlainDocument[] = [];
    let current: Line[] = [];
    let started = false; // a document began (content, or a `---`)
    let marker = 1; // line of the `---` that began it
    const flush = () => {
      docs.push(scanDocument(current, marker));
      current = [];
    };
    let no = 0;
    let start = 0;
    const n = text.length;
    while (start <= n) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = n;
      const raw = text.slice(start, end);
      start = end + 1;
      no++;
      if (raw.startsWith("---")) {
        const rest = raw.slice(3);
        if (rest.trim() !== "" && !/^\s+#/.test(rest)) return undefined; // content after `---`
        if (started) flush();
        started = true;
        marker = no;
        continue;
      }
      let indent = 0;
      while (indent < raw.length && raw.charCodeAt(indent) === 32) indent++;
      if (indent === raw.length || raw.charCodeAt(indent) === 35 /* # */) continue; // blank or comment
      started = true;
      current.push({ no, indent, text: raw.slice(indent) });
      if (end === n) break;
    }
    if (started) flush();
    return docs;
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

function scanDocument(lines: Line[], marker: number): PlainDocument {
  // An empty document starts where its `---` is.
  if (!lines.length) return { value: null, line: marker, itemLines: null, template: false };
  const first = lines[0];
  if (first.indent !== 0 || isSeqItem(first.text)) throw GIVE_UP; // only a top-level block mapping
  const state = { lines, i: 0, seqLines: new Map<unknown[], number[]>() };
  const value = scanMap(state, 0, first.text, first.no);
  if (state.i !== lines.length) throw GIVE_UP;
  const items = (value as Record<string, unknown>).items;
  const itemLines = Array.isArray(items) ? (state.seqLines.get(items) ?? null) : null;
  return { value, line: first.no, itemLines, template: false };
}

interface ScanState {
  lines: Line[];
  /** Next line to read. */
  i: number;
  /** Start lines of the entries of each sequence read. */
  seqLines: Map<unknown[], number[]>;
}

function isSeqItem(text: string): boolean {
  return text === "-" || text.startsWith("- ");
}

/**
 * A block mapping whose keys are at column `indent`. `firstText` is the first entry's text (it may follow a
 * `- ` on the line of a sequence entry); the state stands on that entry's line.
 */
function scanMap(state: ScanState, indent: number, firstText: string, firstNo: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let text = firstText;
  let no = firstNo;
  for (;;) {
    state.i++;
    const { key, rest } = splitKey(text);
    if (Object.hasOwn(out, key) || key === "__proto__") throw GIVE_UP; // duplicate keys: the parser decides
    let value: unknown;
    if (rest === "") {
      const next = state.lines[state.i];
      if (next && next.indent > indent) value = scanBlock(state, next.indent);
      else if (next && next.indent === indent && isSeqItem(next.text)) value = scanSeq(state, indent);
      else value = null;
    } else {
      value = scalar(rest);
      const next = state.lines[state.i];
      if (next && next.indent > indent) throw GIVE_UP; // a multi-line scalar (or an error)
    }
    out[key] = value;
    const next = state.lines[state.i];
    if (!next || next.indent < indent) return out;
    if (next.indent > indent || isSeqItem(next.text)) throw GIVE_UP;
    text = next.text;
    no = next.no;
  }
  void no;
}

/** A block node starting on the current line at column `indent`. */
function scanBlock(state: ScanState, indent: number): unknown {
  const line = state.lines[state.i];
  if (isSeqItem(line.text)) return scanSeq(state, indent);
  return scanMap(state, indent, line.text, line.no);
}

/** A block sequence whose `-` are at column `indent`. */
function scanSeq(state: ScanState, indent: number): unknown[] {
  const out: unknown[] = [];
  const starts: number[] = [];
  for (;;) {
    const line = state.lines[state.i];
    const body = line.text === "-" ? "" : line.text.slice(2);
    let pad = 0;
    while (pad < body.length && body.charCodeAt(pad) === 32) pad++;
    const content = body.slice(pad);
    if (content === "") {
      state.i++;
      const next = state.lines[state.i];
      if (next && next.indent > indent) {
        starts.push(next.no);
        out.push(scanBlock(state, next.indent));
      } else {
        starts.push(line.no);
        out.push(null);
      }
    } else if (isSeqItem(content)) {
      throw GIVE_UP; // `- - x`
    } else if (hasKey(content)) {
      starts.push(line.no);
      out.push(scanMap(state, indent + 2 + pad, content, line.no));
    } else {
      starts.push(line.no);
      out.push(scalar(content));
      state.i++;
      const next = state.lines[state.i];
      if (next && next.indent > indent) throw GIVE_UP;
    }
    const next = state.lines[state.i];
    if (!next || next.indent < indent) break;
    if (next.indent > indent || !isSeqItem(next.text)) {
      if (next.indent === indent) break; // the next key of the mapping holding this sequence
      throw GIVE_UP;
    }
  }
  state.seqLines.set(out, starts);
  return out;
}

/** True when an entry's text is `key: …` (a plain or quoted key followed by `:` and a space or the end). */
function hasKey(text: string): boolean {
  const c = text[0];
  if (c === '"' || c === "'") {
    const end = quotedEnd(text);
    return end > 0 && text[end] === ":" && (end + 1 === text.length || text[end + 1] === " ");
  }
  return keyColon(text) >= 0;
}

/** Index of the `:` ending a plain key (`: ` or a final `:`), or -1. */
function keyColon(text: string): number {
  for (let j = text.indexOf(":"); j >= 0; j = text.indexOf(":", j + 1)) {
    if (j + 1 === text.length || text[j + 1] === " ") {
      // ` #` before it: the colon is inside a comment.
      const hash = text.indexOf(" #");
      return hash >= 0 && hash < j ? -1 : j;
    }
  }
  return -1;
}

/** Index just after the closing quote of a quoted scalar at the start of `text` (0 when it is not closed). */
function quotedEnd(text: string): number {
  const q = text[0];
  for (let j = 1; j < text.length; j++) {
    const c = text[j];
    if (q === '"' && c === "\\") throw GIVE_UP; // escapes: the parser reads them
    if (c === q) {
      if (q === "'" && text[j + 1] === "'") {
        j++;
        continue;
      }
      return j + 1;
    }
  }
  return 0;
}

function splitKey(text: string): { key: string; rest: string } {
  let key: string;
  let after: number;
  const c = text[0];
  if (c === '"' || c === "'") {
    const end = quotedEnd(text);
    if (!end || text[end] !== ":") throw GIVE_UP;
    key = unquote(text.slice(0, end));
    after = end + 1;
  } else {
    const j = keyColon(text);
    if (j <= 0) throw GIVE_UP;
    const raw = text.slice(0, j).trimEnd();
    if (!plainStart(raw) || raw.includes(" #") || raw === "<<") throw GIVE_UP; // `<<`: a merge key
    const k = keyOf(resolvePlain(raw));
    if (k === null) throw GIVE_UP;
    key = k;
    after = j + 1;
  }
  return { key, rest: stripComment(text.slice(after)) };
}

/** The rest of a line after `key:` or `- `, without its comment and spaces ("" when nothing is left). */
function stripComment(rest: string): string {
  const t = rest.trim();
  if (t === "" || t[0] === "#") return "";
  return t;
}

function plainStart(text: string): boolean {
  if (!text) return false;
  const c = text[0];
  if (INDICATORS.has(c)) return false;
  if ((c === "-" || c === "?" || c === ":") && (text.length === 1 || text[1] === " ")) return false;
  return true;
}

function unquote(q: string): string {
  const body = q.slice(1, -1);
  return q[0] === "'" ? body.replace(/''/g, "'") : body;
}

/** A one-line value: a quoted scalar, a flow sequence of scalars, `{}`, or a plain scalar (comment stripped). */
function scalar(text: string): unknown {
  const c = text[0];
  if (c === '"' || c === "'") {
    const end = quotedEnd(text);
    if (!end) throw GIVE_UP;
    if (stripComment(text.slice(end)) !== "") throw GIVE_UP;
    if (end < text.length && text[end] !== " ") throw GIVE_UP;
    return unquote(text.slice(0, end));
  }
  if (c === "[") return flowSeq(text);
  if (c === "{") {
    if (/^\{\s*\}(\s+#.*)?$/.test(text)) return {};
    throw GIVE_UP;
  }
  // A comment starts at ` #`.
  const hash = text.indexOf(" #");
  const plain = (hash >= 0 ? text.slice(0, hash) : text).trimEnd();
  if (!plainStart(plain) || plain.includes(": ") || plain.endsWith(":")) throw GIVE_UP;
  return resolvePlain(plain);
}

/** `[a, "b", 'c']` on one line (plain or quoted scalars only). */
function flowSeq(text: string): unknown[] {
  const close = text.lastIndexOf("]");
  if (close < 0 || stripComment(text.slice(close + 1)) !== "") throw GIVE_UP;
  const inner = text.slice(1, close).trim();
  if (inner === "") return [];
  const out: unknown[] = [];
  let j = 0;
  while (j <= inner.length) {
    while (inner[j] === " ") j++;
    const c = inner[j];
    if (c === '"' || c === "'") {
      const end = quotedEnd(inner.slice(j));
      if (!end) throw GIVE_UP;
      out.push(unquote(inner.slice(j, j + end)));
      j += end;
      while (inner[j] === " ") j++;
      if (j < inner.length && inner[j] !== ",") throw GIVE_UP;
    } else {
      let k = inner.indexOf(",", j);
      if (k < 0) k = inner.length;
      const item = inner.slice(j, k).trim();
      if (!plainStart(item) || /[[\]{}#]|: |:$/.test(item)) throw GIVE_UP;
      out.push(resolvePlain(item));
      j = k;
    }
    if (j >= inner.length) break;
    j++; // the comma
    if (inner.slice(j).trim() === "") throw GIVE_UP; // trailing comma: let the parser decide
  }
  return out;
}
