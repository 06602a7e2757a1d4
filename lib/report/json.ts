/**
 * The JSON form of the migration report: stable field names, one object per finding. Pure.
 * Fields of a finding: rule, severity, file, line, column, endLine, endColumn, message, kind, namespace, name,
 * unit, fixSafety ("fix" | "suggestion" | "none"), suggestions, docs. New fields may be added; none is renamed.
 */
import { categoryOf, type Finding } from "./findings.js";
import { verdictOf, type Verdict } from "./markdown.js";
import type { PolicyEnforcement } from "./enforcement.js";

export interface JsonReport {
  schemaVersion: 1;
  tool: { name: string; version: string };
  summary: {
    verdict: Verdict;
    filesLinted: number;
    findings: number;
    blockers: number;
    requiredChanges: number;
    fixable: number;
    withSuggestions: number;
    namespaces: { namespace: string | null; verdict: Verdict; findings: number }[];
  };
  findings: Finding[];
  /** Each AuthorizationPolicy of the linted files: who enforces it today and after the move. */
  policies: PolicyEnforcement[];
}

export function toJsonReport(
  findings: readonly Finding[],
  tool: { name: string; version: string },
  filesLinted: number,
  policies: readonly PolicyEnforcement[] = [],
): JsonReport {
  const byNs = new Map<string | null, Finding[]>();
  for (const f of findings) byNs.set(f.namespace, [...(byNs.get(f.namespace) ?? []), f]);
  return {
    schemaVersion: 1,
    tool,
    summary: {
      verdict: verdictOf(findings),
      filesLinted,
      findings: findings.length,
      blockers: findings.filter((f) => categoryOf(f) === "blocker").length,
      requiredChanges: findings.filter((f) => categoryOf(f) === "required").length,
      fixable: findings.filter((f) => f.fixSafety === "fix").length,
      withSuggestions: findings.filter((f) => f.suggestions.length > 0).length,
      namespaces: [...byNs]
        .sort(([a], [b]) => (a ?? "~").localeCompare(b ?? "~"))
        .map(([namespace, list]) => ({ namespace, verdict: verdictOf(list), findings: list.length })),
    },
    findings: [...findings],
    policies: [...policies],
  };
}
