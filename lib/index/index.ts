/**
 * The repository resource index for cross-file rules: compact records of every Kubernetes/Istio resource
 * under the repository root, built once per process per (root, settings) and kept fresh cheaply.
 *
 * Lifecycle:
 * 1. The first `getIndex()` for a (root, settings) lists the files and parses each once.
 * 2. Later calls reuse it. A single run (`singleRun()`: CI, the eslint binary, the override) never re-checks.
 *    A long-lived process (an editor, see `revalidating`) re-checks in the background: a timer (which does
 *    not keep the process alive) walks the file list again and stats each file at most every
 *    `settings.revalidateMs` ms while lints keep coming; the lint path never walks the tree. `revalidateMs: 0`
 *    re-checks on every call, on the lint path (tools that want the disk as it is now); `Infinity` or a negative
 *    value never. Files whose mtime or size changed are re-read (and re-parsed unless their content hash is
 *    unchanged), deleted files are dropped, new files are added (a rename is a delete plus an add). A new
 *    snapshot is made only when something changed, so an unchanged repository keeps handing out the same
 *    `RepoIndex` object.
 * 3. `currentText` (the linted file's in-memory text) overlays its disk copy. It is compared with the last
 *    overlay text first (string equality), then by content hash with the disk copy, so re-linting an unchanged
 *    or saved file costs no parse. An overlay is dropped when its file changes on disk, and when another file
 *    is linted (only the linted file's buffer counts).
 * 4. A changed buffer or file is a thin layer over the unchanged snapshot: the deployment model re-renders only
 *    the units that read the changed file (./units.ts `buildModel` with `previous`), every other instance keeps
 *    its object, and the per-snapshot caches move to the next snapshot with the change applied
 *    (`onSnapshotChange`). The counters (`RepoIndex.stats`: `incrementalSnapshots`, `lastRenderedUnits`,
 *    `caches`) say what was rebuilt.
 *
 * Pure of ESLint: callers pass `filename`, `cwd`, normalised settings and the text. Never throws: on an
 * unexpected error an empty index is returned.
 *
 * Note for `eslint --concurrency`: each worker thread has its own module instance and builds its own index.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { PluginSettings } from "../settings.js";
import { clearInterned, parseFile, plainDocuments, type ParsedFile } from "./extract.js";
import { clearUnitMemo } from "./units.js";
import { decodeManifest } from "../yaml/encoding.js";
import { listFiles, makeFilter, wouldList, type FileFilter } from "./files.js";
import { assemble, carryOver, RepoIndexSnapshot, type Assembled, type MutableCounters, type RepoIndex } from "./repo-index.js";

export type { RepoIndex } from "./repo-index.js";
export type { Unit, UnitOrigin } from "./units.js";
export { USE_WAYPOINT, USE_WAYPOINT_NAMESPACE, WAYPOINT_CLASS } from "./repo-index.js";
export type * from "./types.js";
export { globMatch, globMatcher, globToRegExp } from "./glob.js";

export interface GetIndexOptions {
  /** The linted file (absolute, or relative to `cwd`). */
  filename: string;
  /** ESLint's cwd: base for a relative `settings.root` and the fallback root. */
  cwd: string;
  settings: PluginSettings;
  /** In-memory text of `filename` (editor buffer or fix pass); wins over the disk copy. */
  currentText?: string;
}

interface FileState {
  mtimeMs: number;
  size: number;
  hash: string;
  parsed: ParsedFile;
}

interface Overlay {
  hash: string;
  parsed: ParsedFile;
  text: string;
  /** The file is not on disk (stdin text, a new unsaved buffer): a unit of its own. */
  virtual: boolean;
}

interface CacheEntry {
  root: string;
  settings: PluginSettings;
  /** `.json` files are read only once a JSON file is linted (no config lints JSON by default). */
  json: boolean;
  filter: FileFilter;
  files: Map<string, FileState>;
  overlays: Map<string, Overlay>;
  lastOverlay: { file: string; text: string } | undefined;
  lastValidated: number;
  /** How this process lints (see `revalidating`). */
  session: { interactive: boolean; seen: Set<string>; lastFile: string | undefined; lastText: string | undefined; passes: number };
  counters: MutableCounters;
  snapshot: RepoIndexSnapshot;
  /** The assembly behind `snapshot`: the next one takes over its unchanged units. */
  assembled: Assembled | undefined;
  /** The pending background revalidation (a long-lived process with `revalidateMs` > 0). */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** When a lint last asked for this index (background checks continue while lints keep coming). */
  lastAsked: number;
  revalidateMs: number;
}

