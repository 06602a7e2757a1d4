/**
 * A changed buffer (or a file changed on disk) is a thin layer over the unchanged snapshot: the next snapshot
 * re-renders only the units that read the changed file, keeps every other instance object, and carries the
 * per-snapshot caches over with the change applied. Asserted through the index counters (never through time),
 * and against a build from scratch of the same files (the same records, units and query results).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { clearIndexCache, getIndex, type RepoIndex } from "../../lib/index/index.js";
import { scopedIndex } from "../../lib/index/scope.js";
import { repoView } from "../../lib/index/view.js";
import type { PluginSettings } from "../../lib/settings.js";
import { service, settings, tmpDir, write } from "./helpers.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
beforeEach(() => clearIndexCache());

const vs = (name: string, ns: string, host = name, subset = "v1") =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  hosts:\n  - ${host}\n  http:\n  - route:\n    - destination:\n        host: ${host}\n        subset: ${subset}\n`;
const dr = (name: string, ns: string) =>
  `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  host: ${name}\n  subsets:\n  - name: v1\n    labels:\n      version: v1\n`;
const deployment = (name: string, ns?: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}${ns ? `\n  namespace: ${ns}` : ""}\nspec:\n  template:\n    metadata:\n      labels:\n        app: ${name}\n        version: v1\n`;

function setup(files: Record<string, string>, raw: Record<string, unknown> = {}) {
  const root = tmpDir();
  dirs.push(root);
  fs.mkdirSync(path.join(root, ".git"));
  write(root, files);
  const s: PluginSettings = settings({ revalidateMs: -1, ...raw });
  const at = (rel: string) => path.join(root, rel);
  const get = (rel: string, currentText?: string, st: PluginSettings = s) => getIndex({ filename: at(rel), cwd: root, settings: st, currentText });
  return { root, at, get, settings: s };
}

/** Every query a rule makes, as plain data (records compared by content). */
function answers(index: RepoIndex, file: string) {
  const scoped = index.units.map((u) => scopedIndex(index, u.id));
  const view = repoView({
    resources: [],
    repo: () => index,
    recordOf: () => undefined,
    namespaceOf: () => undefined,
  });
  return {
    resources: index.resources,
    units: index.units,
    inFile: index.inFile(file),
    services: ["shop", "pay", "one", "two", undefined].map((ns) => index.services(ns)),
    workloads: index.workloads(),
    routes: ["a", "b", "c", "shared"].map((n) => index.routesFor(n, "shop")),
    rules: ["a", "b", "shared"].map((n) => index.destinationRules(n, "shop")),
    byKind: ["Service", "VirtualService", "DestinationRule", "Deployment"].map((k) => index.byKind(k)),
    scoped: scoped.map((x) => [x.services("shop"), x.services(), x.workloads("shop"), x.routesFor("a", "shop"), x.byKind("VirtualService")]),
    view: view.inRepo,
  };
}

/** The same files built from scratch (the buffer written to disk), then the incremental index's answers compared. */
function expectSameAsFullBuild(incremental: RepoIndex, root: string, file: string, text: string, s: PluginSettings) {
  const got = answers(incremental, file);
  const disk = fs.readFileSync(file, "utf8");
  fs.writeFileSync(file, text);
  clearIndexCache();
  const full = getIndex({ filename: file, cwd: root, settings: s });
  expect(full.stats.incrementalSnapshots).toBe(0);
  expect(got).toEqual(answers(full, file));
  fs.writeFileSync(file, disk);
  clearIndexCache();
}

