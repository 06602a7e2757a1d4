/**
 * Plugin name, version and links, read from this package's package.json (works from sources and from dist/).
 * The repository URL in package.json is the one place the docs links come from.
 */
import { readFileSync } from "node:fs";

interface PackageInfo {
  name: string;
  version: string;
  repository?: string | { url?: string };
}

function readPackage(): PackageInfo {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8"));
      if (pkg.name === "eslint-plugin-istio-ambient") return pkg;
    } catch {
      // try the next candidate
    }
  }
  return { name: "eslint-plugin-istio-ambient", version: "0.0.0" };
}

/** `git+https://github.com/o/r.git` (or `github:o/r`) → `https://github.com/o/r`; undefined when not declared. */
export function repositoryWebUrl(repository: PackageInfo["repository"]): string | undefined {
  const raw = typeof repository === "string" ? repository : repository?.url;
  if (!raw) return undefined;
  const short = /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(raw);
  if (short) return `https://github.com/${short[1]}`;
  return raw.replace(/^git\+/, "").replace(/^git:\/\//, "https://").replace(/\.git$/, "").replace(/\/$/, "");
}

const pkg = readPackage();
export const { name, version } = pkg;
export const namespace = "istio-ambient";
/** The repository's web address, from package.json `repository`. */
export const REPOSITORY_URL = repositoryWebUrl(pkg.repository) ?? `https://www.npmjs.com/package/${pkg.name}`;
/** Base of every rule's docs URL (`meta.docs.url` = DOCS_BASE + rule id + ".md"). */
export const DOCS_BASE = `${REPOSITORY_URL}/blob/main/docs/rules/`;