const cache = new Map<string, CacheEntry>();
const rootCache = new Map<string, string>();
const settingsHashes = new WeakMap<PluginSettings, string>();

/**
 * A RepoIndex over one file's text (its directory as root; namespaces from metadata or `defaultNamespace`):
 * what a rule reads for a file that the repository index does not hold (outside the root, excluded by
 * `include`/`exclude`, or applied by no unit), so that a cross-file rule keeps working as a single-file rule.
 */
export function singleFileIndex(file: string, text: string, settings: PluginSettings): RepoIndex {
  const root = path.dirname(file);
  const { records, units } = assemble(root, settings, [[file, parseFile(file, text)]], { ownUnitFiles: new Set([file]) });
  return new RepoIndexSnapshot(root, settings, records, { ...newCounters(), parsed: 1 }, 1, units);
}

/** The index of the repository holding `filename`. */
export function getIndex(opts: GetIndexOptions): RepoIndex {
  let root = "";
  try {
    const cwd = path.resolve(opts.cwd || process.cwd());
    const filename = path.resolve(cwd, opts.filename || "");
    root = resolveRoot(filename, cwd, opts.settings);
    const key = `${root}\0${settingsHash(opts.settings)}`;
    let entry = cache.get(key);
    const json = /\.json$/i.test(filename);
    if (entry && json && !entry.json) {
      // The first JSON file linted: from now on the index reads JSON manifests too.
      entry = undefined;
    }
    const revalidateMs = opts.settings.revalidateMs;
    if (!entry) {
      entry = build(root, opts.settings, json);
      cache.set(key, entry);
      revalidating(entry, filename, opts.currentText, revalidateMs);
    } else if (revalidating(entry, filename, opts.currentText, revalidateMs)) {
      entry.lastAsked = Date.now();
      entry.revalidateMs = revalidateMs;
      // `revalidateMs: 0` asks for a check on every lint (tools that want the disk as it is now); otherwise the
      // files are re-checked in the background, never on the lint path.
      if (revalidateMs === 0) revalidate(entry);
      else if (due(entry, revalidateMs)) schedule(key, entry);
    }
    if (typeof opts.currentText === "string") overlay(entry, filename, opts.currentText);
    return entry.snapshot;
  } catch {
    return new RepoIndexSnapshot(root, opts.settings, [], newCounters(), 0);
  }
}

/**
 * Does this process re-check the files? A CLI run lints each file once (plus `--fix` passes, which lint the
 * same file again at once with new text, at most ESLint's 10 passes): after the first build the repository does
 * not change under it, so it never re-walks the tree. A long-lived process (an editor) lints a file again after
 * others, again with the same text (on save, on focus), or with new text more often than fix passes would: from
 * then on it re-checks every `revalidateMs`, in the background. A single run (`singleRun()`) never does;
 * `revalidateMs: 0` always re-checks (tools that know they are long-lived).
 */
function revalidating(entry: CacheEntry, file: string, text: string | undefined, revalidateMs: number): boolean {
  const session = entry.session;
  if (revalidateMs === 0) session.interactive = true;
  // Every rule of one lint asks for the index with the same file and text: that is one visit, not a re-lint.
  if (session.lastFile === file && session.lastText === text) return session.interactive;
  session.passes = session.lastFile === file ? session.passes + 1 : 0;
  if (!session.interactive && !singleRun() && ((session.seen.has(file) && session.lastFile !== file) || session.passes > MAX_FIX_PASSES)) {
    session.interactive = true;
  }
  session.seen.add(file);
  session.lastFile = file;
  session.lastText = text;
  return session.interactive;
}

/** ESLint's `--fix` re-lints a file at most this many times in a row (`MAX_AUTOFIX_PASSES`). */
const MAX_FIX_PASSES = 10;

let totalBuilds = 0;

/**
 * True when this process is one ESLint run, as typescript-eslint's `inferSingleRun` decides: the override
 * `ISTIO_AMBIENT_SINGLE_RUN=true|false` first, then `CI=true` (a CI job lints once), then the `eslint` binary
 * as `process.argv[1]` (`node_modules/.bin/eslint`, `eslint/bin/eslint.js`). A single run never re-checks the
 * files after the index is built.
 */
