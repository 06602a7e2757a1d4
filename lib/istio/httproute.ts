/**
 * Gateway API routes as Istio reads them in ambient mode (GAMMA): parentRefs to Services and waypoints,
 * Service backendRefs. Pure functions over plain objects; every reference carries its path.
 *
 * Defaults that matter (gateway-api `apis/v1/shared_types.go`, `apis/v1/object_reference_types.go`):
 * - ParentReference: `group` defaults to `gateway.networking.k8s.io`, `kind` to `Gateway`. "To set the core
 *   API group (such as for a "Service" kind referent), Group must be explicitly set to "" (empty string)."
 * - BackendObjectReference: `group` defaults to "" and `kind` to `Service`; CEL "Must have port for Service
 *   reference": `(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true`.
 */
import { GATEWAY_API_GROUP, asArray, isObject, type PlainObject, type ResourceHeader } from "../k8s/resource.js";
import type { Path } from "../yaml/ast.js";

/** Route kinds this module understands (same parentRefs / backendRefs shape). */
export const MESH_ROUTE_KINDS = new Set(["HTTPRoute", "GRPCRoute"]);

export function isGatewayRoute(header: ResourceHeader | null): boolean {
  return !!header && header.group === GATEWAY_API_GROUP && MESH_ROUTE_KINDS.has(header.kind);
}

/** A reference as written: fields keep their written value (`null` for `group:` with no value). */
export interface WrittenRef {
  group?: unknown;
  kind?: unknown;
  name?: unknown;
  namespace?: unknown;
  port?: unknown;
  sectionName?: unknown;
}

export type ParentTarget =
  /** `kind: Service` with `group: ""`: a GAMMA (mesh) parent. */
  | { type: "service" }
  /**
   * `kind: Service` whose group is missing (defaults to gateway.networking.k8s.io), `null`, `core`, or
   * `gateway.networking.k8s.io` written out: no such parent exists, the route attaches to nothing.
   */
  | { type: "service-wrong-group"; written: "missing" | "null" | "core" | "gateway" }
  /** A Gateway API Gateway (kind and group written or defaulted). */
  | { type: "gateway" }
  /** Anything else (ServiceEntry, another vendor's kind, a Service of another API group such as Knative's). */
  | { type: "other" };

export interface ParentRef {
  index: number;
  ref: WrittenRef;
  target: ParentTarget;
  name: string | undefined;
  /** `namespace` as written (undefined = the route's namespace). */
  namespace: string | undefined;
  port: number | undefined;
  sectionName: string | undefined;
  /** Path of the entry (`["spec", "parentRefs", i]`). */
  path: Path;
}

export function parentTarget(ref: WrittenRef): ParentTarget {
  const kind = ref.kind === undefined || ref.kind === null ? "Gateway" : ref.kind;
  if (kind === "Service") {
    if (ref.group === "") return { type: "service" };
    if (!("group" in ref) || ref.group === undefined) return { type: "service-wrong-group", written: "missing" };
    if (ref.group === null) return { type: "service-wrong-group", written: "null" };
    if (ref.group === "core") return { type: "service-wrong-group", written: "core" };
    if (ref.group === GATEWAY_API_GROUP) return { type: "service-wrong-group", written: "gateway" };
    return { type: "other" };
  }
  if (kind === "Gateway" && (ref.group === undefined || ref.group === null || ref.group === GATEWAY_API_GROUP)) return { type: "gateway" };
  return { type: "other" };
}

const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
const num = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : undefined);

/** `spec.parentRefs` entries (mappings only). */
export function routeParentRefs(route: PlainObject): ParentRef[] {
  const spec = isObject(route.spec) ? route.spec : {};
  const out: ParentRef[] = [];
  asArray(spec.parentRefs).forEach((ref, index) => {
    if (!isObject(ref)) return;
    out.push({
      index,
      ref,
      target: parentTarget(ref),
      name: str(ref.name),
      namespace: str(ref.namespace),
      port: num(ref.port),
      sectionName: str(ref.sectionName),
      path: ["spec", "parentRefs", index],
    });
  });
  return out;
}

export interface BackendRef {
  ref: WrittenRef;
  /** True for a core Service reference (group "" or absent, kind Service or absent). */
  isService: boolean;
  name: string | undefined;
  namespace: string | undefined;
  port: number | undefined;
  /** True when `port` is absent or null. */
  missingPort: boolean;
  /** Path of the reference mapping (a backendRef entry, or a RequestMirror `backendRef`). */
  path: Path;
  /** Where the reference sits. */
  via: "backendRef" | "mirror";
}

export function isServiceBackend(ref: WrittenRef): boolean {
  const group = ref.group === undefined || ref.group === null ? "" : ref.group;
  const kind = ref.kind === undefined || ref.kind === null ? "Service" : ref.kind;
  return group === "" && kind === "Service";
}

function backend(ref: PlainObject, path: Path, via: BackendRef["via"]): BackendRef {
  return {
    ref,
    isService: isServiceBackend(ref),
    name: str(ref.name),
    namespace: str(ref.namespace),
    port: num(ref.port),
    missingPort: ref.port === undefined || ref.port === null,
    path,
    via,
  };
}

function mirrors(filters: unknown, base: Path): BackendRef[] {
  const out: BackendRef[] = [];
  asArray(filters).forEach((f, i) => {
    if (!isObject(f) || !isObject(f.requestMirror) || !isObject(f.requestMirror.backendRef)) return;
    out.push(backend(f.requestMirror.backendRef, [...base, "filters", i, "requestMirror", "backendRef"], "mirror"));
  });
  return out;
}

/**
 * Every BackendObjectReference of a route: `rules[].backendRefs[]`, and the `requestMirror.backendRef` of
 * rule-level and backend-level filters.
 */
export function routeBackendRefs(route: PlainObject): BackendRef[] {
  const spec = isObject(route.spec) ? route.spec : {};
  const out: BackendRef[] = [];
  asArray(spec.rules).forEach((rule, r) => {
    if (!isObject(rule)) return;
    const rulePath: Path = ["spec", "rules", r];
    asArray(rule.backendRefs).forEach((ref, b) => {
      if (!isObject(ref)) return;
      const path: Path = [...rulePath, "backendRefs", b];
      out.push(backend(ref, path, "backendRef"));
      out.push(...mirrors(ref.filters, path));
    });
    out.push(...mirrors(rule.filters, rulePath));
  });
  return out;
}

/** The distinct Services a route sends traffic to through `backendRefs` (mirrors excluded), as `{name, namespace}`. */
export function backendServices(route: PlainObject, routeNamespace: string | undefined): { name: string; namespace: string | undefined }[] {
  const seen = new Map<string, { name: string; namespace: string | undefined }>();
  for (const b of routeBackendRefs(route)) {
    if (b.via !== "backendRef" || !b.isService || !b.name) continue;
    const ns = b.namespace ?? routeNamespace;
    seen.set(`${ns ?? ""}/${b.name}`, { name: b.name, namespace: ns });
  }
  return [...seen.values()];
}
