/**
 * SARIF from the CLI (and from the formatter by path) validated against the SARIF 2.1.0 JSON schema (the
 * schemastore copy that @microsoft/jest-sarif ships), with rule metadata from each rule's docs page, regions
 * matching the findings, and fix safety in `properties`.
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { ESLint } from "eslint";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import plugin from "../../index.js";
import { firstParagraph } from "../../lib/report/sarif.js";
import { audit, cleanTemps, EXAMPLE, ROOT, tempRepo } from "../cli/helpers.js";

const require = createRequire(import.meta.url);
// ajv-draft-04 is CommonJS: its class is module.exports (typed as ajv's Ajv).
const AjvDraft04 = require("ajv-draft-04") as typeof import("ajv").default;
const schemaPath = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

function validator() {
  const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  (addFormats as unknown as (a: unknown) => void)(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
}

type Sarif = {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: Record<string, any>[] } };
    results: Record<string, any>[];
    originalUriBaseIds: Record<string, { uri: string }>;
  }[];
};

let dir: string;
let sarif: Sarif;
let report: { findings: Record<string, any>[] };

beforeAll(() => {
  dir = tempRepo(EXAMPLE);
  const r = audit(dir, "--format", "sarif");
  expect(r.status).toBe(1);
  sarif = JSON.parse(r.stdout);
  report = JSON.parse(audit(dir, "--format", "json").stdout);
});
afterAll(cleanTemps);

describe("SARIF from istio-ambient-audit", () => {
  it("is valid SARIF 2.1.0", () => {
    const validate = validator();
    const ok = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs).toHaveLength(1);
  });

  it("the schema check is not vacuous: a broken log fails it", () => {
    const validate = validator();
    const broken = structuredClone(sarif);
    broken.runs[0].results[0].level = "fatal";
    delete (broken.runs[0].tool.driver as Record<string, unknown>).name;
    expect(validate(broken)).toBe(false);
  });

  it("describes each rule that fired: short and full description, helpUri, help from the docs page", () => {
    const rules = sarif.runs[0].tool.driver.rules;
    const fired = new Set(report.findings.map((f) => f.rule));
    expect(new Set(rules.map((r) => r.id))).toEqual(fired);
    for (const r of rules) {
      const id = r.id.replace("istio-ambient/", "");
      const rule = plugin.rules[id];
      const page = fs.readFileSync(path.join(ROOT, "docs/rules", `${id}.md`), "utf8");
      expect(r.shortDescription.text).toBe(rule.meta.docs.description);
      expect(r.fullDescription.text).toBe(firstParagraph(page));
      expect(r.fullDescription.text.length).toBeGreaterThan(40);
      expect(r.helpUri).toBe(rule.meta.docs.url);
      expect(r.help.markdown).toBe(page);
      expect(r.defaultConfiguration.level).toBe(rule.meta.docs.recommended === "warn" ? "warning" : "error");
      expect(r.properties.fixable).toBe(!!rule.meta.fixable);
    }
  });

  it("one result per finding, at its region, with its rule index and fix safety", () => {
    const { results, tool, originalUriBaseIds } = sarif.runs[0];
    expect(originalUriBaseIds["%SRCROOT%"].uri).toBe(`file://${fs.realpathSync(dir)}/`);
    expect(results).toHaveLength(report.findings.length);
    results.forEach((r, i) => {
      const f = report.findings[i];
      expect(r.ruleId).toBe(f.rule);
      expect(tool.driver.rules[r.ruleIndex].id).toBe(f.rule);
      expect(r.level).toBe(f.severity);
      expect(r.message.text).toBe(f.message);
      const loc = r.locations[0].physicalLocation;
      expect(loc.artifactLocation).toEqual({ uri: f.file, uriBaseId: "%SRCROOT%" });
      expect(loc.region).toEqual({ startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn });
      expect(r.properties).toMatchObject({ fixSafety: f.fixSafety, kind: f.kind, namespace: f.namespace, name: f.name });
      expect(r.locations[0].logicalLocations[0].fullyQualifiedName).toBe(`${f.kind}/${f.namespace}/${f.name}`);
    });
    expect(new Set(results.map((r) => r.properties.fixSafety))).toEqual(new Set(["fix", "suggestion", "none"]));
  });

  it("the sarif formatter by path writes valid SARIF too", async () => {
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended] });
    const results = await eslint.lintFiles(["."]);
    const text = await (await eslint.loadFormatter(path.join(ROOT, "dist/formatters/sarif.js"))).format(results);
    const log = JSON.parse(text);
    expect(validator()(log)).toBe(true);
    expect(log.runs[0].results).toHaveLength(report.findings.length);
  });
});
