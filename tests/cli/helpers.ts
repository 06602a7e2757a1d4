/** Running the built CLI as a real process, in temporary copies of repositories. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = path.join(ROOT, "dist/bin/istio-ambient-audit.js");
export const EXAMPLE = path.join(ROOT, "examples/gitops");

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function audit(cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, VITEST: "" }, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const temps: string[] = [];

/** A fresh directory (removed by `cleanTemps`), optionally holding a copy of `from` (its eslint.config.js left out). */
export function tempRepo(from?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-ambient-cli-"));
  temps.push(dir);
  if (from) fs.cpSync(from, dir, { recursive: true, filter: (src) => path.basename(src) !== "eslint.config.js" });
  return dir;
}

export function write(dir: string, file: string, text: string): string {
  const full = path.join(dir, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, text);
  return full;
}

export function cleanTemps(): void {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}
