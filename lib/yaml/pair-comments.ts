/**
 * Whether removing a pair would drop a comment: the pair-removal edit deletes whole lines, so a comment on any
 * line the pair spans (a trailing `# why` after the value) would go with it. Rules withhold such fixes.
 */
import type { AST } from "yaml-eslint-parser";
import { locate, type Path } from "./ast.js";

interface Located {
  loc?: { start: { line: number } } | null;
}

/** True when a comment starts on one of the lines of the pair at `path` (key line through value end); true when there is no such pair. */
export function pairHasComment(mapping: AST.YAMLMapping, path: Path, comments: readonly Located[]): boolean {
  const pair = locate(mapping, path)?.pair;
  if (!pair) return true;
  const first = pair.loc.start.line;
  const last = pair.loc.end.line;
  return comments.some((c) => !!c.loc && c.loc.start.line >= first && c.loc.start.line <= last);
}
