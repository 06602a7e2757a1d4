/**
 * Several mesh VirtualServices of the same Service → one HTTPRoute.
 *
 * Istio merges every VirtualService of a host into one route table (reference istio-ambient-facts §5: "All
 * matching VirtualServices are merged, as on gateways"), the http rules of the older VirtualService first
 * (creation time). A repository does not say which one is older, so a merge is exact only when the order
 * cannot matter: no request can match rules of two different VirtualServices that do different things. Then
 * the rules are concatenated and converted like one VirtualService (precedence, limits, version Services), and
 * every problem points back at the VirtualService and key it comes from.
 */

import { Analysis } from "./analysis.js";
import { convertVirtualService } from "./assembly.js";
import { parseServiceHost } from "./hosts.js";
import { describeMatch, matchesMayOverlap } from "./match.js";
import { isMeshVirtualService } from "./public.js";
import { isObj, str, type ConvertContext, type ConvertOutput, type ConvertProblem, type Obj } from "./types.js";

export interface MergeInput {
  vs: object;
  /** Namespace of the VirtualService when `metadata.namespace` is absent (kustomization, settings). */
  namespace?: string;
  /** How messages name it (default `VirtualService <ns>/<name>`). */
  label?: string;
}

export interface MergeResult {
  /** One HTTPRoute (named after the first VirtualService) and the version Services; null when refused. */
  result: ConvertOutput | null;
  /** Problems, each with the index of the VirtualService (in `inputs`) whose key it points at. */
  problems: Array<ConvertProblem & { input: number }>;
  notes: string[];
}

const SPEC_KEYS_MERGED = ["hosts", "gateways", "http", "tcp", "tls", "exportTo"];

