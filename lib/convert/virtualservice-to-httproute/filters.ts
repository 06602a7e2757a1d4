/**
 * Per-rule features that become HTTPRoute filters or rule fields: header modifiers, redirect, rewrite, timeout,
 * retries, mirrors and CORS. Each reads the VirtualService key, records problems on the analysis, and fills the
 * rule's representation when the conversion is exact.
 */

import type { RuleChecks, RuleIR } from "./ir.js";
import { parseDuration, toGatewayDuration } from "./durations.js";
import { featureRequirement } from "./gateway-api.js";
import { CORS_ORIGIN, HEADER_NAME, HTTP_METHODS, PRECISE_HOSTNAME, pathStr } from "./hosts.js";
import { isObj, type Obj, type Path, type ProblemCode } from "./types.js";

const BASE_RETRY_ON = ["connect-failure", "refused-stream", "unavailable", "cancelled"];

/** VirtualService `headers` (request/response set/add/remove) → header-modifier filters; null when refused. */
export function headerOperations(an: RuleChecks, h: unknown, path: Path): Obj[] | null {
  if (!isObj(h)) {
    an.f(path, "invalid-value", "headers must be an object");
    return null;
  }
  const out: Obj[] = [];
  let ok = true;
  for (const key of Object.keys(h)) {
    if (key !== "request" && key !== "response") {
      an.f([...path, key], "unknown-field", `headers.${key} is not known (only request and response)`);
      ok = false;
    }
  }
  for (const dir of ["request", "response"] as const) {
    const ops = h[dir];
    if (ops === undefined) continue;
    const p: Path = [...path, dir];
    if (!isObj(ops)) {
      an.f(p, "invalid-value", `headers.${dir} must be an object`);
      ok = false;
      continue;
    }
    const mod: Obj = {};
    for (const key of Object.keys(ops)) {
      if (!["set", "add", "remove"].includes(key)) {
        an.f([...p, key], "unknown-field", `headers.${dir}.${key} is not known (only set, add, remove)`);
        ok = false;
      }
    }
    for (const op of ["set", "add"] as const) {
      const m = ops[op];
      if (m === undefined) continue;
      if (!isObj(m)) {
        an.f([...p, op], "invalid-value", `${op} must be a map`);
        ok = false;
        continue;
      }
      const list: Obj[] = [];
      for (const [name, value] of Object.entries(m)) {
        const hp: Path = [...p, op, name];
        if (!HEADER_NAME.test(name) || name.length > 256) {
          an.f(hp, "header-modifier", `"${name}" is not a valid HTTPRoute header name (pseudo-headers such as :authority cannot be set)`);
          ok = false;
          continue;
        }
        if (typeof value !== "string" || value.length === 0 || value.length > 4096) {
          an.f(hp, "header-modifier", `the value of ${name} must be a string of 1–4096 characters in an HTTPRoute`);
          ok = false;
          continue;
        }
        if (/%[A-Z_]+(\(.*?\))?%/.test(value)) {
          an.notes.push(`${pathStr(hp)} uses an Envoy %…% substitution; Istio keeps it in HTTPRoute header filters, other implementations may not`);
        }
        list.push({ name, value });
      }
      if (list.length > 16) {
        an.f([...p, op], "limit", `${list.length} headers to ${op}; an HTTPRoute header filter allows at most 16`);
        ok = false;
      }
      if (list.length) mod[op] = list;
    }
    if (isObj(ops.set) && isObj(ops.add)) {
      const setNames = new Set(Object.keys(ops.set).map((n) => n.toLowerCase()));
      for (const n of Object.keys(ops.add)) {
        if (setNames.has(n.toLowerCase())) {
          an.f([...p, "add", n], "header-modifier", `header ${n} is both set and added; an HTTPRoute allows one action per header name`);
          ok = false;
        }
      }
    }
    if (ops.remove !== undefined) {
      if (!Array.isArray(ops.remove) || ops.remove.some((n) => typeof n !== "string" || !HEADER_NAME.test(n))) {
        an.f([...p, "remove"], "header-modifier", "remove must list valid header names");
        ok = false;
      } else if (ops.remove.length > 16) {
        an.f([...p, "remove"], "limit", `${ops.remove.length} headers to remove; an HTTPRoute header filter allows at most 16`);
        ok = false;
      } else if (ops.remove.length) mod.remove = [...new Set(ops.remove as string[])];
    }
    if (Object.keys(mod).length) {
      const type = dir === "request" ? "RequestHeaderModifier" : "ResponseHeaderModifier";
      out.push({ type, [dir === "request" ? "requestHeaderModifier" : "responseHeaderModifier"]: mod });
    }
  }
  return ok ? out : null;
}

