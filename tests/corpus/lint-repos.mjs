// Lints each whole repository of ../shared/repos with a plugin's strict config, as a user would run ESLint in
// it (cwd and index root = the repository), for the repos test.
import { ESLint } from "eslint";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { toFinding } from "./lint-corpus.mjs";

export const REPOS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared/repos");

export function repoNames() {
  if (!fs.existsSync(REPOS)) return null;
  return fs
    .readdirSync(REPOS)
    .filter((d) => fs.statSync(path.join(REPOS, d)).isDirectory())
    .sort();
}

/** @returns {Promise<{repo: string, file: string, line: number, column: number, ruleId: string | null, message: string, fatal: boolean, fix: boolean, suggestions: number}[]>} */
export async function lintRepo(plugin, repo) {
  const root = path.join(REPOS, repo);
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [plugin.configs.strict, { settings: { "istio-ambient": { root, revalidateMs: -1 } } }],
  });
  const results = await eslint.lintFiles(["."]);
  const findings = [];
  for (const r of results.sort((a, b) => (a.filePath < b.filePath ? -1 : 1))) {
    const file = path.relative(root, r.filePath).split(path.sep).join("/");
    for (const m of r.messages) findings.push({ repo, ...toFinding(file, m) });
  }
  return findings;
}

export function formatRepoFindings(findings) {
  return findings
    .map((f) => `${f.repo}/${f.file}:${f.line}:${f.column} ${f.fatal ? "PARSE-ERROR" : f.ruleId}${f.fix ? " [fix]" : ""}${f.suggestions ? ` [${f.suggestions} suggestion(s)]` : ""}\n    ${f.message}`)
    .join("\n");
}
