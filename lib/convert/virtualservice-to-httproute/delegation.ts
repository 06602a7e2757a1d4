/**
 * Delegation: a root VirtualService (with `hosts`) whose http rules hand over to delegate VirtualServices (no
 * `hosts`) → the one VirtualService Istio builds from them, which then converts like any other.
 *
 * Istio expands each root rule with `delegate` into the delegate's rules (pilot/pkg/model/virtualservice.go,
 * `mergeVirtualServicesIfNeeded`): a delegate match must lie within a root match of that rule (the delegate
 * rule is dropped when none contains it) and the two are combined (the delegate's uri/method/port win, headers
 * and query parameters are joined); a delegate rule inherits the root rule's rewrite, timeout, retries, fault,
 * mirror, CORS and header operations it does not set; names are joined `root-delegate`. Only one level of
 * delegation exists. The containment rules for regular expressions, `sourceLabels`, `sourceNamespace`,
 * `withoutHeaders` and per-match `gateways` changed between Istio releases, so delegations using them are
 * refused rather than guessed.
 */

import { convertVirtualService } from "./assembly.js";
import { isObj, str, type ConvertContext, type ConvertOutput, type ConvertProblem, type Obj, type Path } from "./types.js";

export interface DelegateInput {
  vs: object;
  /** Namespace of the delegate when `metadata.namespace` is absent. */
  namespace?: string;
}

export interface ExpandResult {
  /** The root with its delegating rules replaced by the delegates' rules; null when refused. */
  vs: Obj | null;
  /** Problems, with the VirtualService they point into (0 = the root, k = delegates[k - 1]). */
  problems: Array<ConvertProblem & { input: number }>;
  notes: string[];
  /** For each rule of the expanded VirtualService: where it comes from (for mapping problems back). */
  origin: Array<{ input: number; rule: number; rootRule: number; inherited: string[] }>;
}

const INHERITED = ["rewrite", "timeout", "retries", "fault", "mirror", "mirrorPercent", "mirrorPercentage", "corsPolicy", "headers"];
const VERSION_DEPENDENT = ["sourceLabels", "sourceNamespace", "withoutHeaders", "gateways"];

type StringMatch = Obj | undefined;

/** Whether a StringMatch is one Istio's delegation treats the same in every release: exact or prefix, non-empty. */
function plain(m: StringMatch): boolean {
  if (m === undefined) return true;
  const keys = Object.keys(m);
  return keys.length === 1 && (keys[0] === "exact" || keys[0] === "prefix") && typeof m[keys[0]] === "string" && (m[keys[0]] as string) !== "";
}

/** Istio's containment of a delegate StringMatch in the root's (no regex, no empty values: see `plain`). */
function conflicts(root: StringMatch, leaf: StringMatch): boolean {
  if (root === undefined || leaf === undefined) return false;
  if (typeof root.exact === "string") return typeof leaf.exact !== "string" || leaf.exact !== root.exact;
  const prefix = root.prefix as string;
  const value = typeof leaf.prefix === "string" ? leaf.prefix : (leaf.exact as string);
  return !value.startsWith(prefix);
}

const map = (v: unknown): Record<string, StringMatch> => (isObj(v) ? (v as Record<string, StringMatch>) : {});

function matchConflicts(root: Obj, leaf: Obj): boolean {
  for (const k of ["uri", "scheme", "method", "authority"]) if (conflicts(root[k] as StringMatch, leaf[k] as StringMatch)) return true;
  for (const [k, v] of Object.entries(map(leaf.headers))) if (conflicts(map(root.headers)[k], v)) return true;
  for (const [k, v] of Object.entries(map(leaf.queryParams))) if (conflicts(map(root.queryParams)[k], v)) return true;
  if ((root.ignoreUriCase === true) !== (leaf.ignoreUriCase === true)) return true;
  const rp = typeof root.port === "number" ? root.port : 0;
  const lp = typeof leaf.port === "number" ? leaf.port : 0;
  return rp > 0 && lp > 0 && rp !== lp;
}

function joinName(root: unknown, leaf: unknown): string | undefined {
  const r = typeof root === "string" ? root : "";
  const l = typeof leaf === "string" ? leaf : "";
  if (!l) return r || undefined;
  return r ? `${r}-${l}` : l;
}

function mergeMatch(root: Obj, leaf: Obj): Obj {
  const out: Obj = { ...leaf };
  const name = joinName(root.name, leaf.name);
  if (name !== undefined) out.name = name;
  for (const k of ["uri", "scheme", "method", "authority"]) if (out[k] === undefined && root[k] !== undefined) out[k] = root[k];
  for (const k of ["headers", "queryParams"]) {
    if (isObj(root[k]) || isObj(leaf[k])) out[k] = { ...map(root[k]), ...map(leaf[k]) };
  }
  if (out.port === undefined && root.port !== undefined) out.port = root.port;
  if (out.ignoreUriCase === undefined && root.ignoreUriCase !== undefined) out.ignoreUriCase = root.ignoreUriCase;
  return out;
}

