/**
 * The migration report on the example repository: findings located in their resources (kind, namespace,
 * name read from the file), the Markdown report (snapshot, section order, chart counts), the JSON form, and
 * both formatters loaded by path as `eslint -f` does.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";
import plugin from "../../index.js";
import { categoryOf, toFindings, type Finding } from "../../lib/report/findings.js";
import { renderMarkdown, verdictOf } from "../../lib/report/markdown.js";
import { toJsonReport } from "../../lib/report/json.js";
import { enforcementOf } from "../../lib/report/enforcement.js";
import { resourcesOfText } from "../../lib/report/findings.js";
import { findingsOf, policiesOfResults } from "../../formatters/shared.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const EXAMPLE = path.join(ROOT, "examples/gitops");

function eslintFor(cwd: string) {
  return new ESLint({
    cwd,
    overrideConfigFile: true,
    overrideConfig: [plugin.configs.recommended, { settings: { "istio-ambient": { root: cwd } } }],
  });
}

/** An oracle independent of lib/yaml: the `kind:`/`name:` of the block document around a line. */
function headerAround(file: string, line: number): { kind?: string; name?: string; namespace?: string } {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  let start = line - 1;
  while (start > 0 && !/^---/.test(lines[start])) start--;
  let end = line - 1;
  while (end < lines.length - 1 && !/^---/.test(lines[end + 1])) end++;
  const doc = lines.slice(start, end + 1);
  const kind = doc.map((l) => /^kind:\s*(\S+)/.exec(l)?.[1]).find(Boolean);
  const metaAt = doc.findIndex((l) => /^metadata:/.test(l));
  const meta = metaAt < 0 ? [] : doc.slice(metaAt + 1).filter((_, i, all) => all.slice(0, i + 1).every((l) => /^\s/.test(l) || l === ""));
  const field = (k: string) => meta.map((l) => new RegExp(`^  ${k}:\\s*(\\S+)`).exec(l)?.[1]).find(Boolean);
  return { kind, name: field("name"), namespace: field("namespace") };
}

let results: ESLint.LintResult[];
let findings: Finding[];
let rulesMeta: ESLint.LintResultData["rulesMeta"];

beforeAll(async () => {
  const eslint = eslintFor(EXAMPLE);
  results = await eslint.lintFiles(["."]);
  rulesMeta = eslint.getRulesMetaForResults(results);
  findings = findingsOf(results, { cwd: EXAMPLE, rulesMeta });
});

