/**
 * Every rule over the real manifests of ../shared/corpus with the strict config: no rule throws (rules
 * rethrow under vitest), parse errors only where the file is not YAML, and a committed snapshot of every
 * finding so that any change in behaviour shows up in review.
 */
import { describe, expect, it } from "vitest";
import plugin from "../../index.js";
// @ts-expect-error plain JS helper shared with `npm run lint:corpus`
import { corpusFiles, lintCorpus, formatFindings, findingsTable, CORPUS } from "./lint-corpus.mjs";

type Finding = { file: string; fatal: boolean; ruleId: string | null; message: string };

const files: string[] | null = corpusFiles();

/** Files of the corpus that are not valid YAML (expected parse errors). */
const NOT_YAML: string[] = [];

describe("corpus", () => {
  if (!files) {
    it.skip(`skipped: no corpus at ${CORPUS} (the shared/ folder is not beside this checkout)`, () => {});
    return;
  }
  const findings: Finding[] = lintCorpus(plugin, files);

  it("has the 152 files the corpus README lists", () => {
    expect(files.length).toBe(152);
  });

  it("parse errors only for files that are not YAML", () => {
    expect([...new Set(findings.filter((f) => f.fatal).map((f) => f.file))].sort()).toEqual(NOT_YAML);
  });

  it("findings match the committed snapshot", async () => {
    await expect(formatFindings(findings) + "\n").toMatchFileSnapshot("./corpus-findings.txt");
    await expect(findingsTable(findings) + "\n").toMatchFileSnapshot("./corpus-table.md");
  });
});
