/**
 * `eslint -f ./node_modules/eslint-plugin-istio-ambient/dist/formatters/markdown.js`: the migration report as
 * Markdown (per namespace and resource: blockers, required changes, what --fix does, suggestions, verdict).
 */
import type { ESLint } from "eslint";
import { renderMarkdown } from "../lib/report/markdown.js";
import { configuredSettings, findingsOf, policiesOfResults } from "./shared.js";

export default async function markdownFormatter(results: ESLint.LintResult[], context: ESLint.LintResultData): Promise<string> {
  const settings = await configuredSettings(results, context.cwd);
  return renderMarkdown(findingsOf(results, context, settings), { filesLinted: results.length, policies: policiesOfResults(results, context, settings) });
}