/** Expands the delegating rules of `root` with `delegates` (all of them known: a missing one is refused). */
export function expandDelegates(root: object, delegates: readonly DelegateInput[], rootNamespace: string | undefined): ExpandResult {
  const problems: ExpandResult["problems"] = [];
  const notes: string[] = [];
  const origin: ExpandResult["origin"] = [];
  const refuse = (input: number, path: Path, code: "delegate-unknown" | "delegate-unsupported", message: string) => problems.push({ input, path, code, message });
  const r = root as Obj;
  const spec = isObj(r.spec) ? r.spec : {};
  const http = Array.isArray(spec.http) ? spec.http : [];
  const nsOf = (d: DelegateInput) => {
    const md = isObj((d.vs as Obj).metadata) ? ((d.vs as Obj).metadata as Obj) : {};
    return str(md.namespace) ?? d.namespace;
  };
  const nameOf = (d: DelegateInput) => str(isObj((d.vs as Obj).metadata) ? ((d.vs as Obj).metadata as Obj).name : undefined);
  const out: Obj[] = [];

  http.forEach((rule, i) => {
    if (!isObj(rule) || rule.delegate === undefined) {
      out.push(rule as Obj);
      origin.push({ input: 0, rule: i, rootRule: i, inherited: [] });
      return;
    }
    const path: Path = ["spec", "http", i, "delegate"];
    const ref = isObj(rule.delegate) ? rule.delegate : {};
    const wantName = str(ref.name);
    const wantNs = str(ref.namespace) ?? rootNamespace;
    const k = delegates.findIndex((d) => nameOf(d) === wantName && (nsOf(d) === wantNs || (nsOf(d) === undefined && wantNs === undefined)));
    if (!wantName || k < 0) {
      refuse(0, path, "delegate-unknown", `delegate VirtualService ${wantNs ? `${wantNs}/` : ""}${wantName ?? "(unnamed)"} is not known, so the rules it adds cannot be converted`);
      return;
    }
    const d = delegates[k];
    const dspec = isObj((d.vs as Obj).spec) ? ((d.vs as Obj).spec as Obj) : {};
    if (Array.isArray(dspec.hosts) && dspec.hosts.length) {
      refuse(k + 1, ["spec", "hosts"], "delegate-unsupported", `VirtualService ${nameOf(d)} has hosts, so Istio does not use it as a delegate (the root's rule ${i} is ignored)`);
      return;
    }
    const exportTo = Array.isArray(dspec.exportTo) ? dspec.exportTo : [];
    if (exportTo.length && !exportTo.includes("*") && !exportTo.includes(rootNamespace) && !(exportTo.includes(".") && nsOf(d) === rootNamespace)) {
      refuse(k + 1, ["spec", "exportTo"], "delegate-unsupported", `delegate VirtualService ${nameOf(d)} is not exported to namespace ${rootNamespace ?? "(unknown)"} of its root`);
      return;
    }
    for (const key of Object.keys(rule)) {
      if (!["name", "match", "delegate", ...INHERITED].includes(key)) refuse(0, ["spec", "http", i, key], "delegate-unsupported", `a delegating rule with ${key} is not something Istio merges; it cannot be converted`);
    }
    const rootMatches = Array.isArray(rule.match) ? (rule.match as unknown[]) : [];
    const dhttp = Array.isArray(dspec.http) ? dspec.http : [];
    const check = (m: unknown, at: { input: number; path: Path }) => {
      if (!isObj(m)) return refuse(at.input, at.path, "delegate-unsupported", "a match must be an object");
      for (const key of VERSION_DEPENDENT) {
        if (m[key] !== undefined) refuse(at.input, [...at.path, key], "delegate-unsupported", `${key} in a delegation is merged differently by different Istio releases; it is not converted`);
      }
      const sms: Array<[string, StringMatch]> = [
        ...["uri", "scheme", "method", "authority"].map((f): [string, StringMatch] => [f, m[f] as StringMatch]),
        ...Object.entries(map(m.headers)).map(([h, v]): [string, StringMatch] => [`headers.${h}`, v]),
        ...Object.entries(map(m.queryParams)).map(([q, v]): [string, StringMatch] => [`queryParams.${q}`, v]),
      ];
      for (const [f, v] of sms) {
        if (!plain(v)) refuse(at.input, [...at.path, ...f.split(".")], "delegate-unsupported", `${f} in a delegation is not a non-empty exact or prefix match; Istio releases treat regex and presence matches there differently`);
      }
    };
    rootMatches.forEach((m, mi) => check(m, { input: 0, path: ["spec", "http", i, "match", mi] }));
    dhttp.forEach((drule, j) => {
      if (!isObj(drule)) return;
      if (drule.delegate !== undefined) refuse(k + 1, ["spec", "http", j, "delegate"], "delegate-unsupported", "a delegate cannot delegate again (Istio supports one level)");
      (Array.isArray(drule.match) ? drule.match : []).forEach((m, mi) => check(m, { input: k + 1, path: ["spec", "http", j, "match", mi] }));
    });
    if (problems.length) return;

    dhttp.forEach((drule, j) => {
      if (!isObj(drule)) return;
      const leafMatches = Array.isArray(drule.match) ? (drule.match as Obj[]) : [];
      let matches: Obj[];
      if (!rootMatches.length) matches = leafMatches;
      else if (!leafMatches.length) matches = rootMatches as Obj[];
      else {
        matches = [];
        for (const leaf of leafMatches) {
          const found = (rootMatches as Obj[]).filter((rm) => !matchConflicts(rm, leaf));
          if (!found.length) {
            matches = [];
            break;
          }
          for (const rm of found) matches.push(mergeMatch(rm, leaf));
        }
        if (!matches.length) {
          notes.push(`rule ${j} of delegate ${nameOf(d)} has a match outside the root's rule ${i}, so Istio ignores it; it is left out`);
          return;
        }
      }
      const merged: Obj = { ...drule };
      delete merged.match;
      if (matches.length) merged.match = matches;
      const name = joinName(rule.name, drule.name);
      if (name !== undefined) merged.name = name;
      else delete merged.name;
      const inherited: string[] = [];
      for (const key of INHERITED) {
        if (merged[key] === undefined && rule[key] !== undefined) {
          merged[key] = rule[key];
          inherited.push(key);
        }
      }
      out.push(merged);
      origin.push({ input: k + 1, rule: j, rootRule: i, inherited });
    });
  });
  if (problems.length) return { vs: null, problems, notes, origin };
  return { vs: { ...r, spec: { ...spec, http: out } }, problems, notes, origin };
}

