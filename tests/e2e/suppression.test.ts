/**
 * `istio-ambient.io/ignore: "<rule>[, <rule>]: <reason>"`: suppresses those rules on that resource, survives a
 * render that drops comments (where `# eslint-disable` does not), needs a reason, names only real rules, and
 * is reported as unused when the rule it names has nothing to say there. ESLint's comment directives still work.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ESLint } from "eslint";
import { parseAllDocuments, stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import plugin from "../../index.js";
import { parseIgnore } from "../../lib/ignore-annotation.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-ambient-ignore-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function lint(text: string, config = plugin.configs.strict) {
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [config, { settings: { "istio-ambient": { root: dir } } }],
  });
  const [r] = await eslint.lintText(text, { filePath: path.join(dir, "manifests.yaml") });
  return r.messages.map((m) => ({ rule: m.ruleId, line: m.line, message: m.message }));
}

const envoyFilter = (name: string, annotation?: string) => `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: ${name}
  namespace: shop
${annotation === undefined ? "" : `  annotations:\n    istio-ambient.io/ignore: ${JSON.stringify(annotation)}\n`}spec:
  workloadSelector:
    labels: {app: web}
  configPatches:
    - applyTo: HTTP_FILTER
      patch:
        operation: INSERT_BEFORE
        value:
          name: envoy.filters.http.lua
`;

const rulesOf = (ms: { rule: string | null }[]) => ms.map((m) => m.rule);

describe("istio-ambient.io/ignore", () => {
  it("suppresses the named rule on its resource only", async () => {
    const text = `${envoyFilter("lua-kept", "no-envoyfilter: moves to a WasmPlugin with the gateway rework (PLAT-142)")}---\n${envoyFilter("lua-open")}`;
    const ms = await lint(text);
    expect(ms.filter((m) => m.rule === "istio-ambient/no-envoyfilter").map((m) => m.message)).toEqual([
      expect.stringContaining("lua-open"),
    ]);
    expect(ms.some((m) => m.message.includes("lua-kept"))).toBe(false);
  });

  it("takes several rules, with or without the plugin prefix, and reports a listed rule that suppressed nothing", async () => {
    const ms = await lint(envoyFilter("lua", "istio-ambient/no-envoyfilter, prefer-httproute: kept until the gateway rework"));
    expect(rulesOf(ms)).toEqual(["istio-ambient/prefer-httproute"]);
    expect(ms[0]).toEqual({
      rule: "istio-ambient/prefer-httproute",
      line: 7,
      message: "istio-ambient.io/ignore on EnvoyFilter lua lists prefer-httproute, which reports nothing here: remove it from the annotation.",
    });
  });

  it("needs a reason: without one nothing is suppressed and one message says why", async () => {
    for (const value of ["no-envoyfilter", "no-envoyfilter:", "no-envoyfilter:   "]) {
      const ms = await lint(envoyFilter("lua", value));
      const about = ms.filter((m) => m.message.startsWith("istio-ambient.io/ignore"));
      expect(about, value).toHaveLength(1);
      expect(about[0].message).toBe('istio-ambient.io/ignore suppresses nothing without a reason: write it as "<rule>[, <rule>]: <reason>"');
      expect(about[0].line).toBe(7);
      expect(rulesOf(ms)).toContain("istio-ambient/no-envoyfilter");
    }
  });

  it("names only rules of the plugin", async () => {
    const ms = await lint(envoyFilter("lua", "no-envoy-filter: typo"));
    const about = ms.filter((m) => m.message.startsWith("istio-ambient.io/ignore"));
    expect(about.map((m) => m.message)).toEqual([
      'istio-ambient.io/ignore names "no-envoy-filter", not a rule of istio-ambient: write it as "<rule>[, <rule>]: <reason>"',
    ]);
    expect(rulesOf(ms)).toContain("istio-ambient/no-envoyfilter");
  });

  it("survives a render that drops comments; an eslint-disable comment does not", async () => {
    const source = `# eslint-disable istio-ambient/no-envoyfilter -- kept for now\n${envoyFilter("by-comment")}# eslint-enable istio-ambient/no-envoyfilter\n---\n${envoyFilter(
      "by-annotation",
      "no-envoyfilter: kept for now",
    )}`;
    const before = await lint(source);
    expect(before.filter((m) => m.rule === "istio-ambient/no-envoyfilter")).toEqual([]);
    // What `helm template` / `kustomize build` hand on: the same objects, re-serialised, comments gone.
    const rendered = parseAllDocuments(source)
      .map((d) => stringify(d.toJSON()))
      .join("---\n");
    expect(rendered).not.toContain("eslint-disable");
    const after = await lint(rendered);
    expect(after.filter((m) => m.rule === "istio-ambient/no-envoyfilter").map((m) => m.message)).toEqual([expect.stringContaining("by-comment")]);
  });

  it("leaves resources without the annotation and other files alone", async () => {
    const ms = await lint(envoyFilter("lua"), plugin.configs.recommended);
    expect(rulesOf(ms)).toEqual(["istio-ambient/no-envoyfilter"]);
  });
});

describe("parseIgnore", () => {
  const known = new Set(["no-envoyfilter", "prefer-httproute"]);
  it("reads rules and reason", () => {
    expect(parseIgnore(" no-envoyfilter ,prefer-httproute: a: b ", known)).toEqual({ entry: { rules: ["no-envoyfilter", "prefer-httproute"], reason: "a: b" } });
    expect(parseIgnore(42, known)).toEqual({ problem: expect.stringContaining("must be a string") });
    expect(parseIgnore(": why", known)).toEqual({ problem: expect.stringContaining("names no rule") });
  });
});
