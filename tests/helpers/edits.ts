import * as yamlParser from "yaml-eslint-parser";
import type { AST } from "yaml-eslint-parser";
import { resourcesOf } from "../../lib/yaml/documents.js";
import { computeEdits, type EditOp, type TextEdit } from "../../lib/yaml/edit.js";

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.range[0] - a.range[0])) out = out.slice(0, e.range[0]) + e.text + out.slice(e.range[1]);
  return out;
}

/** Applies operations to resource `index` of a text; returns null when the edit is refused. */
export function edit(text: string, ops: EditOp[], index = 0, isJson = false): string | null {
  const program = yamlParser.parseForESLint(text).ast as AST.YAMLProgram;
  const resource = resourcesOf(program)[index];
  if (!resource) throw new Error("no resource " + index);
  const edits = computeEdits({ text, program, comments: program.comments, isJson }, resource, ops);
  return edits ? applyTextEdits(text, edits) : null;
}

export function parseValues(text: string): unknown[] {
  const ast = yamlParser.parseForESLint(text).ast;
  return ast.body.map((d) => yamlParser.getStaticYAMLValue(d));
}