export function singleRun(): boolean {
  const env = process.env.ISTIO_AMBIENT_SINGLE_RUN;
  if (env === "true" || env === "false") return env === "true";
  if (process.env.CI === "true") return true;
  const bin = process.argv[1] ?? "";
  return /(^|[\\/])eslint(\.js|\.cjs|\.mjs)?$/.test(bin) || /[\\/]eslint[\\/]bin[\\/]eslint\.js$/.test(bin);
}

/** Forgets every index and every root lookup (tests, tools, "restart" commands). */
export function clearIndexCache(): void {
  for (const entry of cache.values()) if (entry.timer) clearTimeout(entry.timer);
  cache.clear();
  rootCache.clear();
  clearInterned();
  clearUnitMemo();
}

/** Process-wide cache figures: live (root, settings) entries and full builds since the module loaded. */
export function indexCacheStats(): { entries: number; builds: number } {
  return { entries: cache.size, builds: totalBuilds };
}

/** The counters of every live index (`RepoIndex.stats`), summed: what a benchmark or a tool reports. */
export function indexCounters(): Record<string, unknown> {
  const out: Record<string, number> = { entries: cache.size, builds: totalBuilds };
  const caches: Record<string, { built: number; carried: number }> = {};
  for (const entry of cache.values()) {
    const stats = entry.snapshot.stats;
    for (const [k, v] of Object.entries(stats)) if (typeof v === "number" && k !== "builds") out[k] = (out[k] ?? 0) + v;
    for (const [k, v] of Object.entries(stats.caches)) {
      const c = (caches[k] ??= { built: 0, carried: 0 });
      c.built += v.built;
      c.carried += v.carried;
    }
  }
  return { ...out, caches };
}

/**
 * Without a `.git` ancestor: ESLint's cwd when the file is below it and the cwd is a project folder (not
 * `/`, not the home directory, not a system folder); else the file's own folder. Never the whole disk.
 */
function fallbackRoot(fileDir: string, cwd: string): string {
  const home = process.env.HOME ? path.resolve(process.env.HOME) : undefined;
  const broad = cwd === path.parse(cwd).root || cwd === home || /^\/(proc|sys|dev)(\/|$)/.test(cwd);
  const rel = path.relative(cwd, fileDir);
  const inside = rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
  return !broad && inside ? cwd : fileDir;
}

/**
 * The root for a file: `settings.root` (resolved against `cwd`), else the nearest ancestor directory of the
 * file holding `.git` (directory, or file as in worktrees and submodules), else ESLint's cwd when the file is
 * below it and the cwd is not `/` or the home directory, else the file's folder.
 */
