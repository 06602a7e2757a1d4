/**
 * A small glob matcher for the index's `include` / `exclude` settings (no dependency).
 *
 * Patterns are matched against root-relative POSIX paths (`bookinfo/reviews.yaml`), anchored at both ends:
 *
 * - `*` any run of characters except `/`; `?` one character except `/`;
 * - `**` as a whole path segment: any number of segments, including none (`**\/*.yaml` matches `a.yaml`
 *   and `a/b/c.yaml`; `charts/**` matches `charts` itself and everything below it);
 * - `{a,b}` alternatives (nestable, may contain other wildcards); `[abc]`, `[a-z]`, `[!a]` classes;
 * - `\x` escapes `x`. A leading `./` is ignored. Dot files are matched like any other name.
 *
 * Like ESLint's flat config (and unlike .gitignore), a pattern without `/` matches only at the root:
 * write `**\/*.tpl.yaml` to exclude a name anywhere.
 */

const cache = new Map<string, RegExp>();

/** Compiles a glob to an anchored regular expression (cached). */
export function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^${translate(normalizePattern(pattern))}$`);
    cache.set(pattern, re);
  }
  return re;
}

/**
 * A compiled glob that matches in time linear in (pattern segments × path segments): braces are expanded,
 * each alternative is split into segments, `**` segments are matched by dynamic programming, and only single
 * segments (no `/`) go through a regular expression. A pattern with repeated `**\/` cannot backtrack.
 */
type Segment = "**" | RegExp;
const compiled = new Map<string, Segment[][] | RegExp>();

/** At most this many brace alternatives per pattern; beyond, the pattern is matched by its regular expression. */
const MAX_ALTERNATIVES = 256;

function compile(pattern: string): Segment[][] | RegExp {
  let c = compiled.get(pattern);
  if (!c) {
    const alternatives = expandBraces(normalizePattern(pattern), MAX_ALTERNATIVES);
    c = alternatives
      ? alternatives.map((alt) => {
          const segments: Segment[] = [];
          for (const seg of normalizePattern(alt).split("/")) {
            if (seg === "**") {
              if (segments[segments.length - 1] !== "**") segments.push("**"); // `**/**` is `**`
            } else segments.push(new RegExp(`^${translate(seg)}$`));
          }
          return segments;
        })
      : globToRegExp(pattern);
    compiled.set(pattern, c);
  }
  return c;
}

function matchSegments(segments: Segment[], parts: string[]): boolean {
  // reach[j]: the pattern prefix matched so far can end before path part j.
  let reach = new Array<boolean>(parts.length + 1).fill(false);
  reach[0] = true;
  for (const seg of segments) {
    const next = new Array<boolean>(parts.length + 1).fill(false);
    if (seg === "**") {
      let any = false;
      for (let j = 0; j <= parts.length; j++) {
        any = any || reach[j];
        next[j] = any;
      }
    } else {
      for (let j = 0; j < parts.length; j++) if (reach[j] && seg.test(parts[j])) next[j + 1] = true;
    }
    reach = next;
  }
  return reach[parts.length];
}

/** True when `path` (root-relative, `/`-separated) matches the glob. */
export function globMatch(pattern: string, path: string): boolean {
  const c = compile(pattern);
  if (c instanceof RegExp) return c.test(path);
  const parts = path.split("/");
  return c.some((segments) => matchSegments(segments, parts));
}

/** A predicate true when the path matches any of the patterns (false for an empty list). */
export function globMatcher(patterns: readonly string[]): (path: string) => boolean {
  const list = patterns.filter((p) => typeof p === "string" && p.length > 0);
  if (list.length === 0) return () => false;
  for (const p of list) compile(p);
  return (path) => list.some((p) => globMatch(p, path));
}

