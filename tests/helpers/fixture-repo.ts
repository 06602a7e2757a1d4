/**
 * Cases that lint an in-memory file placed inside a fixture repository (tests/fixtures/repos/<repo>), which is then
 * the index root. Each case gets its own index (a unique no-op `exclude`), so one case's text never leaks into
 * another's lookups.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPOS = fileURLToPath(new URL("../fixtures/repos", import.meta.url));

let isolated = 0;

export function inFixtureRepo(
  repo: string,
  rel: string,
  code: string,
  extra: Record<string, unknown> = {},
): { code: string; filename: string; settings: Record<string, unknown> } {
  const root = path.join(REPOS, repo);
  return { code, filename: path.join(root, rel), settings: { "istio-ambient": { root, exclude: [`.isolate-${++isolated}`], ...extra } } };
}
