/**
 * Matches: the semantic representation used for precedence and dead-rule analysis (Istio's `sortHTTPRoutes`
 * order vs. VirtualService first-match order), how a VirtualService match is read into it, and how it is
 * written as an HTTPRouteMatch.
 */

import type { Cond, CondKind, MatchIR, RuleChecks } from "./ir.js";
import { EXPERIMENTAL_HEADER_VALUE, HEADER_NAME, HTTP_METHODS, pathStr, pathValueProblem, quoteMeta } from "./hosts.js";
import { isObj, type Obj, type Path, type ProblemCode } from "./types.js";

export type { Cond, CondKind, MatchIR, PathKind } from "./ir.js";

export function segmentPrefixMatches(prefix: string, path: string): boolean {
  return prefix === "/" || path === prefix || path.startsWith(`${prefix}/`);
}

export function condImplies(b: Cond, a: Cond): boolean {
  // every value satisfying b satisfies a (both on the same name; b implies presence)
  switch (a.kind) {
    case "present":
      return true;
    case "exact":
      return b.kind === "exact" && b.value === a.value;
    case "prefix":
      return (b.kind === "exact" || b.kind === "prefix") && b.value.startsWith(a.value);
    case "regex":
      return b.kind === "regex" && b.value === a.value;
  }
}

export function condCompatible(a: Cond, b: Cond): boolean {
  if (a.kind === "exact" && b.kind === "exact") return a.value === b.value;
  if (a.kind === "exact" && b.kind === "prefix") return a.value.startsWith(b.value);
  if (a.kind === "prefix" && b.kind === "exact") return b.value.startsWith(a.value);
  if (a.kind === "prefix" && b.kind === "prefix") return a.value.startsWith(b.value) || b.value.startsWith(a.value);
  return true; // regex / presence: may overlap
}

export function condsCover(a: Cond[], b: Cond[]): boolean {
  return a.every((ca) => b.some((cb) => cb.name === ca.name && condImplies(cb, ca)));
}

export function condsMayOverlap(a: Cond[], b: Cond[]): boolean {
  for (const ca of a) for (const cb of b) if (ca.name === cb.name && !condCompatible(ca, cb)) return false;
  return true;
}

/** Every request matching `b` also matches `a`. */
export function matchCovers(a: MatchIR, b: MatchIR): boolean {
  const pa = a.uri;
  const pb = b.uri;
  let pathOk = false;
  if (pa.kind === "prefix" && pa.value === "/") pathOk = true;
  else if (pa.kind === "exact") pathOk = pb.kind === "exact" && pb.value === pa.value;
  else if (pa.kind === "prefix") pathOk = (pb.kind === "exact" || pb.kind === "prefix") && segmentPrefixMatches(pa.value, pb.value);
  else pathOk = pb.kind === "regex" && pb.value === pa.value;
  if (!pathOk) return false;
  if (a.port !== undefined && a.port !== b.port) return false;
  if (a.method && a.method !== b.method) return false;
  return condsCover(a.headers, b.headers) && condsCover(a.query, b.query);
}

export function matchesMayOverlap(a: MatchIR, b: MatchIR): boolean {
  const pa = a.uri;
  const pb = b.uri;
  if (pa.kind !== "regex" && pb.kind !== "regex") {
    if (pa.kind === "exact" && pb.kind === "exact" && pa.value !== pb.value) return false;
    if (pa.kind === "exact" && pb.kind === "prefix" && !segmentPrefixMatches(pb.value, pa.value)) return false;
    if (pa.kind === "prefix" && pb.kind === "exact" && !segmentPrefixMatches(pa.value, pb.value)) return false;
    if (pa.kind === "prefix" && pb.kind === "prefix" && !segmentPrefixMatches(pa.value, pb.value) && !segmentPrefixMatches(pb.value, pa.value)) return false;
  }
  if (a.port !== undefined && b.port !== undefined && a.port !== b.port) return false;
  if (a.method && b.method && a.method !== b.method) return false;
  return condsMayOverlap(a.headers, b.headers) && condsMayOverlap(a.query, b.query);
}

