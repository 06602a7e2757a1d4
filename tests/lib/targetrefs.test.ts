import { describe, expect, it } from "vitest";
import {
  ALLOWED_TARGETS,
  MAX_TARGET_REFS,
  attachmentKeys,
  canonicalGroup,
  checkTarget,
  containsRef,
  hasTargetRefs,
  isAllowedTarget,
  targetPolicyKind,
  targetRefEntries,
  targetRefsFindings,
} from "../../lib/istio/targetrefs.js";

const GW = "gateway.networking.k8s.io";

describe("targetPolicyKind", () => {
  it("knows the Istio kinds that take targetRefs, and their selector key", () => {
    expect(targetPolicyKind("AuthorizationPolicy")).toEqual({ selectorKey: "selector", singular: true });
    expect(targetPolicyKind("EnvoyFilter")).toEqual({ selectorKey: "workloadSelector", singular: false });
    expect(targetPolicyKind("TrafficExtension")?.singular).toBe(false);
    expect(targetPolicyKind("PeerAuthentication")).toBeNull();
    expect(targetPolicyKind("toString")).toBeNull();
  });
});

describe("allowed targets", () => {
  it("canonicalises the core group like Istio", () => {
    expect(canonicalGroup(undefined)).toBe("core");
    expect(canonicalGroup("")).toBe("core");
    expect(canonicalGroup("core")).toBe("core");
    expect(canonicalGroup(GW)).toBe(GW);
  });

  it("accepts the four documented group/kind pairs", () => {
    for (const t of ALLOWED_TARGETS) expect(isAllowedTarget(t.kind, t.group)).toBe(true);
    expect(isAllowedTarget("Service", undefined)).toBe(true);
    expect(isAllowedTarget("Service", "core")).toBe(true);
    expect(isAllowedTarget("Gateway", undefined)).toBe(false);
    expect(isAllowedTarget("HTTPRoute", GW)).toBe(false);
    expect(isAllowedTarget(undefined, GW)).toBe(false);
  });
});

describe("checkTarget", () => {
  it("is ok for valid targets", () => {
    expect(checkTarget("Gateway", GW)).toEqual({ ok: true });
    expect(checkTarget("Service", "")).toEqual({ ok: true });
  });

  it("corrects unambiguous group slips", () => {
    const fix = (kind: unknown, group: unknown) => {
      const c = checkTarget(kind, group);
      return c.ok ? "ok" : c.correction;
    };
    expect(fix("Service", GW)).toEqual({ group: "" });
    expect(fix("Service", "v1")).toEqual({ group: "" });
    expect(fix("Gateway", "networking.istio.io")).toEqual({ group: GW });
    expect(fix("Gateway", undefined)).toEqual({ group: GW });
    expect(fix("Gateway", "")).toEqual({ group: GW });
    expect(fix("Gateway", "networking.x-k8s.io")).toEqual({ group: GW });
    expect(fix("Gateway", `${GW}/v1`)).toEqual({ group: GW });
    expect(fix("GatewayClass", undefined)).toEqual({ group: GW });
    expect(fix("ServiceEntry", undefined)).toEqual({ group: "networking.istio.io" });
    expect(fix("ServiceEntry", GW)).toEqual({ group: "networking.istio.io" });
    expect(fix("ServiceEntry", "networking.istio.io/v1beta1")).toEqual({ group: "networking.istio.io" });
  });

  it("corrects the case of a kind, and its group with it", () => {
    expect(checkTarget("service", "")).toMatchObject({ ok: false, correction: { kind: "Service" } });
    expect(checkTarget("gateway", undefined)).toMatchObject({ ok: false, correction: { kind: "Gateway", group: GW } });
  });

  it("does not guess for unknown kinds, missing kinds, or groups that may be vendor extensions", () => {
    expect(checkTarget("HTTPRoute", GW)).toMatchObject({ ok: false, expectedKind: null, correction: null });
    expect(checkTarget(undefined, GW)).toMatchObject({ ok: false, kind: undefined, correction: null });
    expect(checkTarget("Gateway", "example.com")).toMatchObject({ ok: false, expectedKind: "Gateway", expectedGroup: GW, correction: null });
    // Service in the Istio group could be a ServiceEntry: ambiguous.
    expect(checkTarget("Service", "networking.istio.io")).toMatchObject({ ok: false, correction: null });
    expect(checkTarget(5, null)).toMatchObject({ ok: false, correction: null });
  });
});