export function resolveRoot(filename: string, cwd: string, settings: Pick<PluginSettings, "root">): string {
  if (settings.root) return path.resolve(cwd, settings.root);
  const start = path.dirname(path.resolve(cwd, filename));
  const cached = rootCache.get(start);
  if (cached) return cached;
  const visited: string[] = [];
  let dir = start;
  let found: string | undefined;
  for (;;) {
    const known = rootCache.get(dir);
    if (known) {
      found = known;
      break;
    }
    visited.push(dir);
    if (fs.existsSync(path.join(dir, ".git"))) {
      found = dir;
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const root = found ?? fallbackRoot(start, path.resolve(cwd));
  // Only cache directories below a found root: the fallback depends on the caller.
  if (found) for (const d of visited) rootCache.set(d, root);
  return root;
}

// ---------------------------------------------------------------------------------------------------------

function newCounters(): MutableCounters {
  return { builds: 0, revalidations: 0, parsed: 0, reparsed: 0, lastReparsed: [], statCalls: 0, overlays: 0, notes: [] };
}

/** Stable hash of the settings that shape the index (everything but `revalidateMs`). */
function settingsHash(settings: PluginSettings): string {
  let hash = settingsHashes.get(settings);
  if (!hash) {
    const { revalidateMs: _ignored, ...rest } = settings;
    hash = crypto.createHash("sha1").update(stableStringify(rest)).digest("hex");
    settingsHashes.set(settings, hash);
  }
  return hash;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function hashText(text: string): string {
  return crypto.createHash("sha1").update(text).digest("base64");
}

function due(entry: CacheEntry, revalidateMs: number): boolean {
  if (!Number.isFinite(revalidateMs) || revalidateMs < 0) return false;
  return Date.now() - entry.lastValidated >= revalidateMs;
}

function readFile(file: string, size: number, maxFileBytes: number): { text: string; hash: string } | null {
  if (size > maxFileBytes) return { text: "", hash: `too-large:${size}` };
  try {
    // UTF-8 (with or without BOM), UTF-16 and UTF-32 manifests, as kubectl reads them; binary files hold nothing.
    const decoded = decodeManifest(fs.readFileSync(file));
    if (decoded.text === null) return { text: "", hash: `binary:${size}` };
    return { text: decoded.text, hash: hashText(decoded.text) };
  } catch {
    return null;
  }
}

function jsonGate(filter: FileFilter, json: boolean): FileFilter {
  if (json) return filter;
  return { includes: (rel) => !/\.json$/i.test(rel) && filter.includes(rel), excludes: filter.excludes };
}

function listBounded(root: string, filter: FileFilter, settings: PluginSettings, counters: MutableCounters) {
  const listed = listFiles(root, filter, { maxFiles: settings.maxFiles, maxBytes: settings.maxBytes });
  counters.statCalls += listed.statCalls;
  const notes: string[] = [];
  if (listed.capped) notes.push(listed.capped);
  const tooLarge = listed.files.filter((f) => f.size > settings.maxFileBytes);
  if (tooLarge.length) {
    notes.push(`${tooLarge.length} file(s) over maxFileBytes (${settings.maxFileBytes} bytes) not read: ${tooLarge.slice(0, 3).map((f) => path.relative(root, f.file)).join(", ")}${tooLarge.length > 3 ? ", …" : ""}`);
  }
  counters.notes = notes;
  if (notes.length && !warned.has(root)) {
    warned.add(root);
    process.emitWarning(`eslint-plugin-istio-ambient: the repository index of ${root}: ${notes.join("; ")}`, { code: "ISTIO_AMBIENT_INDEX" });
  }
  return listed;
}
const warned = new Set<string>();

function build(root: string, settings: PluginSettings, json = false): CacheEntry {
  const counters = newCounters();
  counters.builds = 1;
  totalBuilds++;
  const filter = jsonGate(makeFilter(settings.include, settings.exclude), json);
  const files = new Map<string, FileState>();
  const listed = listBounded(root, filter, settings, counters);
  for (const f of listed.files) {
    const read = readFile(f.file, f.size, settings.maxFileBytes);
    if (!read) continue;
    counters.parsed++;
    files.set(f.file, { mtimeMs: f.mtimeMs, size: f.size, hash: read.hash, parsed: parseFile(f.file, read.text) });
  }
  const entry: CacheEntry = {
    root,
    settings,
    json,
    filter,
    files,
    overlays: new Map(),
    lastOverlay: undefined,
    lastValidated: Date.now(),
    session: { interactive: false, seen: new Set(), lastFile: undefined, lastText: undefined, passes: 0 },
    counters,
    snapshot: undefined as unknown as RepoIndexSnapshot,
    assembled: undefined,
    timer: undefined,
    lastAsked: Date.now(),
    revalidateMs: settings.revalidateMs,
  };
  entry.snapshot = snapshot(entry);
  return entry;
}

/** While lints keep coming (within this many ms of the last one), the background check repeats every `revalidateMs`. */
const ACTIVE_MS = 30_000;

/**
 * A revalidation on a timer, off the lint path: the lint that asked uses the current snapshot, the check runs
 * when the process is idle (the timer does not keep it alive), and the next lint sees what it found. It repeats
 * every `revalidateMs` while lints keep coming, so a file changed on disk is seen without a lint to trigger it.
 */
function schedule(key: string, entry: CacheEntry): void {
  if (entry.timer) return;
  const wait = Math.max(0, entry.lastValidated + entry.revalidateMs - Date.now());
  entry.timer = setTimeout(() => {
    entry.timer = undefined;
    if (cache.get(key) !== entry) return; // cleared or replaced meanwhile
    const start = performance.now();
    try {
      revalidate(entry);
    } catch {
      // never throws into the event loop; the next check tries again
    }
    entry.counters.backgroundChecks = (entry.counters.backgroundChecks ?? 0) + 1;
    entry.counters.backgroundMs = Math.round((performance.now() - start) * 10) / 10;
    if (Date.now() - entry.lastAsked < ACTIVE_MS && Number.isFinite(entry.revalidateMs) && entry.revalidateMs > 0) schedule(key, entry);
  }, wait);
  entry.timer.unref?.();
}

function revalidate(entry: CacheEntry): void {
  const { counters } = entry;
  counters.revalidations++;
  const listed = listBounded(entry.root, entry.filter, entry.settings, counters);
  const reparsed: string[] = [];
  let changed = false;
  const present = new Set<string>();
  for (const f of listed.files) {
    present.add(f.file);
    const prev = entry.files.get(f.file);
    if (prev && prev.mtimeMs === f.mtimeMs && prev.size === f.size) continue;
    const read = readFile(f.file, f.size, entry.settings.maxFileBytes);
    if (!read) continue;
    if (prev && prev.hash === read.hash) {
      // touched, same content: nothing to re-parse
      prev.mtimeMs = f.mtimeMs;
      prev.size = f.size;
      continue;
    }
    counters.parsed++;
    counters.reparsed++;
    reparsed.push(f.file);
    entry.files.set(f.file, { mtimeMs: f.mtimeMs, size: f.size, hash: read.hash, parsed: parseFile(f.file, read.text) });
    dropOverlay(entry, f.file);
    changed = true;
  }
  for (const file of [...entry.files.keys()]) {
    if (present.has(file)) continue;
    entry.files.delete(file);
    dropOverlay(entry, file);
    changed = true;
  }
  counters.lastReparsed = reparsed;
  entry.lastValidated = Date.now();
  if (changed) entry.snapshot = snapshot(entry);
}

function dropOverlay(entry: CacheEntry, file: string): void {
  entry.overlays.delete(file);
  if (entry.lastOverlay?.file === file) entry.lastOverlay = undefined;
}

function overlay(entry: CacheEntry, file: string, text: string): void {
  const last = entry.lastOverlay;
  if (last && last.file === file && last.text === text) return; // same buffer as the previous call
  const disk = entry.files.get(file);
  if (!disk && !wouldList(entry.root, file, entry.filter)) return; // not a file the index covers
  entry.lastOverlay = { file, text };
  // Only the file being linted has an unsaved buffer that counts: other files are read from disk again (a
  // buffer closed without saving, or a file that never existed on disk, must not linger in the index).
  let changed = false;
  for (const other of [...entry.overlays.keys()]) {
    if (other !== file) {
      entry.overlays.delete(other);
      changed = true;
    }
  }
  const hash = hashText(text);
  const existing = entry.overlays.get(file);
  if (existing && existing.hash === hash) {
    if (changed) entry.snapshot = snapshot(entry);
    return;
  }
  if (disk && disk.hash === hash) {
    // the buffer equals the disk copy: no overlay needed
    if (existing) entry.overlays.delete(file);
    if (existing || changed) entry.snapshot = snapshot(entry);
    return;
  }
  entry.counters.overlays++;
  entry.overlays.set(file, { hash, parsed: parseFile(file, text), text, virtual: !disk && !fs.existsSync(file) });
  entry.snapshot = snapshot(entry);
}

function snapshot(entry: CacheEntry): RepoIndexSnapshot {
  const effective = new Map<string, ParsedFile>();
  for (const [file, state] of entry.files) effective.set(file, state.parsed);
  const ownUnitFiles = new Set<string>();
  for (const [file, o] of entry.overlays) {
    effective.set(file, o.parsed);
    if (o.virtual) ownUnitFiles.add(file);
  }
  const readPlain = (file: string): unknown[] | undefined => {
    const o = entry.overlays.get(file);
    if (o) return plainDocuments(o.text);
    const state = entry.files.get(file);
    if (!state) return undefined;
    const read = readFile(file, state.size, entry.settings.maxFileBytes);
    return read ? plainDocuments(read.text) : undefined;
  };
  const assembled = assemble(entry.root, entry.settings, effective, { readPlain, ownUnitFiles, previous: entry.assembled });
  const next = new RepoIndexSnapshot(entry.root, entry.settings, assembled.records, entry.counters, effective.size, assembled.units);
  const counters = entry.counters;
  counters.snapshots = (counters.snapshots ?? 0) + 1;
  const changes = assembled.model?.changes;
  counters.lastRenderedUnits = changes ? changes.renderedUnits : assembled.units.length;
  counters.lastReusedUnits = changes ? changes.reusedUnits : 0;
  if (changes && entry.snapshot) {
    counters.incrementalSnapshots = (counters.incrementalSnapshots ?? 0) + 1;
    carryOver(entry.snapshot, next, changes);
  }
  entry.assembled = assembled;
  return next;
}
