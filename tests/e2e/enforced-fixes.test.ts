/**
 * `eslint --fix` over every fixture repository, every repository of ../shared/repos and every corpus file (each in
 * an empty repository): no fix may leave a policy that no proxy enforces (issue 8). Each fixed tree is written to a
 * temporary copy and linted again; every policy a fix moved to `targetRefs` must then be attached to something
 * that enforces it: no `require-waypoint` finding (a Service bound to no waypoint, a Gateway that is no waypoint)
 * and no `valid-policy-targetrefs` finding on it. A Service target must select exactly the pods the selector did.
 *
 * The figures (fixes applied per rule, policies moved) are printed for the closing note.
 */
import { ESLint } from "eslint";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import plugin from "../../index.js";
// @ts-expect-error plain JS helper shared with `npm run lint:corpus`
import { corpusFiles, CORPUS } from "../corpus/lint-corpus.mjs";
// @ts-expect-error plain JS helper
import { REPOS, repoNames } from "../corpus/lint-repos.mjs";

const FIXTURES = fileURLToPath(new URL("../fixtures/repos", import.meta.url));
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

interface Moved {
  file: string;
  kind: string;
  name: string;
  /** The selector's matchLabels before the fix (null: namespace-wide). */
  selector: Record<string, string> | null;
  targets: Obj[];
}

function docsOf(text: string): Obj[] {
  try {
    return parseAllDocuments(text).flatMap((d) => {
      const v = d.toJS() as unknown;
      if (isObj(v) && v.kind === "List" && Array.isArray(v.items)) return v.items.filter(isObj);
      return isObj(v) ? [v] : [];
    });
  } catch {
    return [];
  }
}

const key = (d: Obj) => `${d.kind}/${isObj(d.metadata) ? String(d.metadata.namespace ?? "") : ""}/${isObj(d.metadata) ? String(d.metadata.name ?? "") : ""}`;
const refsOf = (d: Obj) => {
  const spec = isObj(d.spec) ? d.spec : {};
  return [...(Array.isArray(spec.targetRefs) ? spec.targetRefs : []), ...(isObj(spec.targetRef) ? [spec.targetRef] : [])].filter(isObj);
};

/** Policies that had no targetRefs before the fix and have some after it. */
function movedPolicies(file: string, before: string, after: string): Moved[] {
  const old = new Map(docsOf(before).map((d) => [key(d), d]));
  const out: Moved[] = [];
  for (const d of docsOf(after)) {
    const was = old.get(key(d));
    if (!was || refsOf(was).length || !refsOf(d).length) continue;
    const spec = isObj(was.spec) ? was.spec : {};
    const sel = isObj(spec.selector) && isObj(spec.selector.matchLabels) ? (spec.selector.matchLabels as Record<string, string>) : null;
    out.push({ file, kind: String(d.kind), name: key(d), selector: sel, targets: refsOf(d) });
  }
  return out;
}

function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true, filter: (src) => !src.includes(`${path.sep}.git`) && !src.includes("node_modules") });
}

interface Sweep {
  fixes: Record<string, number>;
  moved: Moved[];
  unenforced: string[];
  widened: string[];
}

