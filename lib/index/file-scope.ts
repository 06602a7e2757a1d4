/**
 * Where records are, for the messages of cross-file rules. The repository itself comes from the rule context
 * (`CheckContext.repo`: the unit's view of the index, or of the file alone when the index does not hold it).
 */
import path from "node:path";
import type { Resource } from "../yaml/documents.js";
import type { ResourceRecord } from "./types.js";
import type { RepoIndex } from "./repo-index.js";

export interface FileScope {
  repo: RepoIndex;
  /** The record of a resource of the linted file. */
  recordOf(resource: Resource): ResourceRecord | undefined;
  /** Absolute path of the linted file. */
  file: string;
}

/** The part of a rule's context a file scope needs (a `CheckContext` fits). */
export interface ScopeContext {
  eslint: { cwd: string; physicalFilename: string };
  repo(): RepoIndex;
  recordOf(resource: Resource): ResourceRecord | undefined;
}

/** The rule context's repository (already the file alone when the index does not hold it), for messages. */
export function fileScope(ctx: ScopeContext): FileScope {
  return { repo: ctx.repo(), recordOf: ctx.recordOf, file: path.resolve(ctx.eslint.cwd, ctx.eslint.physicalFilename) };
}

/**
 * Where a record is, for messages: `line N` in the linted file, `file.yaml:N` (the basename) in
 * another file, `settings assumeExists` for an assumed resource.
 */
export function recordWhere(scope: FileScope, record: ResourceRecord): string {
  if (record.assumed || !record.file) return "settings assumeExists";
  if (path.resolve(record.file) === scope.file) return `line ${record.line}`;
  return `${path.basename(record.file)}:${record.line}`;
}

/** `Kind ns/name` of a record (its resolved namespace), or `Kind name` when the namespace is unknown. */
export function recordName(record: ResourceRecord): string {
  return `${record.kind} ${record.namespace ? `${record.namespace}/${record.name}` : record.name}`;
}
