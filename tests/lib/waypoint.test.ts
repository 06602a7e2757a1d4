/**
 * Waypoint identities (istio/istio gatewaycommon deploymentcontroller: service account = Gateway name unless
 * annotated `gateway.istio.io/service-account`), Istio's principal matching (istio/api authorization_policy.proto,
 * message Rule), and the bypass-DENY shape of istio.io "Migrate policies" → "Prevent waypoint bypass".
 */
import { describe, expect, it } from "vitest";
import {
  gatewayIdentity,
  knownWaypointPrincipals,
  namesWaypoint,
  parsePrincipal,
  principalMatches,
  principalOf,
  servesServices,
  serviceWaypointIdentity,
} from "../../lib/istio/waypoint.js";
import { appliesToServicePods, bypassDeny, exemptPrincipals, isDryRun } from "../../lib/istio/bypass.js";
import type { GatewayRecord, WaypointBinding, ResourceRecord } from "../../lib/index/types.js";
import { singleFileIndex } from "../../lib/index/index.js";
import { readSettings } from "../../lib/settings.js";

const WP = "cluster.local/ns/bookinfo/sa/waypoint";

describe("principals", () => {
  it("builds and parses <td>/ns/<ns>/sa/<sa>", () => {
    expect(principalOf("cluster.local", "bookinfo", "waypoint")).toBe(WP);
    expect(parsePrincipal(WP)).toEqual({ trustDomain: "cluster.local", namespace: "bookinfo", serviceAccount: "waypoint" });
    expect(parsePrincipal("*/ns/bookinfo/sa/waypoint")).toBeNull();
    expect(parsePrincipal("spiffe://cluster.local/ns/a/sa/b")).toBeNull();
  });

  it("matches exact, prefix, suffix and presence like Istio", () => {
    expect(principalMatches(WP, WP)).toBe(true);
    expect(principalMatches("*/ns/bookinfo/sa/waypoint", WP)).toBe(true);
    expect(principalMatches("cluster.local/ns/bookinfo/*", WP)).toBe(true);
    expect(principalMatches("*", WP)).toBe(true);
    expect(principalMatches("cluster.local/ns/other/*", WP)).toBe(false);
    expect(principalMatches("cluster.local/ns/bookinfo/sa/waypoint-2", WP)).toBe(false);
  });

  it("namesWaypoint ignores the bare presence match", () => {
    expect(namesWaypoint("*", [WP])).toBe(false);
    expect(namesWaypoint("*/sa/waypoint", [WP])).toBe(true);
    expect(namesWaypoint("cluster.local/ns/bookinfo/sa/productpage", [WP])).toBe(false);
  });
});

const gateway = (extra: Partial<GatewayRecord>): GatewayRecord =>
  ({
    file: "",
    line: 1,
    documentIndex: 0,
    apiVersion: "gateway.networking.k8s.io/v1",
    group: "gateway.networking.k8s.io",
    kind: "Gateway",
    name: "waypoint",
    namespace: "bookinfo",
    namespaceSource: "metadata",
    labels: {},
    annotations: {},
    partial: false,
    gatewayClassName: "istio-waypoint",
    listeners: [],
    serviceAccount: "waypoint",
    ...extra,
  }) as GatewayRecord;

const binding = (extra: Partial<WaypointBinding>): WaypointBinding => ({
  source: "namespace",
  labelledBy: {} as ResourceRecord,
  optedOut: false,
  name: "waypoint",
  namespace: "bookinfo",
  gateway: undefined,
  ...extra,
});