/** Maps a problem of the expanded VirtualService back to the root or delegate key it comes from. */
export function originOf(problem: ConvertProblem, origin: ExpandResult["origin"]): { input: number; path: Path } {
  const p = problem.path;
  if (p[0] !== "spec" || p[1] !== "http" || typeof p[2] !== "number" || !origin[p[2]]) return { input: 0, path: p };
  const o = origin[p[2]];
  const key = p[3];
  if (o.input === 0) return { input: 0, path: ["spec", "http", o.rule, ...p.slice(3)] };
  if (typeof key === "string" && o.inherited.includes(key)) return { input: 0, path: ["spec", "http", o.rootRule, ...p.slice(3)] };
  // Combined matches have no single source key: point at the delegate's rule.
  if (key === "match") return { input: o.input, path: ["spec", "http", o.rule] };
  return { input: o.input, path: ["spec", "http", o.rule, ...p.slice(3)] };
}

export interface DelegationResult {
  result: ConvertOutput | null;
  /** Problems with the VirtualService they point into (0 = the root, k = delegates[k - 1]). */
  problems: Array<ConvertProblem & { input: number }>;
  notes: string[];
}

/** A root VirtualService and its delegates → one HTTPRoute (named after the root), exactly or refused. */
export function convertWithDelegates(root: object, delegates: readonly DelegateInput[], ctx: ConvertContext): DelegationResult {
  const md = isObj((root as Obj).metadata) ? ((root as Obj).metadata as Obj) : {};
  const rootNs = str(md.namespace) ?? ctx.defaultNamespace;
  const expanded = expandDelegates(root, delegates, rootNs);
  if (!expanded.vs) return { result: null, problems: expanded.problems, notes: expanded.notes };
  const res = convertVirtualService(expanded.vs, ctx);
  const labelOf = (input: number) => {
    const vs = input === 0 ? (root as Obj) : (delegates[input - 1].vs as Obj);
    const m = isObj(vs.metadata) ? (vs.metadata as Obj) : {};
    return `${input === 0 ? "root" : "delegate"} ${str(m.name) ?? "(unnamed)"}`;
  };
  const relabel = (text: string) =>
    text.replace(/\bhttp\[(\d+)\]/g, (whole, n: string) => {
      const o = expanded.origin[Number(n)];
      return o ? `${labelOf(o.input)} http[${o.rule}]` : whole;
    });
  const problems = res.problems.map((p) => ({ ...p, ...originOf(p, expanded.origin), message: relabel(p.message) }));
  const notes = [...expanded.notes, ...res.notes.map(relabel)];
  if (!res.result) return { result: null, problems, notes };
  notes.push(`the delegates ${delegates.map((d) => labelOf(delegates.indexOf(d) + 1).replace(/^delegate /, "")).join(", ")} are expanded into the root's rules as Istio merges them`);
  return { result: { ...res.result, notes }, problems: [], notes };
}
