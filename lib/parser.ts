/**
 * The configs' parser: yaml-eslint-parser, except for what is not a Kubernetes manifest in YAML form:
 * - Helm chart templates (`templates/**` of a directory holding `Chart.yaml`) are Go templates: parsed as an
 *   empty file, so they are neither parse errors nor reported (lint the rendered output instead:
 *   `helm template … | eslint --stdin --stdin-filename …`);
 * - a file that does not parse and holds a template (`{{ … }}`, `{% … %}`) or is no manifest at all (no
 *   top-level `apiVersion:` and `kind:`: Helm values, OpenAPI documents, tool configuration) is not ours to
 *   judge: it is parsed as an empty file too. A manifest that does not parse stays a parse error.
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

/** A manifest names `apiVersion` and `kind` at the start of a line (YAML) or as JSON keys. */
function looksLikeManifest(code: string): boolean {
  return /^(?:-\s+)?apiVersion\s*:/m.test(code) && /^(?:-\s+)?kind\s*:/m.test(code) || (/"apiVersion"\s*:/.test(code) && /"kind"\s*:/.test(code));
}

export function parseForESLint(code: string, options?: Options): ReturnType<typeof yamlParser.parseForESLint> {
  if (isHelmTemplate(options?.filePath)) return yamlParser.parseForESLint("", options);
  try {
    return yamlParser.parseForESLint(code, options);
  } catch (error) {
    if (/\{\{|\{%/.test(code) || !looksLikeManifest(code)) return yamlParser.parseForESLint("", options);
    throw error;
  }
}
