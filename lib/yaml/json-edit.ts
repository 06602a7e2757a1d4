/**
 * Edits for JSON manifests, computed with jsonc-parser so that the output stays JSON and keeps the
 * file's own indentation.
 */
import { applyEdits, modify, type FormattingOptions, type JSONPath } from "jsonc-parser";
import type { Resource } from "./documents.js";
import type { EditOp, TextEdit } from "./edit.js";

function formatting(text: string): FormattingOptions {
  const m = /\n([ \t]+)\S/.exec(text);
  const indent = m ? m[1] : "  ";
  return {
    insertSpaces: !indent.startsWith("\t"),
    tabSize: indent.startsWith("\t") ? 1 : indent.length,
    eol: text.includes("\r\n") ? "\r\n" : "\n",
  };
}

export function jsonEdits(text: string, resource: Resource, ops: readonly EditOp[]): TextEdit[] | null {
  const base: JSONPath = resource.listIndex === null ? [] : ["items", resource.listIndex];
  const formattingOptions = formatting(text);
  let out = text;
  const apply = (path: JSONPath, value: unknown) => {
    out = applyEdits(out, modify(out, path, value, { formattingOptions }));
  };
  for (const op of ops) {
    switch (op.op) {
      case "replacePair": {
        const path = [...base, ...op.path];
        const parent = path.slice(0, -1);
        apply(path, undefined);
        apply([...parent, op.key], op.value);
        break;
      }
      case "set":
        apply([...base, ...op.path], op.value);
        break;
      case "remove":
        apply([...base, ...op.path], undefined);
        break;
      case "removeResource":
        if (resource.listIndex === null) return null;
        apply(base, undefined);
        break;
      case "addResourceAfter":
        if (resource.listIndex === null) return null;
        out = applyEdits(out, modify(out, ["items", resource.listIndex + 1], op.value, { formattingOptions, isArrayInsertion: true }));
        break;
    }
  }
  if (out === text) return null;
  // One edit covering the changed region (common prefix and suffix kept).
  let start = 0;
  while (start < text.length && start < out.length && text[start] === out[start]) start++;
  let endOld = text.length;
  let endNew = out.length;
  while (endOld > start && endNew > start && text[endOld - 1] === out[endNew - 1]) {
    endOld--;
    endNew--;
  }
  return [{ range: [start, endOld], text: out.slice(start, endNew) }];
}
