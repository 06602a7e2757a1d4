/**
 * What a TCPRoute cannot express in a tcp-only mesh VirtualService (see tcp.ts), found without Services or
 * DestinationRules, so that the lint rule can report each at its key.
 */

import { DEFAULT_GATEWAY_API, featureRequirement, gatewayApiSupports, targetLabel } from "./gateway-api.js";
import { isObj, type ConvertOptions, type ConvertProblem, type Obj, type Path } from "./types.js";

export const RULE_KEYS = new Set(["match", "route"]);
export const MATCH_KEYS = new Set(["port", "gateways"]);

/** A VirtualService whose only routes are `tcp` routes (no `http`, no `tls`). */
export function isTcpOnly(vs: object): boolean {
  const spec = isObj(vs) && isObj((vs as Obj).spec) ? ((vs as Obj).spec as Obj) : {};
  const has = (k: string) => Array.isArray(spec[k]) && (spec[k] as unknown[]).length > 0;
  return has("tcp") && !has("http") && !has("tls");
}

/** What a TCPRoute cannot express in the tcp routes (or the target's lack of TCPRoute), at their keys. */
export function tcpFeatures(vs: object, options: ConvertOptions = {}): ConvertProblem[] {
  const out: ConvertProblem[] = [];
  const spec = isObj(vs) && isObj((vs as Obj).spec) ? ((vs as Obj).spec as Obj) : {};
  const target = options.gatewayApi ?? DEFAULT_GATEWAY_API;
  if (!gatewayApiSupports(target, "tcpRoute")) {
    out.push({ path: ["spec", "tcp"], code: "unsupported-in-channel", message: `tcp routes: not in Gateway API ${targetLabel(target)} (${featureRequirement("tcpRoute")})` });
  }
  (spec.tcp as unknown[]).forEach((rule, i) => {
    if (!isObj(rule)) return;
    for (const key of Object.keys(rule)) {
      if (!RULE_KEYS.has(key)) out.push({ path: ["spec", "tcp", i, key], code: "unknown-field", message: `tcp[${i}].${key} is not a field this converter knows; it cannot tell what it does` });
    }
    if (!Array.isArray(rule.match)) return;
    rule.match.forEach((m, k) => {
      if (!isObj(m)) return;
      const at: Path = ["spec", "tcp", i, "match", k];
      for (const key of Object.keys(m)) {
        if (MATCH_KEYS.has(key)) continue;
        if (key === "sourceLabels") out.push({ path: [...at, key], code: "source-labels", message: "a TCPRoute has no matches, so it cannot select clients by their labels" });
        else if (key === "sourceNamespace") out.push({ path: [...at, key], code: "source-namespace", message: "a TCPRoute has no matches, so it cannot select clients by their namespace" });
        else if (key === "destinationSubnets" || key === "sourceSubnet") out.push({ path: [...at, key], code: "tcp-match", message: `a TCPRoute has no matches, so it cannot select connections by ${key === "sourceSubnet" ? "source" : "destination"} subnet` });
        else out.push({ path: [...at, key], code: "unknown-field", message: `tcp match field ${key} is not known to this converter` });
      }
    });
  });
  return out;
}

