/**
 * The safety properties of every fix and every suggestion, checked on one file linted with the strict config:
 * applied alone, the output parses, keeps every comment (a deleted document may take its own comments), keeps
 * every other document unchanged and in order (so the document count changes only by what the edit adds or
 * deletes, and a fix changes no count), adds no schema problem, and changes nothing outside the reported
 * resource (the resource a rule's report names: the reported document, or for require-waypoint's label fix a
 * Service of the same file); all fixes of one pass converge (a second pass has nothing left to fix).
 *
 * Returns failures instead of throwing, so one large run can count them (FIX_SAFETY_RUNS, see the suite).
 */
import { Linter } from "eslint";
import * as yamlParser from "yaml-eslint-parser";
import type { AST } from "yaml-eslint-parser";
import { isDeepStrictEqual } from "node:util";
import plugin from "../../index.js";
import { validateManifest } from "./schema.js";
import { resolvePlain } from "../../lib/yaml/value.js";
import { walk } from "../../lib/yaml/ast.js";

/** Rules whose fix may edit another resource of the file than the reported one (`fixResource`). */
const EDITS_OTHER_RESOURCE = new Set(["istio-ambient/require-waypoint"]);

export interface SafetyTally {
  fixes: number;
  suggestions: number;
  failures: string[];
}

export function emptyTally(): SafetyTally {
  return { fixes: 0, suggestions: 0, failures: [] };
}

interface Parsed {
  docs: AST.YAMLDocument[];
  values: unknown[];
  comments: string[];
  /** Plain scalars that YAML 1.1 (kubectl) reads differently from YAML 1.2 (`on`, `0777`). */
  ambiguous: number;
  /** Template actions (`{{ … }}`) in the text. */
  templates: number;
}

