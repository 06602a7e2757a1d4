/** The one table of Istio-version-gated facts (lib/versions.ts). */
import { describe, expect, it } from "vitest";
import { ISTIO_VERSION_FACTS, istioHas, istioVersionAtLeast, isWaypointClass, waypointClasses } from "../../lib/versions.js";

describe("istioVersionAtLeast", () => {
  it("compares major.minor, ignores patch and prefix; unparsable counts as latest", () => {
    expect(istioVersionAtLeast("1.30", "1.30")).toBe(true);
    expect(istioVersionAtLeast("1.30.2", "1.30")).toBe(true);
    expect(istioVersionAtLeast("v1.29.1", "1.30")).toBe(false);
    expect(istioVersionAtLeast("1.9", "1.28")).toBe(false);
    expect(istioVersionAtLeast("2.0", "1.30")).toBe(true);
    expect(istioVersionAtLeast("latest", "1.30")).toBe(true);
  });
});

describe("ISTIO_VERSION_FACTS", () => {
  it("every fact has a parsable release, a statement and a source", () => {
    for (const [name, f] of Object.entries(ISTIO_VERSION_FACTS)) {
      expect(f.since, name).toMatch(/^1\.\d+$/);
      expect(f.fact.length, name).toBeGreaterThan(20);
      expect(f.source, name).toMatch(/istio/);
    }
  });
  it("gates each fact at its release", () => {
    expect(istioHas("1.26", "envoyFilterOnWaypoints")).toBe(false);
    expect(istioHas("1.27", "envoyFilterOnWaypoints")).toBe(true);
    expect(istioHas("1.27", "envoyFilterWaypointContext")).toBe(false);
    expect(istioHas("1.28", "envoyFilterWaypointContext")).toBe(true);
    expect(istioHas("1.29", "trafficExtension")).toBe(false);
    expect(istioHas("1.30", "trafficExtension")).toBe(true);
    expect(istioHas("1.30", "useWaypointCanary")).toBe(false);
    expect(istioHas("1.31.0", "useWaypointCanary")).toBe(true);
  });
  it("waypoint classes: istio-agentgateway-waypoint from 1.31", () => {
    expect(waypointClasses("1.30")).toEqual(["istio-waypoint"]);
    expect(waypointClasses("1.31")).toEqual(["istio-waypoint", "istio-agentgateway-waypoint"]);
    expect(isWaypointClass("istio-agentgateway-waypoint", "1.30")).toBe(false);
    expect(isWaypointClass("istio-agentgateway-waypoint", "1.31")).toBe(true);
    expect(isWaypointClass("istio", "1.31")).toBe(false);
    expect(isWaypointClass(undefined, "1.31")).toBe(false);
  });
});
