/** CRD rules the JSON schema cannot check (CEL in the gateway-api v1 CRDs, reference §3). */

import { gatewayDurationMs } from "./durations.js";
import { featureRequirement, gatewayApiSupports, targetLabel, type GatewayApiFeature } from "./gateway-api.js";
import { EXPERIMENTAL_HEADER_VALUE, SECTION_NAME, pathValueProblem } from "./hosts.js";
import { isObj, type GatewayApiTarget, type Obj, type Path } from "./types.js";

export interface RouteLimitViolation {
  /** Path inside the HTTPRoute. */
  path: (string | number)[];
  message: string;
}

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Checks an HTTPRoute against the validation rules of the Gateway API CRDs that a JSON-schema validator does not
 * apply (CEL rules, listMap keys, cross-field limits). With `target`, also reports fields the target
 * channel/version does not have. Returns [] when the route is valid.
 */
export function checkHttpRouteLimits(route: object, target?: GatewayApiTarget): RouteLimitViolation[] {
  const out: RouteLimitViolation[] = [];
  const add = (path: Path, message: string) => out.push({ path, message });
  const r = route as Obj;
  const spec = isObj(r.spec) ? r.spec : {};
  const has = (f: GatewayApiFeature) => !target || gatewayApiSupports(target, f);
  const featureMsg = (f: GatewayApiFeature) => `is not in the Gateway API ${target ? targetLabel(target) : ""} CRD: ${featureRequirement(f)}`;

  // parentRefs
  const parents = arr(spec.parentRefs);
  if (parents.length > 32) add(["spec", "parentRefs"], "must have at most 32 entries");
  const pkey = (p: Obj) => `${p.group ?? "gateway.networking.k8s.io"}/${p.kind ?? "Gateway"}/${p.namespace ?? ""}/${p.name}`;
  const groups = new Map<string, Obj[]>();
  parents.forEach((p, k) => {
    if (!isObj(p)) return;
    groups.set(pkey(p), [...(groups.get(pkey(p)) ?? []), p]);
    if (p.kind === "Service" && p.group !== "") add(["spec", "parentRefs", k, "group"], 'must be "" for a Service parent (the default group is gateway.networking.k8s.io)');
    if (p.port !== undefined && !has("parentRefPort")) add(["spec", "parentRefs", k, "port"], featureMsg("parentRefPort"));
  });
  for (const [key, list] of groups) {
    if (list.length < 2) continue;
    const ids = list.map((p) => `${p.sectionName ?? ""}/${p.port ?? ""}`);
    if (list.some((p) => !p.sectionName && (target?.channel !== "experimental" || !p.port)) || new Set(ids).size !== ids.length) {
      add(["spec", "parentRefs"], `parent ${key} is referenced more than once without a unique sectionName`);
    }
  }
  if (arr(spec.hostnames).length > 16) add(["spec", "hostnames"], "must have at most 16 entries");

  // rules
  const rules = arr(spec.rules);
  if (rules.length > 16) add(["spec", "rules"], `has ${rules.length} rules; at most 16 are allowed`);
  const totalMatches = rules.reduce<number>((n, rule) => n + (isObj(rule) ? arr(rule.matches).length : 0), 0);
  if (totalMatches > 128) add(["spec", "rules"], `has ${totalMatches} matches in total; at most 128 are allowed`);
  const ruleNames = new Set<string>();

  const checkHeaderFilter = (f: Obj, path: Path) => {
    for (const op of ["set", "add"]) {
      const list = arr(f[op]);
      if (list.length > 16) add([...path, op], "must have at most 16 entries");
      const names = list.map((h) => (isObj(h) ? String(h.name).toLowerCase() : ""));
      if (new Set(names).size !== names.length) add([...path, op], "has duplicate header names");
    }
    const remove = arr(f.remove);
    if (remove.length > 16) add([...path, "remove"], "must have at most 16 entries");
    if (new Set(remove).size !== remove.length) add([...path, "remove"], "has duplicate header names");
  };
  const checkPathModifier = (pm: unknown, path: Path): boolean => {
    if (!isObj(pm)) return false;
    if (pm.type === "ReplaceFullPath" && (pm.replaceFullPath === undefined || pm.replacePrefixMatch !== undefined)) add(path, "type ReplaceFullPath needs replaceFullPath (only)");
    if (pm.type === "ReplacePrefixMatch" && (pm.replacePrefixMatch === undefined || pm.replaceFullPath !== undefined)) add(path, "type ReplacePrefixMatch needs replacePrefixMatch (only)");
    return pm.type === "ReplacePrefixMatch";
  };
  const checkBackendObjectRef = (b: Obj, path: Path) => {
    const isService = (b.group === undefined || b.group === "") && (b.kind === undefined || b.kind === "Service");
    if (isService && b.port === undefined) add(path, "must have port for Service reference");
  };
  const filterField: Record<string, string> = {
    RequestHeaderModifier: "requestHeaderModifier",
    ResponseHeaderModifier: "responseHeaderModifier",
    RequestRedirect: "requestRedirect",
    URLRewrite: "urlRewrite",
    RequestMirror: "requestMirror",
    CORS: "cors",
    ExternalAuth: "externalAuth",
    ExtensionRef: "extensionRef",
  };
  const checkFilters = (filters: unknown[], path: Path): { prefixReplace: boolean; redirect: boolean } => {
    let prefixReplace = false;
    let redirect = false;
    if (filters.length > 16) add(path, "must have at most 16 filters");
    const counts = new Map<string, number>();
    filters.forEach((f, k) => {
      const fp: Path = [...path, k];
      if (!isObj(f)) return;
      const type = String(f.type);
      counts.set(type, (counts.get(type) ?? 0) + 1);
      for (const [t, field] of Object.entries(filterField)) {
        if (t === type && f[field] === undefined) add(fp, `filter type ${t} needs ${field}`);
        if (t !== type && f[field] !== undefined) add([...fp, field], `must not be set for filter type ${type}`);
      }
      if (type === "RequestHeaderModifier" && isObj(f.requestHeaderModifier)) checkHeaderFilter(f.requestHeaderModifier, [...fp, "requestHeaderModifier"]);
      if (type === "ResponseHeaderModifier" && isObj(f.responseHeaderModifier)) checkHeaderFilter(f.responseHeaderModifier, [...fp, "responseHeaderModifier"]);
      if (type === "RequestRedirect" && isObj(f.requestRedirect)) {
        redirect = true;
        if (checkPathModifier(f.requestRedirect.path, [...fp, "requestRedirect", "path"])) prefixReplace = true;
      }
      if (type === "URLRewrite" && isObj(f.urlRewrite)) {
        if (checkPathModifier(f.urlRewrite.path, [...fp, "urlRewrite", "path"])) prefixReplace = true;
      }
      if (type === "RequestMirror" && isObj(f.requestMirror)) {
        const m = f.requestMirror;
        if (isObj(m.backendRef)) checkBackendObjectRef(m.backendRef, [...fp, "requestMirror", "backendRef"]);
        if (m.percent !== undefined && m.fraction !== undefined) add([...fp, "requestMirror"], "only one of percent or fraction may be specified");
        if ((m.percent !== undefined || m.fraction !== undefined) && !has("mirrorPercent")) add([...fp, "requestMirror"], featureMsg("mirrorPercent"));
        if (isObj(m.fraction)) {
          const num = Number(m.fraction.numerator);
          const den = m.fraction.denominator === undefined ? 100 : Number(m.fraction.denominator);
          if (!(den >= 1) || !(num >= 0) || num > den) add([...fp, "requestMirror", "fraction"], "numerator must be 0..denominator and denominator >= 1");
        }
      }
      if (type === "CORS") {
        if (!has("cors")) add(fp, featureMsg("cors"));
        const c = isObj(f.cors) ? f.cors : {};
        const origins = arr(c.allowOrigins);
        if (origins.includes("*") && origins.length > 1) add([...fp, "cors", "allowOrigins"], "'*' must be the only origin");
        const methods = arr(c.allowMethods);
        if (methods.includes("*") && methods.length > 1) add([...fp, "cors", "allowMethods"], "'*' must be the only method");
        if (c.maxAge !== undefined && !(Number(c.maxAge) >= 1)) add([...fp, "cors", "maxAge"], "must be >= 1");
      }
    });
    for (const t of ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite", "CORS", "ExternalAuth"]) {
      if ((counts.get(t) ?? 0) > 1) add(path, `filter ${t} cannot be repeated`);
    }
    if (counts.get("RequestRedirect") && counts.get("URLRewrite")) add(path, "may specify either RequestRedirect or URLRewrite, but not both");
    return { prefixReplace, redirect };
  };

  rules.forEach((rule, ri) => {
    const rp: Path = ["spec", "rules", ri];
    if (!isObj(rule)) return;
    if (rule.name !== undefined) {
      if (!has("ruleName")) add([...rp, "name"], featureMsg("ruleName"));
      const n = String(rule.name);
      if (!SECTION_NAME.test(n) || n.length > 253) add([...rp, "name"], "is not a valid SectionName");
      if (ruleNames.has(n)) add([...rp, "name"], "rule names must be unique within the route");
      ruleNames.add(n);
    }
    const matches = arr(rule.matches);
    if (matches.length > 64) add([...rp, "matches"], "must have at most 64 matches");
    matches.forEach((m, mi) => {
      const mp: Path = [...rp, "matches", mi];
      if (!isObj(m)) return;
      if (isObj(m.path) && (m.path.type === undefined || m.path.type === "Exact" || m.path.type === "PathPrefix")) {
        const why = pathValueProblem(String(m.path.value ?? "/"));
        if (why) add([...mp, "path", "value"], why);
      }
      for (const key of ["headers", "queryParams"]) {
        const list = arr(m[key]);
        if (list.length > 16) add([...mp, key], "must have at most 16 entries");
        const names = list.map((h) => (isObj(h) ? String(h.name) : ""));
        if (new Set(names).size !== names.length) add([...mp, key], "has duplicate names");
        if (key === "headers" && target?.channel === "experimental") {
          list.forEach((h, hi) => {
            if (isObj(h) && !EXPERIMENTAL_HEADER_VALUE.test(String(h.value))) add([...mp, key, hi, "value"], "does not match ^[!-~]+([\\t ]?[!-~]+)*$ (experimental CRD)");
          });
        }
      }
    });
    const { prefixReplace, redirect } = checkFilters(arr(rule.filters), [...rp, "filters"]);
    const backends = arr(rule.backendRefs);
    if (backends.length > 16) add([...rp, "backendRefs"], "must have at most 16 entries");
    if (redirect && backends.length > 0) add([...rp], "RequestRedirect filter must not be used together with backendRefs");
    let backendPrefixReplace = false;
    backends.forEach((b, bi) => {
      const bp: Path = [...rp, "backendRefs", bi];
      if (!isObj(b)) return;
      checkBackendObjectRef(b, bp);
      if (b.weight !== undefined && !(Number(b.weight) >= 0 && Number(b.weight) <= 1000000)) add([...bp, "weight"], "must be 0–1000000");
      const f = checkFilters(arr(b.filters), [...bp, "filters"]);
      if (f.prefixReplace) backendPrefixReplace = true;
    });
    if (prefixReplace || backendPrefixReplace) {
      const effective = matches.length === 0 ? [{ path: { type: "PathPrefix", value: "/" } }] : matches;
      const one = effective.length === 1 && isObj(effective[0]) && isObj((effective[0] as Obj).path) && ((effective[0] as Obj).path as Obj).type === "PathPrefix";
      if (!one) add([...rp, "matches"], "ReplacePrefixMatch needs exactly one match, of type PathPrefix");
    }
    if (isObj(rule.timeouts)) {
      if (!has("timeouts")) add([...rp, "timeouts"], featureMsg("timeouts"));
      const req = rule.timeouts.request !== undefined ? gatewayDurationMs(rule.timeouts.request) : undefined;
      const back = rule.timeouts.backendRequest !== undefined ? gatewayDurationMs(rule.timeouts.backendRequest) : undefined;
      if (req === null) add([...rp, "timeouts", "request"], "is not a Gateway API duration");
      if (back === null) add([...rp, "timeouts", "backendRequest"], "is not a Gateway API duration");
      if (typeof req === "bigint" && typeof back === "bigint" && req !== 0n && back > req) {
        add([...rp, "timeouts"], `backendRequest (${String(rule.timeouts.backendRequest)}) must be <= request (${String(rule.timeouts.request)})`);
      }
    }
    if (isObj(rule.retry)) {
      if (!has("retry")) add([...rp, "retry"], featureMsg("retry"));
      for (const c of arr(rule.retry.codes)) if (!(Number(c) >= 400 && Number(c) <= 599)) add([...rp, "retry", "codes"], "codes must be 400–599");
      if (rule.retry.backoff !== undefined && gatewayDurationMs(rule.retry.backoff) === null) add([...rp, "retry", "backoff"], "is not a Gateway API duration");
    }
  });
  return out;
}
