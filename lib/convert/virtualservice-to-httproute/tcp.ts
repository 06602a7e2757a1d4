/**
 * A mesh VirtualService with only `tcp` routes → one TCPRoute (GAMMA: `parentRefs: [{group: "", kind: Service}]`).
 *
 * Gateway API TCPRoute is in the standard channel from v1.6.0 (`gateway.networking.k8s.io/v1`; experimental
 * `v1alpha2` before), and Istio waypoints implement it for Service parents (istio/istio#55198, which fixed
 * #54119). A TCPRoute has exactly one rule and no matches (CRD: `rules` maxItems 1): its parentRef port is the
 * only selection, and its backendRefs (1–16, weighted, each with a port) are the destinations. So a VirtualService
 * converts when its live tcp routes come down to one destination list on one port (or on every port): Istio picks
 * the first tcp route whose match holds, and a port match is what `parentRefs[].port` expresses.
 *
 * The conversion reuses the HTTP one, which is exact for what a tcp route is made of (hosts → parents, port
 * matches → parentRef port, destinations → backendRefs with Istio's port rule, subsets → version Services,
 * weights, unreachable routes dropped): each tcp route is read as an http route with the same port matches and
 * destinations, and the single resulting rule becomes the TCPRoute's rule. Matches a TCPRoute cannot express
 * (`sourceLabels`, `sourceNamespace`, `destinationSubnets`, `sourceSubnet`) are refused at their keys.
 */

import { convertVirtualService as convertHttpVirtualService } from "./assembly.js";
import { DEFAULT_GATEWAY_API, gatewayApiSupports } from "./gateway-api.js";
import { MATCH_KEYS, isTcpOnly, tcpFeatures } from "./tcp-features.js";
import { isObj, type ConvertContext, type ConvertResult, type Obj, type Path } from "./types.js";

export { isTcpOnly, tcpFeatures };

const toTcp = (path: Path): Path => (path[0] === "spec" && path[1] === "http" ? ["spec", "tcp", ...path.slice(2)] : path);
const tcpText = (s: string) => s.replace(/\bhttp\[(\d+)\]/g, "tcp[$1]").replace(/\bhttp rule\b/g, "tcp route");

/** Converts a tcp-only mesh VirtualService (see {@link isTcpOnly}) to one TCPRoute plus version Services. */
export function convertTcpVirtualService(vs: object, ctx: ConvertContext): ConvertResult {
  const features = tcpFeatures(vs, ctx);
  if (features.length) return { result: null, problems: features, notes: [] };
  const v = vs as Obj;
  const spec = v.spec as Obj;
  // Each tcp route read as an http route with the same port matches (and gateways) and destinations.
  const http = (spec.tcp as unknown[]).map((rule) => {
    if (!isObj(rule)) return rule;
    const out: Obj = {};
    if (Array.isArray(rule.match)) out.match = rule.match.map((m) => (isObj(m) ? Object.fromEntries(Object.entries(m).filter(([k]) => MATCH_KEYS.has(k))) : m));
    if (rule.route !== undefined) out.route = rule.route;
    return out;
  });
  const { tcp: _tcp, ...rest } = spec;
  const asHttp = { ...v, spec: { ...rest, http } };
  const converted = convertHttpVirtualService(asHttp, ctx);
  const notes = converted.notes.map(tcpText);
  const problems = converted.problems.map((p) => ({ ...p, path: toTcp(p.path), message: tcpText(p.message) }));
  if (!converted.result) return { result: null, problems, notes };
  const route = converted.result.httpRoutes[0] as Obj;
  const rules = ((route.spec as Obj).rules as Obj[]) ?? [];
  if (rules.length !== 1 || rules[0].matches !== undefined) {
    return {
      result: null,
      problems: [
        {
          path: ["spec", "tcp"],
          code: "tcp-match",
          message: `a TCPRoute holds one rule without matches, and these tcp routes need ${rules.length} (one VirtualService per port would do)`,
        },
      ],
      notes,
    };
  }
  const target = ctx.gatewayApi ?? DEFAULT_GATEWAY_API;
  const standardV1 = target.channel === "standard" || gatewayApiSupports({ channel: "standard", version: target.version }, "tcpRoute");
  const rule: Obj = {};
  if (typeof rules[0].name === "string") rule.name = rules[0].name;
  rule.backendRefs = rules[0].backendRefs;
  const tcpRoute = {
    apiVersion: standardV1 ? "gateway.networking.k8s.io/v1" : "gateway.networking.k8s.io/v1alpha2",
    kind: "TCPRoute",
    metadata: route.metadata,
    spec: { parentRefs: (route.spec as Obj).parentRefs, rules: [rule] },
  };
  return { result: { ...converted.result, httpRoutes: [], tcpRoutes: [tcpRoute], notes }, problems: [], notes };
}

/** The conversion of a mesh VirtualService: a TCPRoute for tcp-only ones, else an HTTPRoute (assembly.ts). */
export function convertVirtualService(vs: object, ctx: ConvertContext): ConvertResult {
  return isTcpOnly(vs) ? convertTcpVirtualService(vs, ctx) : convertHttpVirtualService(vs, ctx);
}
