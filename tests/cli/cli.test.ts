/**
 * `istio-ambient-audit` as a real process (node dist/bin/istio-ambient-audit.js) in temporary repositories that
 * have no package.json and no ESLint config of their own: formats, --output, --fix, --max-warnings, --strict,
 * settings as flags, progress on stderr, and the exit codes (0 clean, 1 errors, 2 usage or config errors).
 */
import fs from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { afterAll, describe, expect, it } from "vitest";
import plugin from "../../index.js";
import { audit, cleanTemps, EXAMPLE, tempRepo, write } from "./helpers.js";

afterAll(cleanTemps);

const DESTINATION_RULE = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: shop
spec:
  host: reviews
  subsets:
    - name: v1
      labels: {version: v1}
`;

const REQUEST_AUTHENTICATION = `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt
spec:
  selector:
    matchLabels: {app: web}
  jwtRules:
    - issuer: https://issuer.example
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`;

const json = (stdout: string) => JSON.parse(stdout) as { summary: Record<string, unknown>; findings: Record<string, unknown>[] };

describe("usage", () => {
  it("--help and --version exit 0", () => {
    const dir = tempRepo();
    const help = audit(dir, "--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: istio-ambient-audit \[options\] \[paths…\]/);
    for (const flag of ["--strict", "--format", "--output", "--fix", "--max-warnings", "--root", "--waypoint", "--istio-version", "--default-namespace", "--root-namespace"]) {
      expect(help.stdout).toContain(flag);
    }
    const v = audit(dir, "--version");
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(`eslint-plugin-istio-ambient ${plugin.meta.version}`);
  });

  it("exits 2 with a message on usage and configuration errors", () => {
    const dir = tempRepo();
    write(dir, "svc.yaml", SERVICE);
    const cases: [string[], RegExp][] = [
      [["--bogus"], /Unknown option '--bogus'/],
      [["--format", "xml"], /--format must be one of markdown, json, sarif, stylish; got "xml"/],
      [["--max-warnings", "many"], /--max-warnings must be a whole number/],
      [["missing-dir"], /no such file or directory: missing-dir/],
      [["--istio-version", "latest"], /settings\["istio-ambient"\]\.istioVersion must be a version string/],
      [["--waypoint", ""], /--waypoint needs a value/],
    ];
    for (const [args, message] of cases) {
      const r = audit(dir, ...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    }
  });
});

describe("the example repository, without package.json or ESLint config", () => {
  it("prints the migration report and exits 1 on errors, with the same findings as ESLint's Node API", async () => {
    const dir = tempRepo(EXAMPLE);
    // A config file in the repository is not ours to load: the CLI uses the plugin's own config.
    write(dir, "eslint.config.js", 'throw new Error("the audit must not load this");\n');
    expect(fs.existsSync(path.join(dir, "package.json"))).toBe(false);
    const md = audit(dir);
    expect(md.status).toBe(1);
    expect(md.stdout).toMatch(/^# Istio ambient migration report\n\n\*\*Verdict: ⛔ blocked\*\*/);
    expect(md.stdout).toContain("```mermaid\npie showData");
    expect(md.stdout).toContain("## Namespace `bookinfo`");
    expect(md.stdout).toContain("**What `istio-ambient-audit --fix` does**");

    const r = audit(dir, "--format", "json");
    expect(r.status).toBe(1);
    const report = json(r.stdout);
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended] });
    const results = await eslint.lintFiles(["**/*.yaml"]);
    const expected = results.flatMap((x) => x.messages.map((m) => `${path.relative(dir, x.filePath)}:${m.line}:${m.ruleId}`)).sort();
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.rule}`).sort()).toEqual(expected);
    expect(report.summary.filesLinted).toBe(results.length);
    for (const f of report.findings) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(["rule", "severity", "file", "line", "kind", "namespace", "name", "unit", "fixSafety"]));
    }
    expect(r.stderr).toMatch(/^istio-ambient-audit: \d+ files, \d+ errors, \d+ warnings\n$/);
  });

  it("stylish output is ESLint's", () => {
    const dir = tempRepo(EXAMPLE);
    const r = audit(dir, "--format", "stylish", "apps/bookinfo/envoyfilter.yaml");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/envoyfilter\.yaml\n\s+12:\d+\s+error\s+.*istio-ambient\/no-envoyfilter/);
    expect(r.stdout).toMatch(/✖ 1 problem \(1 error, 0 warnings\)/);
  });

  it("--output writes the report to a file and prints only the summary", () => {
    const dir = tempRepo(EXAMPLE);
    const r = audit(dir, "--format", "sarif", "--output", "reports/audit.sarif");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/errors, \d+ warnings → reports\/audit\.sarif\n$/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "reports/audit.sarif"), "utf8")).version).toBe("2.1.0");
  });

  it("--fix applies the safe fixes and reports what is left", () => {
    const dir = tempRepo(EXAMPLE);
    const before = json(audit(dir, "--format", "json").stdout);
    const fixable = before.findings.filter((f) => f.fixSafety === "fix");
    expect(fixable.length).toBeGreaterThan(0);
    const files = [...new Set(fixable.map((f) => f.file as string))];
    const texts = files.map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
    const fixed = audit(dir, "--fix", "--format", "json");
    const after = json(fixed.stdout);
    expect(after.findings.filter((f) => f.fixSafety === "fix")).toEqual([]);
    // Each fixed finding is gone (a fix may surface a next step, e.g. a targetRefs policy asking for its waypoint).
    for (const f of fixable) expect(after.findings.filter((g) => g.rule === f.rule && g.message === f.message), `${f.file}:${f.line}`).toEqual([]);
    files.forEach((f, i) => expect(fs.readFileSync(path.join(dir, f), "utf8"), f).not.toBe(texts[i]));
    expect(fixed.status).toBe(1); // blockers remain
    // A second run finds the same: the fixes are on disk.
    expect(json(audit(dir, "--format", "json").stdout).findings).toEqual(after.findings);
  });
});

describe("exit codes, --max-warnings and --strict", () => {
  it("exits 0 on a clean repository, with a ready verdict", () => {
    const dir = tempRepo();
    write(dir, "svc.yaml", SERVICE);
    const r = audit(dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("# Istio ambient migration report\n\n**Verdict: ✅ ready** — no findings in 1 file.\n");
  });

  it("warnings exit 0, unless there are more than --max-warnings; --strict makes them errors", () => {
    const dir = tempRepo();
    write(dir, "dr.yaml", DESTINATION_RULE);
    const plain = audit(dir, "--format", "json");
    expect(plain.status).toBe(0);
    expect(json(plain.stdout).findings.map((f) => [f.rule, f.severity])).toEqual([["istio-ambient/no-destinationrule-subsets", "warning"]]);
    expect(audit(dir, "--max-warnings", "1").status).toBe(0);
    const over = audit(dir, "--max-warnings", "0");
    expect(over.status).toBe(1);
    expect(over.stderr).toContain("1 warnings, more than --max-warnings 0");
    const strict = audit(dir, "--strict", "--format", "json");
    expect(strict.status).toBe(1);
    expect(json(strict.stdout).findings.map((f) => f.severity)).toEqual(["error"]);
  });
});

describe("settings as flags", () => {
  it("--default-namespace gives manifests without a namespace one; --waypoint names the waypoint the suggestion targets (a setting is no evidence for a fix)", () => {
    const dir = tempRepo();
    write(dir, "ra.yaml", REQUEST_AUTHENTICATION);
    const unknown = json(audit(dir, "--format", "json").stdout).findings;
    expect(unknown.map((f) => [f.rule, f.namespace, f.fixSafety])).toEqual([["istio-ambient/waypoint-policy-targetrefs", null, "suggestion"]]);
    const named = json(audit(dir, "--format", "json", "--default-namespace", "shop", "--waypoint", "shop-waypoint").stdout).findings;
    expect(named.map((f) => [f.rule, f.namespace, f.fixSafety])).toEqual([["istio-ambient/waypoint-policy-targetrefs", "shop", "suggestion"]]);
    expect((named[0] as { suggestions: string[] }).suggestions.some((s) => s.includes("shop-waypoint"))).toBe(true);
    audit(dir, "--fix", "--default-namespace", "shop", "--waypoint", "shop-waypoint");
    expect(fs.readFileSync(path.join(dir, "ra.yaml"), "utf8")).toBe(REQUEST_AUTHENTICATION);
  });

  it("--root decides the repository the cross-file rules read", () => {
    const dir = tempRepo(EXAMPLE);
    // reviews-route.yaml alone: its VirtualService counterpart lives in routing.yaml, found through the root.
    const withRoot = json(audit(dir, "--format", "json", "--root", ".", "apps/bookinfo/reviews-route.yaml").stdout);
    const isolated = tempRepo();
    fs.copyFileSync(path.join(dir, "apps/bookinfo/reviews-route.yaml"), path.join(isolated, "reviews-route.yaml"));
    const alone = json(audit(isolated, "--format", "json", "--root", ".", "reviews-route.yaml").stdout);
    const rules = (r: typeof alone) => r.findings.map((f) => f.rule);
    expect(rules(withRoot)).toContain("istio-ambient/no-mixed-route-apis");
    expect(rules(alone)).not.toContain("istio-ambient/no-mixed-route-apis");
  });
});

describe("progress", () => {
  it("reports progress on stderr for large repositories, and not with --no-progress", () => {
    const dir = tempRepo();
    for (let i = 0; i < 150; i++) write(dir, `apps/svc-${String(i).padStart(3, "0")}.yaml`, SERVICE.replace("name: web", `name: web-${i}`));
    write(dir, "charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n");
    write(dir, "charts/web/templates/svc.yaml", "{{- if .Values.enabled }}\nkind: Service\n{{- end }}\n");
    const r = audit(dir, "--format", "json");
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("istio-ambient-audit: linted 100/151 files\n");
    expect(r.stderr).toContain("istio-ambient-audit: linted 151/151 files\n");
    expect(json(r.stdout).summary.filesLinted).toBe(151); // 150 Services + Chart.yaml; Helm templates skipped
    const quiet = audit(dir, "--format", "json", "--no-progress");
    expect(quiet.stderr).not.toContain("linted");
  });
});
