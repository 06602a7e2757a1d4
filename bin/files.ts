/**
 * The YAML files of the audit's paths: directories are walked (sorted, symlinked directories not followed),
 * node_modules and .git skipped, and so are Helm chart `templates/` (Go templates, not YAML until rendered).
 */
import fs from "node:fs";
import path from "node:path";

const YAML = /\.ya?ml$/i;
const SKIP_DIRS = new Set(["node_modules", ".git"]);

function isHelmTemplates(dir: string): boolean {
  return path.basename(dir) === "templates" && fs.existsSync(path.join(path.dirname(dir), "Chart.yaml"));
}

function inHelmTemplates(file: string): boolean {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (isHelmTemplates(dir)) return true;
  }
  return false;
}

export function listYamlFiles(paths: readonly string[]): string[] {
  const out = new Set<string>();
  const walk = (dir: string) => {
    if (isHelmTemplates(dir)) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(full);
      } else if ((e.isFile() || e.isSymbolicLink()) && YAML.test(e.name)) {
        out.add(full);
      }
    }
  };
  for (const p of paths) {
    const stat = fs.statSync(p);
    if (stat.isDirectory()) walk(p);
    else if (YAML.test(p) && !inHelmTemplates(p)) out.add(p);
  }
  return [...out];
}
