/**
 * `eslint -f ./node_modules/eslint-plugin-istio-ambient/dist/formatters/sarif.js`: SARIF 2.1.0 with the rules'
 * docs pages as `help`, regions, and each finding's fix safety in `properties` (the CLI's `--format sarif`).
 */
import type { ESLint } from "eslint";
import { toSarif } from "../lib/report/sarif.js";
import { REPOSITORY_URL, version } from "../lib/meta.js";
import { configuredSettings, findingsOf, sarifRules } from "./shared.js";

export default async function sarifFormatter(results: ESLint.LintResult[], context: ESLint.LintResultData): Promise<string> {
  const sarif = toSarif(findingsOf(results, context, await configuredSettings(results, context.cwd)), {
    tool: { name: "eslint-plugin-istio-ambient", version, informationUri: REPOSITORY_URL },
    rules: sarifRules(),
    srcRoot: context.cwd,
  });
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