export function checkRedirect(an: RuleChecks, v: unknown, rule: RuleIR, path: Path): void {
  if (!isObj(v)) return an.f(path, "invalid-value", "redirect must be an object");
  const filter: Obj = {};
  let ok = true;
  const bad = (p: Path, message: string, code: ProblemCode = "redirect") => {
    ok = false;
    an.f(p, code, message);
  };
  for (const key of Object.keys(v)) {
    if (!["uri", "authority", "port", "derivePort", "scheme", "redirectCode"].includes(key)) bad([...path, key], `redirect.${key} is not known to this converter`, "unknown-field");
  }
  if (v.scheme !== undefined) {
    if (v.scheme !== "http" && v.scheme !== "https") bad([...path, "scheme"], `redirect scheme "${String(v.scheme)}" is not http or https`);
    else filter.scheme = v.scheme;
  }
  let port: number | undefined;
  if (v.authority !== undefined) {
    const a = String(v.authority).toLowerCase();
    const mm = /^([^:]+)(?::(\d+))?$/.exec(a);
    if (!mm || !PRECISE_HOSTNAME.test(mm[1]) || mm[1].length > 253) bad([...path, "authority"], `redirect authority "${String(v.authority)}" is not a precise host name (HTTPRoute hostname)`);
    else {
      filter.hostname = mm[1];
      if (mm[2]) port = Number(mm[2]);
    }
  }
  if (v.uri !== undefined) {
    if (typeof v.uri !== "string" || v.uri.length === 0 || v.uri.length > 1024) bad([...path, "uri"], "redirect uri must be a path of 1–1024 characters");
    else filter.path = { type: "ReplaceFullPath", replaceFullPath: v.uri };
  }
  let needsRequestPort = false;
  if (v.port !== undefined) {
    if (typeof v.port !== "number" || !Number.isInteger(v.port) || v.port < 1 || v.port > 65535) bad([...path, "port"], "redirect port must be 1–65535");
    else if (port !== undefined && port !== v.port) bad([...path, "port"], "redirect port conflicts with the port in redirect.authority");
    else port = v.port;
  }
  if (v.derivePort !== undefined) {
    if (v.derivePort === "FROM_REQUEST_PORT") {
      if (port !== undefined) bad([...path, "derivePort"], "derivePort conflicts with an explicit redirect port");
      else if (filter.scheme !== undefined) needsRequestPort = true; // Istio maps scheme-without-port to FROM_PROTOCOL_DEFAULT
    } else if (v.derivePort !== "FROM_PROTOCOL_DEFAULT") {
      bad([...path, "derivePort"], `derivePort "${String(v.derivePort)}" is not known`);
    } else if (port !== undefined) {
      bad([...path, "derivePort"], "derivePort conflicts with an explicit redirect port");
    }
  }
  if (port !== undefined) filter.port = port;
  const code = v.redirectCode === undefined ? 301 : v.redirectCode;
  if (![301, 302, 303, 307, 308].includes(code as number)) bad([...path, "redirectCode"], `redirect code ${String(code)} is not one HTTPRoute allows (301, 302, 303, 307, 308)`);
  // The VirtualService default is 301, the HTTPRoute default 302: always write it.
  filter.statusCode = code;
  if (ok) {
    if (port === undefined && filter.scheme === undefined && v.derivePort !== "FROM_REQUEST_PORT") {
      an.notes.push(
        `${pathStr(path)}: Istio turns an HTTPRoute redirect without port or scheme into derivePort FROM_REQUEST_PORT, so the Location header carries the Service port; the VirtualService kept the port the client wrote in its Host header (the same for clients that send it)`,
      );
    }
    rule.redirect = { path, filter, needsRequestPort };
  }
}

