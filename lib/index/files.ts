/**
 * Which files the index reads: a directory walk below the root with the `include` / `exclude` globs.
 *
 * - Always skipped: `node_modules`, `.git`, and a Helm chart's `templates/` directory (a `templates`
 *   directory beside a `Chart.yaml`): Go templates are not YAML.
 * - Excluded directories are pruned (an exclude glob that matches a directory path skips all below it).
 * - Symbolic links are followed only when their real path stays inside the root's real path (and each real
 *   directory is walked once, so link cycles end). A file reached both directly and through a link is listed
 *   once, under its first path in walk order (directories sorted by name, real entries before links).
 * - Kustomization files (`kustomization.yaml`, `kustomization.yml`, `Kustomization`) are listed whatever
 *   `include` says, since namespaces come from them.
 *
 * Never throws: unreadable directories and files are skipped.
 */
import fs from "node:fs";
import path from "node:path";
import { globMatcher } from "./glob.js";
import { isKustomizationFile } from "./extract.js";

export interface ListedFile {
  /** Absolute path (through the root as given, links not resolved). */
  file: string;
  mtimeMs: number;
  size: number;
}

export interface FileFilter {
  /** True when a root-relative file path is a candidate (include matched, not excluded). */
  includes(rel: string): boolean;
  /** True when a root-relative path (file or directory) is excluded by the settings. */
  excludes(rel: string): boolean;
}

const ALWAYS_SKIPPED_DIRS = new Set(["node_modules", ".git"]);

export function makeFilter(include: readonly string[], exclude: readonly string[]): FileFilter {
  const inc = globMatcher(include);
  const exc = globMatcher(exclude);
  return {
    includes: (rel) => inc(rel) && !exc(rel),
    excludes: (rel) => exc(rel),
  };
}

export interface ListResult {
  files: ListedFile[];
  statCalls: number;
  /** Set when a cap stopped the walk: what was hit. */
  capped?: string;
}

export interface ListLimits {
  /** Stop after this many files. */
  maxFiles?: number;
  /** Stop once the listed files add up to this many bytes. */
  maxBytes?: number;
}

/** Pseudo and device file systems: never walked, wherever the root is. */
const SYSTEM_DIRS = new Set(["/proc", "/sys", "/dev"]);

function toPosix(p: string): string {
  return path.sep === "/" ? p : p.split(path.sep).join("/");
}

export function realpathOrNull(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** Lists the manifest and kustomization files below `root`, with mtime and size. */
export function listFiles(root: string, filter: FileFilter, limits: ListLimits = {}): ListResult {
  const files: ListedFile[] = [];
  let statCalls = 0;
  let bytes = 0;
  let capped: string | undefined;
  const maxFiles = limits.maxFiles ?? Infinity;
  const maxBytes = limits.maxBytes ?? Infinity;
  const realRoot = realpathOrNull(root);
  if (!realRoot) return { files, statCalls };
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();

  const visit = (dir: string, realDir: string, relDir: string) => {
    if (capped || seenDirs.has(realDir) || SYSTEM_DIRS.has(realDir)) return;
    seenDirs.add(realDir);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.isSymbolicLink() === b.isSymbolicLink() ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.isSymbolicLink() ? 1 : -1));
    const isChart = entries.some((e) => e.name === "Chart.yaml" && !e.isDirectory());
    const subdirs: [string, string, string][] = [];
    for (const entry of entries) {
      const name = entry.name;
      const abs = path.join(dir, name);
      const rel = relDir ? `${relDir}/${name}` : name;
      let real = path.join(realDir, name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = realpathOrNull(abs);
        if (!target || !isInside(target, realRoot)) continue; // dangling, or leaves the root
        real = target;
        try {
          const st = fs.statSync(target);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue;
        }
      }
      if (isDir) {
        if (ALWAYS_SKIPPED_DIRS.has(name)) continue;
        if (isChart && name === "templates") continue;
        if (filter.excludes(rel)) continue;
        subdirs.push([abs, real, rel]);
      } else if (isFile) {
        if (name === ".git") continue; // a worktree/submodule `.git` file
        const kustomization = isKustomizationFile(name);
        if (kustomization ? filter.excludes(rel) : !filter.includes(rel)) continue;
        if (seenFiles.has(real)) continue;
        seenFiles.add(real);
        if (files.length >= maxFiles) {
          capped = `stopped after maxFiles (${maxFiles}) files`;
          return;
        }
        try {
          statCalls++;
          const st = fs.statSync(abs);
          if (bytes + st.size > maxBytes) {
            capped = `stopped after maxBytes (${maxBytes}) bytes`;
            return;
          }
          bytes += Math.min(st.size, maxBytes);
          files.push({ file: abs, mtimeMs: st.mtimeMs, size: st.size });
        } catch {
          // vanished between readdir and stat
        }
      }
    }
    for (const [abs, real, rel] of subdirs) visit(abs, real, rel);
  };
  visit(root, realRoot, "");
  return capped ? { files, statCalls, capped } : { files, statCalls };
}

/**
 * Whether a file (absolute) would be listed by `listFiles` — used for an in-memory buffer whose file may not
 * exist on disk yet. Checks the globs, the always-skipped directories and Helm `templates/`.
 */
export function wouldList(root: string, file: string, filter: FileFilter): boolean {
  const relNative = path.relative(root, file);
  if (!relNative || relNative.startsWith("..") || path.isAbsolute(relNative)) return false;
  const rel = toPosix(relNative);
  const segments = rel.split("/");
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i];
    if (ALWAYS_SKIPPED_DIRS.has(seg)) return false;
    const relDir = segments.slice(0, i + 1).join("/");
    if (filter.excludes(relDir)) return false;
    if (seg === "templates" && fs.existsSync(path.join(root, ...segments.slice(0, i), "Chart.yaml"))) return false;
  }
  const name = segments[segments.length - 1];
  if (name === ".git") return false;
  return isKustomizationFile(name) ? !filter.excludes(rel) : filter.includes(rel);
}
