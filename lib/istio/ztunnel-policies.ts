/**
 * Which policies the destination ztunnel enforces for a pod, from the repository's records: the AuthorizationPolicies
 * and the PeerAuthentication that start to apply when a pod without a sidecar is captured by ztunnel. Pure over
 * index records (no AST, no ESLint).
 *
 * - AuthorizationPolicy: ztunnel enforces ALLOW and DENY policies attached by `selector` or namespace-wide (its
 *   namespace, or the root namespace for every namespace); `targetRefs` policies belong to waypoints; CUSTOM and
 *   AUDIT and `istio.io/dry-run` policies are not enforced by ztunnel. With any ALLOW policy applying, a request no
 *   ALLOW admits is denied.
 * - PeerAuthentication: the most specific one wins (workload selector, then namespace, then the root namespace's
 *   mesh-wide one; selector policies in the root namespace are ignored); STRICT refuses plaintext callers.
 */
import { selectorMatches, type Labels } from "../k8s/selector.js";
import type { ResourceRecord } from "../index/index.js";

export interface PodScope {
  namespace: string;
  labels: Labels;
}

export interface ZtunnelPolicies {
  /** ALLOW and DENY AuthorizationPolicies ztunnel enforces for the pod. */
  authorization: ResourceRecord[];
  /** The PeerAuthentication that decides the pod's mTLS mode, when its mode is STRICT. */
  strict: ResourceRecord | undefined;
}

const DRY_RUN = "istio.io/dry-run";

function scopeMatches(record: ResourceRecord, pod: PodScope, rootNamespace: string, rootSelectorApplies: boolean): boolean {
  if (record.partial || record.namespace === undefined) return false;
  const selector = record.selector ?? null;
  const hasSelector = !!selector && Object.keys(selector).length > 0;
  if (record.namespace === rootNamespace && record.namespace !== pod.namespace) {
    if (!hasSelector) return true;
    return rootSelectorApplies && selectorMatches(selector!, pod.labels);
  }
  if (record.namespace !== pod.namespace) return false;
  return !hasSelector || selectorMatches(selector!, pod.labels);
}

/** The AuthorizationPolicies ztunnel enforces for a pod (ALLOW/DENY, selector or namespace-wide, not dry-run). */
export function ztunnelAuthorizationPolicies(records: readonly ResourceRecord[], pod: PodScope, rootNamespace: string): ResourceRecord[] {
  return records.filter((r) => {
    if (r.kind !== "AuthorizationPolicy") return false;
    if (r.targetRefs && r.targetRefs.length) return false;
    const action = (r.action ?? "ALLOW").toUpperCase();
    if (action !== "ALLOW" && action !== "DENY") return false;
    if (String(r.annotations[DRY_RUN] ?? "").trim().toLowerCase() === "true") return false;
    return scopeMatches(r, pod, rootNamespace, true);
  });
}

/** The PeerAuthentication that decides a pod's mTLS mode (workload, else namespace, else mesh), when it is STRICT. */
export function strictPeerAuthentication(records: readonly ResourceRecord[], pod: PodScope, rootNamespace: string): ResourceRecord | undefined {
  const pas = records.filter((r) => r.kind === "PeerAuthentication" && !r.partial && r.namespace !== undefined);
  const hasSelector = (r: ResourceRecord) => !!r.selector && Object.keys(r.selector).length > 0;
  const decided = (list: ResourceRecord[]) => list.find((r) => r.mtlsMode !== undefined && r.mtlsMode.toUpperCase() !== "UNSET");
  const levels = [
    pas.filter((r) => r.namespace === pod.namespace && pod.namespace !== rootNamespace && hasSelector(r) && selectorMatches(r.selector!, pod.labels)),
    pas.filter((r) => r.namespace === pod.namespace && !hasSelector(r)),
    pas.filter((r) => r.namespace === rootNamespace && !hasSelector(r)),
  ];
  for (const level of levels) {
    const pa = decided(level);
    if (pa) return pa.mtlsMode!.toUpperCase() === "STRICT" ? pa : undefined;
  }
  return undefined;
}

/** Both of the above. */
export function ztunnelPolicies(records: readonly ResourceRecord[], pod: PodScope, rootNamespace: string): ZtunnelPolicies {
  return {
    authorization: ztunnelAuthorizationPolicies(records, pod, rootNamespace),
    strict: strictPeerAuthentication(records, pod, rootNamespace),
  };
}