function parse(text: string): Parsed | null {
  try {
    const ast = yamlParser.parseForESLint(text).ast;
    return {
      docs: ast.body,
      values: ast.body.map((d) => yamlParser.getStaticYAMLValue(d)),
      comments: ast.comments.map((c) => c.value.trim()),
      ambiguous: ast.body.reduce((n, d) => {
        for (const node of walk(d)) {
          if (node.type === "YAMLScalar" && node.style === "plain" && node.parent?.type !== "YAMLWithMeta" && !Object.is(resolvePlain(node.strValue), node.value)) n++;
        }
        return n;
      }, 0),
      templates: (text.match(/\{\{/g) ?? []).length,
    };
  } catch {
    return null;
  }
}

async function schemaProblems(values: unknown[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const v of values) for (const p of await validateManifest(v)) out.add(p);
  return out;
}

function apply(text: string, fix: { range: [number, number]; text: string }): string {
  return text.slice(0, fix.range[0]) + fix.text + text.slice(fix.range[1]);
}

/** Documents whose text an edit range touches. */
function touched(docs: AST.YAMLDocument[], [start, end]: [number, number]): number[] {
  if (start === end) {
    const inside = docs.findIndex((d) => d.range[0] <= start && start < d.range[1]);
    if (inside >= 0) return [inside];
    const before = docs.map((d, i) => (d.range[1] === start ? i : -1)).filter((i) => i >= 0);
    return before.slice(-1);
  }
  return docs.map((d, i) => (d.range[0] < end && start < d.range[1] ? i : -1)).filter((i) => i >= 0);
}

function lineDocument(docs: AST.YAMLDocument[], line: number): number {
  return docs.findIndex((d) => (d.content ?? d).loc.start.line <= line && line <= (d.content ?? d).loc.end.line);
}

/** Multiset difference: comments of `before` missing from `after`. */
function missing(before: string[], after: string[]): string[] {
  const left = new Map<string, number>();
  for (const c of after) left.set(c, (left.get(c) ?? 0) + 1);
  const out: string[] = [];
  for (const c of before) {
    const n = left.get(c) ?? 0;
    if (n > 0) left.set(c, n - 1);
    else out.push(c);
  }
  return out;
}

export interface CheckOptions {
  filename: string;
  settings: Record<string, unknown>;
  /** A label for failure messages (corpus file, generated case). */
  label: string;
  /** ESLint's cwd (files outside it are ignored); default: the process's. */
  cwd?: string;
}

export async function checkFile(text: string, opts: CheckOptions, tally: SafetyTally): Promise<void> {
  const linter = new Linter({ configType: "flat", ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  const config = [plugin.configs.strict, { settings: opts.settings }];
  const lint = (t: string) => linter.verify(t, config, opts.filename);
  const fail = (what: string) => tally.failures.push(`${opts.label}: ${what}`);
  const before = parse(text);
  if (!before) return;
  let messages: Linter.LintMessage[];
  try {
    messages = lint(text);
  } catch (error) {
    fail(`lint threw ${(error as Error).message}`);
    return;
  }
  if (messages.some((m) => m.fatal)) return;
  const beforeProblems = await schemaProblems(before.values);

  const check = async (m: Linter.LintMessage, fix: { range: [number, number]; text: string }, kind: "fix" | "suggestion", name: string) => {
    const what = `${m.ruleId} line ${m.line} ${kind} ${name}`;
    const output = apply(text, fix);
    const after = parse(output);
    if (!after) return fail(`${what}: output does not parse`);
    const hit = touched(before.docs, fix.range);
    const reported = lineDocument(before.docs, m.line);
    if (!EDITS_OTHER_RESOURCE.has(m.ruleId ?? "") && hit.some((i) => i !== reported)) {
      return fail(`${what}: edits document(s) ${hit.join(",")} outside the reported document ${reported}`);
    }
    // Every other document unchanged and in order (before the edit, and after it).
    const first = Math.min(...hit);
    const last = Math.max(...hit);
    const prefix = before.values.slice(0, first);
    const suffix = before.values.slice(last + 1);
    const outPrefix = after.values.slice(0, prefix.length);
    const outSuffix = after.values.slice(after.values.length - suffix.length);
    if (after.values.length < prefix.length + suffix.length || !isDeepStrictEqual(prefix, outPrefix) || !isDeepStrictEqual(suffix, outSuffix)) {
      return fail(`${what}: a document outside the edited one changed`);
    }
    const removed = after.values.length < before.values.length;
    if (kind === "fix" && after.values.length !== before.values.length) return fail(`${what}: the fix changed the document count`);
    if (removed && after.values.length !== before.values.length - 1) return fail(`${what}: removed more than one document`);
    // Comments: all kept, except those of a document the edit deletes.
    const lost = missing(before.comments, after.comments);
    if (lost.length) {
      const inside = removed
        ? yamlParser
            .parseForESLint(text)
            .ast.comments.filter((c) => c.range[0] >= fix.range[0] && c.range[1] <= fix.range[1])
            .map((c) => c.value.trim())
        : [];
      const unexplained = missing(lost, inside);
      if (unexplained.length) return fail(`${what}: lost comment(s) ${JSON.stringify(unexplained)}`);
    }
    if (after.ambiguous > before.ambiguous) return fail(`${what}: writes a plain scalar that kubectl (YAML 1.1) reads differently`);
    if (!removed && after.templates !== before.templates) return fail(`${what}: changes a templated value`);
    const problems = [...(await schemaProblems(after.values))].filter((p) => !beforeProblems.has(p));
    if (problems.length) return fail(`${what}: new schema problem(s) ${problems.join("; ")}`);
    if (kind === "fix") {
      const again = lint(output);
      if (again.some((x) => x.fatal)) return fail(`${what}: output does not lint`);
      const count = (ms: Linter.LintMessage[]) => ms.filter((x) => x.ruleId === m.ruleId && x.fix).length;
      if (count(again) >= count(messages)) return fail(`${what}: the rule still has as many fixes after it`);
    }
  };

  for (const m of messages) {
    if (m.fix) {
      tally.fixes++;
      await check(m, m.fix as { range: [number, number]; text: string }, "fix", "");
    }
    for (const [i, s] of (m.suggestions ?? []).entries()) {
      tally.suggestions++;
      await check(m, s.fix as { range: [number, number]; text: string }, "suggestion", `${i} (${s.messageId ?? s.desc})`);
    }
  }

  // One pass converges: all non-overlapping fixes applied together leave nothing to fix.
  const fixes = messages.flatMap((m) => (m.fix ? [m.fix as { range: [number, number]; text: string }] : [])).sort((a, b) => a.range[0] - b.range[0]);
  if (!fixes.length) return;
  let output = "";
  let at = 0;
  let overlapped = false;
  for (const f of fixes) {
    if (f.range[0] < at) {
      overlapped = true;
      continue;
    }
    output += text.slice(at, f.range[0]) + f.text;
    at = f.range[1];
  }
  output += text.slice(at);
  // ESLint's pass skips a fix that overlaps an earlier one: a rule whose fixes overlap needs a second pass.
  const left = lint(output).filter((m) => m.fix);
  if (left.length) {
    fail(`one pass does not converge${overlapped ? " (overlapping fixes)" : ""}: ${left.map((m) => `${m.ruleId} line ${m.line}`).join(", ")} left to fix`);
  }
}
