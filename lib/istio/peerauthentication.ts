/**
 * How ztunnel reads a PeerAuthentication.
 *
 * Mirrors istiod's conversion for ambient (istio/istio pilot/pkg/serviceregistry/ambient/authorization.go:
 * `convertedSelectorPeerAuthentications`, `convertPeerAuthentication`):
 * - `DISABLE` is never honoured: it counts as "not STRICT" exactly like PERMISSIVE, at mesh, namespace, workload
 *   and port level (istio/api peer_authentication.proto: "`DISABLE` mode is not supported").
 * - A policy with a selector whose `matchLabels` is empty counts as namespace-wide (mesh-wide in the root namespace).
 * - A selector policy in the root namespace is skipped entirely (also documented for the API).
 * - `portLevelMtls` is used only on a selector policy outside the root namespace (CEL: "portLevelMtls requires
 *   selector").
 * Pure functions over the plain policy object; every finding carries the path to report.
 */
import { isObject, stringMap, type PlainObject } from "../k8s/resource.js";
import type { Path } from "../yaml/ast.js";
import { selectsGatewayPods } from "./authorization.js";

export type PeerAuthnScope = "workload" | "namespace" | "mesh";

export type PeerAuthnFinding =
  /** `spec.mtls.mode: DISABLE`: ztunnel treats it like PERMISSIVE. */
  | { kind: "disable"; scope: PeerAuthnScope; path: Path }
  /** `spec.portLevelMtls[port].mode: DISABLE` on a policy whose port settings ztunnel uses. */
  | { kind: "port-disable"; port: string; path: Path }
  /** `portLevelMtls` on a policy without a (non-empty) selector: ignored (and rejected by the CRD). */
  | { kind: "port-level-without-selector"; scope: "namespace" | "mesh"; path: Path }
  /** A selector policy in the root namespace: ignored entirely. */
  | { kind: "root-selector"; path: Path; hasDisable: boolean };

export interface PeerAuthnContext {
  rootNamespace: string;
  /** Namespace of the policy (written or inferred); undefined when unknown (then never the root namespace). */
  namespace: string | undefined;
  /** Extra label sets that select Envoy gateway pods (not ambient workloads: nothing to report). */
  gatewaySelectors?: Record<string, string>[];
}

function modeOf(mtls: unknown): string | undefined {
  return isObject(mtls) && typeof mtls.mode === "string" ? mtls.mode : undefined;
}

/** Everything ambient does differently from what the policy says, in document order. */
export function peerAuthenticationFindings(policy: PlainObject, ctx: PeerAuthnContext): PeerAuthnFinding[] {
  const spec = isObject(policy.spec) ? policy.spec : {};
  const labels = isObject(spec.selector) ? stringMap(spec.selector.matchLabels) : {};
  const hasSelector = Object.keys(labels).length > 0;
  const inRoot = ctx.namespace !== undefined && ctx.namespace === ctx.rootNamespace;
  const topDisable = modeOf(spec.mtls) === "DISABLE";
  const ports = isObject(spec.portLevelMtls) ? spec.portLevelMtls : null;
  const portDisables = ports ? Object.entries(ports).filter(([, m]) => modeOf(m) === "DISABLE").map(([p]) => p) : [];

  if (hasSelector && inRoot) {
    // Ignored entirely: one finding, at the selector.
    return [{ kind: "root-selector", path: ["spec", "selector"], hasDisable: topDisable || portDisables.length > 0 }];
  }
  if (hasSelector && selectsGatewayPods(labels, ctx.gatewaySelectors ?? [])) return [];

  const out: PeerAuthnFinding[] = [];
  const scope: PeerAuthnScope = hasSelector ? "workload" : inRoot ? "mesh" : "namespace";
  if (topDisable) out.push({ kind: "disable", scope, path: ["spec", "mtls", "mode"] });
  if (ports && Object.keys(ports).length) {
    if (!hasSelector) {
      out.push({ kind: "port-level-without-selector", scope: inRoot ? "mesh" : "namespace", path: ["spec", "portLevelMtls"] });
    } else {
      for (const port of portDisables) out.push({ kind: "port-disable", port, path: ["spec", "portLevelMtls", port, "mode"] });
    }
  }
  return out;
}
