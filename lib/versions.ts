/**
 * Every Istio fact that depends on the Istio version (`settings["istio-ambient"].istioVersion`), in one table.
 * Rules and lib modules ask `istioHas(version, feature)`; nothing else compares versions. Pure: no imports.
 *
 * A fact gated here holds from `since` on; for older versions the plugin must not assume it (and messages say
 * which version brings it). Unparsable versions count as the latest.
 */

export interface VersionedFact {
  /** First Istio minor release with the behaviour ("major.minor"). */
  since: string;
  /** What holds from that release on. */
  fact: string;
  /** Where it is in Istio (code path, release note, API change). */
  source: string;
}

export const ISTIO_VERSION_FACTS = {
  ztunnelIgnoresDryRun: {
    since: "1.25",
    fact: "istiod does not send `istio.io/dry-run` AuthorizationPolicies to ztunnel (before, ztunnel enforced them as if not dry-run)",
    source: "istio/istio PR #55414 (ambient: do not process dry-run rules), cherry-picked to release-1.25",
  },
  envoyFilterOnWaypoints: {
    since: "1.27",
    fact: "EnvoyFilters with `targetRefs` to a waypoint Gateway, or to GatewayClass istio-waypoint from the root namespace, are applied to waypoints",
    source: "istio/istio pilot/pkg/model/push_context.go getMatchedEnvoyFilters → pilot/pkg/model/policyattachment.go ShouldAttachPolicy",
  },
  envoyFilterWaypointContext: {
    since: "1.28",
    fact: "the EnvoyFilter patch context `WAYPOINT` exists in the API (it has no implementation in istiod)",
    source: "istio/api PR #3577 (added), PR #3623 (hidden from docs, 1.29); istio/istio pkg/config/validation/envoyfilter/envoyfilter.go skips it",
  },
  trafficExtension: {
    since: "1.30",
    fact: "TrafficExtension (extensions.istio.io/v1alpha1) runs Lua or Wasm on waypoints with `targetRefs`",
    source: "istio/api extensions/v1alpha1/traffic_extension.proto; istio/istio releasenotes/notes/trafficextension.yaml",
  },
  agentgatewayWaypointClass: {
    since: "1.31",
    fact: "GatewayClass istio-agentgateway-waypoint (controller istio.io/agentgateway-waypoint-controller) makes a Gateway a waypoint",
    source: "istio/istio pkg/config/constants/constants.go AgentgatewayWaypointClassName; 1.31 release notes",
  },
  useWaypointCanary: {
    since: "1.31",
    fact: "labels istio.io/use-waypoint-canary and istio.io/use-waypoint-canary-namespace bind a Service (or Namespace) to a second, canary waypoint",
    source: "istio/istio pilot/pkg/serviceregistry/ambient/waypoints.go getUseWaypointCanary, buildWeightedWaypoints (issue #60801)",
  },
} as const satisfies Record<string, VersionedFact>;

export type IstioFeature = keyof typeof ISTIO_VERSION_FACTS;

/** `version` ≥ `min` (both "major.minor[.patch]", an optional leading `v`); unparsable versions count as the latest. */
export function istioVersionAtLeast(version: string, min: string): boolean {
  const parse = (v: string) => /^v?(\d+)\.(\d+)/.exec(v.trim());
  const a = parse(version);
  const b = parse(min);
  if (!a || !b) return true;
  const [am, an] = [Number(a[1]), Number(a[2])];
  const [bm, bn] = [Number(b[1]), Number(b[2])];
  return am !== bm ? am > bm : an >= bn;
}

/** True when Istio `version` has `feature` (see `ISTIO_VERSION_FACTS`). */
export function istioHas(version: string, feature: IstioFeature): boolean {
  return istioVersionAtLeast(version, ISTIO_VERSION_FACTS[feature].since);
}

/** The Envoy waypoint class (controller istio.io/mesh-controller), in every version. */
export const WAYPOINT_CLASS = "istio-waypoint";
/** The agentgateway waypoint class (1.31+, `agentgatewayWaypointClass`). */
export const AGENTGATEWAY_WAYPOINT_CLASS = "istio-agentgateway-waypoint";

export const USE_WAYPOINT_CANARY = "istio.io/use-waypoint-canary";
export const USE_WAYPOINT_CANARY_NAMESPACE = "istio.io/use-waypoint-canary-namespace";

const CLASSES_BEFORE_AGENTGATEWAY: readonly string[] = [WAYPOINT_CLASS];
const CLASSES_WITH_AGENTGATEWAY: readonly string[] = [WAYPOINT_CLASS, AGENTGATEWAY_WAYPOINT_CLASS];

/** GatewayClass names that make a Gateway a waypoint in Istio `version`. */
export function waypointClasses(version: string): readonly string[] {
  return istioHas(version, "agentgatewayWaypointClass") ? CLASSES_WITH_AGENTGATEWAY : CLASSES_BEFORE_AGENTGATEWAY;
}

/** True when `className` is a waypoint GatewayClass in Istio `version`. */
export function isWaypointClass(className: unknown, version: string): boolean {
  return typeof className === "string" && waypointClasses(version).includes(className);
}
