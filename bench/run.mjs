#!/usr/bin/env node
// `npm run bench`: time ESLint over generated repositories (1k and 10k resources by default) with the plugin's
// configs, as ratios against ESLint with the parser and no rules, in the same run (each measurement in a fresh
// process, the modes alternating). CPU time (user + system) is the figure compared: on a shared machine wall
// time also measures the neighbours. Also shows peak RSS, the heap left after a full GC, and that the
// repository index is built once per run.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "./generate.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const sizes = (process.env.BENCH_SIZES ?? "1000,10000").split(",").map(Number);
// `apps` (default), `namespace` (one namespace), `file` (one multi-document file), `list` (one kind: List),
// `vsperhost` (many VirtualServices per host), `policies` (many AuthorizationPolicies per workload).
const shape = process.env.BENCH_SHAPE ?? "apps";
const baseline = process.env.BENCH_BASELINE;
// `BENCH_BASELINE=<another checkout, built>` adds its `recommended` and `strict` as `recommended@base`, `strict@base`
// (a before/after comparison in one run, the modes alternating).
const modes = (process.env.BENCH_MODES ?? (baseline ? "parser,noop,recommended@base,recommended,strict@base,strict" : "parser,noop,recommended,strict")).split(",");
const lintOnce = (mode) =>
  mode.endsWith("@base") ? [path.join(path.resolve(baseline ?? "."), "bench", "lint-once.mjs"), mode.slice(0, -"@base".length)] : [path.join(here, "lint-once.mjs"), mode];
// Each figure is the median of REPEAT fresh processes (less noise from whatever else the machine does).
const repeat = Number(process.env.BENCH_REPEAT ?? 3);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : Math.round((s[s.length / 2 - 1] + s[s.length / 2]) / 2);
};

const rows = [];
for (const size of sizes) {
  const dir = path.join(here, ".generated", shape === "apps" ? `repo-${size}` : `${shape}-${size}`);
  const made = generate(dir, size, shape);
  const runs = Object.fromEntries(modes.map((m) => [m, []]));
  for (let i = 0; i < repeat; i++) {
    for (const mode of modes) {
      const out = execFileSync(process.execPath, ["--expose-gc", ...lintOnce(mode), dir], {
        encoding: "utf8",
        maxBuffer: 1 << 26,
      });
      runs[mode].push(JSON.parse(out.trim().split("\n").pop()));
    }
  }
  const figures = Object.fromEntries(
    modes.map((m) => {
      const list = runs[m];
      return [m, { cpuMs: median(list.map((r) => r.cpuMs)), ms: median(list.map((r) => r.ms)), rssMb: median(list.map((r) => r.rssMb)), heapMb: median(list.map((r) => r.heapMb ?? 0)), messages: list[0].messages, indexBuilds: list[0].indexBuilds, indexMs: median(list.map((r) => r.indexMs ?? 0)) }];
    }),
  );
  rows.push({ size, made, figures });
  const base = figures.parser ?? figures[modes[0]];
  console.log(`\n${made.resources} resources in ${made.files} files, shape ${shape} (median of ${repeat} runs each)`);
  console.log("mode              cpu ms   ratio   wall ms   ratio   rss MB  ratio  heap MB  findings  index builds  index ms");
  for (const mode of modes) {
    const r = figures[mode];
    console.log(
      `${mode.padEnd(16)} ${String(r.cpuMs).padStart(7)} ${(r.cpuMs / base.cpuMs).toFixed(2).padStart(6)}x ${String(r.ms).padStart(8)} ${(r.ms / base.ms).toFixed(2).padStart(6)}x ${String(r.rssMb).padStart(7)} ${(r.rssMb / base.rssMb).toFixed(2).padStart(5)}x ${String(r.heapMb).padStart(7)} ${String(r.messages).padStart(9)} ${String(r.indexBuilds).padStart(8)} ${String(r.indexMs).padStart(13)}`,
    );
  }
  const one = figures.noop;
  if (one) {
    // What the plugin adds over ESLint's own cost of running any rule at all (the `noop` row).
    const over = modes.filter((m) => m !== "parser" && m !== "noop").map((m) => `${m} ${(figures[m].cpuMs / one.cpuMs).toFixed(2)}x CPU, ${(figures[m].rssMb / one.rssMb).toFixed(2)}x RSS`);
    if (over.length) console.log(`against the one-no-op-rule floor (noop): ${over.join("; ")}`);
  }
}
if (rows.length >= 2) {
  const [a, b] = [rows[0], rows[rows.length - 1]];
  const growth = (m) => (b.figures[m].cpuMs / a.figures[m].cpuMs / (b.made.resources / a.made.resources)).toFixed(2);
  console.log(`\nCPU time per resource from ${a.made.resources} to ${b.made.resources} resources (1.00 = linear):`);
  for (const m of modes) console.log(`  ${m.padEnd(12)} ${growth(m)}`);
}
