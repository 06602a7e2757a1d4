/**
 * The conversion rate of `prefer-httproute` over every mesh VirtualService of the real manifests: the whole
 * repositories of ../shared/repos (each one linted as a repository: its root is the index root, so Services,
 * DestinationRules and version Services of every file count) and the files of ../shared/corpus (each file on
 * its own, like tests/corpus). Outcomes per VirtualService, through the rule as a user sees it:
 *
 * - converted: an exact conversion is suggested;
 * - no equivalent: refused because a feature has no HTTPRoute equivalent (reported at its key: fault, delegate,
 *   directResponse, sourceLabels, a field the Gateway API target lacks, a cross-namespace route, …);
 * - refused: refused for another reason (the converter's limits or missing context), with the reason.
 *
 * The table is committed (tests/convert/conversion-rate.md) so that changes show in review; regenerate it with
 * `UPDATE_SNAPSHOTS=1 npx vitest run tests/convert/conversion-rate.test.ts`.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Linter } from "eslint";
import * as yamlParser from "yaml-eslint-parser";
import { describe, expect, it } from "vitest";
import rule from "../../rules/prefer-httproute.js";
import { DEFAULT_GATEWAY_API, isMeshVirtualService } from "../../lib/convert/virtualservice-to-httproute.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const SHARED = path.resolve(here, "../../../shared");
const REPOS = path.join(SHARED, "repos");
const CORPUS = path.join(SHARED, "corpus");
const EMPTY_ROOT = path.resolve(here, "../fixtures/repos/empty");
const TABLE = path.join(here, "conversion-rate.md");

type Outcome = "converted" | "no equivalent" | "refused";
interface Row {
  set: string;
  file: string;
  name: string;
  outcome: Outcome;
  detail: string;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === ".git" || name === "node_modules") continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/.test(name)) out.push(full);
  }
  return out;
}

/** Mesh VirtualServices of a file, each with the lines its resource spans (`kind: List` items one by one). */
function meshVirtualServices(text: string): { start: number; end: number }[] {
  let ast: ReturnType<typeof yamlParser.parseForESLint>["ast"];
  try {
    ast = yamlParser.parseForESLint(text).ast;
  } catch {
    return [];
  }
  const out: { start: number; end: number }[] = [];
  const visit = (node: any) => {
    if (!node) return;
    const v = yamlParser.getStaticYAMLValue(node) as Record<string, any> | null;
    if (!v || typeof v !== "object") return;
    if (v.kind === "List" && Array.isArray(v.items) && node.type === "YAMLMapping") {
      const items = node.pairs.find((p: any) => p.key && (yamlParser.getStaticYAMLValue(p.key) as unknown) === "items");
      for (const item of items?.value?.entries ?? []) visit(item);
      return;
    }
    if (v.kind !== "VirtualService" || typeof v.apiVersion !== "string" || !v.apiVersion.startsWith("networking.istio.io/")) return;
    if (!isMeshVirtualService(v)) return;
    out.push({ start: node.loc.start.line, end: node.loc.end.line });
  };
  for (const doc of ast.body) visit(doc.content);
  return out;
}

