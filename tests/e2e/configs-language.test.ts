/**
 * The configs survive a later config that sets another parser for every file (issue 10): typescript-eslint's
 * `configs.recommended` ends with objects without `files` (its parser and `sourceType` for every file, then its
 * rules), and a JavaScript setup turns core rules on for every file. Under `languageOptions.parser` alone each
 * manifest became a TypeScript parse error; with the plugin's language (`istio-ambient/yaml`) the manifests keep
 * their parser, the findings, the directives and the fixes, and the TypeScript files keep theirs.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ESLint, Linter } from "eslint";
import * as espree from "espree";
import { afterAll, describe, expect, it } from "vitest";
import plugin from "../../index.js";

const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "istio-ambient-language-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ENVOYFILTER =
  "apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata:\n  name: lua\n  namespace: shop\nspec:\n  configPatches:\n    - applyTo: HTTP_FILTER\n      patch: {value: {name: envoy.filters.http.lua}}\n";
const INJECTED =
  "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n    istio.io/dataplane-mode: ambient\n";

/** What typescript-eslint's `configs.recommended` puts after the user's earlier configs: a parser for every file. */
const parserForEveryFile: Linter.Config[] = [
  { name: "typescript-eslint/base", languageOptions: { parser: espree, sourceType: "module", parserOptions: { projectService: true } } },
  { name: "javascript rules for every file", rules: { "no-unused-vars": "error", "no-undef": "error", semi: "error" } },
];
const settings = { settings: { "istio-ambient": { root: dir } } };

fs.writeFileSync(path.join(dir, "filter.yaml"), ENVOYFILTER);
fs.writeFileSync(path.join(dir, "namespace.yaml"), INJECTED);
fs.writeFileSync(path.join(dir, "suppressed.yaml"), `# eslint-disable istio-ambient/no-envoyfilter -- moves to a WasmPlugin\n${ENVOYFILTER}`);
fs.writeFileSync(path.join(dir, "code.js"), "const unused = 1\n");

function eslint(config: Linter.Config[], fix = false) {
  return new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config, fix });
}

const byFile = async (config: Linter.Config[]) => {
  const results = await eslint(config).lintFiles(["."]);
  return Object.fromEntries(results.map((r) => [path.basename(r.filePath), r.messages.map((m) => (m.fatal ? `FATAL ${m.message}` : m.ruleId))]));
};

describe("configs under a later config that sets a parser for every file", () => {
  for (const name of ["recommended", "strict"] as const) {
    it(`${name} first, then a parser and JavaScript rules for every file: manifests still linted, scripts still parsed by that parser`, async () => {
      const found = await byFile([plugin.configs[name], settings, ...parserForEveryFile]);
      expect(found["filter.yaml"]).toEqual(["istio-ambient/no-envoyfilter"]);
      expect(found["suppressed.yaml"]).toEqual([]);
      expect(found["code.js"]).toEqual(["no-unused-vars", "semi"]);
      if (name === "strict") expect(found["namespace.yaml"]).toEqual(["istio-ambient/namespace-dataplane-mode"]);
    });
  }

  it("the manifests' language is the plugin's, whatever parser a later config sets; the scripts keep JavaScript", async () => {
    const e = eslint([plugin.configs.recommended, settings, ...parserForEveryFile]);
    const yaml = await e.calculateConfigForFile(path.join(dir, "filter.yaml"));
    const js = await e.calculateConfigForFile(path.join(dir, "code.js"));
    expect(yaml.language).toBe(plugin.languages.yaml);
    expect(js.language).not.toBe(plugin.languages.yaml);
  });

  it("--fix works under the language (the fix of namespace-dataplane-mode applies)", async () => {
    const results = await eslint([plugin.configs.strict, settings, ...parserForEveryFile], true).lintFiles(["namespace.yaml"]);
    expect(results[0].output).toBeDefined();
    expect(results[0].output).not.toContain("istio-injection");
  });

  it("the same configs with only languageOptions.parser (no language) would turn every manifest into a parse error", async () => {
    const { language: _language, ...parserOnly } = plugin.configs.recommended;
    const found = await byFile([parserOnly, settings, ...parserForEveryFile]);
    expect(found["filter.yaml"]?.[0]).toMatch(/^FATAL Parsing error/);
  });

  it("a later config that sets ESLint's JavaScript language for every file: the configs' parser still reads the manifests", async () => {
    for (const config of [[{ language: "@/js" }, plugin.configs.recommended, settings], [plugin.configs.recommended, settings, { language: "@/js" }]]) {
      expect((await byFile(config))["filter.yaml"]).toEqual(["istio-ambient/no-envoyfilter"]);
    }
  });
});
