/**
 * Messages fit a hover and a CI log line (DESIGN.md, conventions): one sentence, median ≤ 140 characters and
 * never over 250; suggestion titles ≤ 100. Checked on what users see: the example repository (recommended and
 * strict), every file of ../shared/corpus and every repository of ../shared/repos (strict: all rules).
 * The explanation lives in docs/rules/<rule>.md, which SARIF carries as `help`.
 *
 * `MESSAGE_STATS=1 npx vitest run tests/messages` prints median, max and the worst message per rule (`MESSAGE_STATS=2`
 * also prints the message; `MESSAGE_DUMP=file` appends every message as JSON lines).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../../index.js";
import { clearIndexCache } from "../../lib/index/index.js";
// @ts-expect-error plain JS helper shared with `npm run lint:corpus`
import { corpusFiles, lintCorpus } from "../corpus/lint-corpus.mjs";
// @ts-expect-error plain JS helper
import { lintRepo, repoNames } from "../corpus/lint-repos.mjs";

export const MAX_MESSAGE = 250;
export const MEDIAN_MESSAGE = 140;
export const MAX_SUGGESTION = 100;


const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../examples/gitops");

interface Message {
  source: string;
  where: string;
  ruleId: string;
  message: string;
  suggestions: string[];
}

function fromLinter(source: string, where: string, m: Linter.LintMessage): Message | undefined {
  if (!m.ruleId?.startsWith("istio-ambient/")) return undefined;
  return { source, where, ruleId: m.ruleId, message: m.message, suggestions: (m.suggestions ?? []).map((s) => s.desc) };
}

interface Finding {
  repo?: string;
  file: string;
  line: number;
  ruleId: string | null;
  message: string;
  suggestionTitles: string[];
}

/** A finding of the corpus helpers (tests/corpus/lint-corpus.mjs) as a message. */
const fromFinding =
  (source: string) =>
  (f: Finding): Message[] =>
    f.ruleId?.startsWith("istio-ambient/")
      ? [{ source, where: `${f.repo ? `${f.repo}/` : ""}${f.file}:${f.line}`, ruleId: f.ruleId, message: f.message, suggestions: f.suggestionTitles }]
      : [];

async function lintExample(config: "recommended" | "strict"): Promise<Message[]> {
  clearIndexCache();
  const eslint = new ESLint({
    cwd: EXAMPLE,
    overrideConfigFile: true,
    overrideConfig: [plugin.configs[config], { settings: { "istio-ambient": { root: EXAMPLE, revalidateMs: -1 } } }],
  });
  const out: Message[] = [];
  for (const r of await eslint.lintFiles(["."])) {
    for (const m of r.messages) {
      const msg = fromLinter(`example (${config})`, `${path.relative(EXAMPLE, r.filePath)}:${m.line}`, m);
      if (msg) out.push(msg);
    }
  }
  return out;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return 0;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function stats(messages: Message[]): string {
  const lines: string[] = [];
  const lens = messages.map((m) => m.message.length);
  const sugg = messages.flatMap((m) => m.suggestions.map((s) => s.length));
  lines.push(`  messages: ${lens.length}, median ${median(lens)}, max ${Math.max(0, ...lens)}; suggestion titles: ${sugg.length}, median ${median(sugg)}, max ${Math.max(0, ...sugg)}`);
  const rules = [...new Set(messages.map((m) => m.ruleId))].sort();
  for (const rule of rules) {
    const mine = messages.filter((m) => m.ruleId === rule);
    const worst = mine.reduce((a, b) => (b.message.length > a.message.length ? b : a));
    const titles = mine.flatMap((m) => m.suggestions);
    const worstTitle = titles.reduce((a, b) => (b.length > a.length ? b : a), "");
    lines.push(`  ${rule.replace("istio-ambient/", "").padEnd(32)} n=${String(mine.length).padStart(3)} median ${String(median(mine.map((m) => m.message.length))).padStart(5)} max ${String(worst.message.length).padStart(3)}  title max ${String(worstTitle.length).padStart(3)}`);
    if (process.env.MESSAGE_STATS === "2") lines.push(`      ${worst.message}`, ...(worstTitle ? [`      💡 ${worstTitle}`] : []));
  }
  return lines.join("\n");
}

function check(label: string, all: Message[]) {
  if (process.env.MESSAGE_STATS) console.log(`${label}\n${stats(all)}`);
  if (process.env.MESSAGE_DUMP) fs.appendFileSync(process.env.MESSAGE_DUMP, all.map((m) => JSON.stringify(m)).join("\n") + "\n");
  const tooLong = all.filter((m) => m.message.length > MAX_MESSAGE).map((m) => `${m.where} ${m.ruleId} (${m.message.length}): ${m.message}`);
  expect(tooLong, `${label}: messages over ${MAX_MESSAGE} characters`).toEqual([]);
  expect(median(all.map((m) => m.message.length)), `${label}: median message length`).toBeLessThanOrEqual(MEDIAN_MESSAGE);
  const longTitles = all.flatMap((m) => m.suggestions.filter((s) => s.length > MAX_SUGGESTION).map((s) => `${m.where} ${m.ruleId} (${s.length}): ${s}`));
  expect(longTitles, `${label}: suggestion titles over ${MAX_SUGGESTION} characters`).toEqual([]);
}

describe("message length", () => {
  it("example repository, recommended and strict", async () => {
    const messages = [...(await lintExample("recommended")), ...(await lintExample("strict"))];
    expect(messages.length).toBeGreaterThan(0);
    check("examples/gitops", messages);
  });

  const files: string[] | null = corpusFiles();
  it.skipIf(!files)("../shared/corpus, strict", () => {
    clearIndexCache();
    check("../shared/corpus", lintCorpus(plugin, files!).flatMap(fromFinding("corpus")));
  });

  const repos: string[] | null = repoNames();
  it.skipIf(!repos)("../shared/repos, strict", async () => {
    const messages: Message[] = [];
    for (const repo of repos!) {
      clearIndexCache();
      messages.push(...(await lintRepo(plugin, repo)).flatMap(fromFinding("repos")));
    }
    check("../shared/repos", messages);
  }, 300_000);
});
