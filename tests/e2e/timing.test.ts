/**
 * `TIMING=all` (issue 9): ESLint's rule timing table charges the repository index to its own row,
 * "istio-ambient (repository index)", not to whichever rule asked for it first. Run through the real eslint
 * binary on a copy of a fixture repository, with the built plugin (dist/, built by `pretest`).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "istio-ambient-timing-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

fs.cpSync(path.join(ROOT, "tests/fixtures/repos/waypoint-moves"), path.join(dir, "repo"), { recursive: true });
fs.writeFileSync(
  path.join(dir, "eslint.config.mjs"),
  `import plugin from ${JSON.stringify(pathToFileURL(path.join(ROOT, "dist/index.js")).href)};\n` +
    `export default [plugin.configs.recommended, { settings: { "istio-ambient": { root: ${JSON.stringify(path.join(dir, "repo"))} } } }];\n`,
);

/** Rows of ESLint's timing table: rule name and its time in ms. */
function timingRows(stdout: string): Map<string, number> {
  const rows = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    const m = /^(\S.*?)\s+\|\s+([\d.]+)\s+\|\s+[\d.]+%/.exec(line);
    if (m && m[1] !== "Rule") rows.set(m[1].trim(), Number(m[2]));
  }
  return rows;
}

describe("TIMING=all", () => {
  it("shows the repository index on its own row beside the plugin's rules", () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, "node_modules/eslint/bin/eslint.js"), "repo"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, TIMING: "all", VITEST: "" },
    });
    expect(run.stderr).not.toMatch(/Error|Cannot find/);
    const rows = timingRows(run.stdout);
    expect(rows.has("istio-ambient (repository index)"), run.stdout).toBe(true);
    expect(rows.get("istio-ambient (repository index)")!).toBeGreaterThan(0);
    // The rules that read the repository are listed too, and none is charged a negative time for the move.
    const ruleRows = [...rows].filter(([name]) => name.startsWith("istio-ambient/"));
    expect(ruleRows.length).toBeGreaterThan(3);
    for (const [, ms] of ruleRows) expect(ms).toBeGreaterThanOrEqual(0);
  });
});
