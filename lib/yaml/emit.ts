/**
 * Writes plain values as YAML text in a given style: block (at a given column) or flow (one line).
 */
import type { YamlStyle } from "./style.js";
import { plainIsNotString } from "./value.js";

const AMBIGUOUS = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN)$/;
const NUMBERISH = /^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$|^0x[0-9a-fA-F]+$|^0o[0-7]+$|^[-+]?\d+(?::\d\d)+$/;
const PLAIN_SAFE = /^[A-Za-z0-9_./$][A-Za-z0-9_./@$()+=-]*(?:[ :][A-Za-z0-9_./@$()+=-]+)*$/;

/** A scalar as YAML: plain when that reads back as the same string, double-quoted otherwise. */
export function emitScalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const s = String(value);
  // Quoted when YAML 1.2 or kubectl's YAML 1.1 (`on`, `0b1`, `0777`, `1_000`) would read the plain text as something else.
  if (s === "" || AMBIGUOUS.test(s) || NUMBERISH.test(s) || plainIsNotString(s) || !PLAIN_SAFE.test(s) || s.includes(": ") || s.includes(" #") || s.includes("{{")) {
    return JSON.stringify(s);
  }
  return s;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function emitKey(key: string): string {
  return emitScalar(key);
}

/** One-line flow text: `{kind: Service, group: "", name: x}`. */
export function emitFlow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(emitFlow).join(", ")}]`;
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${emitKey(k)}: ${emitFlow(v)}`).join(", ")}}`;
  }
  return emitScalar(value);
}

/**
 * Text that follows `key:` for a value whose key starts at column `keyColumn`:
 * ` scalar`, ` {}`, or a newline and the nested block lines.
 */
export function emitAfterKey(value: unknown, keyColumn: number, style: YamlStyle): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return " []";
    const col = keyColumn + (style.indentSequences ? style.indent : 0);
    return style.eol + emitSequenceLines(value, col, style);
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return " {}";
    return style.eol + emitMappingLines(value, keyColumn + style.indent, style);
  }
  return " " + emitScalar(value);
}

/** Block mapping lines, each starting at `column` (the first line included). */
export function emitMappingLines(value: Record<string, unknown>, column: number, style: YamlStyle): string {
  const pad = " ".repeat(column);
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${pad}${emitKey(k)}:${emitAfterKey(v, column, style)}`)
    .join(style.eol);
}

/** Block sequence lines (`- item`), each starting at `column`. */
export function emitSequenceLines(value: unknown[], column: number, style: YamlStyle): string {
  const pad = " ".repeat(column);
  return value.map((item) => pad + "- " + emitEntryBody(item, column + 2, style)).join(style.eol);
}

/** The text after `- ` of a sequence entry whose content starts at `column`. */
export function emitEntryBody(item: unknown, column: number, style: YamlStyle): string {
  if (isPlainObject(item) && Object.keys(item).length > 0) {
    return emitMappingLines(item, column, style).slice(column);
  }
  if (Array.isArray(item) && item.length > 0) {
    return emitSequenceLines(item, column, style).slice(column);
  }
  return Array.isArray(item) ? "[]" : isPlainObject(item) ? "{}" : emitScalar(item);
}

/** A whole document body at column 0. */
export function emitDocument(value: Record<string, unknown>, style: YamlStyle): string {
  return emitMappingLines(value, 0, style);
}
