/**
 * ESLint results → findings with stable fields (rule, severity, file, line, kind, namespace, name, unit,
 * fixSafety), the input of the migration report, the JSON output and SARIF. Pure: file text and namespaces
 * come from callbacks (the formatters read files and ask the repository index).
 */
import { parseYAML } from "yaml-eslint-parser";
import type { AST } from "yaml-eslint-parser";
import { resourcesOf, type Resource } from "../yaml/documents.js";
import { isClusterScoped } from "../k8s/namespace.js";

/** What an automatic change can do for a finding: `eslint --fix`, an editor quick-fix only, or nothing. */
export type FixSafety = "fix" | "suggestion" | "none";

export interface Finding {
  /** Full rule id (`istio-ambient/no-envoyfilter`); null for a parse error. */
  rule: string | null;
  severity: "error" | "warning";
  /** Path relative to the run's cwd, with `/` separators. */
  file: string;
  line: number;
  column: number;
  endLine: number | null;
  endColumn: number | null;
  message: string;
  /** The resource the finding sits in (null when the line is outside every resource or the file does not parse). */
  kind: string | null;
  namespace: string | null;
  name: string | null;
  /**
   * The deployment unit that applies that resource (`kustomize:overlays/dev`, `argocd:…`, `folder:apps/web`);
   * several, comma-separated, when more than one unit applies the file; null when the index has none.
   */
  unit: string | null;
  fixSafety: FixSafety;
  /** Titles of the editor suggestions. */
  suggestions: string[];
  /** The rule's docs page. */
  docs: string | null;
}

/** The subset of ESLint's LintResult this module reads. */
export interface ResultLike {
  filePath: string;
  source?: string;
  output?: string;
  messages: MessageLike[];
}

export interface MessageLike {
  ruleId: string | null;
  severity: number;
  message: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  fix?: unknown;
  suggestions?: { desc: string }[];
  fatal?: boolean;
}

export interface RuleMetaLike {
  type?: string;
  docs?: { description?: string; url?: string };
}

export interface FindingSources {
  cwd: string;
  rulesMeta?: Record<string, RuleMetaLike | undefined>;
  /** Text of a file when the result carries none (files without messages are never read). */
  readText(filePath: string): string | undefined;
  /**
   * What the repository index says of a resource: its namespace as deployed (a unit's namespace wins over
   * `metadata.namespace`; kustomization, `defaultNamespace`) and the deployment units that apply it.
   */
  deployment?(filePath: string, resource: Resource): { namespace: string | undefined; units: string[] } | undefined;
}

/** The resource whose mapping spans `line` (the innermost: a List item rather than its List). */
export function resourceAtLine(resources: Resource[], line: number): Resource | undefined {
  let best: Resource | undefined;
  for (const r of resources) {
    const { start, end } = r.node.loc;
    if (line < start.line || line > end.line) continue;
    if (!best || start.line >= best.node.loc.start.line) best = r;
  }
  return best;
}

/** The resources of a file's text (empty when it does not parse). */
export function resourcesOfText(text: string): Resource[] {
  try {
    return resourcesOf(parseYAML(text) as AST.YAMLProgram);
  } catch {
    return [];
  }
}

export function relativeFile(cwd: string, filePath: string): string {
  const norm = (p: string) => p.replace(/\\/g, "/");
  const c = norm(cwd).replace(/\/$/, "");
  const f = norm(filePath);
  return f.startsWith(`${c}/`) ? f.slice(c.length + 1) : f;
}

export function toFindings(results: readonly ResultLike[], sources: FindingSources): Finding[] {
  const out: Finding[] = [];
  for (const result of results) {
    if (result.messages.length === 0) continue;
    // The text the messages refer to: after --fix, the fixed output.
    const text = result.output ?? result.source ?? sources.readText(result.filePath);
    const resources = text === undefined ? [] : resourcesOfText(text);
    for (const m of result.messages) {
      const line = m.line ?? 1;
      const resource = m.fatal ? undefined : resourceAtLine(resources, line);
      let namespace: string | undefined;
      let units: string[] = [];
      if (resource) {
        const deployed = sources.deployment?.(result.filePath, resource);
        units = deployed?.units ?? [];
        if (resource.kind === "Namespace") namespace = resource.name;
        else if (!isClusterScoped(resource.kind)) namespace = deployed ? deployed.namespace : resource.namespace;
      }
      const meta = m.ruleId ? sources.rulesMeta?.[m.ruleId] : undefined;
      out.push({
        rule: m.ruleId,
        severity: m.severity === 2 ? "error" : "warning",
        file: relativeFile(sources.cwd, result.filePath),
        line,
        column: m.column ?? 1,
        endLine: m.endLine ?? null,
        endColumn: m.endColumn ?? null,
        message: m.message,
        kind: resource?.kind ?? null,
        namespace: namespace ?? null,
        name: resource?.name || null,
        unit: units.length ? units.join(", ") : null,
        fixSafety: m.fix ? "fix" : m.suggestions?.length ? "suggestion" : "none",
        suggestions: (m.suggestions ?? []).map((s) => s.desc),
        docs: meta?.docs?.url ?? null,
      });
    }
  }
  return out.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || (a.rule ?? "").localeCompare(b.rule ?? ""),
  );
}

/** How a finding counts in the report. */
export type Category = "blocker" | "required" | "fix";

/**
 * - `fix`: `eslint --fix` (or `istio-ambient-audit --fix`) makes the change;
 * - `blocker`: an error no fix handles: moving now breaks traffic or drops a policy;
 * - `required`: a warning no fix handles: a change to make before or soon after the move.
 */
export function categoryOf(f: Finding): Category {
  if (f.fixSafety === "fix") return "fix";
  return f.severity === "error" ? "blocker" : "required";
}
