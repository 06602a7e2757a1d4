/**
 * The plugin as a user installs it: meta, configs, docs for every rule, the two-line user config on the example
 * repository (every rule fires there, `--fix` output parses and validates), and JSON manifests opted in via `files`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import * as yamlParser from "yaml-eslint-parser";
import { describe, expect, it } from "vitest";
import * as configParser from "../../lib/parser.js";
import plugin from "../../index.js";
import { validateManifestText } from "../helpers/schema.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const EXAMPLE = path.resolve(here, "../../examples/gitops");

/** Severity in `recommended` from DESIGN.md's rule table (rules of the issues built so far); false = `strict` only. */
const RECOMMENDED: Record<string, string | false> = {
  "authorizationpolicy-targetrefs": "error",
  "authorizationpolicy-audit-dry-run": "warn",
  "l4-policy-behind-waypoint": "error",
  "waypoint-policy-targetrefs": "error",
  "no-envoyfilter": "error",
  "prefer-httproute": "warn",
  "no-mixed-route-apis": "error",
  "no-destinationrule-subsets": "warn",
  "httproute-service-parentref": "error",
  "require-bypass-prevention": "warn",
  "valid-policy-targetrefs": "error",
  "require-waypoint": "warn",
  "require-ingress-use-waypoint": "warn",
  "peerauthentication-ambient": "error",
  "ambient-captures-opted-out-pods": "warn",
  "no-sidecar-resource": false,
  "no-sidecar-annotations": false,
  "waypoint-gateway": false,
  "namespace-dataplane-mode": false,
};

function exampleEslint(extra: Record<string, unknown> = {}) {
  return new ESLint({
    cwd: EXAMPLE,
    overrideConfigFile: true,
    overrideConfig: [plugin.configs.recommended, { settings: { "istio-ambient": { root: EXAMPLE } } }],
    ...extra,
  });
}

describe("plugin object", () => {
  it("has meta with name, version and namespace", () => {
    expect(plugin.meta).toEqual({ name: "eslint-plugin-istio-ambient", version: expect.stringMatching(/^\d+\.\d+\.\d+/), namespace: "istio-ambient" });
  });

  it("registers the rules of the design table with their recommended severities", () => {
    expect(Object.keys(plugin.rules).sort()).toEqual(Object.keys(RECOMMENDED).sort());
    const rules = plugin.configs.recommended.rules ?? {};
    for (const [id, level] of Object.entries(RECOMMENDED)) expect(rules[`istio-ambient/${id}`]).toBe(level || undefined);
    for (const id of Object.keys(RECOMMENDED)) expect(plugin.configs.strict.rules?.[`istio-ambient/${id}`]).toBe("error");
  });

  it("configs lint YAML with the plugin's language over yaml-eslint-parser (Helm chart templates as empty files) and set nothing else", () => {
    for (const config of [plugin.configs.recommended, plugin.configs.strict]) {
      expect(config.files).toEqual(["**/*.yaml", "**/*.yml"]);
      expect(config.language).toBe("istio-ambient/yaml");
      expect(plugin.languages.yaml).toBeDefined();
      expect(config.languageOptions?.parser).toBe(configParser);
      expect(Object.keys(config).sort()).toEqual(["files", "language", "languageOptions", "name", "plugins", "rules"]);
    }
  });

  it("Helm chart templates are neither parsed nor reported; the same text outside a chart is linted", async () => {
    const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "istio-ambient-helm-"));
    const template =
      "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  selector:\n    matchLabels:\n      app: {{ .Values.app }}\n  rules:\n  - to:\n    - operation:\n        paths: [\"/{{ .Values.path }}\"]\n";
    fs.mkdirSync(path.join(dir, "charts/web/templates/nested"), { recursive: true });
    fs.writeFileSync(path.join(dir, "charts/web/Chart.yaml"), "apiVersion: v2\nname: web\nversion: 0.1.0\n");
    fs.writeFileSync(path.join(dir, "charts/web/templates/authz.yaml"), template);
    fs.writeFileSync(path.join(dir, "charts/web/templates/nested/broken.yaml"), "{{- if .Values.x }}\nkind: [\n{{- end }}\n");
    fs.mkdirSync(path.join(dir, "manifests/templates"), { recursive: true });
    fs.writeFileSync(path.join(dir, "manifests/templates/authz.yaml"), template.replace(/\{\{[^}]*\}\}/g, "x"));
    try {
      const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended] });
      const results = await eslint.lintFiles(["."]);
      const byFile = Object.fromEntries(results.map((r) => [path.relative(dir, r.filePath), r.messages.map((m) => m.ruleId ?? "fatal")]));
      expect(byFile["charts/web/templates/authz.yaml"]).toEqual([]);
      expect(byFile["charts/web/templates/nested/broken.yaml"]).toEqual([]);
      expect(byFile["manifests/templates/authz.yaml"]).toEqual(["istio-ambient/authorizationpolicy-targetrefs"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("every rule has a docs page its meta links to, with the sections users look for", () => {
    for (const [id, rule] of Object.entries(plugin.rules)) {
      expect(rule.meta.docs.url).toMatch(new RegExp(`/docs/rules/${id}\\.md$`));
      const page = fs.readFileSync(path.resolve(here, `../../docs/rules/${id}.md`), "utf8");
      expect(page.startsWith(`# istio-ambient/${id}`)).toBe(true);
      for (const section of ["## Why", "## Examples", "## Options"]) expect(page).toContain(section);
      expect(page).toMatch(/https:\/\/(istio\.io|github\.com\/istio)/);
    }
  });
});