export function checkRewrite(an: RuleChecks, v: unknown, rule: RuleIR, path: Path): void {
  if (!isObj(v)) return an.f(path, "invalid-value", "rewrite must be an object");
  const rw: NonNullable<RuleIR["rewrite"]> = { path };
  let ok = true;
  for (const key of Object.keys(v)) {
    if (!["uri", "authority", "uriRegexRewrite"].includes(key)) {
      an.f([...path, key], "unknown-field", `rewrite.${key} is not known to this converter`);
      ok = false;
    }
  }
  if (v.uri !== undefined && v.uriRegexRewrite !== undefined) {
    an.f([...path, "uriRegexRewrite"], "rewrite", "rewrite.uri and rewrite.uriRegexRewrite cannot both be set");
    ok = false;
  }
  if (v.authority !== undefined) {
    const a = String(v.authority).toLowerCase();
    if (!PRECISE_HOSTNAME.test(a) || a.length > 253) {
      an.f([...path, "authority"], "rewrite", `rewrite authority "${String(v.authority)}" is not a precise host name (URLRewrite hostname has no port)`);
      ok = false;
    } else rw.authority = a;
  }
  if (v.uriRegexRewrite !== undefined) {
    const r = v.uriRegexRewrite;
    if (isObj(r) && (r.match === "/.*" || r.match === "^/.*$") && typeof r.rewrite === "string" && !/\\\d/.test(r.rewrite) && r.rewrite.startsWith("/")) {
      rw.fullPath = r.rewrite;
    } else {
      an.f([...path, "uriRegexRewrite"], "rewrite", "uriRegexRewrite converts only as a full-path replacement (match \"/.*\" without capture groups); other regex rewrites have no HTTPRoute equivalent");
      ok = false;
    }
  }
  if (v.uri !== undefined) {
    if (typeof v.uri !== "string" || v.uri.length === 0 || v.uri.length > 1024) {
      an.f([...path, "uri"], "rewrite", "rewrite uri must be a path of 1–1024 characters");
      ok = false;
    } else {
      for (const m of rule.matches) {
        if (!m.mesh) continue;
        if (m.uri.implicit || (m.uri.kind === "prefix" && m.uri.value === "/")) {
          an.f(
            [...path, "uri"],
            "rewrite",
            `rewrite.uri on ${m.index === null ? "a rule without a uri match" : `${pathStr(m.path)} (no uri, or prefix "/")`} replaces the "/" prefix as a string ("/foo" → "${v.uri}foo"); HTTPRoute ReplacePrefixMatch works per path segment, so the rewritten path would differ`,
          );
          ok = false;
          break;
        }
      }
      rw.uri = v.uri;
    }
  }
  if (ok) rule.rewrite = rw;
}

export function checkTimeout(an: RuleChecks, v: unknown, rule: RuleIR, path: Path): void {
  const d = toGatewayDuration(v);
  if (d === null) return an.f(path, "duration", `timeout "${String(v)}" cannot be written as a Gateway API duration (whole milliseconds, e.g. 500ms or 1s500ms)`);
  if (!an.supports("timeouts")) return an.channelProblem(path, "timeouts", "timeout");
  rule.timeouts = { ...rule.timeouts, request: d };
}

