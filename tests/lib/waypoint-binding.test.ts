import { describe, expect, it } from "vitest";
import path from "node:path";
import { fixtureIndex, repo, settings } from "../index/helpers.js";
import {
  labelsKnown,
  sameUnit,
  servesServices,
  targetRecords,
  targetState,
  waypointCandidates,
  waypointAdmits,
  waypointState,
} from "../../lib/istio/waypoint-binding.js";
import { singleFileIndex } from "../../lib/index/index.js";
import { scopedIndex } from "../../lib/index/scope.js";
import type { GatewayRecord, RepoIndex, ResourceRecord } from "../../lib/index/index.js";

const service = (index: RepoIndex, name: string, namespace: string) => {
  const found = index.services(namespace).find((s) => s.name === name && s.namespace === namespace);
  if (!found) throw new Error(`no Service ${namespace}/${name}`);
  return found;
};

describe("waypointState (waypoint-binding fixture)", () => {
  const index = fixtureIndex("waypoint-binding");
  it("own label, bound", () => {
    const s = waypointState(index, service(index, "cart", "shop"));
    expect(s.type).toBe("bound");
    expect(s.type === "bound" && [s.source, s.gateway.name]).toEqual(["service", "waypoint"]);
  });
  it("no label on the Service nor its Namespace: unbound", () => {
    const s = waypointState(index, service(index, "orders", "shop"));
    expect(s.type === "unbound" && s.namespace.name).toBe("shop");
  });
  it("Namespace label: bound through the Namespace", () => {
    const s = waypointState(index, service(index, "ledger", "payments"));
    expect(s.type === "bound" && s.source).toBe("namespace");
  });
  it("none: opted out", () => {
    expect(waypointState(index, service(index, "audit", "payments")).type).toBe("optedOut");
  });
  it("a label naming no Gateway: dangling", () => {
    const s = waypointState(index, service(index, "invoices", "billing"));
    expect(s.type === "dangling" && [s.name, s.namespace, s.source]).toEqual(["billing-waypoint", "billing", "namespace"]);
  });
  it("a workload-only waypoint: wrong type", () => {
    const s = waypointState(index, service(index, "jobs", "batch"));
    expect(s.type === "wrongType" && s.waypointFor).toBe("workload");
  });
  it("ServiceEntry bindings read the same labels", () => {
    const se = targetRecords(index, "ServiceEntry", "payments-api", "shop");
    expect(se.map((r) => r.name)).toEqual(["payments-api"]);
    expect(targetState(index, se)?.state.type).toBe("unbound");
  });
  it("a Service not in the repository has no records: nothing to judge", () => {
    expect(targetRecords(index, "Service", "recommendations", "shop")).toEqual([]);
    expect(targetState(index, [])).toBeNull();
  });
  it("candidates: service-serving waypoints of the namespace, plus the configured one", () => {
    expect(waypointCandidates(index, service(index, "orders", "shop"), undefined)).toEqual(["waypoint"]);
    expect(waypointCandidates(index, service(index, "orders", "shop"), "other")).toEqual(["waypoint", "other"]);
    expect(waypointCandidates(index, service(index, "jobs", "batch"), undefined)).toEqual([]);
  });
});

describe("unknowns", () => {
  it("unknown namespace, or a Namespace not in the repository", () => {
    const file = path.join(repo("empty"), "x.yaml");
    const svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports: [{port: 80}]\n";
    const noNs = singleFileIndex(file, svc, settings());
    expect(waypointState(noNs, noNs.byKind("Service")[0]).type).toBe("unknown");
    const inNs = singleFileIndex(file, svc.replace("  name: a\n", "  name: a\n  namespace: shop\n"), settings());
    expect(waypointState(inNs, inNs.byKind("Service")[0]).type).toBe("unknown");
  });
  it("assumed records: labels known only when declared", () => {
    const s = settings({ assumeExists: [{ kind: "Service", name: "a", namespace: "n" }, { kind: "Namespace", name: "n", labels: {} }] });
    const idx = singleFileIndex(path.join(repo("empty"), "x.yaml"), "", s);
    const a = idx.assumed("Service", "a", "n")!;
    expect(labelsKnown(s, a)).toBe(false);
    expect(labelsKnown(s, idx.assumed("Namespace", "n")!)).toBe(true);
    expect(waypointState(idx, a).type).toBe("unknown");
    expect(targetRecords(idx, "Service", "a", "n")).toEqual([a]);
  });
  it("a Kustomize patch that sets the label binds the instance of its overlay only", () => {
    const index = fixtureIndex("kustomize");
    const reviews = index.byKind("Service").filter((r) => r.name === "reviews" && !r.partial);
    const state = (r: ResourceRecord) => waypointState(scopedIndex(index, r.unit), r);
    expect(reviews.map((r) => [r.namespace, state(r).type])).toEqual([
      ["bookinfo-dev", "unknown"], // no Namespace bookinfo-dev in the repository
      ["bookinfo-prod", "bound"], // the patch labels the Service
      ["bookinfo-staging", "bound"], // the overlay's Namespace carries the label
    ]);
  });
});