/** `a{b,c{d,e}}f` → `abf`, `acdf`, `acef` (escapes and character classes respected); null past `max`. */
function expandBraces(p: string, max: number): string[] | null {
  const braces = matchBraces(p);
  let open = -1;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === "\\") {
      i++;
      continue;
    }
    if (p[i] === "{" && braces.has(i) && braces.get(i)! > i) {
      open = i;
      break;
    }
  }
  if (open < 0) return [p];
  const close = braces.get(open)!;
  const body = p.slice(open + 1, close);
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  const inner = matchBraces(body);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch === "{" && inner.has(i)) depth++;
    else if (ch === "}" && inner.has(i)) depth--;
    else if (ch === "," && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  const out: string[] = [];
  for (const part of parts) {
    const rest = expandBraces(p.slice(0, open) + part + p.slice(close + 1), max);
    if (!rest) return null;
    out.push(...rest);
    if (out.length > max) return null;
  }
  return out;
}

function normalizePattern(pattern: string): string {
  let p = pattern;
  while (p.startsWith("./")) p = p.slice(2);
  return p;
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;
function escapeRe(s: string): string {
  return s.replace(REGEX_SPECIAL, "\\$&");
}

/** Positions of `{` with a matching `}` (and the reverse), so that unmatched braces stay literal. */
function matchBraces(p: string): Map<number, number> {
  const pairs = new Map<number, number>();
  const stack: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "[") {
      const close = classEnd(p, i);
      if (close > 0) {
        i = close;
        continue;
      }
    }
    if (c === "{") stack.push(i);
    else if (c === "}" && stack.length) {
      const open = stack.pop()!;
      pairs.set(open, i);
      pairs.set(i, open);
    }
  }
  return pairs;
}

/** Index of the `]` closing a character class opened at `i`, or -1. */
function classEnd(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === "!" || p[j] === "^") j++;
  if (p[j] === "]") j++; // a leading `]` is literal
  for (; j < p.length; j++) {
    if (p[j] === "\\") {
      j++;
      continue;
    }
    if (p[j] === "/") return -1;
    if (p[j] === "]") return j;
  }
  return -1;
}

function translate(p: string): string {
  const braces = matchBraces(p);
  const openBraces: number[] = []; // positions of currently open matched braces
  let out = "";
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === "\\") {
      if (i + 1 < p.length) out += escapeRe(p[++i]);
      else out += "\\\\";
      continue;
    }
    if (c === "*") {
      let j = i;
      while (p[j] === "*") j++;
      const stars = j - i;
      const inBraces = openBraces.length > 0;
      const prev = p[i - 1];
      const next = p[j];
      const atSegmentStart = i === 0 || prev === "/" || (inBraces && (prev === "{" || prev === ","));
      const atSegmentEnd = j === p.length || next === "/" || (inBraces && (next === "}" || next === ","));
      if (stars >= 2 && atSegmentStart && atSegmentEnd) {
        if (next === "/") {
          out += "(?:.*\\/)?"; // `**/`: zero or more leading segments
          j++; // consume the `/`
        } else if (j === p.length && out.endsWith("\\/")) {
          out = `${out.slice(0, -2)}(?:\\/.*)?`; // trailing `a/**` also matches `a`
        } else {
          out += ".*";
        }
      } else {
        out += "[^/]*";
      }
      i = j - 1;
      continue;
    }
    if (c === "?") {
      out += "[^/]";
      continue;
    }
    if (c === "[") {
      const close = classEnd(p, i);
      if (close > 0) {
        let body = p.slice(i + 1, close);
        let negate = false;
        if (body.startsWith("!") || body.startsWith("^")) {
          negate = true;
          body = body.slice(1);
        }
        body = body.replace(/\\(.)/g, "$1").replace(/[\\\]^]/g, "\\$&");
        out += negate ? `[^/${body}]` : `[${body}]`;
        i = close;
        continue;
      }
      out += "\\[";
      continue;
    }
    if (c === "{" && braces.has(i)) {
      openBraces.push(i);
      out += "(?:";
      continue;
    }
    if (c === "}" && openBraces.length && braces.get(i) === openBraces[openBraces.length - 1]) {
      openBraces.pop();
      out += ")";
      continue;
    }
    if (c === "," && openBraces.length) {
      out += "|";
      continue;
    }
    out += escapeRe(c);
  }
  return out;
}
