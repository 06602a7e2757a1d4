/**
 * The resources a selector → waypoint migration adds: the `targetRefs` half of a split policy, and the L4 ALLOW
 * that keeps the waypoint admitted under ztunnel's default deny. Pure; lib/istio/move-to-waypoint.ts decides when.
 */
import { isObject, type PlainObject } from "../k8s/resource.js";
import type { Labels } from "../k8s/selector.js";
import { freePolicyName } from "./bypass-prevention.js";

function metadataFor(policy: PlainObject, name: string): PlainObject {
  const metadata = isObject(policy.metadata) ? policy.metadata : {};
  return { name, ...(typeof metadata.namespace === "string" ? { namespace: metadata.namespace } : {}) };
}

function apiVersionOf(policy: PlainObject): string {
  return typeof policy.apiVersion === "string" ? policy.apiVersion : "security.istio.io/v1";
}

/** The new policy of a split: the `moved` rules (indexes of `spec.rules`), attached by `targetRefs` to the Service. */
export function splitOffPolicy(policy: PlainObject, service: string, moved: readonly number[], taken: ReadonlySet<string>): { name: string; resource: PlainObject } {
  const spec = isObject(policy.spec) ? policy.spec : {};
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  const metadata = isObject(policy.metadata) ? policy.metadata : {};
  const base = typeof metadata.name === "string" && metadata.name ? metadata.name : "policy";
  const name = freePolicyName(`${base}-waypoint`, taken);
  const newSpec: PlainObject = { targetRefs: [{ kind: "Service", group: "", name: service }] };
  if (typeof spec.action === "string") newSpec.action = spec.action;
  if (spec.provider !== undefined) newSpec.provider = spec.provider;
  newSpec.rules = moved.map((i) => rules[i]);
  return { name, resource: { apiVersion: apiVersionOf(policy), kind: "AuthorizationPolicy", metadata: metadataFor(policy, name), spec: newSpec } };
}

/** An L4 selector ALLOW for the waypoint identity on the policy's pods. */
export function waypointAllowPolicy(policy: PlainObject, principal: string, matchLabels: Labels, taken: ReadonlySet<string>): { name: string; resource: PlainObject } {
  const metadata = isObject(policy.metadata) ? policy.metadata : {};
  const base = typeof metadata.name === "string" && metadata.name ? metadata.name : "policy";
  const name = freePolicyName(`${base}-allow-waypoint`, taken);
  return {
    name,
    resource: {
      apiVersion: apiVersionOf(policy),
      kind: "AuthorizationPolicy",
      metadata: metadataFor(policy, name),
      spec: { selector: { matchLabels: { ...matchLabels } }, action: "ALLOW", rules: [{ from: [{ source: { principals: [principal] } }] }] },
    },
  };
}
