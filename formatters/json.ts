/**
 * `eslint -f ./node_modules/eslint-plugin-istio-ambient/dist/formatters/json.js`: the migration report as JSON
 * with stable fields (rule, severity, file, line, kind, namespace, name, unit, fixSafety, …).
 */
import type { ESLint } from "eslint";
import { toJsonReport } from "../lib/report/json.js";
import { name, version } from "../lib/meta.js";
import { configuredSettings, findingsOf, policiesOfResults } from "./shared.js";

export default async function jsonFormatter(results: ESLint.LintResult[], context: ESLint.LintResultData): Promise<string> {
  const settings = await configuredSettings(results, context.cwd);
  const report = toJsonReport(findingsOf(results, context, settings), { name, version }, results.length, policiesOfResults(results, context, settings));
  return `${JSON.stringify(report, null, 2)}\n`;
}