export function checkRetries(an: RuleChecks, v: unknown, rule: RuleIR, path: Path): void {
  if (!isObj(v)) return an.f(path, "invalid-value", "retries must be an object");
  let ok = true;
  const bad = (p: Path, code: ProblemCode, message: string) => {
    ok = false;
    an.f(p, code, message);
  };
  for (const key of Object.keys(v)) {
    if (!["attempts", "perTryTimeout", "retryOn", "retryRemoteLocalities", "retryIgnorePreviousHosts", "backoff"].includes(key)) {
      bad([...path, key], "unknown-field", `retries.${key} is not known to this converter`);
    }
  }
  const attempts = v.attempts ?? 0;
  if (attempts === 0) {
    return bad(
      v.attempts === undefined ? path : [...path, "attempts"],
      "retries-disabled",
      "retries with attempts 0 (or unset) disables retries; an HTTPRoute cannot disable them (retry.attempts has minimum 1, and without retry Istio applies its default of 2 retries)",
    );
  }
  if (typeof attempts !== "number" || !Number.isInteger(attempts) || attempts < 0) return bad([...path, "attempts"], "invalid-value", "attempts must be a non-negative integer");
  const retry: Obj = { attempts };
  // retryOn: Istio adds connect-failure,refused-stream,unavailable,cancelled to every HTTPRoute retry, and numeric codes.
  let codes: number[] = [503];
  if (v.retryOn !== undefined) {
    const tokens = String(v.retryOn)
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    codes = [];
    const others = new Set<string>();
    for (const t of tokens) {
      if (/^\d+$/.test(t)) {
        const n = Number(t);
        if (n < 400 || n > 599) bad([...path, "retryOn"], "retry", `retry status code ${t} is outside 400–599 (HTTPRoute retry codes)`);
        else codes.push(n);
      } else others.add(t);
    }
    const unknown = [...others].filter((t) => !BASE_RETRY_ON.includes(t) && t !== "retriable-status-codes");
    const missing = BASE_RETRY_ON.filter((t) => !others.has(t));
    if (unknown.length) {
      bad([...path, "retryOn"], "retry", `retryOn ${unknown.join(", ")} cannot be expressed in an HTTPRoute retry (only numeric status codes; Istio always adds ${BASE_RETRY_ON.join(",")})`);
    } else if (missing.length) {
      bad([...path, "retryOn"], "retry", `retryOn leaves out ${missing.join(", ")}, but Istio adds them to every HTTPRoute retry; the HTTPRoute would retry more`);
    }
  }
  if (codes.length) retry.codes = [...new Set(codes)];
  if (v.retryRemoteLocalities === true) bad([...path, "retryRemoteLocalities"], "retry", "retryRemoteLocalities has no HTTPRoute equivalent");
  if (v.retryIgnorePreviousHosts === false) bad([...path, "retryIgnorePreviousHosts"], "retry", "retryIgnorePreviousHosts: false has no HTTPRoute equivalent (Istio keeps the default, true)");
  if (v.backoff !== undefined) {
    const b = toGatewayDuration(v.backoff);
    if (b === null) bad([...path, "backoff"], "duration", `backoff "${String(v.backoff)}" cannot be written as a Gateway API duration`);
    else retry.backoff = b;
  }
  if (v.perTryTimeout !== undefined) {
    const t = toGatewayDuration(v.perTryTimeout);
    if (t === null) bad([...path, "perTryTimeout"], "duration", `perTryTimeout "${String(v.perTryTimeout)}" cannot be written as a Gateway API duration`);
    else if (!an.supports("timeouts")) {
      ok = false;
      an.channelProblem([...path, "perTryTimeout"], "timeouts", "perTryTimeout (timeouts.backendRequest)");
    } else rule.timeouts = { ...rule.timeouts, backendRequest: t };
  }
  if (!an.supports("retry")) {
    ok = false;
    an.channelProblem(path, "retry", "retries");
  }
  if (ok) {
    rule.retry = retry;
    if (v.retryOn === undefined) {
      an.notes.push(`${pathStr(path)}: retryOn is unset, so the HTTPRoute retry lists code 503 (Istio's default retriable status code for VirtualServices)`);
    }
  }
}

