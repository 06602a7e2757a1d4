/**
 * Expected policies follow istio.io "Migrate policies" (content/en/docs/ambient/migrate/migrate-policies/index.md):
 * "Prevent waypoint bypass" (`deny-waypoint-bypass`, option 1) and "Bypass prevention during incremental
 * migration" (option 2: the sidecar principal `cluster.local/ns/bookinfo/sa/productpage` beside the waypoint).
 */
import { describe, expect, it } from "vitest";
import { bypassPolicy, bypassPolicyName, freePolicyName, waypointAllowPolicy, waypointAllowPolicyName } from "../../lib/convert/bypass-prevention.js";

const WAYPOINT = "cluster.local/ns/bookinfo/sa/waypoint";

describe("bypassPolicy", () => {
  it("option 1: waypoint principal only (the guide's deny-waypoint-bypass)", () => {
    const out = bypassPolicy({ service: "reviews", namespace: "bookinfo", selector: { app: "reviews" }, waypointPrincipal: WAYPOINT });
    expect(out.problems).toEqual([]);
    expect(out.name).toBe("reviews-deny-waypoint-bypass");
    expect(out.principals).toEqual([WAYPOINT]);
    expect(out.result).toEqual({
      apiVersion: "security.istio.io/v1",
      kind: "AuthorizationPolicy",
      metadata: { name: "reviews-deny-waypoint-bypass", namespace: "bookinfo" },
      spec: {
        selector: { matchLabels: { app: "reviews" } },
        action: "DENY",
        rules: [{ from: [{ source: { notPrincipals: [WAYPOINT] } }] }],
      },
    });
  });

  it("option 2: waypoint first, then the sidecar principals still migrating, deduplicated", () => {
    const out = bypassPolicy({
      service: "reviews",
      namespace: "bookinfo",
      selector: { app: "reviews" },
      waypointPrincipal: WAYPOINT,
      extraPrincipals: ["cluster.local/ns/bookinfo/sa/productpage", WAYPOINT, " cluster.local/ns/bookinfo/sa/productpage ", ""],
    });
    expect(out.principals).toEqual([WAYPOINT, "cluster.local/ns/bookinfo/sa/productpage"]);
    expect(out.result?.spec).toEqual({
      selector: { matchLabels: { app: "reviews" } },
      action: "DENY",
      rules: [{ from: [{ source: { notPrincipals: [WAYPOINT, "cluster.local/ns/bookinfo/sa/productpage"] } }] }],
    });
  });

  it("omits the namespace when none is given, and keeps every selector label", () => {
    const out = bypassPolicy({ service: "cart", selector: { app: "cart", tier: "backend" }, waypointPrincipal: WAYPOINT });
    expect(out.result?.metadata).toEqual({ name: "cart-deny-waypoint-bypass" });
    expect((out.result?.spec as { selector: unknown }).selector).toEqual({ matchLabels: { app: "cart", tier: "backend" } });
  });

  it("takes the name and a security.istio.io apiVersion from the caller", () => {
    const out = bypassPolicy({
      service: "cart",
      selector: { app: "cart" },
      waypointPrincipal: WAYPOINT,
      name: "cart-deny-waypoint-bypass-2",
      apiVersion: "security.istio.io/v1beta1",
    });
    expect(out.result?.apiVersion).toBe("security.istio.io/v1beta1");
    expect(out.result?.metadata).toEqual({ name: "cart-deny-waypoint-bypass-2" });
    expect(bypassPolicy({ service: "cart", selector: { app: "cart" }, waypointPrincipal: WAYPOINT, apiVersion: "policy.linkerd.io/v1" }).result?.apiVersion).toBe(
      "security.istio.io/v1",
    );
  });

  it("does not copy the caller's selector object", () => {
    const selector = { app: "cart" };
    const out = bypassPolicy({ service: "cart", selector, waypointPrincipal: WAYPOINT });
    selector.app = "changed";
    expect((out.result?.spec as { selector: { matchLabels: unknown } }).selector.matchLabels).toEqual({ app: "cart" });
  });

  it("refuses a Service without selector: the policy would apply to the whole namespace", () => {
    expect(bypassPolicy({ service: "external", selector: null, waypointPrincipal: WAYPOINT })).toMatchObject({ result: null, problems: [{ code: "no-selector" }] });
    expect(bypassPolicy({ service: "external", selector: {}, waypointPrincipal: WAYPOINT })).toMatchObject({ result: null, problems: [{ code: "no-selector" }] });
  });

  it("refuses an empty or wildcard waypoint principal", () => {
    expect(bypassPolicy({ service: "a", selector: { app: "a" }, waypointPrincipal: "" }).problems).toEqual([{ code: "invalid-principal", principal: "" }]);
    expect(bypassPolicy({ service: "a", selector: { app: "a" }, waypointPrincipal: "*/sa/waypoint" }).problems).toEqual([
      { code: "invalid-principal", principal: "*/sa/waypoint" },
    ]);
  });

  it("refuses an invalid name", () => {
    expect(bypassPolicy({ service: "a", selector: { app: "a" }, waypointPrincipal: WAYPOINT, name: "Not_Valid" }).problems).toEqual([
      { code: "invalid-name", name: "Not_Valid" },
    ]);
  });
});

describe("bypassPolicyName / freePolicyName", () => {
  it("names the policy after the Service", () => {
    expect(bypassPolicyName("reviews")).toBe("reviews-deny-waypoint-bypass");
    expect(bypassPolicyName("Reviews_V2")).toBe("reviews-v2-deny-waypoint-bypass");
    expect(bypassPolicyName("a".repeat(300)).length).toBe(253);
  });

  it("adds -2, -3, … when the name is taken in the namespace", () => {
    expect(freePolicyName("reviews-deny-waypoint-bypass", new Set())).toBe("reviews-deny-waypoint-bypass");
    expect(freePolicyName("reviews-deny-waypoint-bypass", new Set(["reviews-deny-waypoint-bypass"]))).toBe("reviews-deny-waypoint-bypass-2");
    expect(freePolicyName("x", new Set(["x", "x-2"]))).toBe("x-3");
  });
});

describe("waypointAllowPolicy (the migrated form under a default deny)", () => {
  it("an L4 selector ALLOW admitting the waypoint principal", () => {
    const out = waypointAllowPolicy({ service: "reviews", namespace: "bookinfo", selector: { app: "reviews" }, waypointPrincipal: WAYPOINT });
    expect(out.name).toBe("reviews-allow-waypoint");
    expect(out.result).toEqual({
      apiVersion: "security.istio.io/v1",
      kind: "AuthorizationPolicy",
      metadata: { name: "reviews-allow-waypoint", namespace: "bookinfo" },
      spec: { selector: { matchLabels: { app: "reviews" } }, action: "ALLOW", rules: [{ from: [{ source: { principals: [WAYPOINT] } }] }] },
    });
  });
  it("the same problems as the DENY: no selector, wildcard principal", () => {
    expect(waypointAllowPolicy({ service: "x", selector: null, waypointPrincipal: WAYPOINT }).result).toBeNull();
    expect(waypointAllowPolicy({ service: "x", selector: { app: "x" }, waypointPrincipal: "*" }).problems).toEqual([{ code: "invalid-principal", principal: "*" }]);
  });
  it("names", () => {
    expect(waypointAllowPolicyName("Reviews_V2")).toBe("reviews-v2-allow-waypoint");
  });
});