describe("environments (kustomize-clusters fixture)", () => {
  const index = fixtureIndex("kustomize-clusters");
  const inOverlay = (kind: string, name: string, overlay: string): ResourceRecord =>
    index.byKind(kind).find((r) => r.name === name && r.file.includes(`${path.sep}${overlay}${path.sep}`))!;
  const scoped = (r: ResourceRecord) => scopedIndex(index, r.unit);
  it("records of different units are not applied together", () => {
    expect(sameUnit(inOverlay("Service", "reviews", "east"), inOverlay("Service", "reviews", "west"))).toBe(false);
    expect(sameUnit(inOverlay("Service", "reviews", "east"), inOverlay("Namespace", "bookinfo", "east"))).toBe(true);
    expect(sameUnit(undefined, inOverlay("Service", "reviews", "west"))).toBe(true);
  });
  it("a Service's Namespace is looked up in its own unit", () => {
    const east = inOverlay("Service", "reviews", "east");
    const west = inOverlay("Service", "reviews", "west");
    expect(waypointState(scoped(east), east).type).toBe("bound");
    expect(waypointState(scoped(west), west).type).toBe("unbound");
  });
  it("target records come from the referrer's unit", () => {
    const policy = inOverlay("AuthorizationPolicy", "reviews-read-only", "west");
    expect(targetRecords(scoped(policy), "Service", "reviews", "bookinfo").map((r) => r.file)).toEqual([inOverlay("Service", "reviews", "west").file]);
    // from a third unit, two copies are ambiguous: neither is returned
    expect(targetRecords(scopedIndex(index, "folder:elsewhere"), "Service", "reviews", "bookinfo")).toEqual([]);
  });
});

describe("servesServices", () => {
  it("service (default) and all serve Services; workload and none do not", () => {
    expect(servesServices({ waypointFor: undefined })).toBe(true);
    expect(servesServices({ waypointFor: "service" })).toBe(true);
    expect(servesServices({ waypointFor: "all" })).toBe(true);
    expect(servesServices({ waypointFor: "workload" })).toBe(false);
    expect(servesServices({ waypointFor: "none" })).toBe(false);
  });
});

describe("waypointAdmits (istiod makeAllowedRoutes / AllowsAttachmentFromNamespace)", () => {
  const gw = (listeners: GatewayRecord["listeners"], extra: Partial<GatewayRecord> = {}): GatewayRecord => ({
    file: "/r/gw.yaml",
    line: 1,
    documentIndex: 0,
    apiVersion: "gateway.networking.k8s.io/v1",
    group: "gateway.networking.k8s.io",
    kind: "Gateway",
    name: "shared",
    namespace: "istio-waypoints",
    namespaceSource: "metadata",
    labels: {},
    annotations: {},
    partial: false,
    gatewayClassName: "istio-waypoint",
    listeners,
    serviceAccount: "shared",
    ...extra,
  });
  const hbone = (allowedNamespaces?: GatewayRecord["listeners"][number]["allowedNamespaces"]) => [{ name: "mesh", port: 15008, protocol: "HBONE", ...(allowedNamespaces ? { allowedNamespaces } : {}) }];
  it("no allowedRoutes, or no HBONE listener: Same (the waypoint's own namespace only)", () => {
    expect(waypointAdmits(gw(hbone()), "istio-waypoints", {})).toEqual({ admitted: true });
    expect(waypointAdmits(gw(hbone()), "foo", {})).toEqual({ admitted: false, from: "Same" });
    expect(waypointAdmits(gw([{ name: "http", port: 80, protocol: "HTTP", allowedNamespaces: { from: "All" } }]), "foo", {})).toEqual({ admitted: false, from: "Same" });
  });
  it("All admits every namespace", () => {
    expect(waypointAdmits(gw(hbone({ from: "All" })), "foo", undefined)).toEqual({ admitted: true });
  });
  it("Selector: against the Namespace labels plus kubernetes.io/metadata.name", () => {
    const byName = hbone({ from: "Selector", matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["foo"] }] });
    expect(waypointAdmits(gw(byName), "foo", undefined)).toEqual({ admitted: true });
    expect(waypointAdmits(gw(byName), "bar", undefined)).toEqual({ admitted: false, from: "Selector" });
    const byLabel = hbone({ from: "Selector", matchLabels: { "mesh/waypoint": "shared" } });
    expect(waypointAdmits(gw(byLabel), "foo", { "mesh/waypoint": "shared" })).toEqual({ admitted: true });
    expect(waypointAdmits(gw(byLabel), "foo", {})).toEqual({ admitted: false, from: "Selector" });
    // Namespace labels unknown: only the name label can be decided.
    expect(waypointAdmits(gw(byLabel), "foo", undefined)).toEqual({ admitted: undefined });
    const notIn = hbone({ from: "Selector", matchExpressions: [{ key: "team", operator: "NotIn", values: ["x"] }, { key: "env", operator: "Exists", values: [] }] });
    expect(waypointAdmits(gw(notIn), "foo", { env: "prod" })).toEqual({ admitted: true });
    expect(waypointAdmits(gw(notIn), "foo", { env: "prod", team: "x" })).toEqual({ admitted: false, from: "Selector" });
  });
  it("what the repository cannot tell: assumed, unreadable, templated, inbound-binding annotation", () => {
    expect(waypointAdmits(gw([], { assumed: true }), "foo", {})).toEqual({ admitted: undefined });
    expect(waypointAdmits(gw(hbone({ unreadable: true })), "foo", {})).toEqual({ admitted: undefined });
    expect(waypointAdmits(gw(hbone({ from: "{{ .Values.from }}" })), "foo", {})).toEqual({ admitted: undefined });
    expect(waypointAdmits(gw(hbone(), { annotations: { "ambient.istio.io/waypoint-inbound-binding": "PROXY/15088" } }), "foo", {})).toEqual({ admitted: undefined });
  });
});
