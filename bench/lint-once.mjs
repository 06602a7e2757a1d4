// One measured ESLint run in a fresh process: `node bench/lint-once.mjs <mode> <dir>`.
// mode: "parser" (yaml-eslint-parser, no rules: the baseline), "recommended", "strict".
// Prints one JSON line: {mode, ms, files, messages, indexBuilds, indexEntries}.
import { ESLint } from "eslint";
import * as yamlParser from "yaml-eslint-parser";
import plugin from "eslint-plugin-istio-ambient";
import { indexCacheStats } from "../dist/lib/index/index.js";

const [mode, dir] = process.argv.slice(2);
const config =
  mode === "parser"
    ? [{ files: ["**/*.yaml", "**/*.yml"], languageOptions: { parser: yamlParser } }]
    : [plugin.configs[mode]];
const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config });
const start = process.hrtime.bigint();
const results = await eslint.lintFiles(["."]);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const stats = indexCacheStats();
console.log(
  JSON.stringify({
    mode,
    ms: Math.round(ms),
    files: results.length,
    messages: results.reduce((n, r) => n + r.messages.length, 0),
    fatal: results.reduce((n, r) => n + r.messages.filter((m) => m.fatal).length, 0),
    indexBuilds: stats.builds,
    indexEntries: stats.entries,
  }),
);
