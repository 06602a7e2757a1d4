/**
 * selector → targetRefs: which targets a selector-attached policy can move to, and the edit that does it.
 * Pure; the rule decides between fix (one unambiguous Service) and suggestions.
 */
import type { Labels } from "../k8s/selector.js";
import { sameLabels } from "../k8s/selector.js";
import { GATEWAY_API_GROUP } from "../k8s/resource.js";
import type { EditOp } from "../yaml/edit.js";

export interface ServiceCandidate {
  name: string;
  namespace: string | undefined;
  selector: Labels | null;
}

export interface TargetRef {
  group: string;
  kind: string;
  name: string;
}

export function serviceRef(name: string): TargetRef {
  return { kind: "Service", group: "", name };
}

export function gatewayRef(name: string): TargetRef {
  return { kind: "Gateway", group: GATEWAY_API_GROUP, name };
}

export function waypointClassRef(): TargetRef {
  return { kind: "GatewayClass", group: GATEWAY_API_GROUP, name: "istio-waypoint" };
}

/** Services (in the policy's namespace) whose selector equals the policy's matchLabels: they select the same pods. */
export function servicesSelectingSamePods(
  matchLabels: Labels,
  namespace: string | undefined,
  services: readonly ServiceCandidate[],
): ServiceCandidate[] {
  if (!Object.keys(matchLabels).length) return [];
  return services.filter((s) => s.selector && sameLabels(s.selector, matchLabels) && (s.namespace ?? namespace) === namespace);
}

/** The Service name a reader would guess from the workload's `app` (or `app.kubernetes.io/name`) label. */
export function guessServiceName(matchLabels: Labels): string | null {
  return matchLabels.app ?? matchLabels["app.kubernetes.io/name"] ?? null;
}

/** Edit: replace `spec.selector` (or add to a namespace-wide policy) `targetRefs: [ref]`. */
export function toTargetRefs(ref: TargetRef, hasSelector: boolean): EditOp[] {
  const value = [{ ...ref }];
  return hasSelector
    ? [{ op: "replacePair", path: ["spec", "selector"], key: "targetRefs", value }]
    : [{ op: "set", path: ["spec", "targetRefs"], value }];
}
