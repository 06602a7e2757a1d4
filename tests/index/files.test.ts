import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { clearIndexCache, getIndex, resolveRoot } from "../../lib/index/index.js";
import { names, service, settings, tmpDir, write } from "./helpers.js";

const dirs: string[] = [];
function repoDir(files: Record<string, string>): string {
  const dir = tmpDir();
  dirs.push(dir);
  write(dir, files);
  return dir;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
beforeEach(() => clearIndexCache());

const indexOf = (root: string, raw: Record<string, unknown> = {}) =>
  getIndex({ filename: path.join(root, "any.yaml"), cwd: root, settings: settings({ root, revalidateMs: -1, ...raw }) });

describe("which files are indexed", () => {
  it("skips node_modules, .git and Helm templates beside a Chart.yaml (but not other templates/ dirs)", () => {
    const root = repoDir({
      "apps/a.yaml": service("a", "ns"),
      "node_modules/pkg/b.yaml": service("b", "ns"),
      "apps/node_modules/c.yaml": service("c", "ns"),
      ".git/d.yaml": service("d", "ns"),
      "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
      "charts/web/templates/e.yaml": service("e", "ns"),
      "charts/web/templates/sub/e2.yaml": service("e2", "ns"),
      "charts/web/crds/f.yaml": service("f", "ns"),
      "kustomize/templates/g.yaml": service("g", "ns"), // no Chart.yaml beside: indexed
    });
    expect(names(indexOf(root).resources)).toEqual(["a", "f", "g"]);
  });

  it("include and exclude globs (excluded directories are pruned)", () => {
    const root = repoDir({
      "apps/a.yaml": service("a", "ns"),
      "apps/b.yml": service("b", "ns"),
      "apps/c.json": JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "c", namespace: "ns" } }),
      "apps/d.txt": service("d", "ns"),
      "legacy/e.yaml": service("e", "ns"),
      "apps/legacy/f.yaml": service("f", "ns"),
    });
    const jsonIndexOf = (raw: Record<string, unknown> = {}) =>
      getIndex({ filename: path.join(root, "apps/c.json"), cwd: root, settings: settings({ root, revalidateMs: -1, ...raw }) });
    expect(names(indexOf(root).resources)).toEqual(["a", "b", "e", "f"]);
    expect(names(jsonIndexOf().resources)).toEqual(["a", "b", "c", "e", "f"]);
    expect(names(jsonIndexOf({ exclude: ["**/legacy/**"] }).resources)).toEqual(["a", "b", "c"]);
    expect(names(indexOf(root, { include: ["apps/**/*.yaml"] }).resources)).toEqual(["a", "f"]);
    expect(names(indexOf(root, { include: ["**/*.{yaml,yml}"], exclude: ["legacy"] }).resources)).toEqual(["a", "b", "f"]);
  });

  it("JSON files count only when they look like Kubernetes manifests; List items become records", () => {
    const root = repoDir({
      "package.json": JSON.stringify({ name: "x", version: "1.0.0" }),
      "tsconfig.json": '{ "compilerOptions": { "strict": true } }',
      "kindish.json": '{ "kind": "Service", "name": "nope" }',
      "list.json": JSON.stringify(
        {
          apiVersion: "v1",
          kind: "List",
          items: [
            { apiVersion: "v1", kind: "Service", metadata: { name: "one", namespace: "ns" }, spec: { selector: { app: "one" } } },
            { apiVersion: "v1", kind: "Service", metadata: { name: "two", namespace: "ns" } },
            "junk",
          ],
        },
        null,
        2,
      ),
      "list.yaml": "apiVersion: v1\nkind: ServiceList\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: three\n",
    });
    // JSON is read only once a JSON file is linted (no config lints JSON by default).
    expect(indexOf(root).resources.map((r) => r.name)).toEqual(["three"]);
    const idx = getIndex({ filename: path.join(root, "list.json"), cwd: root, settings: settings({ root, revalidateMs: -1 }) });
    expect(idx.resources.map((r) => [r.name, r.documentIndex, r.listIndex, r.line])).toEqual([
      ["one", 0, 0, 5],
      ["two", 0, 1, 18],
      ["three", 0, 0, 4],
    ]);
    expect(idx.services("ns")[0].selector).toEqual({ app: "one" });
  });

  it("broken YAML and non-Kubernetes YAML are skipped silently; the rest of the repo is indexed", () => {
    const root = repoDir({
      "ok.yaml": service("ok", "ns"),
      "broken.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: broken\nspec:\n  selector: {app: x\n",
      "half-broken.yaml": `${service("first", "ns")}---\nkind: [unclosed\n`,
      "helm-ish.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\n",
      "tabs.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n\tname: tabbed\n",
      "values.yaml": "replicas: 3\nimage: nginx\n",
      "empty.yaml": "",
      "comments.yaml": "# nothing\n---\n# still nothing\n",
      "scalar.yaml": "just a string with apiVersion and kind words\n",
      "no-name.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: cm-\n",
      "aliases.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: &n aliased\n  labels:\n    app: *n\nspec:\n  selector:\n    <<: {app: aliased}\n",
    });
    const idx = indexOf(root);
    expect(idx.resources.map((r) => r.name).sort()).toEqual(["", "aliased", "ok"]);
    const aliased = idx.services().find((s) => s.name === "aliased")!;
    expect(aliased.labels).toEqual({ app: "aliased" });
    expect(aliased.selector).toEqual({ app: "aliased" });
  });

  it("symlinks: inside the root followed once, escaping the root not followed, cycles end", () => {
    const outside = repoDir({ "secret.yaml": service("outside", "ns"), "dir/x.yaml": service("outside-dir", "ns") });
    const root = repoDir({ "apps/a.yaml": service("a", "ns"), "shared/s.yaml": service("shared", "ns") });
    fs.symlinkSync(path.join(outside, "secret.yaml"), path.join(root, "apps/leak.yaml"));
    fs.symlinkSync(path.join(outside, "dir"), path.join(root, "apps/leakdir"));
    fs.symlinkSync(path.join(root, "shared"), path.join(root, "apps/shared-link"));
    fs.symlinkSync(path.join(root, "shared/s.yaml"), path.join(root, "apps/s-link.yaml"));
    fs.symlinkSync(root, path.join(root, "shared/loop"));
    fs.symlinkSync(path.join(root, "missing.yaml"), path.join(root, "apps/dangling.yaml"));
    const idx = indexOf(root);
    expect(names(idx.resources)).toEqual(["a", "shared"]);
    expect(idx.resources.some((r) => r.name.startsWith("outside"))).toBe(false);
  });

  it("getIndex never throws: a missing root gives an empty index", () => {
    const idx = getIndex({ filename: "/nonexistent/x.yaml", cwd: "/nonexistent", settings: settings({ root: "/nonexistent/repo" }) });
    expect(idx.resources).toEqual([]);
    expect(idx.services("x")).toEqual([]);
    expect(idx.waypoints()).toEqual([]);
  });
});

