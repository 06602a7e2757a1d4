/**
 * The layout conventions a file already uses, so that inserted text looks like the rest of it.
 */
import type { AST } from "yaml-eslint-parser";
import { isMapping, isSequence, unwrap, walk } from "./ast.js";

export interface YamlStyle {
  /** Spaces per nesting level of block mappings. */
  indent: number;
  /** `key:\n  - a` (true) or `key:\n- a` (false). */
  indentSequences: boolean;
  /** Line ending. */
  eol: "\n" | "\r\n";
}

const cache = new WeakMap<AST.YAMLProgram, YamlStyle>();

export function styleOf(program: AST.YAMLProgram, text: string): YamlStyle {
  let style = cache.get(program);
  if (!style) {
    style = detect(program, text);
    cache.set(program, style);
  }
  return style;
}

function mostCommon<T>(counts: Map<T, number>, fallback: T): T {
  let best = fallback;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

function detect(program: AST.YAMLProgram, text: string): YamlStyle {
  const indents = new Map<number, number>();
  const seqStyles = new Map<boolean, number>();
  for (const doc of program.body) {
    for (const node of walk(doc.content)) {
      if (node.type !== "YAMLPair" || !node.key) continue;
      const value = unwrap(node.value);
      if (!value || value.loc.start.line === node.key.loc.start.line) continue;
      const keyCol = node.key.loc.start.column;
      if (isMapping(value) && value.style === "block") {
        const d = value.loc.start.column - keyCol;
        if (d > 0) indents.set(d, (indents.get(d) ?? 0) + 1);
      } else if (isSequence(value) && value.style === "block") {
        const d = value.loc.start.column - keyCol;
        seqStyles.set(d > 0, (seqStyles.get(d > 0) ?? 0) + 1);
        if (d > 0) indents.set(d, (indents.get(d) ?? 0) + 1);
      }
    }
  }
  return {
    indent: mostCommon(indents, 2),
    indentSequences: mostCommon(seqStyles, true),
    eol: text.includes("\r\n") ? "\r\n" : "\n",
  };
}
