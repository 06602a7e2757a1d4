/**
 * The index a cross-file rule reads for the file it lints: the repository index when the file is part of it,
 * else an index of the file alone (a file outside the index root, or excluded by `include`/`exclude`), so that
 * a cross-file rule keeps working as a single-file rule.
 */
import path from "node:path";
import type { PluginSettings } from "../settings.js";
import type { Resource } from "../yaml/documents.js";
import { parseFile } from "./extract.js";
import { assemble, RepoIndexSnapshot } from "./repo-index.js";
import type { ResourceRecord } from "./types.js";
import type { RepoIndex } from "./repo-index.js";

/** A RepoIndex over one file's text (its directory as root; namespaces from metadata or `defaultNamespace`). */
export function singleFileIndex(file: string, text: string, settings: PluginSettings): RepoIndex {
  const root = path.dirname(file);
  const { records, units } = assemble(root, settings, [[file, parseFile(file, text)]], { ownUnitFiles: new Set([file]) });
  const counters = { builds: 0, revalidations: 0, parsed: 1, reparsed: 0, lastReparsed: [], statCalls: 0, overlays: 0 };
  return new RepoIndexSnapshot(root, settings, records, counters, 1, units);
}

export interface FileScope {
  repo: RepoIndex;
  /** The record of a resource of the linted file. */
  recordOf(resource: Resource): ResourceRecord | undefined;
  /** Absolute path of the linted file. */
  file: string;
  /** True when `repo` is the repository index (false: the file alone). */
  repository: boolean;
}

/** The repository index when it holds the linted file's resources, else an index of the file alone. */
/** The part of a rule's context a file scope needs (a `CheckContext` fits). */
export interface ScopeContext {
  eslint: { cwd: string; physicalFilename: string; sourceCode: { text: string } };
  settings: PluginSettings;
  resources: readonly Resource[];
  repo(): RepoIndex;
  recordOf(resource: Resource): ResourceRecord | undefined;
}

export function fileScope(ctx: ScopeContext): FileScope {
  const file = path.resolve(ctx.eslint.cwd, ctx.eslint.physicalFilename);
  if (ctx.resources.some((r) => ctx.recordOf(r))) return { repo: ctx.repo(), recordOf: ctx.recordOf, file, repository: true };
  const repo = singleFileIndex(file, ctx.eslint.sourceCode.text, ctx.settings);
  const records = repo.inFile(file);
  const recordOf = (r: Resource) => records.find((x) => x.documentIndex === r.documentIndex && (x.listIndex ?? null) === r.listIndex);
  return { repo, recordOf, file, repository: false };
}

/**
 * Where a record is, for messages: `line N` in the linted file, `dir/file.yaml:N` (relative to the root) in
 * another file, `settings assumeExists` for an assumed resource.
 */
export function recordWhere(scope: FileScope, record: ResourceRecord): string {
  if (record.assumed || !record.file) return "settings assumeExists";
  if (path.resolve(record.file) === scope.file) return `line ${record.line}`;
  const rel = path.relative(scope.repo.root, record.file).split(path.sep).join("/");
  return `${rel}:${record.line}`;
}

/** `Kind ns/name` of a record (its resolved namespace), or `Kind name` when the namespace is unknown. */
export function recordName(record: ResourceRecord): string {
  return `${record.kind} ${record.namespace ? `${record.namespace}/${record.name}` : record.name}`;
}