describe("a changed buffer over an unchanged snapshot", () => {
  const files = {
    "apps/a/service.yaml": service("a", "shop") + "---\n" + deployment("a", "shop"),
    "apps/a/routing.yaml": vs("a", "shop") + "---\n" + dr("a", "shop"),
    "apps/b/service.yaml": service("b", "shop") + "---\n" + deployment("b", "shop"),
    "apps/b/routing.yaml": vs("b", "shop") + "---\n" + dr("b", "shop"),
    "apps/c/service.yaml": service("c", "pay"),
    "apps/c/routing.yaml": vs("c", "pay", "shared"),
  };

  it("re-renders only the edited file's unit and carries the caches over (no cache built from the whole repository again)", () => {
    const { root, at, get, settings: s } = setup(files);
    const first = get("apps/a/routing.yaml");
    // Warm the per-snapshot caches as rules would.
    answers(scopedIndex(first, first.units[0].id), at("apps/a/routing.yaml"));
    answers(first, at("apps/a/routing.yaml"));
    const built = first.stats.caches;
    expect(built.byKind.built).toBe(1);
    expect(built.identities.built).toBe(1);

    const edited = vs("a", "shop", "a", "v2").replace("name: a\n", "name: a\n  labels:\n    edit: one\n") + "---\n" + dr("a", "shop");
    const next = get("apps/a/routing.yaml", edited);
    expect(next).not.toBe(first);
    expect(next.stats).toMatchObject({ overlays: 1, incrementalSnapshots: 1, lastRenderedUnits: 1, lastReusedUnits: 2 });
    // The other units' instances are the same objects.
    const others = (x: RepoIndex) => x.resources.filter((r) => r.file !== at("apps/a/routing.yaml"));
    expect(others(next).every((r, i) => r === others(first)[i])).toBe(true);
    answers(next, at("apps/a/routing.yaml"));
    const after = next.stats.caches;
    for (const name of ["byKind", "inFile", "identities", "names:routes", "names:destinationRules"]) {
      expect(after[name], name).toMatchObject({ built: built[name].built, carried: 1 });
    }
    // A second keystroke: carried again, still nothing built from scratch.
    const again = get("apps/a/routing.yaml", edited.replace("edit: one", "edit: two"));
    answers(again, at("apps/a/routing.yaml"));
    expect(again.stats.caches.identities).toEqual({ built: 1, carried: 2 });
    expect(again.stats.caches.byKind).toEqual({ built: 1, carried: 2 });
    expectSameAsFullBuild(again, root, at("apps/a/routing.yaml"), edited.replace("edit: one", "edit: two"), s);
  });

  it("edits that add, rename, remove and duplicate resources give what a full build gives", () => {
    const texts = [
      vs("a", "shop") + "---\n" + dr("a", "shop") + "---\n" + service("extra", "shop"),
      vs("a-renamed", "shop", "b") + "---\n" + dr("a", "shop"),
      vs("a", "shop"), // the DestinationRule removed
      vs("c", "pay", "shared") + "---\n" + service("b", "shop"), // copies of resources of other files
      dr("a", "shop").replace("namespace: shop", "namespace: pay"),
    ];
    for (const text of texts) {
      const { root, at, get, settings: s } = setup(files, { defaultNamespace: "fallback" });
      const first = get("apps/a/routing.yaml");
      answers(first, at("apps/a/routing.yaml"));
      const next = get("apps/a/routing.yaml", text);
      expect(next.stats.incrementalSnapshots).toBe(1);
      expectSameAsFullBuild(next, root, at("apps/a/routing.yaml"), text, s);
    }
  });

  it("kustomize overlays: a base file edited in the buffer re-renders the overlays that include it, as a full build would", () => {
    const kfiles = {
      "base/kustomization.yaml": "resources: [service.yaml, routing.yaml]\n",
      "base/service.yaml": service("a") + "---\n" + deployment("a"),
      "base/routing.yaml": vs("a", "shop"),
      "overlays/one/kustomization.yaml": "namespace: one\nnamePrefix: p-\nresources: [../../base]\npatches:\n- path: patch.yaml\n",
      "overlays/one/patch.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  selector:\n    tier: web\n",
      "overlays/two/kustomization.yaml": "namespace: two\nresources: [../../base]\nlabels:\n- pairs: {team: t}\n  includeSelectors: true\n",
      "apps/c/service.yaml": service("c", "pay"),
    };
    const edits = [
      service("a", undefined, { app: "a", version: "v9" }) + "---\n" + deployment("a"),
      service("renamed") + "---\n" + deployment("a"), // the patch no longer matches
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels:\n    x: y\nspec:\n  ports:\n  - port: 81\n",
    ];
    for (const text of edits) {
      const { root, at, get, settings: s } = setup(kfiles);
      const first = get("base/service.yaml");
      answers(first, at("base/service.yaml"));
      const next = get("base/service.yaml", text);
      expect(next.stats).toMatchObject({ incrementalSnapshots: 1, lastRenderedUnits: 2, lastReusedUnits: 1 });
      expectSameAsFullBuild(next, root, at("base/service.yaml"), text, s);
    }
  });

  it("an edit that changes the units (an Argo CD Application, a kustomization, a new unsaved file) builds the model from scratch", () => {
    const { root, at, get, settings: s } = setup(files);
    get("apps/a/routing.yaml");
    const app =
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop\n  namespace: argocd\nspec:\n  source:\n    path: apps/b\n  destination:\n    namespace: shop\n";
    const withApp = get("apps/a/routing.yaml", vs("a", "shop") + "---\n" + app);
    expect(withApp.stats.incrementalSnapshots).toBe(0);
    expectSameAsFullBuild(withApp, root, at("apps/a/routing.yaml"), vs("a", "shop") + "---\n" + app, s);

    const again = setup(files);
    again.get("apps/a/routing.yaml");
    const kust = again.get("apps/a/kustomization.yaml", "namespace: moved\nresources: [service.yaml, routing.yaml]\n");
    expect(kust.stats.incrementalSnapshots).toBe(0);
    expect(kust.services("moved").map((r) => r.name)).toEqual(["a"]);
  });

  it("an edit that moves a file between rendered by a kustomization and loose (a `$patch: delete` stops matching) builds from scratch, as a full build would", () => {
    const kfiles = {
      "k/kustomization.yaml": "resources: [a.yaml]\npatches:\n- path: delete.yaml\n",
      "k/a.yaml": service("gone"),
      "k/delete.yaml": "$patch: delete\napiVersion: v1\nkind: Service\nmetadata:\n  name: gone\n",
      "apps/c/service.yaml": service("c", "pay"),
    };
    for (const [text, incremental] of [
      [service("kept"), 0],
      [service("gone") + "---\n" + service("other"), 0],
      [service("gone", undefined, { app: "x" }), 1],
    ] as const) {
      const { root, at, get, settings: s } = setup(kfiles);
      const first = get("k/a.yaml");
      answers(first, at("k/a.yaml"));
      const next = get("k/a.yaml", text);
      expect(next.stats).toMatchObject({ overlays: 1, incrementalSnapshots: incremental });
      expectSameAsFullBuild(next, root, at("k/a.yaml"), text, s);
    }
  });

  it("a file changed on disk is picked up incrementally too", () => {
    const { at, get, settings: s } = setup(files);
    const first = get("apps/b/routing.yaml");
    answers(first, at("apps/b/routing.yaml"));
    fs.writeFileSync(at("apps/a/service.yaml"), service("a", "shop", { app: "a", tier: "x" }));
    const t = new Date(Date.now() + 5000);
    fs.utimesSync(at("apps/a/service.yaml"), t, t);
    const next = get("apps/b/routing.yaml", undefined, { ...s, revalidateMs: 0 });
    expect(next.stats).toMatchObject({ reparsed: 1, incrementalSnapshots: 1, lastRenderedUnits: 1 });
    expect(next.services("shop").find((x) => x.name === "a")?.selector).toEqual({ app: "a", tier: "x" });
    expect(next.workloads("shop").map((w) => w.name)).toEqual(["b"]);
  });
});