/** A regular expression from one of the rule's message templates: each `{{field}}` a named group. */
function templateRegExp(messageId: "preferHttpRoute" | "notConvertible" | "noEquivalent"): RegExp {
  const template = (rule.meta.messages as Record<string, string>)[messageId];
  const source = template
    .split(/(\{\{\w+\}\})/)
    .map((part) => (/^\{\{\w+\}\}$/.test(part) ? `(?<${part.slice(2, -2)}>.*?)` : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "s");
}
const CONVERTED = templateRegExp("preferHttpRoute");
const REFUSED = templateRegExp("notConvertible");
const NO_EQUIVALENT = templateRegExp("noEquivalent");

// Files outside the Linter's cwd match no config: the shared folder is the cwd.
const linter = new Linter({ configType: "flat", cwd: SHARED });
function lintFile(file: string, root: string): Linter.LintMessage[] {
  const config: Linter.Config[] = [
    {
      files: ["**/*.yaml", "**/*.yml"],
      languageOptions: { parser: yamlParser },
      plugins: { t: { rules: { "prefer-httproute": rule } } },
      rules: { "t/prefer-httproute": "warn" },
      settings: { "istio-ambient": { root } },
    },
  ];
  return linter.verify(readFileSync(file, "utf8"), config, file);
}

/**
 * One row per mesh VirtualService of `file`, from the rule's reports: each report belongs to the VirtualService
 * whose lines hold it (its messageId says converted, refused or no equivalent); the fields (resource, reason, key)
 * are read back through the rule's own message templates, so a change of wording changes no outcome.
 */
function outcomes(set: string, rel: string, messages: Linter.LintMessage[], vss: { start: number; end: number }[]): Row[] {
  const fields = (re: RegExp, m: Linter.LintMessage) => {
    const groups = re.exec(m.message)?.groups;
    expect(groups, `${rel}: "${m.message}" matches its template`).toBeDefined();
    return groups!;
  };
  return vss.map((vs) => {
    const own = messages.filter((m) => m.line >= vs.start && m.line <= vs.end);
    const main = own.filter((m) => m.messageId === "preferHttpRoute" || m.messageId === "notConvertible");
    expect(main.length, `${set} ${rel} (line ${vs.start}): one report per mesh VirtualService`).toBe(1);
    const [m] = main;
    if (m.messageId === "preferHttpRoute") {
      const name = fields(CONVERTED, m).resource.replace(/^VirtualService /, "");
      expect(m.suggestions?.length, `${rel} ${name}: a suggestion`).toBe(1);
      return { set, file: rel, name, outcome: "converted", detail: m.suggestions![0].desc };
    }
    const { resource, reason, line } = fields(REFUSED, m);
    const name = resource.replace(/^VirtualService /, "");
    const keys = own.filter((x) => x.messageId === "noEquivalent").map((x) => fields(NO_EQUIVALENT, x).key);
    return keys.length
      ? { set, file: rel, name, outcome: "no equivalent", detail: `no HTTPRoute equivalent: ${[...new Set(keys)].join(", ")}` }
      : { set, file: rel, name, outcome: "refused", detail: `${reason} (line ${line}).` };
  });
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

describe("conversion rate over the mesh VirtualServices of ../shared", () => {
  if (!existsSync(REPOS) || !existsSync(CORPUS)) {
    it.skip(`the shared manifests (${SHARED}) are absent; nothing to measure`, () => {});
    return;
  }

  it("every mesh VirtualService gets a suggestion or a refusal with its reason, and the table matches", () => {
    const rows: Row[] = [];
    for (const repo of readdirSync(REPOS).sort()) {
      const root = path.join(REPOS, repo);
      if (!statSync(root).isDirectory()) continue;
      for (const file of yamlFiles(root)) {
        const text = readFileSync(file, "utf8");
        if (!text.includes("VirtualService")) continue;
        const vss = meshVirtualServices(text);
        if (!vss.length) continue;
        rows.push(...outcomes("repos", `${repo}/${path.relative(root, file).split(path.sep).join("/")}`, lintFile(file, root), vss));
      }
    }
    for (const file of yamlFiles(CORPUS)) {
      const text = readFileSync(file, "utf8");
      if (!text.includes("VirtualService")) continue;
      const vss = meshVirtualServices(text);
      if (!vss.length) continue;
      rows.push(...outcomes("corpus", path.relative(CORPUS, file).split(path.sep).join("/"), lintFile(file, EMPTY_ROOT), vss));
    }

    const count = (set: string | null, o: Outcome) => rows.filter((r) => (set === null || r.set === set) && r.outcome === o).length;
    const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : "—");
    const summary = (set: string | null, label: string) => {
      const total = rows.filter((r) => set === null || r.set === set).length;
      const c = count(set, "converted");
      const n = count(set, "no equivalent");
      return `| ${label} | ${total} | ${c} (${pct(c, total)}) | ${n} | ${count(set, "refused")} | ${pct(c + n, total)} |`;
    };
    const reasons = new Map<string, number>();
    for (const r of rows) {
      if (r.outcome !== "refused") continue;
      const key = r.detail.replace(/"[^"]*"/g, '"…"').replace(/\b(Service|VirtualService|subset|port|destination) [\w.-]+/g, "$1 …").replace(/\(line \d+\)\.?$/, "").slice(0, 160);
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    const table = [
      "# prefer-httproute: conversion rate over real mesh VirtualServices",
      "",
      "Generated by `tests/convert/conversion-rate.test.ts`: every mesh VirtualService of `../shared/repos` (each",
      "repository linted as one, its root the index root) and of `../shared/corpus` (each file on its own), through the",
      `rule with its defaults (Gateway API ${DEFAULT_GATEWAY_API.channel} v${DEFAULT_GATEWAY_API.version}; VirtualService prefixes other than "/" refused).`,
      "Regenerate with `UPDATE_SNAPSHOTS=1 npx vitest run tests/convert/conversion-rate.test.ts`.",
      "",
      "- **converted**: an exact conversion is suggested;",
      "- **no equivalent**: refused because a feature has no HTTPRoute equivalent (reported at its key);",
      "- **refused**: refused for another reason (the converter's limits, or context it lacks).",
      "",
      "| set | mesh VirtualServices | converted | no equivalent | refused | converted or no equivalent |",
      "|---|---:|---:|---:|---:|---:|",
      summary("repos", "`../shared/repos`"),
      summary("corpus", "`../shared/corpus`"),
      summary(null, "all"),
      "",
      "## Refusals for other reasons, by reason",
      "",
      "| count | reason |",
      "|---:|---|",
      ...[...reasons.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `| ${n} | ${cell(k)} |`),
      "",
      "## Every mesh VirtualService",
      "",
      "| set | file | VirtualService | outcome | detail |",
      "|---|---|---|---|---|",
      ...rows.map((r) => `| ${r.set} | \`${cell(r.file)}\` | ${cell(r.name)} | ${r.outcome} | ${cell(r.detail)} |`),
      "",
    ].join("\n");
    expect(rows.length).toBeGreaterThan(0);
    if (process.env.UPDATE_SNAPSHOTS === "1" || !existsSync(TABLE)) writeFileSync(TABLE, table);
    expect(table).toBe(readFileSync(TABLE, "utf8"));
  });
});
