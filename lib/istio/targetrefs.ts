/**
 * Policy attachment by `targetRefs`: which Istio kinds take it, which targets Istio accepts, and what is
 * wrong with a policy's `selector` / `targetRef` / `targetRefs`. Pure functions over plain objects; every
 * finding carries the path of the exact key or entry to report.
 *
 * Sources (see docs/rules/valid-policy-targetrefs.md):
 * - istio/api `type/v1beta1/selector.proto` (PolicyTargetReference, CEL "cross namespace referencing is not
 *   currently supported") and the `targetRefs` comments of `security/v1beta1/authorization_policy.proto`,
 *   `request_authentication.proto`, `extensions/v1alpha1/wasm.proto`, `traffic_extension.proto`,
 *   `telemetry/v1alpha1/telemetry.proto`, `networking/v1alpha3/envoy_filter.proto` (allowed kinds, MaxItems=16,
 *   CEL `oneof(selector, targetRef, targetRefs)`).
 * - istio/istio `pkg/config/validation/validation.go` (`validateOneOfSelectorType`,
 *   `validatePolicyTargetReference`: canonical group "" → "core", namespace must not be set).
 * - istio/istio `pilot/pkg/model/policyattachment.go` (`GetTargetRefs` falls back to the singular `targetRef`;
 *   a GatewayClass target only counts from the root namespace and with name `istio-waypoint`).
 */
import { GATEWAY_API_GROUP, isObject, type PlainObject } from "../k8s/resource.js";
import type { Path } from "../yaml/ast.js";

export const NETWORKING_ISTIO_GROUP = "networking.istio.io";
export const WAYPOINT_GATEWAY_CLASS = "istio-waypoint";
/** `+kubebuilder:validation:MaxItems=16` on every `targetRefs` field. */
export const MAX_TARGET_REFS = 16;

export interface TargetPolicyKind {
  /** Key of the workload selector that excludes `targetRefs` (`workloadSelector` for EnvoyFilter). */
  selectorKey: "selector" | "workloadSelector";
  /** Whether the API has the deprecated singular `targetRef` (hidden from docs, still honoured). */
  singular: boolean;
}

/** Istio kinds (Istio API groups only) that take `targetRefs`. */
export const TARGET_POLICY_KINDS: Readonly<Record<string, TargetPolicyKind>> = {
  AuthorizationPolicy: { selectorKey: "selector", singular: true },
  RequestAuthentication: { selectorKey: "selector", singular: true },
  WasmPlugin: { selectorKey: "selector", singular: true },
  Telemetry: { selectorKey: "selector", singular: true },
  TrafficExtension: { selectorKey: "selector", singular: false },
  EnvoyFilter: { selectorKey: "workloadSelector", singular: false },
};

export function targetPolicyKind(kind: string): TargetPolicyKind | null {
  return Object.prototype.hasOwnProperty.call(TARGET_POLICY_KINDS, kind) ? TARGET_POLICY_KINDS[kind] : null;
}

/** The group/kind pairs a policy may target (webhook `allowedTargetRefs`, API docs). Group "" = core. */
export const ALLOWED_TARGETS: ReadonlyArray<{ kind: string; group: string }> = [
  { kind: "Gateway", group: GATEWAY_API_GROUP },
  { kind: "GatewayClass", group: GATEWAY_API_GROUP },
  { kind: "Service", group: "" },
  { kind: "ServiceEntry", group: NETWORKING_ISTIO_GROUP },
];

/** Istio's canonical group: a missing group, `""` and `"core"` all mean the core group. */
export function canonicalGroup(group: string | undefined): string {
  return group === undefined || group === "" || group === "core" ? "core" : group;
}

function expectedGroup(kind: string): string | null {
  return ALLOWED_TARGETS.find((t) => t.kind === kind)?.group ?? null;
}

export function isAllowedTarget(kind: string | undefined, group: string | undefined): boolean {
  if (kind === undefined) return false;
  const expected = expectedGroup(kind);
  return expected !== null && canonicalGroup(expected) === canonicalGroup(group);
}

/**
 * Groups that are an unambiguous slip for a kind's real group. A group outside this list may be a vendor
 * extension (istio/api 1.26 dropped the CRD kind restriction for them): reported, never rewritten.
 */
