import { describe, expect, it } from "vitest";
import { backendServices, isGatewayRoute, isServiceBackend, parentTarget, routeBackendRefs, routeParentRefs } from "../../lib/istio/httproute.js";
import { parentRefToServiceOps } from "../../lib/convert/parentref-to-service.js";
import {
  destinationRuleHost,
  destinationRuleSubsets,
  hasTopLevelTrafficPolicy,
  rolloutsManaging,
  serviceEntryHosts,
  virtualServiceSubsetUses,
} from "../../lib/istio/destinationrule.js";
import { readHeader } from "../../lib/k8s/resource.js";

describe("parentTarget", () => {
  it("Service parents by group", () => {
    expect(parentTarget({ kind: "Service", group: "", name: "a" })).toEqual({ type: "service" });
    expect(parentTarget({ kind: "Service", name: "a" })).toEqual({ type: "service-wrong-group", written: "missing" });
    expect(parentTarget({ kind: "Service", group: null, name: "a" })).toEqual({ type: "service-wrong-group", written: "null" });
    expect(parentTarget({ kind: "Service", group: "core", name: "a" })).toEqual({ type: "service-wrong-group", written: "core" });
    expect(parentTarget({ kind: "Service", group: "gateway.networking.k8s.io", name: "a" })).toEqual({ type: "service-wrong-group", written: "gateway" });
    expect(parentTarget({ kind: "Service", group: "serving.knative.dev", name: "a" })).toEqual({ type: "other" });
  });

  it("Gateway parents: kind and group default", () => {
    expect(parentTarget({ name: "gw" })).toEqual({ type: "gateway" });
    expect(parentTarget({ kind: "Gateway", group: "gateway.networking.k8s.io", name: "gw" })).toEqual({ type: "gateway" });
    expect(parentTarget({ kind: "Gateway", group: "networking.istio.io", name: "gw" })).toEqual({ type: "other" });
    expect(parentTarget({ kind: "ServiceEntry", group: "networking.istio.io", name: "se" })).toEqual({ type: "other" });
  });
});

describe("route references", () => {
  const route = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "r", namespace: "ns" },
    spec: {
      parentRefs: [{ group: "", kind: "Service", name: "reviews", port: 9080, sectionName: "http" }, "junk", { name: "gw", namespace: "infra" }],
      rules: [
        {
          backendRefs: [
            { name: "reviews-v1", port: 9080, filters: [{ type: "RequestMirror", requestMirror: { backendRef: { name: "shadow" } } }] },
            { name: "reviews-v2", namespace: "other" },
            { group: "networking.istio.io", kind: "Hostname", name: "api.example.com" },
            { name: "reviews-v1", port: 9080 },
          ],
          filters: [{ type: "RequestMirror", requestMirror: { backendRef: { name: "audit", port: 8080 } } }],
        },
        null,
        { backendRefs: "bad" },
      ],
    },
  };

  it("isGatewayRoute", () => {
    expect(isGatewayRoute(readHeader(route))).toBe(true);
    expect(isGatewayRoute(readHeader({ ...route, kind: "GRPCRoute" }))).toBe(true);
    expect(isGatewayRoute(readHeader({ ...route, kind: "TCPRoute" }))).toBe(false);
    expect(isGatewayRoute(readHeader({ ...route, apiVersion: "networking.istio.io/v1" }))).toBe(false);
    expect(isGatewayRoute(null)).toBe(false);
  });

  it("routeParentRefs skips non-mappings and keeps indexes and paths", () => {
    const parents = routeParentRefs(route);
    expect(parents.map((p) => [p.index, p.target.type, p.name, p.namespace, p.port, p.sectionName, p.path])).toEqual([
      [0, "service", "reviews", undefined, 9080, "http", ["spec", "parentRefs", 0]],
      [2, "gateway", "gw", "infra", undefined, undefined, ["spec", "parentRefs", 2]],
    ]);
  });

  it("routeBackendRefs: backendRefs and mirrors, with paths", () => {
    const refs = routeBackendRefs(route);
    expect(refs.map((r) => [r.name, r.isService, r.missingPort, r.via, r.path.join(".")])).toEqual([
      ["reviews-v1", true, false, "backendRef", "spec.rules.0.backendRefs.0"],
      ["shadow", true, true, "mirror", "spec.rules.0.backendRefs.0.filters.0.requestMirror.backendRef"],
      ["reviews-v2", true, true, "backendRef", "spec.rules.0.backendRefs.1"],
      ["api.example.com", false, true, "backendRef", "spec.rules.0.backendRefs.2"],
      ["reviews-v1", true, false, "backendRef", "spec.rules.0.backendRefs.3"],
      ["audit", true, false, "mirror", "spec.rules.0.filters.0.requestMirror.backendRef"],
    ]);
  });

  it("backendServices: distinct Service backends (mirrors excluded)", () => {
    expect(backendServices(route, "ns")).toEqual([
      { name: "reviews-v1", namespace: "ns" },
      { name: "reviews-v2", namespace: "other" },
    ]);
  });

  it("isServiceBackend follows the CEL defaults", () => {
    expect(isServiceBackend({ name: "a" })).toBe(true);
    expect(isServiceBackend({ name: "a", group: "", kind: "Service" })).toBe(true);
    expect(isServiceBackend({ name: "a", group: "core", kind: "Service" })).toBe(false);
    expect(isServiceBackend({ name: "a", kind: "ServiceImport", group: "multicluster.x-k8s.io" })).toBe(false);
  });

  it("odd shapes", () => {
    expect(routeParentRefs({})).toEqual([]);
    expect(routeParentRefs({ spec: { parentRefs: 5 } })).toEqual([]);
    expect(routeBackendRefs({ spec: { rules: [{ backendRefs: [1, null] }] } })).toEqual([]);
  });
});

