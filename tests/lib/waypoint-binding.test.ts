import { describe, expect, it } from "vitest";
import path from "node:path";
import { fixtureIndex, repo, settings } from "../index/helpers.js";
import {
  labelsKnown,
  sameEnvironment,
  servesServices,
  targetRecords,
  targetState,
  waypointCandidates,
  waypointState,
} from "../../lib/istio/waypoint-binding.js";
import { singleFileIndex } from "../../lib/k8s/file-index.js";
import type { RepoIndex, ResourceRecord } from "../../lib/index/index.js";

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
    const se = targetRecords(index, "ServiceEntry", "payments-api", "shop", undefined);
    expect(se.map((r) => r.name)).toEqual(["payments-api"]);
    expect(targetState(index, se)?.state.type).toBe("unbound");
  });
  it("a Service not in the repository has no records: nothing to judge", () => {
    expect(targetRecords(index, "Service", "recommendations", "shop", undefined)).toEqual([]);
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
    const inNs = singleFileIndex(file, svc.replace("  name: a\n", "  name: a\n  namespace: n\n"), settings());
    expect(waypointState(inNs, inNs.byKind("Service")[0]).type).toBe("unknown");
  });
  it("assumed records: labels known only when declared", () => {
    const s = settings({ assumeExists: [{ kind: "Service", name: "a", namespace: "n" }, { kind: "Namespace", name: "n", labels: {} }] });
    const idx = singleFileIndex(path.join(repo("empty"), "x.yaml"), "", s);
    const a = idx.assumed("Service", "a", "n")!;
    expect(labelsKnown(s, a)).toBe(false);
    expect(labelsKnown(s, idx.assumed("Namespace", "n")!)).toBe(true);
    expect(waypointState(idx, a).type).toBe("unknown");
    expect(targetRecords(idx, "Service", "a", "n", undefined)).toEqual([a]);
  });
  it("a Kustomize patch setting the label makes the Service unknown", () => {
    const index = fixtureIndex("kustomize");
    const reviews = index.byKind("Service").filter((r) => r.name === "reviews" && !r.partial);
    expect(reviews.length).toBeGreaterThan(0);
    for (const r of reviews) expect(waypointState(index, r).type).toBe("unknown");
  });
});

describe("environments (kustomize-clusters fixture)", () => {
  const index = fixtureIndex("kustomize-clusters");
  const inOverlay = (kind: string, name: string, overlay: string): ResourceRecord =>
    index.byKind(kind).find((r) => r.name === name && r.file.includes(`${path.sep}${overlay}${path.sep}`))!;
  it("records of different overlays are different environments", () => {
    expect(sameEnvironment(index, inOverlay("Service", "reviews", "east"), inOverlay("Service", "reviews", "west"))).toBe(false);
    expect(sameEnvironment(index, inOverlay("Service", "reviews", "east"), inOverlay("Namespace", "bookinfo", "east"))).toBe(true);
    expect(sameEnvironment(index, undefined, inOverlay("Service", "reviews", "west"))).toBe(true);
  });
  it("a Service's Namespace is looked up in its own overlay", () => {
    expect(waypointState(index, inOverlay("Service", "reviews", "east")).type).toBe("bound");
    expect(waypointState(index, inOverlay("Service", "reviews", "west")).type).toBe("unbound");
  });
  it("target records come from the referrer's overlay", () => {
    const policy = inOverlay("AuthorizationPolicy", "reviews-read-only", "west");
    expect(targetRecords(index, "Service", "reviews", "bookinfo", policy).map((r) => r.file)).toEqual([inOverlay("Service", "reviews", "west").file]);
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
