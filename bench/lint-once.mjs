// One measured ESLint run in a fresh process: `node bench/lint-once.mjs <mode> <dir>`.
// mode: "parser" (yaml-eslint-parser, no rules: the baseline), "noop" (the same with one enabled rule that does
// nothing), "recommended", "strict".
// Prints one JSON line: {mode, ms (wall), cpuMs (user + system of this process), rssMb (peak), heapMb (after a
// full GC when run with --expose-gc), files, messages, indexBuilds, indexEntries, indexMs (wall time inside the
// repository index: its build, and per linted file the lookup and the overlay of the file's text)}.
import { ESLint } from "eslint";
import * as yamlParser from "yaml-eslint-parser";
import plugin from "eslint-plugin-istio-ambient";
import { indexCacheStats } from "../dist/lib/index/index.js";
import { indexTiming } from "../dist/lib/create-rule.js";

const [mode, dir] = process.argv.slice(2);
// `noop`: the floor with one enabled rule that does nothing — what ESLint itself costs once any rule runs (per file
// it makes the rules' contexts on a new prototype object, which V8 keeps in old space: more GC and peak RSS).
const noop = { meta: { type: "problem", schema: [] }, create: () => ({}) };
const floor = { files: ["**/*.yaml", "**/*.yml"], languageOptions: { parser: yamlParser } };
const config =
  mode === "parser"
    ? [floor]
    : mode === "noop"
      ? [{ ...floor, plugins: { bench: { rules: { noop } } }, rules: { "bench/noop": "error" } }]
      : [plugin.configs[mode]];
const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config });
const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
const results = await eslint.lintFiles(["."]);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const cpu = process.cpuUsage(cpuStart);
// What stays reachable after the run (the index and its caches, ESLint's own state): with --expose-gc only.
globalThis.gc?.();
const stats = indexCacheStats();
console.log(
  JSON.stringify({
    mode,
    ms: Math.round(ms),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    rssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapMb: globalThis.gc ? Math.round(process.memoryUsage().heapUsed / 2 ** 20) : null,
    files: results.length,
    messages: results.reduce((n, r) => n + r.messages.length, 0),
    fatal: results.reduce((n, r) => n + r.messages.filter((m) => m.fatal).length, 0),
    indexBuilds: stats.builds,
    indexEntries: stats.entries,
    indexMs: Math.round(indexTiming().ms),
  }),
);
