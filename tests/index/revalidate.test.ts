import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearIndexCache, getIndex, indexCacheStats, singleRun } from "../../lib/index/index.js";
import type { PluginSettings } from "../../lib/settings.js";
import { names, service, settings, tmpDir, write } from "./helpers.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
beforeEach(() => clearIndexCache());

function setup(files: Record<string, string>, raw: Record<string, unknown> = {}) {
  const root = tmpDir();
  dirs.push(root);
  fs.mkdirSync(path.join(root, ".git"));
  write(root, files);
  const s: PluginSettings = settings({ revalidateMs: 0, ...raw });
  const at = (rel: string) => path.join(root, rel);
  const get = (rel = "apps/a.yaml", currentText?: string, st: PluginSettings = s) =>
    getIndex({ filename: at(rel), cwd: root, settings: st, currentText });
  return { root, at, get, settings: s };
}

/** Moves a file's mtime forward so that a same-size edit is seen even on coarse-mtime file systems. */
function bump(file: string, seconds = 5) {
  const t = new Date(Date.now() + seconds * 1000);
  fs.utimesSync(file, t, t);
}

describe("revalidation (revalidateMs: 0)", () => {
  it("add / change / rename / delete: only the changed files are re-parsed", () => {
    const { at, get } = setup({
      "apps/a.yaml": service("a", "ns"),
      "apps/b.yaml": service("b", "ns"),
      "apps/c.yaml": service("c", "ns"),
      "apps/kustomization.yaml": "resources: [a.yaml, b.yaml, c.yaml]\n",
    });
    const first = get();
    expect(first.stats).toMatchObject({ builds: 1, files: 4, parsed: 4, reparsed: 0, revalidations: 0 });
    expect(names(first.resources)).toEqual(["a", "b", "c"]);

    // nothing changed: re-listed and re-stat'ed, same snapshot
    const again = get();
    expect(again).toBe(first);
    expect(again.stats).toMatchObject({ revalidations: 1, reparsed: 0, lastReparsed: [] });

    // add d, change b (new selector), rename c → c2 (with new name inside), delete a
    write(at(""), { "apps/d.yaml": service("d", "ns") });
    fs.writeFileSync(at("apps/b.yaml"), service("b", "ns", { app: "b", tier: "web" }));
    bump(at("apps/b.yaml"));
    fs.renameSync(at("apps/c.yaml"), at("apps/c2.yaml"));
    fs.rmSync(at("apps/a.yaml"));

    const next = get();
    expect(next).not.toBe(first);
    expect(names(next.resources)).toEqual(["b", "c", "d"]);
    expect(next.services("ns").find((s) => s.name === "b")!.selector).toEqual({ app: "b", tier: "web" });
    expect(next.resources.find((r) => r.name === "c")!.file).toBe(at("apps/c2.yaml"));
    expect(next.stats.builds).toBe(1);
    expect(next.stats.reparsed).toBe(3);
    expect(next.stats.lastReparsed.map((f) => path.basename(f)).sort()).toEqual(["b.yaml", "c2.yaml", "d.yaml"]);
    expect(next.stats.files).toBe(4); // b, c2, d + kustomization
    // the old snapshot is untouched
    expect(names(first.resources)).toEqual(["a", "b", "c"]);
  });

  it("a touched file with the same content is read but not re-parsed", () => {
    const { at, get } = setup({ "apps/a.yaml": service("a", "ns") });
    const first = get();
    bump(at("apps/a.yaml"));
    const next = get();
    expect(next).toBe(first);
    expect(next.stats).toMatchObject({ reparsed: 0, parsed: 1 });
  });

  it("a kustomization change re-resolves namespaces without re-parsing the manifests", () => {
    const { at, get } = setup({
      "overlay/a.yaml": service("a"),
      "overlay/kustomization.yaml": "namespace: one\nresources: [a.yaml]\n",
    });
    expect(get("overlay/a.yaml").services()[0].namespace).toBe("one");
    fs.writeFileSync(at("overlay/kustomization.yaml"), "namespace: two\nresources: [a.yaml]\n");
    bump(at("overlay/kustomization.yaml"));
    const next = get("overlay/a.yaml");
    expect(next.services()[0]).toMatchObject({ namespace: "two", namespaceSource: "kustomization" });
    expect(next.stats.lastReparsed.map((f) => path.basename(f))).toEqual(["kustomization.yaml"]);
    fs.rmSync(at("overlay/kustomization.yaml"));
    expect(get("overlay/a.yaml").services()[0]).toMatchObject({ namespace: undefined, namespaceSource: "unknown" });
  });

  it("revalidateMs large: no rebuild, no re-stat, same object (until the cache is cleared)", () => {
    const { at, get } = setup({ "apps/a.yaml": service("a", "ns") }, { revalidateMs: 60_000 });
    const first = get();
    const statCalls = first.stats.statCalls;
    write(at(""), { "apps/new.yaml": service("new", "ns") });
    for (let i = 0; i < 5; i++) expect(get()).toBe(first);
    expect(first.stats).toMatchObject({ builds: 1, revalidations: 0, statCalls });
    expect(names(get().resources)).toEqual(["a"]);

    clearIndexCache();
    const rebuilt = get();
    expect(rebuilt).not.toBe(first);
    expect(names(rebuilt.resources)).toEqual(["a", "new"]);
    expect(rebuilt.stats).toMatchObject({ builds: 1, parsed: 2 });
  });

  it("revalidateMs applies per call; the cache key ignores it but not other settings", () => {
    const { get, settings: s } = setup({ "apps/a.yaml": service("a", "ns") }, { revalidateMs: -1 });
    const first = get();
    expect(get("apps/a.yaml", undefined, { ...s, revalidateMs: 0 })).toBe(first); // same entry, revalidated, unchanged
    expect(first.stats.revalidations).toBe(1);
    const other = get("apps/a.yaml", undefined, { ...s, defaultNamespace: "x" });
    expect(other).not.toBe(first);
    expect(other.stats.builds).toBe(1);
  });
});

