// Lints every file of ../shared/corpus with a plugin's strict config. Shared by the corpus test (sources)
// and `npm run lint:corpus` (the built package).
import { Linter } from "eslint";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const EMPTY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/repos/empty");
export const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared/corpus");

export function corpusFiles() {
  if (!fs.existsSync(CORPUS)) return null;
  const out = [];
  for (const dir of fs.readdirSync(CORPUS).sort()) {
    const full = path.join(CORPUS, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    for (const f of fs.readdirSync(full).sort()) if (/\.(ya?ml|json)$/.test(f)) out.push(`${dir}/${f}`);
  }
  return out;
}

/** @returns {{file: string, line: number, column: number, ruleId: string | null, message: string, fatal: boolean, fix: boolean, suggestions: number, suggestionTitles: string[]}[]} */
export function lintCorpus(plugin, files = corpusFiles() ?? []) {
  const linter = new Linter({ configType: "flat", cwd: CORPUS });
  // The corpus is a set of unrelated files, not one repository: each file is linted on its own (the index root
  // is an empty directory, so cross-file rules see only the file itself).
  const config = [plugin.configs.strict, { settings: { "istio-ambient": { root: EMPTY_ROOT } } }];
  const findings = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(CORPUS, file), "utf8");
    for (const m of linter.verify(text, config, path.join(CORPUS, file))) findings.push(toFinding(file, m));
  }
  return findings;
}

/** An ESLint message as a finding of `file`. */
export function toFinding(file, m) {
  return {
    file,
    line: m.line,
    column: m.column,
    ruleId: m.ruleId,
    message: m.message,
    fatal: !!m.fatal,
    fix: !!m.fix,
    suggestions: m.suggestions?.length ?? 0,
    suggestionTitles: m.suggestions?.map((s) => s.desc) ?? [],
  };
}

/** One line per finding, stable and readable in review. */
export function formatFindings(findings) {
  return findings
    .map((f) => `${f.file}:${f.line}:${f.column} ${f.fatal ? "PARSE-ERROR" : f.ruleId}${f.fix ? " [fix]" : ""}${f.suggestions ? ` [${f.suggestions} suggestion(s)]` : ""}\n    ${f.message}`)
    .join("\n");
}

/** Counts per rule and file, as a Markdown table. */
export function findingsTable(findings) {
  const rules = [...new Set(findings.map((f) => (f.fatal ? "parse error" : f.ruleId)))].sort();
  const files = [...new Set(findings.map((f) => f.file))].sort();
  const short = (r) => r.replace("istio-ambient/", "");
  const rows = [`| file | ${rules.map(short).join(" | ")} |`, `|---|${rules.map(() => "---:").join("|")}|`];
  for (const file of files) {
    const cells = rules.map((r) => findings.filter((f) => f.file === file && (f.fatal ? "parse error" : f.ruleId) === r).length || "");
    rows.push(`| ${file} | ${cells.join(" | ")} |`);
  }
  rows.push(`| **total** | ${rules.map((r) => findings.filter((f) => (f.fatal ? "parse error" : f.ruleId) === r).length).join(" | ")} |`);
  return rows.join("\n");
}