describe("findings", () => {
  it("one finding per ESLint message, with the resource read from the file at the message line", () => {
    const messages = results.flatMap((r) => r.messages);
    expect(findings).toHaveLength(messages.length);
    expect(findings.length).toBeGreaterThan(5);
    for (const f of findings) {
      const oracle = headerAround(path.join(EXAMPLE, f.file), f.line);
      expect({ kind: f.kind, name: f.name, namespace: f.namespace }, `${f.file}:${f.line}`).toEqual({
        kind: oracle.kind,
        name: oracle.name,
        namespace: oracle.namespace,
      });
      expect(f.rule).toMatch(/^istio-ambient\//);
      expect(f.docs).toBe(plugin.rules[f.rule!.replace("istio-ambient/", "")].meta.docs.url);
      expect(f.file).not.toMatch(/^\//);
      // The example has no kustomization or Argo CD/Flux app: each app folder is a deployment unit of its own.
      if (f.file.startsWith("apps/")) expect(f.unit).toBe(`folder:${path.dirname(f.file)}`);
    }
  });

  it("fix safety says what an automatic change can do", () => {
    const messages = results.flatMap((r) => r.messages.map((m) => ({ file: path.relative(EXAMPLE, r.filePath), m })));
    for (const f of findings) {
      const { m } = messages.find(({ file, m }) => file === f.file && m.line === f.line && m.ruleId === f.rule && m.message === f.message)!;
      expect(f.fixSafety).toBe(m.fix ? "fix" : m.suggestions?.length ? "suggestion" : "none");
      expect(f.suggestions).toEqual((m.suggestions ?? []).map((s) => s.desc));
      expect(f.severity).toBe(m.severity === 2 ? "error" : "warning");
    }
    expect(new Set(findings.map((f) => f.fixSafety))).toEqual(new Set(["fix", "suggestion", "none"]));
  });

  it("takes the namespace and unit from the kustomization that deploys the resource (its namespace wins), inside a List too", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-ambient-report-"));
    try {
      fs.writeFileSync(path.join(dir, "kustomization.yaml"), "namespace: shop\nresources: [filters.yaml]\n");
      fs.writeFileSync(
        path.join(dir, "filters.yaml"),
        [
          "apiVersion: v1",
          "kind: List",
          "items:",
          "  - apiVersion: networking.istio.io/v1alpha3",
          "    kind: EnvoyFilter",
          "    metadata: {name: lua-one}",
          "    spec: {configPatches: [{applyTo: HTTP_FILTER}]}",
          "  - apiVersion: networking.istio.io/v1alpha3",
          "    kind: EnvoyFilter",
          "    metadata: {name: lua-two, namespace: other}",
          "    spec: {configPatches: [{applyTo: HTTP_FILTER}]}",
          "",
        ].join("\n"),
      );
      const r = await eslintFor(dir).lintFiles(["filters.yaml"]);
      const fs2 = findingsOf(r, { cwd: dir });
      // Kustomize's `namespace:` overrides metadata.namespace in what it renders.
      expect(fs2.map((f) => [f.kind, f.name, f.namespace, f.file])).toEqual([
        ["EnvoyFilter", "lua-one", "shop", "filters.yaml"],
        ["EnvoyFilter", "lua-two", "shop", "filters.yaml"],
      ]);
      expect(new Set(fs2.map((f) => f.unit))).toEqual(new Set([expect.stringMatching(/^kustomize:/)]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a parse error is a finding outside any resource", () => {
    const [f] = toFindings(
      [{ filePath: "/r/bad.yaml", source: "a: [\n", messages: [{ ruleId: null, severity: 2, message: "Parsing error", line: 2, column: 1, fatal: true }] }],
      { cwd: "/r", readText: () => undefined },
    );
    expect(f).toMatchObject({ rule: null, file: "bad.yaml", kind: null, namespace: null, name: null, fixSafety: "none" });
    expect(categoryOf(f)).toBe("blocker");
  });
});

describe("verdicts", () => {
  const f = (severity: "error" | "warning", fixSafety: Finding["fixSafety"]): Finding => ({
    rule: "istio-ambient/x", severity, file: "a.yaml", line: 1, column: 1, endLine: null, endColumn: null, message: "m",
    kind: "Service", namespace: "a", name: "a", unit: null, fixSafety, suggestions: [], docs: null,
  });
  it("blocked by an unfixable error; ready after --fix when fixes handle every error; ready with changes for warnings", () => {
    expect(verdictOf([f("error", "suggestion"), f("error", "fix")])).toBe("blocked");
    expect(verdictOf([f("error", "fix"), f("warning", "none")])).toBe("ready-after-fix");
    expect(verdictOf([f("warning", "suggestion")])).toBe("ready-with-changes");
    expect(verdictOf([f("warning", "fix")])).toBe("ready");
    expect(verdictOf([])).toBe("ready");
  });
});

describe("Markdown report", () => {
  let md: string;
  beforeAll(() => {
    md = renderMarkdown(findings, { filesLinted: results.length, policies: policiesOfResults(results, { cwd: EXAMPLE, rulesMeta }) });
  });

  // The report's structure on the example (verdicts, counts, units, namespaces, resources, lines, sections, the
  // policy table); each message and suggestion title is replaced by a placeholder, so rewording a message leaves
  // it alone (the test below checks every message is in the report). A rule change that alters the example's
  // findings updates it: `npx vitest run tests/report -u`.
  it("matches the snapshot of the example repository", async () => {
    const placeholders = findings.map((f) => ({
      ...f,
      message: `‹${f.rule} message›`,
      suggestions: f.suggestions.map((_, i) => `‹${f.rule} suggestion ${i + 1}›`),
    }));
    const skeleton = renderMarkdown(placeholders, { filesLinted: results.length, policies: policiesOfResults(results, { cwd: EXAMPLE, rulesMeta }) });
    await expect(skeleton).toMatchFileSnapshot("./__snapshots__/example-report.md");
  });

  it("lists every finding once, blockers before required changes before --fix in each resource", () => {
    for (const f of findings) {
      const needle = `\`${f.file}:${f.line}\` ${f.message.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|").replace(/</g, "&lt;")}`;
      expect(md.split(needle).length - 1, needle).toBe(1);
    }
    for (const block of md.split(/\n#+ /).slice(1)) {
      const at = (h: string) => block.indexOf(`**${h}`);
      const present = ["Blockers", "Required changes", "What `eslint --fix` does", "Suggestions"].map(at).filter((i) => i >= 0);
      expect(present).toEqual([...present].sort((a, b) => a - b));
    }
  });

  it("has a verdict, a per-namespace table and a Mermaid chart whose slices add up to the findings", () => {
    expect(md).toMatch(/^# Istio ambient migration report\n\n\*\*Verdict: ⛔ blocked\*\*/);
    const chart = /```mermaid\npie showData title [^\n]+\n((?:    "[^"]+" : \d+\n)+)```/.exec(md);
    expect(chart).not.toBeNull();
    const slices = Object.fromEntries([...chart![1].matchAll(/"([^"]+)" : (\d+)/g)].map((m) => [m[1], Number(m[2])]));
    expect(slices.Blockers).toBe(findings.filter((x) => categoryOf(x) === "blocker").length);
    expect(Object.values(slices).reduce((a, b) => a + b, 0)).toBe(findings.length);
    for (const ns of new Set(findings.map((x) => x.namespace))) {
      expect(md).toMatch(new RegExp(`\\| ${ns} \\| `));
      expect(md).toContain(`## Namespace \`${ns}\` — `);
    }
  });

  it("says ready when nothing is found", () => {
    expect(renderMarkdown([], { filesLinted: 3 })).toBe("# Istio ambient migration report\n\n**Verdict: ✅ ready** — no findings in 3 files.\n");
  });
});

describe("JSON report and the formatters by path", () => {
  it("has stable fields and a summary consistent with the findings", () => {
    const report = toJsonReport(findings, { name: "eslint-plugin-istio-ambient", version: "1.2.3" }, results.length);
    expect(report.schemaVersion).toBe(1);
    for (const f of report.findings) {
      expect(Object.keys(f)).toEqual([
        "rule", "severity", "file", "line", "column", "endLine", "endColumn", "message",
        "kind", "namespace", "name", "unit", "fixSafety", "suggestions", "docs",
      ]);
    }
    expect(report.summary.findings).toBe(findings.length);
    expect(report.summary.fixable).toBe(findings.filter((f) => f.fixSafety === "fix").length);
    expect(report.summary.namespaces.reduce((n, x) => n + x.findings, 0)).toBe(findings.length);
  });

  it("`eslint -f <path>` loads the built Markdown and JSON formatters", async () => {
    const eslint = eslintFor(EXAMPLE);
    const own = await eslint.lintFiles(["."]);
    const md = await (await eslint.loadFormatter(path.join(ROOT, "dist/formatters/markdown.js"))).format(own);
    expect(md).toBe(renderMarkdown(findings, { filesLinted: results.length, policies: policiesOfResults(results, { cwd: EXAMPLE, rulesMeta }) }));
    const json = JSON.parse(await (await eslint.loadFormatter(path.join(ROOT, "dist/formatters/json.js"))).format(own));
    expect(json.findings).toEqual(JSON.parse(JSON.stringify(findings)));
    expect(json.policies.length).toBeGreaterThan(0);
    expect(json.tool).toEqual({ name: plugin.meta.name, version: plugin.meta.version });
  });
});


describe("AuthorizationPolicies: who enforces them", () => {
  const policy = (spec: string, ns = "shop") =>
    resourcesOfText(`apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: p, namespace: ${ns}}\nspec:\n${spec}`)[0];
  const of = (spec: string, ns?: string) => enforcementOf(policy(spec, ns), "p.yaml", 1, ns ?? "shop", "istio-system")!;

  it("says who enforces each kind of attachment today and after the move", () => {
    expect(of("  selector: {matchLabels: {app: web}}\n  rules: [{from: [{source: {namespaces: [a]}}]}]\n")).toMatchObject({
      action: "ALLOW",
      today: "the sidecars of pods with app=web",
      after: "ztunnel, for pods with app=web, as written (L4 only)",
      changes: false,
    });
    expect(of("  action: DENY\n  rules: [{to: [{operation: {paths: [/admin]}}]}]\n")).toMatchObject({
      today: "every sidecar of the namespace",
      after: "nobody: ztunnel drops its HTTP conditions and nothing is left (fail-open)",
      changes: true,
    });
    expect(of("  action: CUSTOM\n  provider: {name: ext}\n  rules: [{}]\n", "istio-system")).toMatchObject({
      today: "every sidecar of the mesh",
      after: "nobody: CUSTOM policies never reach ztunnel (needs a waypoint with targetRefs)",
      changes: true,
    });
    expect(of("  targetRefs: [{kind: Service, group: \"\", name: web}]\n  rules: [{to: [{operation: {methods: [GET]}}]}]\n")).toMatchObject({
      today: "the proxy of Service web (sidecars ignore targetRefs policies)",
      after: "the waypoint or gateway of Service web (L7)",
      changes: false,
    });
    expect(enforcementOf(resourcesOfText("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n")[0], "s.yaml", 1, undefined, "istio-system")).toBeNull();
  });

  it("lists every AuthorizationPolicy of the example, the ones whose meaning changes first, in the report and the JSON", () => {
    const policies = policiesOfResults(results, { cwd: EXAMPLE, rulesMeta });
    const expected = results.flatMap((r) => (fs.readFileSync(r.filePath, "utf8").match(/^kind: AuthorizationPolicy$/gm) ?? []).map(() => r.filePath));
    expect(policies).toHaveLength(expected.length);
    expect(policies.map((p) => p.changes)).toEqual([...policies.map((p) => p.changes)].sort((a, b) => Number(b) - Number(a)));
    expect(policies.find((p) => p.name === "deny-admin")).toMatchObject({ namespace: "bookinfo", action: "DENY", changes: true });
    const md = renderMarkdown(findings, { policies });
    expect(md).toContain("## AuthorizationPolicies: who enforces them");
    for (const p of policies) expect(md).toContain(`\`${p.namespace}/${p.name}\` (\`${p.file}:${p.line}\`) | ${p.action} |`);
    expect(toJsonReport(findings, { name: "x", version: "1" }, results.length, policies).policies).toEqual(policies);
  });
});