describe("parentRefToServiceOps", () => {
  const path = ["spec", "parentRefs", 0] as const;
  it("waypoint parent with group and kind: set in place", () => {
    expect(parentRefToServiceOps({ group: "gateway.networking.k8s.io", kind: "Gateway", name: "waypoint" }, path, "reviews")).toEqual([
      { op: "set", path: [...path, "group"], value: "" },
      { op: "set", path: [...path, "kind"], value: "Service" },
      { op: "set", path: [...path, "name"], value: "reviews" },
    ]);
  });

  it("missing keys reuse the keys that must go (no insertion next to a removal)", () => {
    expect(parentRefToServiceOps({ name: "waypoint", sectionName: "mesh", port: 15008 }, path, "reviews")).toEqual([
      { op: "replacePair", path: [...path, "sectionName"], key: "group", value: "" },
      { op: "replacePair", path: [...path, "port"], key: "kind", value: "Service" },
      { op: "set", path: [...path, "name"], value: "reviews" },
    ]);
    expect(parentRefToServiceOps({ kind: "Gateway", name: "waypoint", namespace: "infra", port: 15008, sectionName: "mesh" }, path, "reviews")).toEqual([
      { op: "replacePair", path: [...path, "namespace"], key: "group", value: "" },
      { op: "set", path: [...path, "kind"], value: "Service" },
      { op: "set", path: [...path, "name"], value: "reviews" },
      { op: "remove", path: [...path, "port"] },
      { op: "remove", path: [...path, "sectionName"] },
    ]);
  });

  it("inserts when nothing can be reused; keeps a needed namespace", () => {
    expect(parentRefToServiceOps({ name: "waypoint" }, path, "reviews", "prod")).toEqual([
      { op: "set", path: [...path, "group"], value: "" },
      { op: "set", path: [...path, "kind"], value: "Service" },
      { op: "set", path: [...path, "name"], value: "reviews" },
      { op: "set", path: [...path, "namespace"], value: "prod" },
    ]);
  });
});

describe("DestinationRule helpers", () => {
  const dr = {
    spec: {
      host: "reviews",
      trafficPolicy: { loadBalancer: { simple: "RANDOM" } },
      subsets: [{ name: "v1", labels: { version: "v1" } }, { labels: { version: "x" } }, "junk", { name: "v2", labels: { version: 2 }, trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } } }],
    },
  };

  it("subsets, host, trafficPolicy", () => {
    expect(destinationRuleSubsets(dr)).toEqual([
      { index: 0, name: "v1", labels: { version: "v1" }, hasTrafficPolicy: false, path: ["spec", "subsets", 0, "name"] },
      { index: 3, name: "v2", labels: { version: "2" }, hasTrafficPolicy: true, path: ["spec", "subsets", 3, "name"] },
    ]);
    expect(destinationRuleHost(dr)).toBe("reviews");
    expect(destinationRuleHost({ spec: { host: 3 } })).toBeUndefined();
    expect(hasTopLevelTrafficPolicy(dr)).toBe(true);
    expect(hasTopLevelTrafficPolicy({ spec: { trafficPolicy: {} } })).toBe(false);
    expect(destinationRuleSubsets({})).toEqual([]);
  });

  it("virtualServiceSubsetUses: http route, mirror, mirrors, tcp, tls", () => {
    const vs = {
      spec: {
        http: [
          {
            route: [{ destination: { host: "reviews", subset: "v1" } }, { destination: { host: "reviews" } }],
            mirror: { host: "reviews", subset: "v2" },
            mirrors: [{ destination: { host: "reviews", subset: "v3" } }],
          },
        ],
        tcp: [{ route: [{ destination: { host: "db", subset: "primary" } }] }],
        tls: [{ route: [{ destination: { host: "api", subset: "blue" } }] }, null],
      },
    };
    expect(virtualServiceSubsetUses(vs).map((u) => [u.host, u.subset, u.path.join(".")])).toEqual([
      ["reviews", "v1", "spec.http.0.route.0.destination.subset"],
      ["reviews", "v2", "spec.http.0.mirror.subset"],
      ["reviews", "v3", "spec.http.0.mirrors.0.destination.subset"],
      ["db", "primary", "spec.tcp.0.route.0.destination.subset"],
      ["api", "blue", "spec.tls.0.route.0.destination.subset"],
    ]);
  });

  it("serviceEntryHosts and rolloutsManaging", () => {
    const se = { ...readHeader({ apiVersion: "networking.istio.io/v1", kind: "ServiceEntry", metadata: { name: "se" } })!, value: { spec: { hosts: ["api.example.com", 3] } } };
    const linkerd = { ...readHeader({ apiVersion: "example.com/v1", kind: "ServiceEntry", metadata: { name: "x" } })!, value: { spec: { hosts: ["nope"] } } };
    expect(serviceEntryHosts([se, linkerd])).toEqual(["api.example.com"]);
    const rollout = {
      ...readHeader({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", metadata: { name: "app", namespace: "ns" } })!,
      value: { spec: { strategy: { canary: { trafficRouting: { istio: { destinationRule: { name: "app-dr", stableSubsetName: "stable" } } } } } } },
    };
    expect(rolloutsManaging([rollout], "app-dr", "ns")).toEqual([{ name: "app", namespace: "ns" }]);
    expect(rolloutsManaging([rollout], "app-dr", undefined)).toEqual([{ name: "app", namespace: "ns" }]);
    expect(rolloutsManaging([rollout], "app-dr", "other")).toEqual([]);
    expect(rolloutsManaging([rollout], "other-dr", "ns")).toEqual([]);
    expect(rolloutsManaging([rollout], undefined, "ns")).toEqual([]);
  });
});
