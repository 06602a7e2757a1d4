/**
 * Which mesh VirtualService hosts and which Gateway API route parentRefs name the same Service — the
 * "mixing VirtualService and HTTPRoute for the same workload" that Istio does not support. Pure functions
 * over plain values (a manifest's `spec.hosts` / `spec.parentRefs`, or the index's extracted copies).
 *
 * Sources: istio.io `docs/ambient/migrate/migrate-policies/` ("Mixing VirtualService and HTTPRoute for the
 * same workload is not supported and leads to undefined behavior") and `docs/ambient/usage/l7-features/`
 * ("Mixing with Gateway API configuration is not supported, and will lead to undefined behavior").
 * istio/istio `pilot/pkg/networking/core/listener_waypoint.go`: waypoints use VirtualServices bound to the
 * `mesh` gateway; GAMMA routes (parentRef Service) are translated into the same internal form.
 */
import { asArray, isObject } from "../k8s/resource.js";
import { hostService, namespacesMatch } from "../k8s/hosts.js";

/** Gateway API route kinds that collide with a VirtualService's HTTP routes. */
export const MIXED_ROUTE_KINDS: ReadonlySet<string> = new Set(["HTTPRoute", "GRPCRoute"]);

/** A VirtualService applies to mesh traffic when `gateways` is absent or empty, or lists `mesh`. */
export function isMeshGateways(gateways: unknown): boolean {
  if (gateways === undefined || gateways === null) return true;
  if (!Array.isArray(gateways)) return false;
  return gateways.length === 0 || gateways.includes("mesh");
}

/**
 * A parentRef that attaches a route to a Service (GAMMA): `kind: Service` with the core group written as
 * `""` (Gateway API) or `core`. A missing group defaults to gateway.networking.k8s.io: no Service parent.
 */
export function isServiceParentRef(ref: unknown): boolean {
  return isObject(ref) && ref.kind === "Service" && (ref.group === "" || ref.group === "core");
}

/** A VirtualService host that names a Kubernetes Service. */
export interface HostTarget {
  /** Index in `spec.hosts`. */
  index: number;
  host: string;
  /** Service name (lower case). */
  name: string;
  /** Service namespace (from the host, else the VirtualService's); undefined = unknown, matches any. */
  namespace: string | undefined;
}

/**
 * The hosts of a VirtualService that name a Service: short names (in the VirtualService's namespace),
 * `name.ns`, `name.ns.svc`, `name.ns.svc.<domain>`. Wildcards, IPs and external names never match.
 */
export function serviceHosts(hosts: unknown, vsNamespace: string | undefined): HostTarget[] {
  const out: HostTarget[] = [];
  asArray(hosts).forEach((host, index) => {
    if (typeof host !== "string") return;
    const ref = hostService(host, vsNamespace);
    if (ref) out.push({ index, host, name: ref.name, namespace: ref.namespace });
  });
  return out;
}

/** A route parentRef that names a Service. */
export interface ParentTarget {
  /** Index in `spec.parentRefs`. */
  index: number;
  name: string;
  /** `namespace` of the parentRef, else the route's; undefined = unknown. */
  namespace: string | undefined;
}

/** The Service parentRefs of a route (see `isServiceParentRef`). */
export function serviceParents(parentRefs: unknown, routeNamespace: string | undefined): ParentTarget[] {
  const out: ParentTarget[] = [];
  asArray(parentRefs).forEach((ref, index) => {
    if (!isServiceParentRef(ref) || !isObject(ref) || typeof ref.name !== "string" || !ref.name) return;
    const namespace = typeof ref.namespace === "string" && ref.namespace ? ref.namespace : routeNamespace;
    out.push({ index, name: ref.name, namespace });
  });
  return out;
}

/** True when a VirtualService host and a route parentRef name the same Service (unknown namespaces match). */
export function sameService(host: HostTarget, parent: ParentTarget): boolean {
  return host.name === parent.name.toLowerCase() && namespacesMatch(host.namespace, parent.namespace);
}

/** Every (host, parentRef) pair of a VirtualService and a route that name the same Service. */
export function mixedPairs(hosts: readonly HostTarget[], parents: readonly ParentTarget[]): { host: HostTarget; parent: ParentTarget }[] {
  const out: { host: HostTarget; parent: ParentTarget }[] = [];
  for (const host of hosts) for (const parent of parents) if (sameService(host, parent)) out.push({ host, parent });
  return out;
}

/** `ns/name`, or `name` when the namespace is unknown. */
export function serviceLabel(name: string, namespace: string | undefined): string {
  return namespace ? `${namespace}/${name}` : name;
}
