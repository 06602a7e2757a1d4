/**
 * `eslint -f ./node_modules/eslint-plugin-istio-ambient/dist/formatters/json.js`: the migration report as JSON
 * with stable fields (rule, severity, file, line, kind, namespace, name, unit, fixSafety, …).
 */
import type { ESLint } from "eslint";
import { toJsonReport } from "../lib/report/json.js";
import { name, version } from "../lib/meta.js";
import { findingsOf, policiesOfResults } from "./shared.js";

export default function jsonFormatter(results: ESLint.LintResult[], context: ESLint.LintResultData): string {
  return `${JSON.stringify(toJsonReport(findingsOf(results, context), { name, version }, results.length, policiesOfResults(results, context)), null, 2)}\n`;
}