describe("root detection", () => {
  it("nearest ancestor holding .git (directory or file), else cwd; settings.root resolved against cwd", () => {
    const base = repoDir({
      "repo/.git/HEAD": "ref: refs/heads/main\n",
      "repo/apps/a.yaml": service("a", "ns"),
      "repo/sub/.git": "gitdir: ../.git/modules/sub\n",
      "repo/sub/b.yaml": service("b", "ns"),
      "norepo/c.yaml": service("c", "ns"),
    });
    const repo = path.join(base, "repo");
    expect(resolveRoot(path.join(repo, "apps/a.yaml"), "/", { root: undefined })).toBe(repo);
    expect(resolveRoot(path.join(repo, "apps/deeper/new.yaml"), "/", { root: undefined })).toBe(repo);
    expect(resolveRoot(path.join(repo, "sub/b.yaml"), "/", { root: undefined })).toBe(path.join(repo, "sub"));
    expect(resolveRoot(path.join(repo, "apps/a.yaml"), "/", { root: "other" })).toBe(path.resolve("/", "other"));
    expect(resolveRoot("apps/a.yaml", repo, { root: "." })).toBe(repo);
    // no .git above a tmp dir (usually): falls back to cwd
    const norepo = path.join(base, "norepo");
    const found = resolveRoot(path.join(norepo, "c.yaml"), norepo, { root: undefined });
    expect([norepo, ...ancestorsWithGit(norepo)]).toContain(found);

    const idx = getIndex({ filename: path.join(repo, "apps/a.yaml"), cwd: "/", settings: settings({ revalidateMs: -1 }) });
    expect(idx.root).toBe(repo);
    expect(idx.stats.root).toBe(repo);
    // the submodule's files are in the outer repo's index too (it is below that root)
    expect(names(idx.resources)).toEqual(["a", "b"]);
  });
});

function ancestorsWithGit(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, ".git"))) out.push(d);
    if (path.dirname(d) === d) break;
  }
  return out;
}

describe("encodings", () => {
  it("UTF-16 and UTF-8-with-BOM manifests are indexed as kubectl reads them; binary files hold nothing", () => {
    const root = repoDir({});
    const text = service("wide", "ns");
    fs.writeFileSync(path.join(root, "utf16.yaml"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    fs.writeFileSync(path.join(root, "bom.yaml"), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(service("bom", "ns"))]));
    fs.writeFileSync(path.join(root, "binary.yaml"), Buffer.from([0x00, 0x01, 0x02, 0x61, 0x70, 0x69, 0x00, 0xff]));
    expect(names(indexOf(root).resources)).toEqual(["bom", "wide"]);
  });
});