export function mergeVirtualServices(inputs: readonly MergeInput[], ctx: ConvertContext): MergeResult {
  const problems: MergeResult["problems"] = [];
  const refuse = (input: number, path: (string | number)[], code: "merge-mismatch" | "merge-order", message: string) => problems.push({ input, path, code, message });
  const specs = inputs.map((i) => (isObj(i.vs) && isObj((i.vs as Obj).spec) ? ((i.vs as Obj).spec as Obj) : {}));
  const nsOf = (k: number) => {
    const md = isObj((inputs[k].vs as Obj).metadata) ? ((inputs[k].vs as Obj).metadata as Obj) : {};
    return str(md.namespace) ?? inputs[k].namespace ?? ctx.defaultNamespace;
  };
  const labelOf = (k: number) => {
    if (inputs[k].label) return inputs[k].label as string;
    const md = isObj((inputs[k].vs as Obj).metadata) ? ((inputs[k].vs as Obj).metadata as Obj) : {};
    const ns = nsOf(k);
    return `VirtualService ${ns ? `${ns}/` : ""}${str(md.name) ?? "(unnamed)"}`;
  };
  if (inputs.length < 2) throw new Error("mergeVirtualServices needs at least two VirtualServices");

  // --- what must be the same ------------------------------------------------------------------------------------
  const domain = ctx.domainSuffix ?? "cluster.local";
  const services = (k: number) =>
    [
      ...new Set(
        (Array.isArray(specs[k].hosts) ? specs[k].hosts : []).map((h) => {
          const p = typeof h === "string" ? parseServiceHost(h, domain) : null;
          return p && p.ok ? `${p.ref.name}.${p.ref.namespace ?? nsOf(k) ?? "?"}` : `host ${String(h)}`;
        }),
      ),
    ].sort();
  const first = JSON.stringify(services(0));
  for (let k = 1; k < inputs.length; k++) {
    if (!meshOnly(inputs[k].vs, specs[k])) {
      refuse(k, ["spec", "gateways"], "merge-mismatch", `${labelOf(k)} is also bound to gateways; only mesh-only VirtualServices are merged into one HTTPRoute`);
    }
    if (nsOf(k) !== nsOf(0)) {
      refuse(k, ["metadata"], "merge-mismatch", `${labelOf(k)} is in namespace ${nsOf(k) ?? "(unknown)"}, ${labelOf(0)} in ${nsOf(0) ?? "(unknown)"}: one HTTPRoute has one namespace`);
    }
    if (JSON.stringify(services(k)) !== first) {
      refuse(k, ["spec", "hosts"], "merge-mismatch", `${labelOf(k)} routes ${services(k).join(", ")} and ${labelOf(0)} ${JSON.parse(first).join(", ")}: only VirtualServices of the same Services merge into one HTTPRoute`);
    }
    if (JSON.stringify(specs[k].exportTo ?? null) !== JSON.stringify(specs[0].exportTo ?? null)) {
      refuse(k, ["spec", "exportTo"], "merge-mismatch", `${labelOf(k)} and ${labelOf(0)} have different exportTo`);
    }
  }
  if (!meshOnly(inputs[0].vs, specs[0])) {
    refuse(0, ["spec", "gateways"], "merge-mismatch", `${labelOf(0)} is also bound to gateways; only mesh-only VirtualServices are merged into one HTTPRoute`);
  }
  if (problems.length) return { result: null, problems, notes: [] };

  // --- the order Istio uses (creation time) must not matter -----------------------------------------------------
  const analyses = inputs.map((input, k) => {
    const a = new Analysis(input.vs as Obj, { ...ctx, defaultNamespace: nsOf(k) });
    if (a.checkResource()) a.checkRules();
    return a;
  });
  const http = (k: number) => (Array.isArray(specs[k].http) ? (specs[k].http as unknown[]) : []);
  const action = (rule: unknown) => {
    if (!isObj(rule)) return "";
    const { match: _m, name: _n, ...rest } = rule;
    return JSON.stringify(rest);
  };
  for (let i = 0; i < inputs.length; i++) {
    for (let j = i + 1; j < inputs.length; j++) {
      for (const ra of analyses[i].rules) {
        if (ra.notForMesh) continue;
        for (const rb of analyses[j].rules) {
          if (rb.notForMesh || action(http(i)[ra.index]) === action(http(j)[rb.index])) continue;
          const ma = ra.matches.find((x) => x.mesh && x.ok && rb.matches.some((y) => y.mesh && y.ok && matchesMayOverlap(x, y)));
          if (!ma) continue;
          const mb = rb.matches.find((y) => y.mesh && y.ok && matchesMayOverlap(ma, y))!;
          refuse(
            j,
            ["spec", "http", rb.index],
            "merge-order",
            `${labelOf(i)} http[${ra.index}] (${describeMatch(ma)}) and ${labelOf(j)} http[${rb.index}] (${describeMatch(mb)}) can both match a request and do different things; Istio tries the older VirtualService first (creation time), which the repository does not tell`,
          );
        }
      }
    }
  }
  if (problems.length) return { result: null, problems, notes: [] };

  // --- concatenate and convert ------------------------------------------------------------------------------------
  const origin: Array<{ input: number; index: number }> = [];
  const merged: Obj[] = [];
  inputs.forEach((_, k) => http(k).forEach((rule, index) => (origin.push({ input: k, index }), merged.push(rule as Obj))));
  const vs0 = inputs[0].vs as Obj;
  const spec: Obj = { hosts: specs[0].hosts, http: merged };
  for (const key of ["tcp", "tls"]) {
    const all = inputs.flatMap((_, k) => (Array.isArray(specs[k][key]) ? (specs[k][key] as unknown[]) : []));
    if (all.length) spec[key] = all;
  }
  if (specs[0].exportTo !== undefined) spec.exportTo = specs[0].exportTo;
  for (const [k, s] of specs.entries()) {
    for (const key of Object.keys(s)) {
      if (!SPEC_KEYS_MERGED.includes(key)) refuse(k, ["spec", key], "merge-mismatch", `spec.${key} of ${labelOf(k)} is not a VirtualService field this converter knows`);
    }
  }
  if (problems.length) return { result: null, problems, notes: [] };
  const synthetic = { apiVersion: vs0.apiVersion, kind: "VirtualService", metadata: vs0.metadata, spec };
  const res = convertVirtualService(synthetic, { ...ctx, defaultNamespace: nsOf(0) });
  const relabel = (text: string) =>
    text.replace(/\bhttp\[(\d+)\]/g, (whole, n: string) => {
      const o = origin[Number(n)];
      return o ? `${labelOf(o.input)} http[${o.index}]` : whole;
    });
  for (const p of res.problems) {
    const k = p.path[0] === "spec" && p.path[1] === "http" && typeof p.path[2] === "number" ? origin[p.path[2]] : undefined;
    const path = k ? ["spec", "http", k.index, ...p.path.slice(3)] : p.path;
    problems.push({ ...p, path, message: relabel(p.message), input: k ? k.input : 0 });
  }
  const notes = res.notes.map(relabel);
  if (!res.result) return { result: null, problems, notes };
  notes.push(`${inputs.map((_, k) => labelOf(k)).join(" and ")} are merged into HTTPRoute ${String((res.result.httpRoutes[0] as Obj & { metadata: Obj }).metadata.name)}: no request can match rules of two of them that do different things, so Istio's order (creation time) does not matter`);
  return { result: { ...res.result, notes }, problems: [], notes };
}

function meshOnly(vs: object, spec: Obj): boolean {
  const gateways: unknown[] = Array.isArray(spec.gateways) ? spec.gateways : [];
  return isMeshVirtualService(vs) && gateways.every((g) => g === "mesh");
}