describe("the example repository with the two-line user config", () => {
  it("every rule fires at least once (what `npm run demo` shows)", async () => {
    const results = await exampleEslint().lintFiles(["."]);
    const fired = new Set(results.flatMap((r) => r.messages.map((m) => m.ruleId)));
    expect(results.flatMap((r) => r.messages.filter((m) => m.fatal))).toEqual([]);
    for (const [id, level] of Object.entries(RECOMMENDED)) if (level) expect(fired, id).toContain(`istio-ambient/${id}`);
  });

  it("`eslint --fix` output parses, keeps its comments, validates, and leaves fewer problems", async () => {
    const before = await exampleEslint().lintFiles(["."]);
    const fixed = await exampleEslint({ fix: true }).lintFiles(["."]);
    let fixedFiles = 0;
    for (const r of fixed) {
      if (r.output === undefined) continue;
      fixedFiles++;
      const original = fs.readFileSync(r.filePath, "utf8");
      const comments = (t: string) => yamlParser.parseForESLint(t).ast.comments.map((c) => c.value.trim());
      expect(() => yamlParser.parseForESLint(r.output!)).not.toThrow();
      for (const c of comments(original)) expect(comments(r.output)).toContain(c);
      expect(await validateManifestText(r.output)).toEqual([]);
    }
    expect(fixedFiles).toBeGreaterThan(0);
    // Everything fixable was fixed (re-lints clean for what the fixes addressed); the fixed rules report less.
    expect(fixed.flatMap((r) => r.messages.filter((m) => m.fix))).toEqual([]);
    const fixedRules = new Set(before.flatMap((r) => r.messages.filter((m) => m.fix).map((m) => m.ruleId)));
    const count = (rs: ESLint.LintResult[], id: string | null) => rs.reduce((n, r) => n + r.messages.filter((m) => m.ruleId === id).length, 0);
    for (const id of fixedRules) expect(count(fixed, id), String(id)).toBeLessThan(count(before, id));
  });
});

describe("JSON manifests, opted in via files", () => {
  it("are linted and fixed as JSON", async () => {
    const eslint = new ESLint({
      cwd: EXAMPLE,
      overrideConfigFile: true,
      fix: true,
      overrideConfig: [{ ...plugin.configs.recommended, files: ["**/*.json"] }, { settings: { "istio-ambient": { root: EXAMPLE } } }],
    });
    const text = JSON.stringify(
      {
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: { name: "legacy", namespace: "httpbin" },
        spec: { targetRef: { kind: "Gateway", group: "gateway.networking.k8s.io", name: "waypoint" }, action: "DENY", rules: [{ to: [{ operation: { paths: ["/admin"] } }] }] },
      },
      null,
      2,
    );
    const [result] = await eslint.lintText(text, { filePath: path.join(EXAMPLE, "apps/httpbin/legacy.json") });
    expect(result.output).toBeDefined();
    const out = JSON.parse(result.output!);
    expect(out.spec.targetRefs).toEqual([{ kind: "Gateway", group: "gateway.networking.k8s.io", name: "waypoint" }]);
    expect(out.spec.targetRef).toBeUndefined();
  });
});
