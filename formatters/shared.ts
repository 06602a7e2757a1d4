/**
 * What the shipped formatters share: ESLint results → findings, reading each file with findings and asking
 * the repository index (root = ESLint's cwd, unless the CLI passes its settings) for namespaces that the
 * manifest does not write (kustomization `namespace:`, `defaultNamespace`).
 */
import fs from "node:fs";
import path from "node:path";
import type { ESLint } from "eslint";
import { toFindings, type Finding } from "../lib/report/findings.js";
import { getIndex } from "../lib/index/index.js";
import { readSettings, type PluginSettings } from "../lib/settings.js";

export function findingsOf(results: ESLint.LintResult[], context: { cwd: string; rulesMeta?: ESLint.LintResultData["rulesMeta"] }, settings?: PluginSettings): Finding[] {
  const cwd = context.cwd;
  const effective = settings ?? readSettings({ "istio-ambient": { root: cwd } });
  return toFindings(results, {
    cwd,
    rulesMeta: context.rulesMeta as never,
    readText: (file) => {
      try {
        return fs.readFileSync(file, "utf8");
      } catch {
        return undefined;
      }
    },
    resolveNamespace: (file, resource) => {
      try {
        const abs = path.resolve(cwd, file);
        const records = getIndex({ filename: abs, cwd, settings: effective }).inFile(abs);
        return records.find((r) => r.documentIndex === resource.documentIndex && (r.listIndex ?? null) === resource.listIndex)?.namespace;
      } catch {
        return undefined;
      }
    },
  });
}
