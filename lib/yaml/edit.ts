/**
 * Comment-safe text edits on a YAML file, expressed as operations on a resource's paths.
 *
 * Every operation keeps the file's indentation and block/flow style, keeps comments (comments inside a
 * replaced value move above it), and refuses (returns null) where the edit could change something it
 * does not own: anchors or aliases in the edited range, values that cannot be found, odd layouts.
 * JSON files are edited with jsonc-parser (see json-edit.ts) so that they stay JSON.
 */
import type { AST } from "yaml-eslint-parser";
import { hasAnchorsOrAliases, isMapping, isSequence, locate, unwrap, type Path } from "./ast.js";
import { hasMergeKey } from "./value.js";
import { emitAfterKey, emitDocument, emitEntryBody, emitFlow, emitScalar } from "./emit.js";
import { styleOf, type YamlStyle } from "./style.js";
import type { Resource } from "./documents.js";
import { jsonEdits } from "./json-edit.js";
import type { EditOp, TextEdit } from "./edit-types.js";

export type { EditOp, TextEdit } from "./edit-types.js";

export interface EditableFile {
  text: string;
  program: AST.YAMLProgram;
  comments: AST.Comment[];
  /** True for `.json` manifests: edits go through jsonc-parser. */
  isJson: boolean;
}

/** Computes the text edits for a list of operations on one resource, or null when they are not safe. */
export function computeEdits(file: EditableFile, resource: Resource, ops: readonly EditOp[]): TextEdit[] | null {
  if (file.isJson) return jsonEdits(file.text, resource, ops);
  const style = styleOf(file.program, file.text);
  const edits: TextEdit[] = [];
  for (const op of ops) {
    const e = yamlEdit(file, style, resource, op);
    if (!e) return null;
    edits.push(...e);
  }
  placeInsertsAfterRemovals(file.text, edits, style.eol);
  edits.sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  for (let i = 1; i < edits.length; i++) if (edits[i].range[0] < edits[i - 1].range[1]) return null;
  return edits;
}

/**
 * An insertion that falls at the end of a removed range (adding a resource after a document whose last lines are
 * removed) moves to the start of that range: the removal takes whole lines, so the insertion then starts a line
 * and ends with the line break the removal took.
 */
function placeInsertsAfterRemovals(text: string, edits: TextEdit[], eol: string): void {
  for (const ins of edits) {
    if (ins.range[0] !== ins.range[1] || !ins.text) continue;
    const p = ins.range[0];
    const removal = edits.find((e) => e !== ins && e.text === "" && e.range[0] < p && p <= e.range[1]);
    if (!removal) continue;
    const a = removal.range[0];
    const lineStart = a === 0 || text[a - 1] === "\n";
    const tookBreak = text.slice(p, removal.range[1]).includes("\n");
    let t = ins.text;
    if (lineStart && t.startsWith(eol)) t = t.slice(eol.length);
    if (tookBreak && !t.endsWith(eol)) t += eol;
    ins.range = [a, a];
    ins.text = t;
  }
}

