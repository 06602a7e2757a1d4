/**
 * Flat configs built from each rule's `meta.docs.recommended`. They lint YAML with the plugin's language
 * (`istio-ambient/yaml`, lib/language.ts) rather than with `languageOptions.parser` alone: a later config without
 * `files` that sets a parser for every file (typescript-eslint's `configs.recommended`) then leaves the manifests
 * alone instead of making each one a parse error. `languageOptions.parser` stays set for tools that read it.
 */
import type { ESLint, Linter } from "eslint";
import * as yamlParser from "./parser.js";
import type { IstioAmbientRule } from "./create-rule.js";
import { namespace } from "./meta.js";

/** The plugin's language for Kubernetes manifests (`plugin.languages.yaml`). */
export const LANGUAGE = `${namespace}/yaml`;

export const YAML_FILES = ["**/*.yaml", "**/*.yml"];

/** JS core rules that misread YAML when a user's global config turns them on for every file. */
const CORE_RULES_OFF: Linter.RulesRecord = {
  "no-irregular-whitespace": "off",
  "no-unused-vars": "off",
  "spaced-comment": "off",
};

export function buildConfigs(
  plugin: ESLint.Plugin,
  rules: Record<string, IstioAmbientRule>,
): { recommended: Linter.Config; strict: Linter.Config } {
  const base = (name: string, ruleEntries: Linter.RulesRecord): Linter.Config => ({
    name: `${namespace}/${name}`,
    files: YAML_FILES,
    language: LANGUAGE,
    languageOptions: { parser: yamlParser },
    plugins: { [namespace]: plugin },
    rules: { ...CORE_RULES_OFF, ...ruleEntries },
  });
  const recommended: Linter.RulesRecord = {};
  const strict: Linter.RulesRecord = {};
  for (const [id, rule] of Object.entries(rules)) {
    const level = rule.meta.docs.recommended;
    if (level) recommended[`${namespace}/${id}`] = level;
    strict[`${namespace}/${id}`] = "error";
  }
  return {
    recommended: base("recommended", recommended),
    strict: base("strict", strict),
  };
}
