/**
 * The CI examples in docs/ci stay runnable: their YAML parses, and every istio-ambient-audit command in them
 * uses only options the CLI accepts (the real CLI parses each one with --help appended: exit 0, no usage error).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { audit, cleanTemps, ROOT, tempRepo } from "./helpers.js";

afterAll(cleanTemps);

const docs = ["docs/ci/github-actions.md", "docs/ci/gitlab-ci.md"];

function yamlBlocks(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
}

function auditCommands(yaml: string): string[][] {
  return [...yaml.matchAll(/istio-ambient-audit((?: [^|\n"]+?)?)(?: \|\| true)?$/gm)].map((m) => m[1].trim().split(/\s+/).filter(Boolean));
}

describe("docs/ci examples", () => {
  for (const file of docs) {
    it(`${file}: the pipeline YAML parses and runs the audit with valid options`, () => {
      const [pipeline] = yamlBlocks(file);
      expect(() => parse(pipeline)).not.toThrow();
      const commands = auditCommands(pipeline);
      expect(commands.length).toBeGreaterThan(0);
      const dir = tempRepo();
      for (const args of commands) {
        const r = audit(dir, ...args, "--help");
        expect(r.stderr, args.join(" ")).toBe("");
        expect(r.status, args.join(" ")).toBe(0);
      }
    });
  }

  it("the GitHub workflow uploads the SARIF the audit writes", () => {
    const workflow = parse(yamlBlocks("docs/ci/github-actions.md")[0]);
    const steps: Record<string, any>[] = workflow.jobs.audit.steps;
    const upload = steps.find((s) => String(s.uses).startsWith("github/codeql-action/upload-sarif"))!;
    const sarifStep = steps.find((s) => String(s.run).includes("--format sarif"))!;
    expect(String(sarifStep.run)).toContain(`--output ${upload.with.sarif_file}`);
    expect(workflow.permissions["security-events"]).toBe("write");
  });
});