function yamlEdit(file: EditableFile, style: YamlStyle, resource: Resource, op: EditOp): TextEdit[] | null {
  switch (op.op) {
    case "replacePair": {
      const found = locate(resource.node, op.path);
      if (!found?.pair || !ownsPair(found.pair)) return null;
      return replacePair(file, style, found.pair, op.key, op.value);
    }
    case "set": {
      const found = locate(resource.node, op.path);
      if (found?.pair) {
        if (!ownsPair(found.pair)) return null;
        const key = emitScalar(String(op.path[op.path.length - 1]));
        return replacePair(file, style, found.pair, key, op.value, true);
      }
      const parent = locate(resource.node, op.path.slice(0, -1));
      const key = op.path[op.path.length - 1];
      if (!parent || typeof key !== "string" || !isMapping(parent.node) || insideAnchor(parent.node)) return null;
      return insertPair(file, style, parent.node, key, op.value);
    }
    case "remove": {
      const found = locate(resource.node, op.path);
      if (!found) return null;
      if (found.pair) return ownsPair(found.pair) ? removePair(file, found.pair) : null;
      if (found.entry) return insideAnchor(found.entry) ? null : removeEntry(file, found.entry);
      return null;
    }
    case "removeResource":
      if (resource.listNode && resource.listIndex !== null) {
        const entry = resource.listNode.entries[resource.listIndex];
        return entry ? removeEntry(file, entry) : null;
      }
      return removeDocument(file, resource.document, resource.documentIndex);
    case "addResourceAfter": {
      const values = Array.isArray(op.value) ? op.value : [op.value];
      if (resource.listNode && resource.listIndex !== null) {
        const entry = resource.listNode.entries[resource.listIndex];
        if (!entry || resource.listNode.style !== "block") return null;
        const col = entry.loc.start.column - 2;
        const at = lineEnd(file.text, entry.range[1]);
        return [{ range: [at, at], text: values.map((v) => style.eol + listEntry(v, col, style)).join("") }];
      }
      const content = resource.document.content;
      const at = content ? lineEnd(file.text, content.range[1]) : resource.document.range[1];
      return [{ range: [at, at], text: values.map((v) => `${style.eol}---${style.eol}${emitDocument(v, style)}`).join("") }];
    }
    case "replaceResource": {
      if (!op.value.length || hasAnchorsOrAliases(resource.node)) return null;
      const inList = resource.listNode !== null && resource.listIndex !== null;
      const node: AST.YAMLNode | null = inList ? resource.listNode!.entries[resource.listIndex!] : resource.document.content;
      if (!node) return null;
      const range: [number, number] = [node.range[0], lineEnd(file.text, node.range[1])];
      // Comments inside the replaced resource move above the replacement.
      const moved = commentsIn(file, range).map((c) => `#${c.value}`);
      if (inList) {
        if (resource.listNode!.style !== "block") return null;
        const dash = file.text.lastIndexOf("-", node.range[0]);
        if (dash < 0 || !startsLine(file.text, dash)) return null;
        const col = dash - lineStart(file.text, dash);
        const pad = " ".repeat(col);
        const lead = moved.map((c) => pad + c + style.eol).join("");
        return [{ range: [lineStart(file.text, dash), range[1]], text: lead + op.value.map((v) => listEntry(v, col, style)).join(style.eol) }];
      }
      const lead = moved.map((c) => c + style.eol).join("");
      return [
        {
          range: [lineStart(file.text, range[0]), range[1]],
          text: lead + op.value.map((v) => emitDocument(v, style)).join(`${style.eol}---${style.eol}`),
        },
      ];
    }
  }
}

/** Index just past the last character of the line holding `index` (before its newline). */
export function lineEnd(text: string, index: number): number {
  const nl = text.indexOf("\n", index);
  if (nl < 0) return text.length;
  return text[nl - 1] === "\r" ? nl - 1 : nl;
}

export function lineStart(text: string, index: number): number {
  return text.lastIndexOf("\n", index - 1) + 1;
}

/** True when only spaces precede `index` on its line. */
function startsLine(text: string, index: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, index), index));
}