/** Fix a copy of `root` (or of the given files in an empty directory), lint the result, collect what the fixes moved. */
async function sweep(label: string, root: string, files?: string[]): Promise<Sweep> {
  const tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "istio-ambient-fixes-"));
  try {
    if (files) for (const f of files) fs.cpSync(path.join(root, f), path.join(tmp, f.replace(/\//g, "__")));
    else copyTree(root, tmp);
    const config = (fix: boolean) =>
      new ESLint({ cwd: tmp, fix, errorOnUnmatchedPattern: false, overrideConfigFile: true, overrideConfig: [plugin.configs.strict, { settings: { "istio-ambient": { root: tmp, revalidateMs: -1 } } }] });
    const before = await config(false).lintFiles(["."]);
    const fixes: Record<string, number> = {};
    for (const r of before) for (const m of r.messages) if (m.fix && m.ruleId) fixes[m.ruleId] = (fixes[m.ruleId] ?? 0) + 1;
    const originals = new Map(before.map((r) => [r.filePath, fs.readFileSync(r.filePath, "utf8")]));
    const fixed = await config(true).lintFiles(["."]);
    await ESLint.outputFixes(fixed);
    const moved = fixed.flatMap((r) => (r.output === undefined ? [] : movedPolicies(path.relative(tmp, r.filePath), originals.get(r.filePath) ?? "", r.output)));
    const after = await config(false).lintFiles(["."]);
    const unenforced: string[] = [];
    const widened: string[] = [];
    for (const m of moved) {
      const result = after.find((r) => path.relative(tmp, r.filePath) === m.file);
      const text = result ? fs.readFileSync(result.filePath, "utf8") : "";
      const docs = docsOf(text);
      const lines = text.split("\n");
      for (const msg of result?.messages ?? []) {
        if (msg.ruleId !== "istio-ambient/require-waypoint" && msg.ruleId !== "istio-ambient/valid-policy-targetrefs") continue;
        // The finding is on this policy when it lies between the policy's name line and the next document.
        const nameLine = lines.findIndex((l) => l.includes(`name: ${m.name.split("/")[2]}`)) + 1;
        if (nameLine > 0 && msg.line >= nameLine - 6 && msg.line <= nameLine + 40) unenforced.push(`${label}: ${m.file} ${m.name}: ${msg.message}`);
      }
      for (const t of m.targets) {
        if (t.kind !== "Service" || !m.selector) continue;
        const service = docs.concat(...after.map((r) => docsOf(fs.readFileSync(r.filePath, "utf8")))).find((d) => d.kind === "Service" && isObj(d.metadata) && d.metadata.name === t.name);
        const sel = service && isObj(service.spec) && isObj(service.spec.selector) ? (service.spec.selector as Record<string, string>) : null;
        const same = !!sel && Object.keys(sel).length === Object.keys(m.selector).length && Object.entries(m.selector).every(([k, v]) => String(sel[k]) === String(v));
        if (!same) widened.push(`${label}: ${m.file} ${m.name} → Service ${String(t.name)}`);
      }
    }
    return { fixes, moved, unenforced, widened };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function total(s: Sweep[]): Sweep {
  const out: Sweep = { fixes: {}, moved: [], unenforced: [], widened: [] };
  for (const x of s) {
    for (const [k, v] of Object.entries(x.fixes)) out.fixes[k] = (out.fixes[k] ?? 0) + v;
    out.moved.push(...x.moved);
    out.unenforced.push(...x.unenforced);
    out.widened.push(...x.widened);
  }
  return out;
}

function summary(label: string, s: Sweep): string {
  const fixes = Object.entries(s.fixes).sort().map(([k, v]) => `${k.replace("istio-ambient/", "")}: ${v}`).join(", ");
  return `${label}: fixes ${fixes || "none"}; policies moved to targetRefs: ${s.moved.length} (${s.moved.map((m) => m.name).join(", ") || "none"})`;
}

describe("eslint --fix leaves no policy that no proxy enforces", () => {
  it("every fixture repository", async () => {
    const repos = fs.readdirSync(FIXTURES).filter((d) => fs.statSync(path.join(FIXTURES, d)).isDirectory()).sort();
    const s = total(await Promise.all(repos.map((r) => sweep(`fixtures/${r}`, path.join(FIXTURES, r)))));
    console.log(summary("fixtures", s));
    expect(s.unenforced).toEqual([]);
    expect(s.widened).toEqual([]);
    // The sweep is only meaningful if fixes that move policies exist in the fixtures (waypoint-moves has them).
    expect(s.moved.length).toBeGreaterThan(0);
  }, 300_000);

  const repos: string[] | null = repoNames();
  it.skipIf(!repos)("every repository of ../shared/repos", async () => {
    const s = total(await Promise.all(repos!.map((r) => sweep(r, path.join(REPOS, r)))));
    console.log(summary("shared/repos", s));
    expect(s.unenforced).toEqual([]);
    expect(s.widened).toEqual([]);
  }, 600_000);

  const files: string[] | null = corpusFiles();
  it.skipIf(!files)("every file of ../shared/corpus, alone", async () => {
    const s = await sweep("corpus", CORPUS, files!);
    console.log(summary("shared/corpus", s));
    expect(s.unenforced).toEqual([]);
    expect(s.widened).toEqual([]);
  }, 600_000);
});
