/**
 * `eslint -f ./node_modules/eslint-plugin-istio-ambient/dist/formatters/markdown.js`: the migration report as
 * Markdown (per namespace and resource: blockers, required changes, what --fix does, suggestions, verdict).
 */
import type { ESLint } from "eslint";
import { renderMarkdown } from "../lib/report/markdown.js";
import { findingsOf, policiesOfResults } from "./shared.js";

export default function markdownFormatter(results: ESLint.LintResult[], context: ESLint.LintResultData): string {
  return renderMarkdown(findingsOf(results, context), { filesLinted: results.length, policies: policiesOfResults(results, context) });
}