const GROUP_SLIPS: Readonly<Record<string, readonly string[]>> = {
  // No group means core, and the core group has no Gateway: the Gateway API group was meant.
  // networking.x-k8s.io is the Gateway API's pre-v1 group; networking.istio.io has the classic Gateway,
  // which is not a valid target (see `classicGatewayNamed` in the rule).
  Gateway: ["core", NETWORKING_ISTIO_GROUP, "networking.x-k8s.io"],
  GatewayClass: ["core", NETWORKING_ISTIO_GROUP, "networking.x-k8s.io"],
  // `v1` is the Service's apiVersion written as its group.
  Service: [GATEWAY_API_GROUP, "v1"],
  ServiceEntry: ["core", GATEWAY_API_GROUP],
};

export interface TargetCorrection {
  /** The kind to write, when only its case was wrong (`service` → `Service`). */
  kind?: string;
  /** The group to write (`""` for core). */
  group?: string;
}

export type TargetCheck =
  | { ok: true }
  /** Not an accepted target; `correction` when the intended target is unambiguous. */
  | { ok: false; kind: string | undefined; group: string | undefined; expectedKind: string | null; expectedGroup: string | null; correction: TargetCorrection | null };

/** Checks one target's group/kind and, for unambiguous slips, says what to write instead. */
export function checkTarget(kind: unknown, group: unknown): TargetCheck {
  const k = typeof kind === "string" ? kind : undefined;
  const g = typeof group === "string" ? group : group === undefined || group === null ? undefined : String(group);
  if (isAllowedTarget(k, g)) return { ok: true };
  const fail = (expectedKind: string | null, correction: TargetCorrection | null): TargetCheck => ({
    ok: false,
    kind: k,
    group: g,
    expectedKind,
    expectedGroup: expectedKind ? expectedGroup(expectedKind) : null,
    correction,
  });
  if (k === undefined) return fail(null, null);
  const matched = ALLOWED_TARGETS.find((t) => t.kind.toLowerCase() === k.toLowerCase());
  if (!matched) return fail(null, null);
  const correction: TargetCorrection = {};
  if (matched.kind !== k) correction.kind = matched.kind;
  if (canonicalGroup(g) !== canonicalGroup(matched.group)) {
    const slip = groupSlip(matched.kind, g);
    if (slip === null) return fail(matched.kind, null);
    correction.group = slip;
  }
  return fail(matched.kind, correction);
}

/** The right group when `group` is a known slip for `kind` (or the right group with a `/version` suffix). */
function groupSlip(kind: string, group: string | undefined): string | null {
  const expected = expectedGroup(kind);
  if (expected === null) return null;
  const canonical = canonicalGroup(group);
  if (GROUP_SLIPS[kind]?.includes(canonical)) return expected;
  // `gateway.networking.k8s.io/v1`, `networking.istio.io/v1beta1`, `core/v1`: an apiVersion written as group.
  const slash = canonical.indexOf("/");
  if (slash > 0 && canonicalGroup(canonical.slice(0, slash)) === canonicalGroup(expected)) return expected;
  return null;
}

export interface TargetRefEntry {
  /** `targetRefs[2]` or `targetRef`, as written in messages. */
  label: string;
  /** Path of the entry (the mapping) inside the resource. */
  path: Path;
  ref: PlainObject;
  singular: boolean;
}

/** Every target reference of a policy spec (singular `targetRef` first, then `targetRefs`), skipping odd shapes. */
export function targetRefEntries(policy: PlainObject): TargetRefEntry[] {
  const spec = isObject(policy.spec) ? policy.spec : {};
  const out: TargetRefEntry[] = [];
  if (isObject(spec.targetRef)) out.push({ label: "targetRef", path: ["spec", "targetRef"], ref: spec.targetRef, singular: true });
  if (Array.isArray(spec.targetRefs)) {
    spec.targetRefs.forEach((ref, i) => {
      if (isObject(ref)) out.push({ label: `targetRefs[${i}]`, path: ["spec", "targetRefs", i], ref, singular: false });
    });
  }
  return out;
}

/** True when the policy is attached by `targetRefs` or the deprecated `targetRef` (what waypoints require). */
export function hasTargetRefs(policy: PlainObject): boolean {
  const spec = isObject(policy.spec) ? policy.spec : {};
  return (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0) || isObject(spec.targetRef);
}

/**
 * The attachment keys present in `spec`, in document order: the selector (when set, not null), `targetRef`
 * (an object), `targetRefs` (a non-empty list; the webhook counts `len(targetRefs) > 0`).
 */
