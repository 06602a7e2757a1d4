/**
 * The seven whole real GitOps repositories of ../shared/repos (Flux, Kustomize components, Config Sync, Helm +
 * helmfile, Argo CD), each linted as a user would lint it with the strict config: no rule throws, no parse error
 * on a file that is YAML (Helm chart templates are parsed as empty files), and a committed snapshot of every
 * finding (tests/corpus/repos-findings.txt), each one reviewed.
 */
import { describe, expect, it } from "vitest";
import plugin from "../../index.js";
import { clearIndexCache } from "../../lib/index/index.js";
// @ts-expect-error plain JS helper
import { REPOS, formatRepoFindings, lintRepo, repoNames } from "./lint-repos.mjs";

type Finding = { repo: string; file: string; fatal: boolean; ruleId: string | null; message: string };

const repos: string[] | null = repoNames();

describe("shared/repos", () => {
  if (!repos) {
    it.skip(`skipped: no repositories at ${REPOS} (the shared/ folder is not beside this checkout)`, () => {});
    return;
  }
  const all: Finding[] = [];
  it("lints every repository with no parse error and no crash", async () => {
    for (const repo of repos) {
      clearIndexCache();
      const findings: Finding[] = await lintRepo(plugin, repo);
      all.push(...findings);
    }
    expect(all.filter((f) => f.fatal).map((f) => `${f.repo}/${f.file}: ${f.message}`)).toEqual([]);
  }, 300_000);

  it("findings match the committed snapshot", async () => {
    await expect(formatRepoFindings(all) + "\n").toMatchFileSnapshot("./repos-findings.txt");
  });
});