export function checkMirrors(an: RuleChecks, r: Obj, rule: RuleIR, path: Path): void {
  if (r.mirror !== undefined && r.mirrors !== undefined) {
    an.f([...path, "mirrors"], "mirror", "mirror and mirrors cannot both be set");
    return;
  }
  const percentOf = (v: unknown, p: Path): number | null | undefined => {
    if (v === undefined) return undefined;
    const n = isObj(v) ? v.value : v;
    if (typeof n !== "number" || n < 0 || n > 100) {
      an.f(p, "invalid-value", "mirror percentage must be 0–100");
      return null;
    }
    return n;
  };
  if (r.mirror !== undefined) {
    const p: Path = [...path, "mirror"];
    if (!isObj(r.mirror)) return an.f(p, "invalid-value", "mirror must be a destination");
    if (!an.checkDestination(r.mirror, p)) return;
    const pp: Path = r.mirrorPercentage !== undefined ? [...path, "mirrorPercentage"] : [...path, "mirrorPercent"];
    const percent = r.mirrorPercentage !== undefined ? percentOf(r.mirrorPercentage, pp) : percentOf(r.mirrorPercent, pp);
    if (percent === null) return;
    if (mirrorPercentOk(an, percent, pp)) rule.mirrors.push({ path: p, dest: r.mirror, percent, percentPath: pp });
  } else if (r.mirrorPercent !== undefined || r.mirrorPercentage !== undefined) {
    an.notes.push(`${pathStr(path)}: mirrorPercent/mirrorPercentage without mirror has no effect and is dropped`);
  }
  if (r.mirrors !== undefined) {
    if (!Array.isArray(r.mirrors)) return an.f([...path, "mirrors"], "invalid-value", "mirrors must be a list");
    r.mirrors.forEach((m, k) => {
      const p: Path = [...path, "mirrors", k];
      if (!isObj(m) || !isObj(m.destination)) return an.f(p, "invalid-value", "mirrors[] needs a destination");
      for (const key of Object.keys(m)) {
        if (!["destination", "percentage"].includes(key)) an.f([...p, key], "unknown-field", `mirrors[].${key} is not known to this converter`);
      }
      if (!an.checkDestination(m.destination, [...p, "destination"])) return;
      const percent = percentOf(m.percentage, [...p, "percentage"]);
      if (percent === null) return;
      if (mirrorPercentOk(an, percent, [...p, "percentage"])) rule.mirrors.push({ path: [...p, "destination"], dest: m.destination, percent, percentPath: [...p, "percentage"] });
    });
  }
}

export function mirrorPercentOk(an: RuleChecks, percent: number | undefined, path: Path): boolean {
  if (percent === undefined || an.supports("mirrorPercent")) return true;
  if (percent === 100) {
    an.notes.push(`${pathStr(path)}: 100% is the RequestMirror default; the percent field is left out (${featureRequirement("mirrorPercent")})`);
    return true;
  }
  an.channelProblem(path, "mirrorPercent", `mirroring ${percent}% of requests`);
  return false;
}