/** Istio's `sortHTTPRoutes` key: URI rank (Exact 3 > Prefix 2 > Regex 1), URI length, method, #headers, #query. */
export function precedenceKey(m: MatchIR): number[] {
  const rank = m.uri.kind === "exact" ? 3 : m.uri.kind === "prefix" ? 2 : 1;
  return [rank, m.uri.value.length, m.method ? 1 : 0, m.headers.length, m.query.length];
}

export function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

export function whyOutranks(later: MatchIR, earlier: MatchIR): string {
  const a = precedenceKey(later);
  const b = precedenceKey(earlier);
  if (a[0] !== b[0]) {
    const names = ["", "a RegularExpression path", "a PathPrefix path", "an Exact path"];
    return `${names[a[0]]} outranks ${names[b[0]]}`;
  }
  if (a[1] !== b[1]) return `its path "${later.uri.value}" is longer than "${earlier.uri.value}"`;
  if (a[2] !== b[2]) return "it matches the method";
  if (a[3] !== b[3]) return `it has more header matches (${a[3]} > ${b[3]})`;
  return `it has more query-parameter matches (${a[4]} > ${b[4]})`;
}

export function describeMatch(m: MatchIR): string {
  const parts: string[] = [];
  if (!m.uri.implicit) parts.push(`${m.uri.kind === "prefix" ? "PathPrefix" : m.uri.kind === "exact" ? "Exact" : "RegularExpression"} ${m.uri.value}`);
  if (m.method) parts.push(m.method);
  for (const h of m.headers) parts.push(`header ${h.name}`);
  for (const q of m.query) parts.push(`query ${q.name}`);
  return parts.length ? parts.join(" + ") : "every request";
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a VirtualService match

const MATCH_KEYS = new Set([
  "name",
  "uri",
  "scheme",
  "method",
  "authority",
  "headers",
  "port",
  "sourceLabels",
  "gateways",
  "queryParams",
  "ignoreUriCase",
  "withoutHeaders",
  "sourceNamespace",
  "statPrefix",
]);

export function checkMatch(an: RuleChecks, m: unknown, i: number, k: number, path: Path): MatchIR {
  const ir: MatchIR = { rule: i, index: k, path, uri: { kind: "prefix", value: "/", implicit: true }, headers: [], query: [], ok: true, mesh: true };
  if (!isObj(m)) {
    an.f(path, "invalid-value", "a match must be an object");
    ir.ok = false;
    return ir;
  }
  if (m.gateways !== undefined) {
    // match.gateways overrides spec.gateways for this match: without "mesh" it never applies to mesh traffic.
    const g = Array.isArray(m.gateways) ? m.gateways : [];
    ir.mesh = g.length === 0 || g.includes("mesh");
    if (!ir.mesh) return ir; // not part of the mesh routing: nothing else matters here
  }
  const bad = (p: Path, code: ProblemCode, message: string) => {
    ir.ok = false;
    an.f(p, code, message);
  };
  for (const key of Object.keys(m)) {
    if (!MATCH_KEYS.has(key)) bad([...path, key], "unknown-field", `match field ${key} is not known to this converter`);
  }
  if (m.sourceLabels !== undefined) bad([...path, "sourceLabels"], "source-labels", "sourceLabels selects client workloads; an HTTPRoute has no per-client match (it applies to every client of the Service)");
  if (m.sourceNamespace !== undefined) bad([...path, "sourceNamespace"], "source-namespace", "sourceNamespace scopes one match to a namespace's clients (waypoints ignore it); an HTTPRoute scopes only a whole route (a consumer route, applied by sidecars only)");
  if (m.withoutHeaders !== undefined) bad([...path, "withoutHeaders"], "without-headers", "withoutHeaders is a negative match; HTTPRoute has no negative header match");
  if (m.ignoreUriCase === true) bad([...path, "ignoreUriCase"], "ignore-uri-case", "ignoreUriCase has no HTTPRoute equivalent (a (?i) regex would change precedence: Istio ranks regex paths below every prefix)");
  if (m.scheme !== undefined) bad([...path, "scheme"], "match-scheme", "a scheme match has no HTTPRoute equivalent");
  if (m.authority !== undefined) bad([...path, "authority"], "match-authority", "an authority match has no HTTPRoute equivalent (mesh routes are selected by the Service, not the Host header)");
  if (m.name !== undefined) an.notes.push(`${pathStr([...path, "name"])} (${String(m.name)}) is dropped: HTTPRoute matches have no name`);
  if (m.statPrefix !== undefined) an.notes.push(`${pathStr([...path, "statPrefix"])} is dropped: HTTPRoute has no per-match stat prefix`);

  if (m.uri !== undefined) {
    const u = stringMatch(an, m.uri, [...path, "uri"], "uri");
    if (!u) ir.ok = false;
    else if (u.kind === "present") {
      // `uri: {}` matches every path
    } else if (u.kind === "exact") {
      const why = pathValueProblem(u.value);
      if (why) bad([...path, "uri", "exact"], "invalid-path", `Exact path "${u.value}" ${why} (HTTPRoute path validation)`);
      ir.uri = { kind: "exact", value: u.value, implicit: false };
    } else if (u.kind === "prefix") {
      const normalized = u.value === "" || u.value === "/" ? "/" : u.value.replace(/\/+$/, "") || "/";
      if (normalized !== "/") {
        const why = pathValueProblem(normalized);
        if (why) bad([...path, "uri", "prefix"], "invalid-path", `PathPrefix "${normalized}" ${why} (HTTPRoute path validation)`);
        else if (!an.o.acceptSegment) {
          // Not `bad`: the match stays analysable (as the PathPrefix it would become) for the precedence check.
          an.f(
            [...path, "uri", "prefix"],
            "prefix-semantics",
            u.value.endsWith("/")
              ? `VirtualService prefix "${u.value}" does not match "${normalized}", but PathPrefix "${u.value}" does (Gateway API ignores the trailing slash); the conversion would send "${normalized}" to this rule`
              : `VirtualService prefix "${u.value}" is a string prefix (it also matches "${u.value}x"), PathPrefix matches whole path segments only; the conversion would stop routing e.g. "${u.value}x" to this rule (set acceptPathSegmentPrefix to accept)`,
          );
        } else {
          an.notes.push(
            `${pathStr([...path, "uri", "prefix"])}: "${u.value}" becomes PathPrefix "${normalized}", which matches "${normalized}" and "${normalized}/…" but no longer other paths starting with "${u.value}" (e.g. "${normalized}x")${u.value.endsWith("/") ? `, and now also "${normalized}"` : ""}`,
          );
        }
      }
      ir.uri = { kind: "prefix", value: normalized, implicit: false, vsPrefix: u.value };
    } else {
      ir.uri = { kind: "regex", value: u.value, implicit: false };
    }
  }

  if (m.method !== undefined) {
    const mm = stringMatch(an, m.method, [...path, "method"], "method");
    if (!mm) ir.ok = false;
    else if (mm.kind === "present") {
      // every request has a method
    } else if (mm.kind !== "exact") {
      bad([...path, "method", mm.kind], "method-match", `method ${mm.kind} matches have no HTTPRoute equivalent (only one exact method per match)`);
    } else if (!(HTTP_METHODS as readonly string[]).includes(mm.value)) {
      bad([...path, "method", "exact"], "method-match", `method "${mm.value}" is not one of ${HTTP_METHODS.join(", ")} (HTTPRoute methods are upper case; the VirtualService compares case-sensitively)`);
    } else ir.method = mm.value;
  }

  if (m.headers !== undefined) {
    if (!isObj(m.headers)) bad([...path, "headers"], "invalid-value", "headers must be a map");
    else {
      const entries = Object.entries(m.headers);
      if (entries.length > 16) bad([...path, "headers"], "limit", `${entries.length} header matches; an HTTPRoute match allows at most 16`);
      for (const [name, sm] of entries) {
        const p: Path = [...path, "headers", name];
        const lower = name.toLowerCase();
        if (["uri", "scheme", "method", "authority"].includes(lower)) {
          bad(p, "header-match", `header key "${name}" is ignored by Istio (use the uri/scheme/method/authority match fields); converting it would add a condition the VirtualService never had`);
          continue;
        }
        if (lower.startsWith("@request.auth.claims")) {
          bad(p, "jwt-claim-match", `"${name}" matches a JWT claim (request metadata), not a header; HTTPRoute cannot match claims`);
          continue;
        }
        if (!HEADER_NAME.test(name) || name.length > 256) {
          bad(p, "header-match", `"${name}" is not a valid HTTPRoute header name`);
          continue;
        }
        const cond = stringMatch(an, sm, p, `header ${name}`);
        if (!cond) {
          ir.ok = false;
          continue;
        }
        const c: Cond = { name: lower, kind: cond.kind, value: cond.value };
        const emitted = emitCondValue(c);
        if (emitted.length > 4096) bad(p, "limit", `header value is longer than 4096 characters once converted`);
        else if (an.o.target.channel === "experimental" && !EXPERIMENTAL_HEADER_VALUE.test(emitted)) {
          bad(p, "header-match", `header value "${emitted}" does not match the experimental-channel pattern ^[!-~]+([\\t ]?[!-~]+)*$`);
        }
        ir.headers.push(c);
      }
    }
  }

  if (m.queryParams !== undefined) {
    if (!isObj(m.queryParams)) bad([...path, "queryParams"], "invalid-value", "queryParams must be a map");
    else {
      const entries = Object.entries(m.queryParams);
      if (entries.length > 16) bad([...path, "queryParams"], "limit", `${entries.length} query-parameter matches; an HTTPRoute match allows at most 16`);
      for (const [name, sm] of entries) {
        const p: Path = [...path, "queryParams", name];
        if (name.length === 0 || name.length > 256) {
          bad(p, "query-match", `"${name}" is not a valid query parameter name`);
          continue;
        }
        const cond = stringMatch(an, sm, p, `query parameter ${name}`);
        if (!cond) {
          ir.ok = false;
          continue;
        }
        const c: Cond = { name, kind: cond.kind, value: cond.value };
        if (emitCondValue(c).length > 1024) bad(p, "limit", "query value is longer than 1024 characters once converted");
        ir.query.push(c);
      }
    }
  }

  if (m.port !== undefined) {
    if (typeof m.port !== "number" || !Number.isInteger(m.port) || m.port < 1 || m.port > 65535) bad([...path, "port"], "invalid-value", "port must be 1–65535");
    else ir.port = m.port;
  }
  return ir;
}

/** Reads an Istio StringMatch; `regex: "*"` and `{}` mean "present" (Istio: present_match). */
export function stringMatch(an: RuleChecks, v: unknown, path: Path, what: string): { kind: CondKind; value: string } | null {
  if (!isObj(v)) {
    an.f(path, "invalid-value", `${what} must be a StringMatch (exact, prefix or regex)`);
    return null;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return { kind: "present", value: "" };
  if (keys.length > 1 || !["exact", "prefix", "regex"].includes(keys[0]) || typeof v[keys[0]] !== "string") {
    an.f(path, "invalid-value", `${what} must set exactly one of exact, prefix, regex (a string)`);
    return null;
  }
  const kind = keys[0] as "exact" | "prefix" | "regex";
  const value = v[kind] as string;
  if (kind === "regex" && value === "*") return { kind: "present", value: "" };
  return { kind, value };
}

// ---------------------------------------------------------------------------------------------------------------
// Emitting HTTPRouteMatches

export function emitCondValue(c: Cond): string {
  switch (c.kind) {
    case "exact":
      return c.value === "" ? "^$" : c.value;
    case "prefix":
      return `${quoteMeta(c.value)}.*`;
    case "regex":
      return c.value;
    case "present":
      return ".*";
  }
}

export function emitCond(c: Cond): Obj {
  const value = emitCondValue(c);
  const type = c.kind === "exact" && c.value !== "" ? "Exact" : "RegularExpression";
  return { type, name: c.name, value };
}

export function emitMatch(m: MatchIR): Obj {
  const out: Obj = {};
  if (!m.uri.implicit) {
    out.path = { type: m.uri.kind === "exact" ? "Exact" : m.uri.kind === "prefix" ? "PathPrefix" : "RegularExpression", value: m.uri.value };
  }
  if (m.headers.length) out.headers = m.headers.map(emitCond);
  if (m.query.length) out.queryParams = m.query.map(emitCond);
  if (m.method) out.method = m.method;
  if (Object.keys(out).length === 0) out.path = { type: "PathPrefix", value: "/" };
  return out;
}
