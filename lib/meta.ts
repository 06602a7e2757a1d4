/** Plugin name and version, read from this package's package.json (works from sources and from dist/). */
import { readFileSync } from "node:fs";

function readPackage(): { name: string; version: string } {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8"));
      if (pkg.name === "eslint-plugin-istio-ambient") return { name: pkg.name, version: pkg.version };
    } catch {
      // try the next candidate
    }
  }
  return { name: "eslint-plugin-istio-ambient", version: "0.0.0" };
}

export const { name, version } = readPackage();
export const namespace = "istio-ambient";
export const DOCS_BASE = "https://github.com/eslint-plugin-istio-ambient/eslint-plugin-istio-ambient/blob/main/docs/rules/";
