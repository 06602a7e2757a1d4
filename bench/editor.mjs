#!/usr/bin/env node
// `npm run bench:editor`: the plugin as an editor runs it — one long-lived process, ESLint's Node API,
// `lintText(buffer, { filePath })` — on a generated repository (10k resources by default, `BENCH_SIZES`; the
// last size is used when several are given). Reports:
// - cold: the first lint (the repository index is built on it);
// - same file: the linted file's buffer changed (a keystroke), median and p90 over BENCH_EDITS edits;
// - other file: another file changed on disk, then the linted file linted again once the index has seen the
//   change (the editor's background check), median and p90 over BENCH_CHANGES changes; the background check's
//   own time is reported beside it;
// - peak RSS, the heap after a full GC (with --expose-gc), and the index's own counters (builds,
//   revalidations, files parsed, overlay parses, stat calls, snapshots made and per-snapshot caches built).
// Wall time is reported (an editor waits for it); on a shared machine it also measures the neighbours.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "./generate.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const size = Number((process.env.BENCH_SIZES ?? "10000").split(",").pop());
const edits = Number(process.env.BENCH_EDITS ?? 40);
const changes = Number(process.env.BENCH_CHANGES ?? 15);
const mode = process.env.BENCH_EDITOR_CONFIG ?? "recommended";
// An editor: not a single run, whatever the environment says (CI=true on a CI machine running the bench).
process.env.ISTIO_AMBIENT_SINGLE_RUN = "false";
// How often the editor's index re-checks the files (the plugin's default is 1000 ms; shorter keeps the bench short).
const revalidateMs = Number(process.env.BENCH_REVALIDATE_MS ?? 200);

const { ESLint } = await import("eslint");
const { default: plugin } = await import("eslint-plugin-istio-ambient");
const { indexCounters, clearIndexCache } = await import("../dist/lib/index/index.js");

const dir = path.join(here, ".generated", `editor-${size}`);
// Generated once per size (the bench restores the one file it changes).
const stamp = path.join(dir, ".bench-editor");
let made;
if (fs.existsSync(stamp)) made = JSON.parse(fs.readFileSync(stamp, "utf8"));
else {
  made = generate(dir, size);
  fs.writeFileSync(stamp, JSON.stringify(made));
}
const linted = path.join(dir, "apps/team-3/svc-30/routing.yaml");
const other = path.join(dir, "apps/team-5/svc-51/service.yaml");
const original = fs.readFileSync(linted, "utf8");
const otherOriginal = fs.readFileSync(other, "utf8");

const eslint = new ESLint({
  cwd: dir,
  overrideConfigFile: true,
  overrideConfig: [plugin.configs[mode], { settings: { "istio-ambient": { revalidateMs } } }],
});

const now = () => Number(process.hrtime.bigint()) / 1e6;
const lint = async (text) => {
  const t = now();
  const [result] = await eslint.lintText(text, { filePath: linted });
  return { ms: now() - t, messages: result.messages.length };
};
const stats = () => indexCounters();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const fmt = (xs) => `median ${quantile(xs, 0.5).toFixed(1)} ms, p90 ${quantile(xs, 0.9).toFixed(1)} ms`;

// A keystroke: a label value in the buffer changes (the file's records change, the others do not).
const edit = (i) => original.replace(/(\n  name: [^\n]+)/, `$1\n  labels:\n    edit: e${i}`);

const cold = await lint(original);
// Warm-up: the lint paths and ESLint's own caches.
for (let i = 0; i < 5; i++) await lint(edit(1000 + i));

const same = [];
for (let i = 0; i < edits; i++) same.push((await lint(edit(i))).ms);

const afterChange = [];
const background = [];
for (let i = 0; i < changes; i++) {
  const before = stats();
  fs.writeFileSync(other, otherOriginal.replace("app: svc-51\nspec", `app: svc-51\n    change: c${i}\nspec`));
  // Wait until the index has seen the change (background check, or the next lint when it re-checks on the lint path).
  await sleep(revalidateMs + 20);
  const deadline = Date.now() + 5 * revalidateMs + 1000;
  while (stats().reparsed === before.reparsed && Date.now() < deadline) await sleep(10);
  const seen = stats();
  if (seen.backgroundMs !== undefined) background.push(seen.backgroundMs);
  afterChange.push((await lint(edit(5000 + i))).ms);
}
fs.writeFileSync(other, otherOriginal);

globalThis.gc?.();
const mem = process.memoryUsage();
const s = stats();
// The index's own heap: what dropping every index (snapshots, records, per-snapshot caches) frees here, and what
// building it alone holds in a fresh process (the heap after a full GC, before and after `getIndex`).
clearIndexCache();
globalThis.gc?.();
const freedMb = globalThis.gc ? +((mem.heapUsed - process.memoryUsage().heapUsed) / 2 ** 20).toFixed(1) : null;
const alone = execFileSync(
  process.execPath,
  [
    "--expose-gc",
    "--input-type=module",
    "-e",
    `const { getIndex } = await import(${JSON.stringify(path.join(here, "../dist/lib/index/index.js"))});
     const { readSettings } = await import(${JSON.stringify(path.join(here, "../dist/lib/settings.js"))});
     gc(); const before = process.memoryUsage().heapUsed;
     const index = getIndex({ filename: ${JSON.stringify(linted)}, cwd: ${JSON.stringify(dir)}, settings: readSettings({}) });
     gc(); console.log(((process.memoryUsage().heapUsed - before) / 2 ** 20).toFixed(1), index.resources.length);`,
  ],
  { encoding: "utf8" },
);
const indexHeapMb = { freedByClear: freedMb, builtAlone: Number(alone.trim().split(" ")[0]) };
const out = {
  resources: made.resources,
  files: made.files,
  config: mode,
  revalidateMs,
  coldMs: Math.round(cold.ms),
  sameFile: { median: +quantile(same, 0.5).toFixed(1), p90: +quantile(same, 0.9).toFixed(1) },
  otherFileChanged: afterChange.length ? { median: +quantile(afterChange, 0.5).toFixed(1), p90: +quantile(afterChange, 0.9).toFixed(1) } : null,
  backgroundCheck: background.length ? { median: +quantile(background, 0.5).toFixed(1), p90: +quantile(background, 0.9).toFixed(1) } : null,
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  heapAfterGcMb: globalThis.gc ? Math.round(mem.heapUsed / 2 ** 20) : null,
  indexHeapMb,
  index: s,
};
if (process.env.BENCH_JSON) console.log(JSON.stringify(out));
else {
  console.log(`\nEditor (ESLint Node API lintText, ${mode}, revalidateMs ${revalidateMs}): ${made.resources} resources in ${made.files} files`);
  console.log(`  first lint (cold index)             ${out.coldMs} ms`);
  console.log(`  same file, buffer changed (${edits})     ${fmt(same)}`);
  if (afterChange.length) console.log(`  after another file changed (${changes})  ${fmt(afterChange)}`);
  if (background.length) console.log(`  background check that saw it        ${fmt(background)}`);
  console.log(`  peak RSS ${out.peakRssMb} MB, heap after GC ${out.heapAfterGcMb ?? "n/a (run with --expose-gc)"} MB, index heap ${indexHeapMb.builtAlone} MB (built alone; ${indexHeapMb.freedByClear ?? "n/a"} MB freed by clearIndexCache here)`);
  console.log(`  index: ${JSON.stringify(s)}`);
}
