/**
 * The shipped formatters with the real `eslint` CLI in a user's repository (its own eslint.config.js, the
 * plugin installed in node_modules): `eslint -f <path>` writes the report with the namespaces and units the
 * rules saw, because the formatter reads the plugin settings of the user's config.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../cli/helpers.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-ambient-eslint-f-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

fs.mkdirSync(path.join(dir, "node_modules"));
fs.symlinkSync(ROOT, path.join(dir, "node_modules/eslint-plugin-istio-ambient"), "dir");
fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
fs.writeFileSync(
  path.join(dir, "eslint.config.js"),
  [
    'import istioAmbient from "eslint-plugin-istio-ambient";',
    "export default [",
    "  istioAmbient.configs.recommended,",
    '  { settings: { "istio-ambient": { root: import.meta.dirname, defaultNamespace: "payments" } } },',
    "];",
    "",
  ].join("\n"),
);
fs.mkdirSync(path.join(dir, "apps/lua"), { recursive: true });
fs.writeFileSync(
  path.join(dir, "apps/lua/filter.yaml"),
  "apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata: {name: lua}\nspec:\n  configPatches:\n    - applyTo: HTTP_FILTER\n      patch: {value: {name: envoy.filters.http.lua}}\n",
);

function eslint(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/eslint/bin/eslint.js"), ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, VITEST: "" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("eslint -f <formatter path>", () => {
  const formatter = (name: string) => `node_modules/eslint-plugin-istio-ambient/dist/formatters/${name}.js`;

  it("json: findings carry the namespace from the user's settings and the unit from the index", () => {
    const r = eslint(".", "-f", formatter("json"));
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: Record<string, unknown>) => [f.rule, f.file, f.kind, f.name, f.namespace, f.unit])).toEqual([
      ["istio-ambient/no-envoyfilter", "apps/lua/filter.yaml", "EnvoyFilter", "lua", "payments", "folder:apps/lua"],
    ]);
  });

  it("markdown: the report, and sarif: a SARIF log", () => {
    const md = eslint(".", "-f", formatter("markdown"));
    expect(md.stdout).toMatch(/^# Istio ambient migration report\n\n\*\*Verdict: ⛔ blocked\*\*/);
    expect(md.stdout).toContain("### Namespace `payments` — ⛔ blocked");
    const sarif = JSON.parse(eslint(".", "-f", formatter("sarif")).stdout);
    expect(sarif.runs[0].results[0].properties).toMatchObject({ kind: "EnvoyFilter", name: "lua", namespace: "payments", unit: "folder:apps/lua" });
  });
});