export function checkCors(an: RuleChecks, v: unknown, rule: RuleIR, path: Path): void {
  if (!isObj(v)) return an.f(path, "invalid-value", "corsPolicy must be an object");
  if (!an.supports("cors")) return an.channelProblem(path, "cors", "corsPolicy");
  const cors: Obj = {};
  let ok = true;
  const bad = (p: Path, message: string, code: ProblemCode = "cors") => {
    ok = false;
    an.f(p, code, message);
  };
  for (const key of Object.keys(v)) {
    if (!["allowOrigins", "allowOrigin", "allowMethods", "allowHeaders", "exposeHeaders", "maxAge", "allowCredentials", "unmatchedPreflights"].includes(key)) {
      bad([...path, key], `corsPolicy.${key} is not known to this converter`, "unknown-field");
    }
  }
  const origins: string[] = [];
  if (v.allowOrigins !== undefined) {
    (Array.isArray(v.allowOrigins) ? v.allowOrigins : []).forEach((o, k) => {
      const p: Path = [...path, "allowOrigins", k];
      if (!isObj(o)) return bad(p, "origin must be a StringMatch");
      if (typeof o.exact === "string") origins.push(o.exact);
      else if (o.regex === ".*" || o.regex === "*" || o.prefix === "") origins.push("*");
      else bad(p, "only exact origins (or a match-all) convert; HTTPRoute CORS origins are exact or '*'-wildcard hosts");
    });
  } else if (v.allowOrigin !== undefined) {
    (Array.isArray(v.allowOrigin) ? v.allowOrigin : []).forEach((o) => origins.push(String(o)));
  }
  origins.forEach((o, k) => {
    if (!CORS_ORIGIN.test(o)) bad([...path, v.allowOrigins !== undefined ? "allowOrigins" : "allowOrigin", k], `origin "${o}" is not a valid HTTPRoute CORS origin (scheme://host[:port] or '*')`);
  });
  if (origins.includes("*") && origins.length > 1) bad([...path, "allowOrigins"], "'*' must be the only origin in an HTTPRoute");
  if (origins.length > 64) bad([...path, "allowOrigins"], "at most 64 origins", "limit");
  if (origins.length) cors.allowOrigins = [...new Set(origins)];
  if (v.allowMethods !== undefined) {
    const methods = (Array.isArray(v.allowMethods) ? v.allowMethods : []).map(String);
    const invalid = methods.filter((m) => m !== "*" && !(HTTP_METHODS as readonly string[]).includes(m));
    if (invalid.length) bad([...path, "allowMethods"], `methods ${invalid.join(", ")} are not HTTPRoute methods`);
    else if (methods.length > 9) bad([...path, "allowMethods"], "at most 9 methods", "limit");
    else if (methods.length) cors.allowMethods = [...new Set(methods)];
  }
  for (const key of ["allowHeaders", "exposeHeaders"] as const) {
    if (v[key] === undefined) continue;
    const list = (Array.isArray(v[key]) ? v[key] : []).map(String);
    if (list.some((h) => h !== "*" && !HEADER_NAME.test(h))) bad([...path, key], `${key} lists invalid header names`);
    else if (list.length > 64) bad([...path, key], `at most 64 ${key}`, "limit");
    else if (list.length) cors[key] = [...new Set(list)];
  }
  if (v.maxAge !== undefined) {
    const ns = parseDuration(v.maxAge);
    if (ns === null || ns % 1000000000n !== 0n || ns < 1000000000n) bad([...path, "maxAge"], `maxAge "${String(v.maxAge)}" is not a whole number of seconds >= 1`);
    else cors.maxAge = Number(ns / 1000000000n);
  } else {
    an.notes.push(`${pathStr(path)}: maxAge is unset; the HTTPRoute CORS filter defaults it to 5 seconds (Istio then sends Access-Control-Max-Age: 5)`);
  }
  if (v.allowCredentials !== undefined) {
    if (typeof v.allowCredentials !== "boolean") bad([...path, "allowCredentials"], "allowCredentials must be a boolean", "invalid-value");
    else if (v.allowCredentials) cors.allowCredentials = true;
  }
  if (v.unmatchedPreflights !== undefined && v.unmatchedPreflights !== "FORWARD" && v.unmatchedPreflights !== "UNSPECIFIED") {
    bad([...path, "unmatchedPreflights"], `unmatchedPreflights ${String(v.unmatchedPreflights)} has no HTTPRoute equivalent (Istio forwards unmatched preflights)`);
  }
  if (ok) rule.corsFilter = { type: "CORS", cors };
}
