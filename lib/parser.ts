/**
 * The configs' parser: yaml-eslint-parser, except for Helm chart templates (`templates/**` of a directory
 * holding `Chart.yaml`), which are Go templates, not YAML: they are parsed as an empty file, so they are
 * neither parse errors nor reported. Lint the rendered output instead (`helm template … | eslint --stdin
 * --stdin-filename …`).
 */
import fs from "node:fs";
import path from "node:path";
import * as yamlParser from "yaml-eslint-parser";
import { name, version } from "./meta.js";

export const meta = { name: `${name}/yaml`, version };

const chartDirs = new Map<string, boolean>();

function isChart(dir: string): boolean {
  let known = chartDirs.get(dir);
  if (known === undefined) {
    try {
      known = fs.statSync(path.join(dir, "Chart.yaml")).isFile();
    } catch {
      known = false;
    }
    chartDirs.set(dir, known);
  }
  return known;
}

/** True for a file below a `templates/` directory whose parent holds a `Chart.yaml`. */
export function isHelmTemplate(file: string | undefined): boolean {
  if (!file) return false;
  const abs = path.resolve(file);
  for (let dir = path.dirname(abs); ; dir = path.dirname(dir)) {
    if (path.basename(dir) === "templates" && isChart(path.dirname(dir))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

type Options = Parameters<typeof yamlParser.parseForESLint>[1] & { filePath?: string };

export function parseForESLint(code: string, options?: Options): ReturnType<typeof yamlParser.parseForESLint> {
  return yamlParser.parseForESLint(isHelmTemplate(options?.filePath) ? "" : code, options);
}