describe("currentText overlay", () => {
  it("the in-memory text wins over the disk copy, and is cheap when unchanged", () => {
    const { get } = setup({ "apps/a.yaml": service("a", "ns"), "apps/b.yaml": service("b", "ns") }, { revalidateMs: -1 });
    const disk = get();
    // the same text as on disk: no overlay, same snapshot
    expect(get("apps/a.yaml", service("a", "ns"))).toBe(disk);
    expect(disk.stats.overlays).toBe(0);

    const edited = service("a-renamed", "ns", { app: "edited" });
    const withBuffer = get("apps/a.yaml", edited);
    expect(withBuffer).not.toBe(disk);
    expect(names(withBuffer.resources)).toEqual(["a-renamed", "b"]);
    expect(withBuffer.services("ns").find((s) => s.name === "a-renamed")!.selector).toEqual({ app: "edited" });
    expect(withBuffer.stats.overlays).toBe(1);

    // the same buffer again: nothing parsed, same snapshot
    expect(get("apps/a.yaml", edited)).toBe(withBuffer);
    expect(withBuffer.stats.overlays).toBe(1);

    // linting another file drops a's buffer: only the linted file's unsaved text counts
    expect(names(get("apps/b.yaml", service("b", "ns")).resources)).toEqual(["a", "b"]);

    // a's buffer reverted to the disk text: no overlay
    expect(names(get("apps/a.yaml", edited).resources)).toEqual(["a-renamed", "b"]);
    const reverted = get("apps/a.yaml", service("a", "ns"));
    expect(names(reverted.resources)).toEqual(["a", "b"]);

    // a broken buffer: the file contributes nothing while it is broken
    expect(names(get("apps/a.yaml", "apiVersion: v1\nkind: [\n").resources)).toEqual(["b"]);
  });

  it("an unsaved new file is overlaid when the index would cover it; other files are ignored", () => {
    const { get } = setup({ "apps/a.yaml": service("a", "ns"), "charts/x/Chart.yaml": "name: x\n" }, { revalidateMs: -1 });
    const base = get();
    expect(names(get("apps/new.yaml", service("fresh", "ns")).resources)).toEqual(["a", "fresh"]);
    expect(get("apps/notes.txt", service("txt", "ns")).resources.some((r) => r.name === "txt")).toBe(false);
    expect(get("node_modules/x/y.yaml", service("nm", "ns")).resources.some((r) => r.name === "nm")).toBe(false);
    expect(get("charts/x/templates/t.yaml", service("tpl", "ns")).resources.some((r) => r.name === "tpl")).toBe(false);
    expect(base.stats.overlays).toBe(1);
  });

  it("a disk change drops the overlay of that file (disk is newer)", () => {
    const { at, get, settings: s } = setup({ "apps/a.yaml": service("a", "ns") }, { revalidateMs: -1 });
    get("apps/a.yaml", service("buffer", "ns"));
    fs.writeFileSync(at("apps/a.yaml"), service("saved", "ns"));
    bump(at("apps/a.yaml"));
    const revalidated = get("apps/other.yaml", undefined, { ...s, revalidateMs: 0 });
    expect(names(revalidated.resources)).toEqual(["saved"]);
    // the same buffer text comes again (editor still has it): it is applied again
    expect(names(get("apps/a.yaml", service("buffer", "ns")).resources)).toEqual(["buffer"]);
  });

  it("an overlaid kustomization changes namespaces", () => {
    const { get } = setup(
      { "o/a.yaml": service("a"), "o/kustomization.yaml": "namespace: one\nresources: [a.yaml]\n" },
      { revalidateMs: -1 },
    );
    expect(get("o/a.yaml").services()[0].namespace).toBe("one");
    expect(get("o/kustomization.yaml", "namespace: two\nresources: [a.yaml]\n").services()[0].namespace).toBe("two");
  });
});

