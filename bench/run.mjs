#!/usr/bin/env node
// `npm run bench`: time ESLint over generated repositories of 1k and 10k resources with the plugin's configs,
// as ratios against ESLint with the parser and no rules, in the same run (each measurement in a fresh process).
// Also shows that the repository index is built once per run.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "./generate.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const sizes = (process.env.BENCH_SIZES ?? "1000,10000").split(",").map(Number);
const modes = ["parser", "recommended", "strict"];
// Each measurement is the fastest of REPEAT fresh processes (less noise from whatever else the machine does).
const repeat = Number(process.env.BENCH_REPEAT ?? 3);
const rows = [];
for (const size of sizes) {
  const dir = path.join(here, ".generated", `repo-${size}`);
  const made = generate(dir, size);
  const runs = {};
  for (let i = 0; i < repeat; i++) {
    for (const mode of modes) {
      const out = execFileSync(process.execPath, [path.join(here, "lint-once.mjs"), mode, dir], { encoding: "utf8", maxBuffer: 1 << 26 });
      const run = JSON.parse(out.trim().split("\n").pop());
      if (!runs[mode] || run.ms < runs[mode].ms) runs[mode] = run;
    }
  }
  rows.push({ size, made, runs });
  const base = runs.parser.ms;
  console.log(`\n${made.resources} resources in ${made.files} files (fastest of ${repeat} runs each)`);
  console.log("mode          time      ratio   findings  index builds");
  for (const mode of modes) {
    const r = runs[mode];
    console.log(
      `${mode.padEnd(12)} ${String(r.ms).padStart(6)} ms  ${(r.ms / base).toFixed(2).padStart(6)}x  ${String(r.messages).padStart(8)}  ${String(r.indexBuilds).padStart(6)}`,
    );
  }
}
if (rows.length >= 2) {
  const [a, b] = rows;
  const growth = (m) => (b.runs[m].ms / a.runs[m].ms / (b.made.resources / a.made.resources)).toFixed(2);
  console.log(`\nGrowth per resource from ${a.made.resources} to ${b.made.resources} resources (1.00 = linear):`);
  for (const m of modes) console.log(`  ${m.padEnd(12)} ${growth(m)}`);
}