describe("waypoint identities", () => {
  it("a Gateway's service account (annotation already resolved by the index)", () => {
    expect(gatewayIdentity(gateway({ name: "reviews-waypoint", serviceAccount: "reviews-sa" }), "cluster.local")).toMatchObject({
      name: "reviews-waypoint",
      principal: "cluster.local/ns/bookinfo/sa/reviews-sa",
      source: "gateway",
    });
    expect(gatewayIdentity(gateway({ namespace: undefined }), "td", "fallback").principal).toBe("td/ns/fallback/sa/waypoint");
    expect(gatewayIdentity(gateway({ namespace: undefined }), "td").principal).toBeUndefined();
  });

  it("servesServices follows istio.io/waypoint-for", () => {
    expect(servesServices(gateway({}))).toBe(true);
    expect(servesServices(gateway({ waypointFor: "all" }))).toBe(true);
    expect(servesServices(gateway({ waypointFor: "workload" }))).toBe(false);
    expect(servesServices(gateway({ waypointFor: "none" }))).toBe(false);
    expect(servesServices(undefined)).toBe(true);
  });

  it("a Service's identity: bound Gateway, else the label's name, else the setting; none for opt-out", () => {
    const gw = gateway({ name: "shared", namespace: "waypoints", serviceAccount: "shared-sa" });
    expect(serviceWaypointIdentity(binding({ name: "shared", namespace: "waypoints", gateway: gw }), "store", "cluster.local", "waypoint")?.principal).toBe(
      "cluster.local/ns/waypoints/sa/shared-sa",
    );
    expect(serviceWaypointIdentity(binding({ name: "ext", namespace: "store" }), "store", "cluster.local", "waypoint")).toMatchObject({
      principal: "cluster.local/ns/store/sa/ext",
      source: "binding",
    });
    expect(serviceWaypointIdentity(undefined, "store", "example.org", "my-waypoint")).toMatchObject({
      principal: "example.org/ns/store/sa/my-waypoint",
      source: "setting",
    });
    expect(serviceWaypointIdentity(binding({ optedOut: true, name: undefined }), "store", "cluster.local", "waypoint")).toBeNull();
    expect(serviceWaypointIdentity(binding({ gateway: gateway({ waypointFor: "workload" }) }), "bookinfo", "cluster.local", "waypoint")).toBeNull();
    expect(serviceWaypointIdentity(undefined, undefined, "cluster.local", "waypoint")?.principal).toBeUndefined();
  });
});

const deny = (rules: unknown, extra: Record<string, unknown> = {}) => ({
  apiVersion: "security.istio.io/v1",
  kind: "AuthorizationPolicy",
  metadata: { name: "deny-waypoint-bypass", namespace: "bookinfo" },
  spec: { selector: { matchLabels: { app: "reviews" } }, action: "DENY", rules, ...extra },
});

describe("bypass DENY", () => {
  it("exemptPrincipals: notPrincipals entries and source.principal notValues, with paths", () => {
    const policy = deny([
      { from: [{ source: { notPrincipals: [WP, 3, "cluster.local/ns/bookinfo/sa/productpage"] } }] },
      { when: [{ key: "source.principal", notValues: ["td/ns/a/sa/b"] }, { key: "source.namespace", notValues: ["x"] }] },
    ]);
    expect(exemptPrincipals(policy)).toEqual([
      { value: WP, path: ["spec", "rules", 0, "from", 0, "source", "notPrincipals", 0], list: ["spec", "rules", 0, "from", 0, "source", "notPrincipals"], rule: 0 },
      {
        value: "cluster.local/ns/bookinfo/sa/productpage",
        path: ["spec", "rules", 0, "from", 0, "source", "notPrincipals", 2],
        list: ["spec", "rules", 0, "from", 0, "source", "notPrincipals"],
        rule: 0,
      },
      { value: "td/ns/a/sa/b", path: ["spec", "rules", 1, "when", 0, "notValues", 0], list: ["spec", "rules", 1, "when", 0, "notValues"], rule: 1 },
    ]);
  });

  it("bypassDeny: a DENY exempting a waypoint, with the other principals of the same list", () => {
    const policy = deny([
      { from: [{ source: { notPrincipals: [WP, "cluster.local/ns/bookinfo/sa/productpage"] } }] },
      { from: [{ source: { notPrincipals: ["cluster.local/ns/x/sa/y"] } }] },
    ]);
    const found = bypassDeny(policy, [WP]);
    expect(found?.waypoint.map((e) => e.value)).toEqual([WP]);
    expect(found?.others.map((e) => e.value)).toEqual(["cluster.local/ns/bookinfo/sa/productpage"]);
  });

  it("bypassDeny: null for ALLOW, for a DENY without the waypoint, and for odd shapes", () => {
    expect(bypassDeny({ spec: { action: "ALLOW", rules: [{ from: [{ source: { notPrincipals: [WP] } }] }] } }, [WP])).toBeNull();
    expect(bypassDeny(deny([{ from: [{ source: { notPrincipals: ["cluster.local/ns/bookinfo/sa/productpage"] } }] }]), [WP])).toBeNull();
    expect(bypassDeny(deny([{ from: [{ source: { notPrincipals: ["*"] } }] }]), [WP])).toBeNull();
    expect(bypassDeny(deny("rules"), [WP])).toBeNull();
    expect(bypassDeny(deny([null, { from: "x" }, { from: [{ source: { notPrincipals: "x" } }] }]), [WP])).toBeNull();
    expect(bypassDeny({ spec: null }, [WP])).toBeNull();
  });

  it("isDryRun reads the istio.io/dry-run annotation", () => {
    expect(isDryRun({ metadata: { annotations: { "istio.io/dry-run": "true" } } })).toBe(true);
    expect(isDryRun({ metadata: { annotations: { "istio.io/dry-run": true } } })).toBe(true);
    expect(isDryRun({ metadata: { annotations: { "istio.io/dry-run": "false" } } })).toBe(false);
    expect(isDryRun({})).toBe(false);
  });
});