describe("clearIndexCache", () => {
  it("forgets indexes: the next call builds again", () => {
    const { get } = setup({ "apps/a.yaml": service("a", "ns") }, { revalidateMs: -1 });
    const before = indexCacheStats().builds;
    const first = get();
    for (let i = 0; i < 10; i++) expect(get(i % 2 ? "apps/a.yaml" : "apps/other.yaml")).toBe(first);
    expect(indexCacheStats()).toEqual({ entries: 1, builds: before + 1 });
    clearIndexCache();
    expect(indexCacheStats().entries).toBe(0);
    const second = get();
    expect(second).not.toBe(first);
    expect(second.resources).toEqual(first.resources);
  });
});

describe("CLI runs versus long-lived processes (default revalidateMs)", () => {
  // These tests are about what the index infers: no override, not in CI (restored after each test).
  const saved = { single: process.env.ISTIO_AMBIENT_SINGLE_RUN, ci: process.env.CI };
  beforeEach(() => {
    process.env.ISTIO_AMBIENT_SINGLE_RUN = "false";
    delete process.env.CI;
  });
  afterEach(() => {
    for (const [k, v] of [["ISTIO_AMBIENT_SINGLE_RUN", saved.single], ["CI", saved.ci]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  /** Waits (event loop free: timers run) until `done()` holds, at most 2 s. */
  const until = async (done: () => boolean) => {
    const end = Date.now() + 2000;
    while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(done()).toBe(true);
  };
  const sleep = (ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      // busy wait: the index reads Date.now()
    }
  };

  it("a CLI-like run (each file once, --fix passes on the same file) never re-walks the tree after the build", () => {
    const { at, get } = setup({ "apps/a.yaml": service("a", "ns"), "apps/b.yaml": service("b", "ns") }, { revalidateMs: 1 });
    get("apps/a.yaml", service("a", "ns"));
    get("apps/a.yaml", service("a-fixed", "ns")); // a --fix pass: same file, new text
    fs.writeFileSync(at("apps/new.yaml"), service("new", "ns"));
    sleep(5);
    const later = get("apps/b.yaml", service("b", "ns"));
    expect(later.stats.revalidations).toBe(0);
    expect(names(later.resources)).not.toContain("new");
  });

  it("an editor-like process (a file linted again after another) re-checks the files in the background, not on the lint path", async () => {
    const { at, get } = setup({ "apps/a.yaml": service("a", "ns"), "apps/b.yaml": service("b", "ns") }, { revalidateMs: 1 });
    get("apps/a.yaml", service("a", "ns"));
    get("apps/b.yaml", service("b", "ns"));
    fs.writeFileSync(at("apps/new.yaml"), service("new", "ns"));
    sleep(5);
    // The lint that finds the check due does not walk the tree: it schedules the check.
    const statCalls = get("apps/b.yaml", service("b", "ns")).stats.statCalls;
    const stale = get("apps/a.yaml", service("a", "ns"));
    expect(stale.stats).toMatchObject({ revalidations: 0, statCalls });
    expect(names(stale.resources)).not.toContain("new");
    await until(() => get("apps/a.yaml", service("a", "ns")).stats.backgroundChecks > 0);
    const again = get("apps/a.yaml", service("a", "ns"));
    expect(again.stats.revalidations).toBeGreaterThanOrEqual(1);
    expect(names(again.resources)).toContain("new");
  });

  it("one file linted with new text more often than --fix passes would (an editor's keystrokes) is a long-lived process", async () => {
    const { at, get } = setup({ "apps/a.yaml": service("a", "ns"), "apps/b.yaml": service("b", "ns") }, { revalidateMs: 1 });
    // The first lint and ESLint's at most 10 --fix passes: a CLI run.
    let last = get("apps/a.yaml", service("a", "ns"));
    for (let pass = 1; pass <= 10; pass++) last = get("apps/a.yaml", service(`a${pass}`, "ns"));
    fs.writeFileSync(at("apps/new.yaml"), service("new", "ns"));
    sleep(5);
    await new Promise((r) => setTimeout(r, 20));
    expect(last.stats.backgroundChecks).toBe(0);
    // One more: no fix loop goes that far.
    get("apps/a.yaml", service("a-12", "ns"));
    await until(() => get("apps/a.yaml", service("a-12", "ns")).stats.backgroundChecks > 0);
    expect(names(get("apps/a.yaml", service("a-12", "ns")).resources)).toContain("new");
  });

  it("a single run (CI=true) never re-checks, even when it looks like an editor", async () => {
    process.env.ISTIO_AMBIENT_SINGLE_RUN = "";
    process.env.CI = "true";
    const { at, get } = setup({ "apps/a.yaml": service("a", "ns"), "apps/b.yaml": service("b", "ns") }, { revalidateMs: 1 });
    get("apps/a.yaml", service("a", "ns"));
    get("apps/b.yaml", service("b", "ns"));
    fs.writeFileSync(at("apps/new.yaml"), service("new", "ns"));
    sleep(5);
    get("apps/a.yaml", service("a", "ns"));
    await new Promise((r) => setTimeout(r, 20));
    const later = get("apps/b.yaml", service("b", "ns"));
    expect(later.stats).toMatchObject({ revalidations: 0, backgroundChecks: 0 });
    expect(names(later.resources)).not.toContain("new");
  });

  it("every rule of one lint asks with the same file and text: that is one visit, not a re-lint", () => {
    const { at, get } = setup({ "apps/a.yaml": service("a", "ns"), "apps/b.yaml": service("b", "ns") }, { revalidateMs: 1 });
    for (let rule = 0; rule < 5; rule++) get("apps/a.yaml", service("a", "ns"));
    fs.writeFileSync(at("apps/new.yaml"), service("new", "ns"));
    sleep(5);
    const next = get("apps/b.yaml", service("b", "ns"));
    expect(next.stats.revalidations).toBe(0);
    expect(names(next.resources)).not.toContain("new");
  });
});

describe("singleRun (as typescript-eslint's inferSingleRun)", () => {
  const saved = { single: process.env.ISTIO_AMBIENT_SINGLE_RUN, ci: process.env.CI, argv: process.argv };
  afterEach(() => {
    process.argv = saved.argv;
    for (const [k, v] of [["ISTIO_AMBIENT_SINGLE_RUN", saved.single], ["CI", saved.ci]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  it("CI=true, the eslint binary, or the override", () => {
    delete process.env.ISTIO_AMBIENT_SINGLE_RUN;
    delete process.env.CI;
    process.argv = ["node", "/x/vitest.mjs"];
    expect(singleRun()).toBe(false);
    process.env.CI = "true";
    expect(singleRun()).toBe(true);
    process.env.CI = "false";
    expect(singleRun()).toBe(false);
    for (const bin of ["/p/node_modules/.bin/eslint", "/p/node_modules/eslint/bin/eslint.js", "C:\\p\\node_modules\\eslint\\bin\\eslint.js"]) {
      process.argv = ["node", bin];
      expect(singleRun()).toBe(true);
    }
    process.env.ISTIO_AMBIENT_SINGLE_RUN = "false";
    process.env.CI = "true";
    expect(singleRun()).toBe(false);
    process.env.ISTIO_AMBIENT_SINGLE_RUN = "true";
    process.argv = ["node", "/x/server.js"];
    delete process.env.CI;
    expect(singleRun()).toBe(true);
  });
});