describe("targetRefEntries / hasTargetRefs / attachmentKeys", () => {
  const policy = {
    spec: {
      targetRef: { kind: "Gateway", group: GW, name: "a" },
      targetRefs: [{ kind: "Service", name: "b" }, "odd", null],
    },
  };

  it("lists the singular targetRef and every mapping of targetRefs with their paths", () => {
    expect(targetRefEntries(policy).map((e) => [e.label, e.path])).toEqual([
      ["targetRef", ["spec", "targetRef"]],
      ["targetRefs[0]", ["spec", "targetRefs", 0]],
    ]);
    expect(targetRefEntries({ spec: { targetRefs: 3 } })).toEqual([]);
    expect(targetRefEntries({})).toEqual([]);
  });

  it("treats an empty targetRefs list as absent", () => {
    expect(hasTargetRefs(policy)).toBe(true);
    expect(hasTargetRefs({ spec: { targetRefs: [] } })).toBe(false);
    expect(hasTargetRefs({ spec: { targetRef: { kind: "Gateway" } } })).toBe(true);
    expect(hasTargetRefs({ spec: null })).toBe(false);
  });

  it("keeps document order and ignores null selectors and empty lists", () => {
    expect(attachmentKeys({ targetRefs: [{}], selector: { matchLabels: {} } }, "selector")).toEqual(["targetRefs", "selector"]);
    expect(attachmentKeys({ selector: null, targetRefs: [] }, "selector")).toEqual([]);
    expect(attachmentKeys({ workloadSelector: {}, targetRefs: [{}] }, "workloadSelector")).toEqual(["workloadSelector", "targetRefs"]);
  });
});

describe("containsRef", () => {
  it("compares group canonically", () => {
    expect(containsRef([{ kind: "Service", group: "", name: "a" }], { kind: "Service", name: "a" })).toBe(true);
    expect(containsRef([{ kind: "Service", group: "", name: "a" }], { kind: "Service", name: "b" })).toBe(false);
    expect(containsRef(["x", null], { kind: "Service", name: "b" })).toBe(false);
  });
});