export function attachmentKeys(spec: PlainObject, selectorKey: string): string[] {
  return Object.keys(spec).filter((key) => {
    const v = spec[key];
    if (key === selectorKey) return v !== null && v !== undefined;
    if (key === "targetRef") return isObject(v);
    if (key === "targetRefs") return Array.isArray(v) && v.length > 0;
    return false;
  });
}

export type TargetRefsFinding =
  /** `key` is set together with `first` (the earlier key); only one of selector/targetRef/targetRefs may be set. */
  | { type: "conflict"; path: Path; key: string; first: string; selectorKey: string }
  /** The deprecated singular `targetRef` (no `targetRefs` beside it). */
  | { type: "singular"; path: Path; known: boolean }
  /** A group/kind Istio does not accept. `path` is the key to report (kind, group, or kind when group is missing). */
  | { type: "target"; path: Path; entry: TargetRefEntry; check: Extract<TargetCheck, { ok: false }> }
  /** `namespace` set on a target reference. `same`: equal to the policy's namespace, or the policy has none. */
  | { type: "namespace"; path: Path; entry: TargetRefEntry; namespace: string; same: boolean }
  /** GatewayClass target from a policy outside the root namespace. */
  | { type: "gatewayClassNamespace"; path: Path; entry: TargetRefEntry; namespace: string }
  /** GatewayClass target whose name is not `istio-waypoint`. */
  | { type: "gatewayClassName"; path: Path; entry: TargetRefEntry; name: string }
  /** More than 16 `targetRefs`; `path` is the first entry over the limit. */
  | { type: "tooMany"; path: Path; count: number };

/**
 * Everything wrong with a policy's attachment fields. `policyNamespace` undefined = unknown (no
 * metadata.namespace): GatewayClass placement is then not judged, and a targetRef namespace counts as "same".
 */
export function targetRefsFindings(
  policy: PlainObject,
  kind: string,
  policyNamespace: string | undefined,
  rootNamespace: string,
): TargetRefsFinding[] {
  const info = targetPolicyKind(kind);
  const spec = policy.spec;
  if (!info || !isObject(spec)) return [];
  const out: TargetRefsFinding[] = [];

  const keys = attachmentKeys(spec, info.selectorKey);
  for (let i = 1; i < keys.length; i++) {
    out.push({ type: "conflict", path: ["spec", keys[i]], key: keys[i], first: keys[i - 1], selectorKey: info.selectorKey });
  }
  if (isObject(spec.targetRef) && !keys.includes("targetRefs")) {
    out.push({ type: "singular", path: ["spec", "targetRef"], known: info.singular });
  }

  for (const entry of targetRefEntries(policy)) {
    const { ref } = entry;
    const check = checkTarget(ref.kind, ref.group);
    if (!check.ok) {
      const wrongKind = check.expectedKind === null || check.correction?.kind !== undefined;
      const key = wrongKind || !("group" in ref) ? "kind" : "group";
      out.push({ type: "target", path: [...entry.path, key], entry, check });
    }
    if (typeof ref.namespace === "string" && ref.namespace !== "") {
      out.push({
        type: "namespace",
        path: [...entry.path, "namespace"],
        entry,
        namespace: ref.namespace,
        same: policyNamespace === undefined || policyNamespace === ref.namespace,
      });
    }
    if (ref.kind === "GatewayClass") {
      if (policyNamespace !== undefined && policyNamespace !== rootNamespace) {
        out.push({ type: "gatewayClassNamespace", path: [...entry.path, "kind"], entry, namespace: policyNamespace });
      }
      if (typeof ref.name === "string" && ref.name !== WAYPOINT_GATEWAY_CLASS) {
        out.push({ type: "gatewayClassName", path: [...entry.path, "name"], entry, name: ref.name });
      }
    }
  }

  if (Array.isArray(spec.targetRefs) && spec.targetRefs.length > MAX_TARGET_REFS) {
    out.push({ type: "tooMany", path: ["spec", "targetRefs", MAX_TARGET_REFS], count: spec.targetRefs.length });
  }
  return out;
}

function asGroup(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** True when `ref` already appears (same group/kind/name/namespace) in `refs`. */
export function containsRef(refs: readonly unknown[], ref: PlainObject): boolean {
  const key = (r: PlainObject) => [canonicalGroup(asGroup(r.group)), r.kind, r.name, r.namespace ?? ""].join("\u0000");
  return refs.some((r) => isObject(r) && key(r) === key(ref));
}
