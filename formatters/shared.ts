/**
 * What the shipped formatters share: ESLint results → findings, reading each file with findings and asking
 * the repository index (with the settings of the user's config, or the CLI's; else root = ESLint's cwd) for each
 * resource's namespace as deployed and its deployment units.
 */
import fs from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { toFindings, type Finding, type FindingSources } from "../lib/report/findings.js";
import { policiesOf, type PolicyEnforcement } from "../lib/report/enforcement.js";
import { getIndex } from "../lib/index/index.js";
import { readSettings, type PluginSettings } from "../lib/settings.js";
import type { SarifRuleInfo } from "../lib/report/sarif.js";
import plugin from "../index.js";

type FormatterContext = { cwd: string; rulesMeta?: ESLint.LintResultData["rulesMeta"] };

function sourcesOf(context: FormatterContext, settings: PluginSettings): FindingSources {
  const cwd = context.cwd;
  return {
    cwd,
    rulesMeta: context.rulesMeta as never,
    readText: (file) => {
      try {
        return fs.readFileSync(file, "utf8");
      } catch {
        return undefined;
      }
    },
    deployment: (file, resource) => {
      try {
        const abs = path.resolve(cwd, file);
        const records = getIndex({ filename: abs, cwd, settings })
          .inFile(abs)
          .filter((r) => !r.synthetic && r.documentIndex === resource.documentIndex && (r.listIndex ?? null) === resource.listIndex);
        if (!records.length) return undefined;
        return { namespace: records[0].namespace, units: [...new Set(records.flatMap((r) => (r.unit ? [r.unit] : [])))] };
      } catch {
        return undefined;
      }
    },
  };
}

const defaults = (cwd: string) => readSettings({ "istio-ambient": { root: cwd } });

/**
 * The plugin settings of the user's ESLint config for the linted files (a formatter is not handed the config:
 * ask ESLint for the first file's), so namespaces and units match what the rules saw; undefined when there is
 * no config file to ask (a run with `overrideConfigFile`).
 */
export async function configuredSettings(results: readonly ESLint.LintResult[], cwd: string): Promise<PluginSettings | undefined> {
  const first = results.find((r) => r.messages.length) ?? results[0];
  if (!first) return undefined;
  try {
    const config = await new ESLint({ cwd }).calculateConfigForFile(first.filePath);
    return config ? readSettings((config as { settings?: unknown }).settings) : undefined;
  } catch {
    return undefined;
  }
}

export function findingsOf(results: ESLint.LintResult[], context: FormatterContext, settings?: PluginSettings): Finding[] {
  return toFindings(results, sourcesOf(context, settings ?? defaults(context.cwd)));
}

/** Who enforces each AuthorizationPolicy of the linted files, today and after the move. */
export function policiesOfResults(results: ESLint.LintResult[], context: FormatterContext, settings?: PluginSettings): PolicyEnforcement[] {
  const effective = settings ?? defaults(context.cwd);
  return policiesOf(results, sourcesOf(context, effective), effective.rootNamespace);
}

/** The text of a rule's docs page (shipped in the package under docs/rules), from sources or from dist/. */
export function docsPage(ruleId: string): string | undefined {
  for (const rel of ["../docs/rules/", "../../docs/rules/"]) {
    try {
      return fs.readFileSync(new URL(`${rel}${ruleId}.md`, import.meta.url), "utf8");
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

/** Rule metadata for SARIF: description, docs URL and page, severity, fix and suggestion support. */
export function sarifRules(): SarifRuleInfo[] {
  return Object.entries(plugin.rules).map(([id, rule]) => ({
    id: `${plugin.meta.namespace}/${id}`,
    description: rule.meta.docs.description,
    url: rule.meta.docs.url,
    type: rule.meta.type,
    recommended: rule.meta.docs.recommended,
    fixable: !!rule.meta.fixable,
    hasSuggestions: !!rule.meta.hasSuggestions,
    docsMarkdown: docsPage(id),
  }));
}