describe("appliesToServicePods", () => {
  const reviews = {
    namespace: "bookinfo",
    selector: { app: "reviews" },
    workloads: [
      { app: "reviews", version: "v1" },
      { app: "reviews", version: "v2" },
      { app: "ratings", version: "v1" },
    ],
  };
  it("selector implied by the Service's selector", () => {
    expect(appliesToServicePods({ namespace: "bookinfo", selector: { app: "reviews" } }, reviews, "istio-system")).toBe(true);
    expect(appliesToServicePods({ namespace: "bookinfo", selector: { app: "ratings" } }, reviews, "istio-system")).toBe(false);
  });
  it("a narrower selector covers only when every selected workload carries it", () => {
    expect(appliesToServicePods({ namespace: "bookinfo", selector: { app: "reviews", version: "v1" } }, reviews, "istio-system")).toBe(false);
    expect(appliesToServicePods({ namespace: "bookinfo", selector: { team: "books" } }, { ...reviews, workloads: [{ app: "reviews", team: "books" }] }, "istio-system")).toBe(true);
    expect(appliesToServicePods({ namespace: "bookinfo", selector: { team: "books" } }, { ...reviews, workloads: [] }, "istio-system")).toBe(false);
  });
  it("namespace-wide, empty matchLabels, root namespace, other namespace", () => {
    expect(appliesToServicePods({ namespace: "bookinfo", selector: null }, reviews, "istio-system")).toBe(true);
    expect(appliesToServicePods({ namespace: "bookinfo", selector: {} }, reviews, "istio-system")).toBe(true);
    expect(appliesToServicePods({ namespace: "istio-system", selector: null }, reviews, "istio-system")).toBe(true);
    expect(appliesToServicePods({ namespace: "istio-system", selector: { app: "reviews" } }, reviews, "istio-system")).toBe(true);
    expect(appliesToServicePods({ namespace: "other", selector: null }, reviews, "istio-system")).toBe(false);
    expect(appliesToServicePods({ namespace: undefined, selector: { app: "reviews" } }, reviews, "istio-system")).toBe(true);
  });
});

describe("knownWaypointPrincipals: canary waypoints count from 1.31", () => {
  const text = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
  labels:
    istio.io/use-waypoint: waypoint
    istio.io/use-waypoint-canary: waypoint-v2
spec:
  selector: {app: reviews}
  ports: [{port: 9080}]
`;
  const principals = (istioVersion: string) =>
    knownWaypointPrincipals(singleFileIndex("/virtual/reviews.yaml", text, readSettings({ "istio-ambient": { istioVersion } })), readSettings({ "istio-ambient": { istioVersion } }), "bookinfo");
  it("1.31: the canary label's waypoint is a waypoint identity", () => {
    expect(principals("1.31")).toEqual(expect.arrayContaining(["cluster.local/ns/bookinfo/sa/waypoint", "cluster.local/ns/bookinfo/sa/waypoint-v2"]));
  });
  it("1.30: no canaries", () => {
    expect(principals("1.30")).not.toContain("cluster.local/ns/bookinfo/sa/waypoint-v2");
  });
});