describe("targetRefsFindings", () => {
  /** `ns: null` = the policy has no metadata.namespace. */
  const find = (spec: unknown, kind = "AuthorizationPolicy", ns: string | null = "bookinfo") =>
    targetRefsFindings({ spec } as Record<string, unknown>, kind, ns ?? undefined, "istio-system");

  it("finds nothing on a valid policy or on kinds without targetRefs", () => {
    expect(find({ targetRefs: [{ kind: "Gateway", group: GW, name: "waypoint" }] })).toEqual([]);
    expect(find({ selector: { matchLabels: { app: "a" } } })).toEqual([]);
    expect(find({ selector: {}, targetRefs: [{ kind: "Service", name: "x" }] }, "PeerAuthentication")).toEqual([]);
    expect(find(null)).toEqual([]);
  });

  it("reports a conflict at the second key, and each further key", () => {
    expect(find({ targetRefs: [{ kind: "Service", name: "a" }], selector: { matchLabels: { app: "a" } } })).toEqual([
      { type: "conflict", path: ["spec", "selector"], key: "selector", first: "targetRefs", selectorKey: "selector" },
    ]);
    const three = find({ selector: {}, targetRef: { kind: "Service", name: "a" }, targetRefs: [{ kind: "Service", name: "a" }] });
    expect(three.filter((f) => f.type === "conflict").map((f) => f.path)).toEqual([
      ["spec", "targetRef"],
      ["spec", "targetRefs"],
    ]);
    // targetRef next to targetRefs is a conflict, not a "deprecated singular" finding.
    expect(three.some((f) => f.type === "singular")).toBe(false);
  });

  it("uses workloadSelector for EnvoyFilter", () => {
    expect(find({ workloadSelector: { labels: { app: "a" } }, targetRefs: [{ kind: "Service", name: "a" }] }, "EnvoyFilter")).toMatchObject([
      { type: "conflict", key: "targetRefs", first: "workloadSelector" },
    ]);
  });

  it("flags the singular targetRef, noting kinds that never had it", () => {
    expect(find({ targetRef: { kind: "Gateway", group: GW, name: "w" } })).toEqual([{ type: "singular", path: ["spec", "targetRef"], known: true }]);
    expect(find({ targetRef: { kind: "Gateway", group: GW, name: "w" } }, "TrafficExtension")).toEqual([{ type: "singular", path: ["spec", "targetRef"], known: false }]);
  });

  it("reports a wrong target at kind when the kind is wrong, at group when only the group is", () => {
    expect(find({ targetRefs: [{ kind: "HTTPRoute", group: GW, name: "r" }] })).toMatchObject([{ type: "target", path: ["spec", "targetRefs", 0, "kind"] }]);
    expect(find({ targetRefs: [{ kind: "Service", group: GW, name: "r" }] })).toMatchObject([{ type: "target", path: ["spec", "targetRefs", 0, "group"] }]);
    // Missing group: reported at kind (the group key does not exist).
    expect(find({ targetRefs: [{ kind: "Gateway", name: "w" }] })).toMatchObject([{ type: "target", path: ["spec", "targetRefs", 0, "kind"] }]);
  });

  it("reports a target namespace; `same` when it equals the policy's namespace or that is unknown", () => {
    expect(find({ targetRefs: [{ kind: "Service", name: "a", namespace: "bookinfo" }] })).toMatchObject([{ type: "namespace", same: true, namespace: "bookinfo" }]);
    expect(find({ targetRefs: [{ kind: "Service", name: "a", namespace: "other" }] })).toMatchObject([{ type: "namespace", same: false }]);
    expect(find({ targetRefs: [{ kind: "Service", name: "a", namespace: "other" }] }, "AuthorizationPolicy", null)).toMatchObject([{ type: "namespace", same: true }]);
    expect(find({ targetRefs: [{ kind: "Service", name: "a", namespace: "" }] })).toEqual([]);
  });

  it("checks GatewayClass placement and name; placement only when the namespace is known", () => {
    const gc = (name: string) => ({ targetRefs: [{ kind: "GatewayClass", group: GW, name }] });
    expect(find(gc("istio-waypoint"), "AuthorizationPolicy", "istio-system")).toEqual([]);
    expect(find(gc("istio-waypoint"))).toMatchObject([{ type: "gatewayClassNamespace", path: ["spec", "targetRefs", 0, "kind"], namespace: "bookinfo" }]);
    expect(find(gc("istio-waypoint"), "AuthorizationPolicy", null)).toEqual([]);
    expect(find(gc("istio"), "AuthorizationPolicy", "istio-system")).toMatchObject([{ type: "gatewayClassName", path: ["spec", "targetRefs", 0, "name"], name: "istio" }]);
  });

  it("reports more than 16 targetRefs at the first entry over the limit", () => {
    const refs = Array.from({ length: MAX_TARGET_REFS + 2 }, (_, i) => ({ kind: "Service", name: `s${i}` }));
    expect(find({ targetRefs: refs })).toEqual([{ type: "tooMany", path: ["spec", "targetRefs", MAX_TARGET_REFS], count: MAX_TARGET_REFS + 2 }]);
    expect(find({ targetRefs: refs.slice(0, MAX_TARGET_REFS) })).toEqual([]);
  });
});
