/**
 * Test helpers: lint text with one rule, apply fixes and suggestions, and check that an output is safe
 * (parses, keeps comments, validates against the Istio / Gateway API / Kubernetes schemas, re-lints clean).
 */
import { Linter, RuleTester } from "eslint";
import * as yamlParser from "yaml-eslint-parser";
import { expect } from "vitest";
import type { IstioAmbientRule } from "../../lib/create-rule.js";
import { validateManifestText } from "./schema.js";
import { fileURLToPath } from "node:url";

export const FILES = ["**/*.yaml", "**/*.yml", "**/*.json"];

/** The index root of single-file tests: an empty repository, so verdicts depend only on the text under test. */
export const EMPTY_REPO = fileURLToPath(new URL("../fixtures/repos/empty", import.meta.url));

/** Settings with the empty repository as index root, unless the caller names a root. */
export function withDefaultRoot(settings: Record<string, unknown> = {}): Record<string, unknown> {
  const own = (settings["istio-ambient"] ?? {}) as Record<string, unknown>;
  return { ...settings, "istio-ambient": { root: EMPTY_REPO, ...own } };
}

export function ruleTester(settings: Record<string, unknown> = {}) {
  return new RuleTester({ files: FILES, languageOptions: { parser: yamlParser }, settings: withDefaultRoot(settings) });
}

export interface LintOptions {
  options?: unknown[];
  settings?: Record<string, unknown>;
  filename?: string;
}

function config(ruleId: string, rule: IstioAmbientRule, opts: LintOptions): Linter.Config[] {
  return [
    {
      files: FILES,
      languageOptions: { parser: yamlParser },
      plugins: { t: { rules: { [ruleId]: rule } } },
      rules: { [`t/${ruleId}`]: ["error", ...(opts.options ?? [])] as Linter.RuleEntry },
      settings: withDefaultRoot(opts.settings),
    },
  ];
}

export function lint(text: string, ruleId: string, rule: IstioAmbientRule, opts: LintOptions = {}): Linter.LintMessage[] {
  const linter = new Linter({ configType: "flat" });
  return linter.verify(text, config(ruleId, rule, opts), opts.filename ?? "manifest.yaml");
}

/** Applies `eslint --fix` (all passes) and returns the output text. */
export function fix(text: string, ruleId: string, rule: IstioAmbientRule, opts: LintOptions = {}): string {
  const linter = new Linter({ configType: "flat" });
  return linter.verifyAndFix(text, config(ruleId, rule, opts), opts.filename ?? "manifest.yaml").output;
}

/** Applies suggestion `index` of message `messageIndex`. */
export function applySuggestion(text: string, message: Linter.LintMessage, index = 0): string {
  const s = message.suggestions?.[index];
  if (!s) throw new Error(`no suggestion ${index} on: ${message.message}`);
  return text.slice(0, s.fix.range[0]) + s.fix.text + text.slice(s.fix.range[1]);
}

function commentTexts(text: string): string[] {
  const ast = yamlParser.parseForESLint(text).ast;
  return ast.comments.map((c) => c.value.trim()).sort();
}

/**
 * The checks every fix or suggestion output must pass:
 * it parses, keeps every comment of the input, validates against the schemas, and the rule no longer
 * reports what it fixed (`remaining` lets a caller allow other, unrelated reports).
 */
export async function expectSafeOutput(
  input: string,
  output: string,
  ruleId: string,
  rule: IstioAmbientRule,
  opts: LintOptions & { remaining?: number } = {},
): Promise<void> {
  expect(output).not.toBe(input);
  expect(() => yamlParser.parseForESLint(output)).not.toThrow();
  const before = commentTexts(input);
  const after = commentTexts(output);
  for (const c of before) expect(after).toContain(c);
  const problems = await validateManifestText(output);
  expect(problems).toEqual([]);
  const messages = lint(output, ruleId, rule, opts);
  expect(messages.filter((m) => m.fatal)).toEqual([]);
  if (opts.remaining !== undefined) expect(messages).toHaveLength(opts.remaining);
}
