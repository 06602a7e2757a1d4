/**
 * What the rule factory says once per file, whichever rules are on: a file that is not UTF-8 text, a document
 * that was not read (alias bomb, alias cycle, nesting too deep); and the guard on templated values.
 */
import type { AST } from "yaml-eslint-parser";
import type { Path } from "./ast.js";
import { unreadDocumentsOf, type Resource } from "./documents.js";
import { describeTextProblem, textProblem } from "./encoding.js";

/** The messageId every rule of the plugin has for these file-level messages. */
export const UNREADABLE = "unreadable";
export const UNREADABLE_MESSAGE = "{{message}}";

export interface FileMessage {
  loc: AST.SourceLocation;
  message: string;
}

export interface FileProblems {
  /** Messages to report now (only the first rule to run on this file gets them: they are said once). */
  reports: FileMessage[];
  /** True when the file is not linted at all (binary, UTF-16/32 read as UTF-8). */
  skip: boolean;
}

const told = new WeakSet<object>();
const FILE_START: AST.SourceLocation = { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } };

/** The file-level problems of a parsed file; `reports` is empty after the first call for the same AST. */
export function fileProblems(program: AST.YAMLProgram, text: string): FileProblems {
  const first = !told.has(program);
  told.add(program);
  const encoding = textProblem(text);
  if (encoding) return { reports: first ? [{ loc: FILE_START, message: describeTextProblem(encoding) }] : [], skip: true };
  if (!first) return { reports: [], skip: false };
  const reports = unreadDocumentsOf(program).map((u) => {
    const at = u.document.content ?? u.document;
    return { loc: { start: at.loc.start, end: at.loc.start }, message: u.message };
  });
  return { reports, skip: false };
}

function related(a: Path, b: Path): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * True when a report at `path` is about a templated value (at, inside or around it): the value is unknown, so the
 * report is withheld rather than made from a guess.
 */
export function aboutTemplate(resource: Resource, path: Path): boolean {
  return (resource.templated ?? []).some((t) => related(t, path));
}

/** True when a resource holds a templated value: fixes and suggestions of it are withheld (never rewrite templates). */
export function hasTemplates(resource: Resource): boolean {
  return (resource.templated ?? []).length > 0;
}
