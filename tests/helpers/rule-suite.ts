/**
 * One call per rule: ESLint's RuleTester over valid/invalid cases (messages, fix output, suggestion output),
 * then the safety checks on every fix and suggestion output (parses, keeps comments, validates against the
 * schemas, re-lints clean for the rule).
 */
import type { RuleTester } from "eslint";
import { describe, it } from "vitest";
import type { IstioAmbientRule } from "../../lib/create-rule.js";
import path from "node:path";
import { EMPTY_REPO, expectSafeOutput, ruleTester, withDefaultRoot } from "./lint.js";

export interface SafeCheck {
  /** Reports the rule may still make on the output (other resources of the file); default 0. */
  remaining?: number;
  /** Skip the schema/re-lint checks for this output (say why in the case name). */
  skip?: boolean;
}

export type InvalidCase = RuleTester.InvalidTestCase & { safe?: SafeCheck; suggestionSafe?: SafeCheck[] };

export function ruleSuite(
  ruleId: string,
  rule: IstioAmbientRule,
  cases: { valid: RuleTester.ValidTestCase[]; invalid: InvalidCase[] },
): void {
  const strip = ({ safe: _s, suggestionSafe: _ss, ...rest }: InvalidCase) => rest;
  // Every case lints a file of the empty fixture repository (its index root) unless it names its own.
  const withFilename = <T extends { filename?: string; settings?: Record<string, unknown> }>(c: T): T => ({
    ...c,
    filename: path.resolve(EMPTY_REPO, c.filename ?? "manifest.yaml"),
    settings: withDefaultRoot(c.settings),
  });
  ruleTester().run(ruleId, rule as never, {
    valid: cases.valid.map((c) => withFilename(c)),
    invalid: cases.invalid.map((c) => withFilename(strip(c))),
  });

  const hasOutputs = cases.invalid.some(
    (c) =>
      (typeof c.output === "string" && c.output !== c.code) ||
      (Array.isArray(c.errors) && c.errors.some((e) => typeof e === "object" && !(e instanceof RegExp) && Array.isArray(e.suggestions) && e.suggestions.length)),
  );
  if (!hasOutputs) return;
  describe(`${ruleId}: fix and suggestion outputs are safe`, () => {
    cases.invalid.forEach((c, i) => {
      const opts = {
        options: c.options as unknown[] | undefined,
        settings: c.settings as Record<string, unknown> | undefined,
        filename: path.resolve(EMPTY_REPO, c.filename ?? "manifest.yaml"),
      };
      const name = c.name ?? `invalid #${i}`;
      if (typeof c.output === "string" && c.output !== c.code && !c.safe?.skip) {
        it(`${name}: fix output`, async () => {
          await expectSafeOutput(c.code, c.output as string, ruleId, rule, { ...opts, remaining: c.safe?.remaining ?? 0 });
        });
      }
      const errors = Array.isArray(c.errors) ? c.errors : [];
      errors.forEach((e, ei) => {
        if (typeof e !== "object" || e instanceof RegExp || !Array.isArray(e.suggestions)) return;
        e.suggestions.forEach((s: { output?: string }, si: number) => {
          const check = c.suggestionSafe?.[si] ?? {};
          const output = s.output;
          if (check.skip || !output) return;
          it(`${name}: error ${ei} suggestion ${si} output`, async () => {
            await expectSafeOutput(c.code, output, ruleId, rule, { ...opts, remaining: check.remaining ?? 0 });
          });
        });
      });
    });
  });
}
