/**
 * Edits for JSON manifests, computed with jsonc-parser so that the output stays JSON and keeps the
 * file's own layout: a replaced property stays where it was, written on one line when the old value was
 * on one line and indented like its siblings otherwise.
 */
import { applyEdits, findNodeAtLocation, modify, parseTree, type FormattingOptions, type JSONPath, type Node } from "jsonc-parser";
import type { Resource } from "./documents.js";
import type { EditOp, TextEdit } from "./edit-types.js";

function formatting(text: string): FormattingOptions & { unit: string } {
  const m = /\n([ \t]+)\S/.exec(text);
  const unit = m ? (m[1].startsWith("\t") ? "\t" : m[1]) : "  ";
  return { insertSpaces: unit !== "\t", tabSize: unit === "\t" ? 1 : unit.length, eol: text.includes("\r\n") ? "\r\n" : "\n", unit };
}

/** One-line JSON with the spacing people write by hand: `{"a": 1, "b": [1, 2]}`. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(", ")}]`;
  if (value && typeof value === "object") {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`)
      .join(", ")}}`;
  }
  return JSON.stringify(value);
}

/** Multi-line JSON whose continuation lines start at `indent`. */
function block(value: unknown, indent: string, unit: string, eol: string): string {
  return JSON.stringify(value, null, unit).split("\n").join(eol + indent);
}

function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

export function jsonEdits(text: string, resource: Resource, ops: readonly EditOp[]): TextEdit[] | null {
  const base: JSONPath = resource.listIndex === null ? [] : ["items", resource.listIndex];
  const fmt = formatting(text);
  let out = text;
  const write = (property: Node, key: string, value: unknown) => {
    const valueNode = property.children?.[1];
    if (!valueNode) return false;
    const oneLine = !out.slice(valueNode.offset, valueNode.offset + valueNode.length).includes("\n");
    const textValue = oneLine ? inline(value) : block(value, lineIndent(out, property.offset), fmt.unit, fmt.eol ?? "\n");
    out = out.slice(0, property.offset) + `${JSON.stringify(key)}: ${textValue}` + out.slice(property.offset + property.length);
    return true;
  };
  const propertyAt = (path: JSONPath): Node | undefined => {
    const tree = parseTree(out);
    const node = tree && findNodeAtLocation(tree, path);
    return node?.parent?.type === "property" ? node.parent : undefined;
  };
  const modifyAt = (path: JSONPath, value: unknown, isArrayInsertion = false) => {
    out = applyEdits(out, modify(out, path, value, { formattingOptions: fmt, isArrayInsertion }));
  };
  const eol = fmt.eol ?? "\n";
  const listItem = (index: number): Node | undefined => {
    const tree = parseTree(out);
    return (tree && findNodeAtLocation(tree, ["items"]))?.children?.[index];
  };
  /** Cuts a property or array entry with one joining comma, so the rest keeps its layout. */
  const cut = (path: JSONPath): boolean => {
    const tree = parseTree(out);
    const node = tree && findNodeAtLocation(tree, path);
    const item = node?.parent?.type === "property" ? node.parent : node;
    const siblings = item?.parent?.children ?? [];
    const i = item ? siblings.indexOf(item) : -1;
    if (!item || i < 0) return false;
    const prev = siblings[i - 1];
    const next = siblings[i + 1];
    const [from, to] = next
      ? [item.offset, next.offset]
      : prev
        ? [prev.offset + prev.length, item.offset + item.length]
        : [item.offset, item.offset + item.length];
    out = out.slice(0, from) + out.slice(to);
    return true;
  };
  for (const op of ops) {
    switch (op.op) {
      case "replacePair": {
        const property = propertyAt([...base, ...op.path]);
        if (!property || !write(property, op.key, op.value)) return null;
        break;
      }
      case "set": {
        const path = [...base, ...op.path];
        const property = propertyAt(path);
        if (property) {
          if (!write(property, String(op.path[op.path.length - 1]), op.value)) return null;
        } else modifyAt(path, op.value);
        break;
      }
      case "remove":
        if (!cut([...base, ...op.path])) return null;
        break;
      case "removeResource":
        if (resource.listIndex === null || !cut(base)) return null;
        break;
      case "addResourceAfter": {
        if (resource.listIndex === null) return null;
        const item = listItem(resource.listIndex);
        if (!item) return null;
        const values = Array.isArray(op.value) ? op.value : [op.value];
        const indent = lineIndent(out, item.offset);
        const end = item.offset + item.length;
        out = out.slice(0, end) + values.map((v) => "," + eol + indent + block(v, indent, fmt.unit, eol)).join("") + out.slice(end);
        break;
      }
      case "replaceResource": {
        if (resource.listIndex === null) {
          // A JSON file holds one resource: it can only be replaced by one.
          if (op.value.length !== 1) return null;
          out = block(op.value[0], "", fmt.unit, eol) + (out.endsWith("\n") ? eol : "");
          break;
        }
        // The item's own text is replaced; the other items keep their layout.
        const item = listItem(resource.listIndex);
        if (!item) return null;
        const indent = lineIndent(out, item.offset);
        const replacement = op.value.map((v) => block(v, indent, fmt.unit, eol)).join("," + eol + indent);
        out = out.slice(0, item.offset) + replacement + out.slice(item.offset + item.length);
        break;
      }
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
