/**
 * Istio mesh VirtualService → Gateway API HTTPRoute (GAMMA: `parentRefs: [{group: "", kind: Service}]`)
 * plus the version Services that replace DestinationRule subsets.
 *
 * Pure: plain objects in, plain objects out; no ESLint, no file system. The facts behind every decision are in
 * `reference/virtualservice-to-httproute.md` (§1 field mapping, §2 precedence, §3 CRD limits) and, where the
 * reference leaves a gap, in Istio's own reverse mapping (`pilot/pkg/config/kube/gateway/conversion.go`: how an
 * HTTPRoute is turned back into a VirtualService) and route builder (`pilot/pkg/networking/core/route`).
 *
 * The converter keeps routing exactly or refuses. Refusals are `problems`, each at the key of the VirtualService
 * that causes it, with a code from {@link PROBLEM_CODES}. Design decisions (documented in
 * `docs/convert/virtualservice-to-httproute.md`):
 *
 * - One HTTPRoute per VirtualService, same name and namespace, rules in VirtualService order (ties between equally
 *   specific matches then fall back to list order, which is the VirtualService's first-match order).
 * - Gateway API picks the most specific match (Istio: Exact > PathPrefix > RegularExpression, then path length,
 *   method, #headers, #query params; stable). Unreachable VirtualService matches are dropped (a note says so);
 *   when an earlier rule could lose a request to a later one, the conversion is refused.
 * - A VirtualService `uri.prefix` is a string prefix (`/api` matches `/apix`); PathPrefix matches whole path
 *   segments (and `/api/` also matches `/api`). Only `/` is the same in both, so other prefixes are refused unless
 *   the caller sets `acceptPathSegmentPrefix` (then each one is reported in `notes`).
 *
 * Layout of this folder: `types.ts` (public types, problem codes), `ir.ts` (the match and rule representation, types only), `gateway-api.ts` (every version gate, in one
 * table), `hosts.ts` and `durations.ts`, `match.ts` (match IR, precedence, emission), `analysis.ts` (resource and
 * rule checks), `filters.ts` (header modifiers, redirect, rewrite, timeout, retries, mirrors, CORS), `limits.ts`
 * (CRD rules the schema cannot check), `assembly.ts` (the conversion), `tcp.ts` and `tcp-features.ts` (tcp-only
 * VirtualServices → TCPRoute, through the same conversion), `public.ts` (small helpers).
 */

export { versionServiceName } from "../subset-to-service.js";
export { PROBLEM_CODES } from "./types.js";
export type { ConvertContext, ConvertOptions, ConvertOutput, ConvertProblem, ConvertResult, GatewayApiTarget, ProblemCode, ServiceEntryInfo, ServiceInfo, ServicePortInfo, SubsetInfo } from "./types.js";
export { DEFAULT_GATEWAY_API, GATEWAY_API_GATES, gatewayApiSupports, readGatewayApiTarget, type GatewayApiFeature, type GatewayApiGate } from "./gateway-api.js";
export { HTTP_METHODS, parseServiceHost, pathValueProblem, quoteMeta, type HostParse, type ServiceHostRef } from "./hosts.js";
export { formatGatewayDuration, parseDuration, toGatewayDuration } from "./durations.js";
export { contextFromManifests, isMeshVirtualService, serviceEntryInfo, unconvertibleFeatures, versionServiceFor } from "./public.js";
export { convertVirtualService, convertTcpVirtualService, isTcpOnly } from "./tcp.js";
export { mergeVirtualServices, type MergeInput, type MergeResult } from "./merge.js";
export { convertWithDelegates, expandDelegates, type DelegateInput, type DelegationResult } from "./delegation.js";
export { checkHttpRouteLimits, type RouteLimitViolation } from "./limits.js";