/** Index of the first comment starting at or after `offset` (comments are in file order). */
function firstCommentFrom(file: EditableFile, offset: number): number {
  let lo = 0;
  let hi = file.comments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (file.comments[mid].range[0] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function commentsIn(file: EditableFile, range: [number, number]): AST.Comment[] {
  const out: AST.Comment[] = [];
  for (let i = firstCommentFrom(file, range[0]); i < file.comments.length && file.comments[i].range[0] < range[1]; i++) {
    if (file.comments[i].range[1] <= range[1]) out.push(file.comments[i]);
  }
  return out;
}

/**
 * True when an edit of this pair means what it says: its mapping has no merge key (`<<`, whose keys would show
 * through a removed key, or override a replaced one in go-yaml's order) and no anchor above it (the edit would
 * also change every alias of that anchor).
 */
function ownsPair(pair: AST.YAMLPair): boolean {
  return !hasMergeKey(pair.parent) && !insideAnchor(pair);
}

/** Is the node inside an anchored node (`&name`), so that aliases elsewhere see any edit of it? */
function insideAnchor(node: AST.YAMLNode): boolean {
  for (let p: AST.YAMLNode | null = node.parent as AST.YAMLNode | null; p; p = p.parent as AST.YAMLNode | null) {
    if (p.type === "YAMLWithMeta" && (p as AST.YAMLWithMeta).anchor) return true;
  }
  return false;
}

/** Comments of a removed range, re-written as comment lines at `column` (so that removals keep every comment). */
function keptComments(file: EditableFile, style: YamlStyle, range: [number, number], column: number): string {
  const pad = " ".repeat(column);
  return commentsIn(file, range)
    .map((c) => `${pad}#${c.value}${style.eol}`)
    .join("");
}

/** Is this node inside a flow collection (where only flow text is allowed)? */
function inFlow(node: AST.YAMLNode): boolean {
  for (let p: AST.YAMLNode | null = node.parent as AST.YAMLNode | null; p; p = p.parent as AST.YAMLNode | null) {
    if ((p.type === "YAMLMapping" || p.type === "YAMLSequence") && p.style === "flow") return true;
  }
  return false;
}

function replacePair(
  file: EditableFile,
  style: YamlStyle,
  pair: AST.YAMLPair,
  key: string,
  value: unknown,
  keepKeyText = false,
): TextEdit[] | null {
  if (!pair.key || hasAnchorsOrAliases(pair)) return null;
  const col = pair.key.loc.start.column;
  const keyText = keepKeyText ? file.text.slice(pair.key.range[0], pair.key.range[1]) : emitScalar(key);
  const range: [number, number] = [pair.range[0], pair.range[1]];
  if (inFlow(pair)) {
    if (commentsIn(file, range).length) return null;
    return [{ range, text: `${keyText}: ${emitFlow(value)}` }];
  }
  // A comment that trails the pair's last line belongs to the pair.
  const next = file.comments[firstCommentFrom(file, range[1])];
  const trailing = next && next.range[0] <= lineEnd(file.text, range[1]) ? next : undefined;
  if (trailing) range[1] = trailing.range[1];
  const oldValue = unwrap(pair.value);
  // A value kept in flow style stays in flow style.
  const flowValue = oldValue && (isMapping(oldValue) || isSequence(oldValue)) && oldValue.style === "flow";
  let text = `${keyText}:` + (flowValue ? " " + emitFlow(value) : emitAfterKey(value, col, style));
  // Comments inside the replaced pair move above it, at the pair's indentation.
  const moved = commentsIn(file, range);
  if (moved.length) {
    if (!startsLine(file.text, pair.range[0])) return null;
    const pad = " ".repeat(col);
    text = moved.map((c) => `#${c.value}`).join(style.eol + pad) + style.eol + pad + text;
  }
  return [{ range, text }];
}

function insertPair(file: EditableFile, style: YamlStyle, mapping: AST.YAMLMapping, key: string, value: unknown): TextEdit[] | null {
  if (mapping.style === "flow" || inFlow(mapping)) {
    const last = mapping.pairs[mapping.pairs.length - 1];
    const text = `${emitScalar(key)}: ${emitFlow(value)}`;
    if (last) return [{ range: [last.range[1], last.range[1]], text: `, ${text}` }];
    const close = mapping.range[1] - 1;
    return [{ range: [close, close], text }];
  }
  const last = mapping.pairs[mapping.pairs.length - 1];
  const first = mapping.pairs[0];
  if (!last || !first?.key) return null;
  const col = first.key.loc.start.column;
  const at = lineEnd(file.text, last.range[1]);
  return [{ range: [at, at], text: style.eol + " ".repeat(col) + `${emitScalar(key)}:` + emitAfterKey(value, col, style) }];
}

function removePair(file: EditableFile, pair: AST.YAMLPair): TextEdit[] | null {
  if (hasAnchorsOrAliases(pair)) return null;
  const style = styleOf(file.program, file.text);
  const mapping = pair.parent as AST.YAMLMapping;
  const index = mapping.pairs.indexOf(pair);
  if (mapping.style === "flow") return removeFlowItem(file, mapping.pairs, index);
  if (mapping.pairs.length === 1) {
    // The mapping becomes empty: `key: {}` after its owner's colon (or `{}` for a list entry).
    const owner = mapping.parent as AST.YAMLNode;
    const end = lineEnd(file.text, mapping.range[1]);
    if (owner.type === "YAMLPair" && owner.key) {
      const colon = file.text.indexOf(":", owner.key.range[1]);
      if (colon < 0 || colon > mapping.range[0] || commentsIn(file, [colon, end]).length) return null;
      return [{ range: [colon + 1, end], text: " {}" }];
    }
    if (commentsIn(file, [pair.range[0], end]).length) return null;
    return [{ range: [pair.range[0], end], text: "{}" }];
  }
  if (!startsLine(file.text, pair.range[0])) {
    // `- key: value` (first key after a dash): pull the next key up onto the dash line; the removed lines'
    // comments stay, right after the dash (`- # comment`, the next key on its own line).
    const next = mapping.pairs[index + 1];
    if (!next?.key || index !== 0) return null;
    const range: [number, number] = [pair.range[0], next.range[0]];
    const comments = commentsIn(file, range);
    if (!comments.length) return [{ range, text: "" }];
    const pad = " ".repeat(next.key.loc.start.column);
    return [{ range, text: comments.map((c) => `#${c.value}`).join(style.eol + pad) + style.eol + pad }];
  }
  const range: [number, number] = [lineStart(file.text, pair.range[0]), nextLineStart(file.text, pair.range[1])];
  return [{ range, text: keptComments(file, style, range, pair.key?.loc.start.column ?? 0) }];
}

function nextLineStart(text: string, index: number): number {
  const nl = text.indexOf("\n", index);
  return nl < 0 ? text.length : nl + 1;
}

function removeEntry(file: EditableFile, entry: AST.YAMLNode): TextEdit[] | null {
  if (hasAnchorsOrAliases(entry)) return null;
  const style = styleOf(file.program, file.text);
  const seq = entry.parent as AST.YAMLSequence;
  if (!isSequence(seq)) return null;
  const index = seq.entries.indexOf(entry as never);
  if (seq.style === "flow") return removeFlowItem(file, seq.entries as AST.YAMLNode[], index);
  if (seq.entries.length === 1) {
    // The list becomes empty: `key: []` (a block list may sit at its key's indentation, so rewrite after the colon).
    const owner = seq.parent as AST.YAMLNode;
    if (owner.type !== "YAMLPair" || !owner.key) return null;
    const colon = file.text.indexOf(":", owner.key.range[1]);
    const end = lineEnd(file.text, seq.range[1]);
    if (colon < 0 || colon > seq.range[0] || commentsIn(file, [colon, end]).length) return null;
    return [{ range: [colon + 1, end], text: " []" }];
  }
  // The dash of a block entry is on the entry's first line.
  const dash = file.text.lastIndexOf("-", entry.range[0]);
  if (dash < 0 || !startsLine(file.text, dash)) return null;
  const range: [number, number] = [lineStart(file.text, dash), nextLineStart(file.text, entry.range[1])];
  return [{ range, text: keptComments(file, style, range, dash - range[0]) }];
}

function removeFlowItem(file: EditableFile, items: readonly (AST.YAMLNode | null)[], index: number): TextEdit[] | null {
  const item = items[index];
  if (!item) return null;
  const prev = items[index - 1];
  const next = items[index + 1];
  const range: [number, number] = next ? [item.range[0], next.range[0]] : prev ? [prev.range[1], item.range[1]] : [item.range[0], item.range[1]];
  // A comment inside a flow collection cannot be kept in place once its item is gone.
  if (commentsIn(file, range).length) return null;
  return [{ range, text: "" }];
}

/**
 * Removes a document by its AST ranges: its directives and `---` marker (when it has them), its content, and its
 * `...` end marker. Comment lines before its directives or marker, and after its content or end marker, stay
 * (they sit between documents: `# ---- next ----`); so does the file's leading comment. A block scalar holding
 * `---` is content, never a boundary.
 */
function removeDocument(file: EditableFile, document: AST.YAMLDocument, index: number): TextEdit[] | null {
  if (hasAnchorsOrAliases(document)) return null;
  const docs = file.program.body;
  // Removing the only resource would leave an empty file: that is deleting the file, not an edit.
  if (docs.length === 1 || !document.content || docs[index] !== document) return null;
  const { text } = file;
  const content = document.content;
  const own = headerLine(text, document);
  if (own === null) return null;
  let start = own < 0 ? lineStart(text, content.range[0]) : own;
  // A next document without its own `---` starts because this one ends with `...`: this `---` line stays, so the
  // next document still starts there (and never runs into the one before).
  const next = docs[index + 1];
  if (next && own >= 0 && headerLine(text, next) === -1) {
    if (!text.slice(own, lineEnd(text, own)).trimStart().startsWith("---") || text.slice(own, content.range[0]).includes("%")) return null;
    start = Math.max(lineStart(text, content.range[0]), nextLineStart(text, own));
    if (lineStart(text, content.range[0]) === own) return null; // content on the marker line: no line to keep
  }
  let end = nextLineStart(text, content.range[1]);
  // Its own `...` end marker goes too (and anything between, which is still this document).
  const lastLine = lineStart(text, document.range[1] - 1);
  if (lastLine >= end && /^\.\.\.(?:[ \t]+#.*)?$/.test(text.slice(lastLine, lineEnd(text, lastLine)).trim())) {
    end = nextLineStart(text, lastLine);
  }
  return [{ range: [start, Math.max(start, end)], text: "" }];
}

/**
 * The offset of a document's first directive or `---` line (its leading comments and blank lines are not part of
 * it); -1 when it has none (the first document, or one after `...`); null when its prefix is not understood.
 */
function headerLine(text: string, document: AST.YAMLDocument): number | null {
  const contentStart = document.content ? lineStart(text, document.content.range[0]) : document.range[1];
  for (let at = lineStart(text, document.range[0]); at <= contentStart && at < text.length; at = nextLineStart(text, at)) {
    const line = text.slice(at, lineEnd(text, at)).trimStart();
    if (line.startsWith("%") || line.startsWith("---")) return at;
    if (at === contentStart) break;
    if (line !== "" && !line.startsWith("#")) return null;
  }
  return -1;
}

/** One block List entry (`- …`) at the column of the list's dashes. */
function listEntry(value: Record<string, unknown>, col: number, style: YamlStyle): string {
  return " ".repeat(Math.max(col, 0)) + "- " + emitEntryBody(value, col + 2, style);
}
