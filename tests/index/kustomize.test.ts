import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { clearIndexCache, type ResourceRecord } from "../../lib/index/index.js";
import { scopedIndex } from "../../lib/index/scope.js";
import { fixtureIndex, repo } from "./helpers.js";

beforeEach(() => clearIndexCache());

const ROOT = repo("kustomize");
const rel = (r: ResourceRecord) => path.relative(ROOT, r.file).split(path.sep).join("/");
const all = (records: readonly ResourceRecord[], kind: string, name: string, file: string) =>
  records.filter((r) => r.kind === kind && r.name === name && rel(r) === file);

describe("kustomize fixture: units and instances as kustomize build renders them", () => {
  it("units: each overlay is one (the base and the nested `team` kustomization are included), cluster/ a folder", () => {
    const idx = fixtureIndex("kustomize");
    expect(idx.units.map((u) => [u.id, u.origin, u.namespace])).toEqual([
      ["kustomize:overlays/dev", "kustomize", "bookinfo-dev"],
      ["kustomize:overlays/prod", "kustomize", "bookinfo-prod"],
      ["kustomize:overlays/staging", "kustomize", "bookinfo-staging"],
      ["folder:cluster", "folder", undefined],
    ]);
    expect(idx.stats.units).toBe(4);
  });

  it("a base used by three overlays has three instances, each in its overlay's namespace", () => {
    const idx = fixtureIndex("kustomize");
    const reviews = all(idx.resources, "Service", "reviews", "base/reviews.yaml");
    expect(reviews.map((r) => [r.unit, r.namespace, r.namespaceSource])).toEqual([
      ["kustomize:overlays/dev", "bookinfo-dev", "kustomization"],
      ["kustomize:overlays/prod", "bookinfo-prod", "kustomization"],
      ["kustomize:overlays/staging", "bookinfo-staging", "kustomization"],
    ]);
    const doc = reviews[0];
    expect(idx.instancesAt(doc.file, doc.documentIndex)).toHaveLength(3);
    // Kustomize's `namespace:` overrides metadata.namespace (legacy-api says `namespace: legacy`)
    expect(all(idx.resources, "Service", "legacy-api", "overlays/dev/legacy-api.yaml").map((r) => r.namespace)).toEqual(["bookinfo-dev"]);
    // nested `Kustomization` file in prod/team: rendered into prod
    expect(all(idx.resources, "Telemetry", "reviews-logging", "overlays/prod/team/telemetry.yaml").map((r) => [r.unit, r.namespace])).toEqual([
      ["kustomize:overlays/prod", "bookinfo-prod"],
    ]);
    // outside any kustomization: metadata, else unknown (or defaultNamespace)
    expect(all(idx.resources, "PeerAuthentication", "default", "cluster/mesh-defaults.yaml").map((r) => [r.namespace, r.namespaceSource])).toEqual([["istio-system", "metadata"]]);
    expect(all(idx.resources, "Telemetry", "mesh-tracing", "cluster/mesh-defaults.yaml").map((r) => [r.namespace, r.namespaceSource])).toEqual([[undefined, "unknown"]]);
    const withDefault = fixtureIndex("kustomize", { defaultNamespace: "apps" });
    expect(all(withDefault.resources, "Telemetry", "mesh-tracing", "cluster/mesh-defaults.yaml").map((r) => [r.namespace, r.namespaceSource])).toEqual([["apps", "default"]]);
  });

  it("patches change the instance of their overlay only; patch files are partial records without a unit", () => {
    const idx = fixtureIndex("kustomize");
    const reviews = all(idx.resources, "Service", "reviews", "base/reviews.yaml");
    expect(reviews.map((r) => [r.namespace, r.labels["istio.io/use-waypoint"]])).toEqual([
      ["bookinfo-dev", undefined],
      ["bookinfo-prod", "waypoint"],
      ["bookinfo-staging", undefined],
    ]);
    const partial = idx.resources.filter((r) => r.partial).map((r) => `${r.kind}/${r.name} ${rel(r)} ${r.unit}`);
    expect(partial.sort()).toEqual([
      "Deployment/reviews-v1 overlays/staging/reviews-replicas.yaml undefined",
      "Service/reviews overlays/prod/reviews-service-patch.yaml undefined",
    ]);
    expect(idx.resources.some((r) => r.group === "kustomize.config.k8s.io")).toBe(false);
  });

  it("lookups from one unit: the same unit first, never a copy from another overlay", () => {
    const idx = fixtureIndex("kustomize");
    const prod = scopedIndex(idx, "kustomize:overlays/prod");
    const staging = scopedIndex(idx, "kustomize:overlays/staging");
    const dev = scopedIndex(idx, "kustomize:overlays/dev");
    expect(prod.services("bookinfo-prod").map((s) => `${s.name} ${s.unit}`)).toEqual(["reviews kustomize:overlays/prod", "ratings kustomize:overlays/prod"]);
    expect(prod.waypoints("bookinfo-prod").map((w) => [w.name, w.serviceAccount])).toEqual([["waypoint", "prod-waypoint"]]);
    expect(staging.waypoints("bookinfo-staging").map((w) => [w.name, w.serviceAccount])).toEqual([["waypoint", "waypoint"]]);
    const service = (scope: typeof prod, ns: string) => scope.services(ns).find((s) => s.name === "reviews")!;
    // prod: the patch labels the Service; staging: its Namespace carries the label; dev: nothing
    expect(prod.waypointBinding(service(prod, "bookinfo-prod"))).toMatchObject({ source: "service", name: "waypoint", namespace: "bookinfo-prod" });
    expect(prod.waypointBinding(service(prod, "bookinfo-prod"))?.gateway?.file).toBe(path.join(ROOT, "overlays/prod/waypoint.yaml"));
    expect(staging.waypointBinding(service(staging, "bookinfo-staging"))).toMatchObject({ source: "namespace", name: "waypoint" });
    expect(staging.waypointBinding(service(staging, "bookinfo-staging"))?.gateway?.file).toBe(path.join(ROOT, "overlays/staging/waypoint.yaml"));
    expect(dev.waypointBinding(service(dev, "bookinfo-dev"))).toBeUndefined();
    // from the folder unit, the prod waypoint is unique in its namespace: a unique match outside the unit counts
    const folder = scopedIndex(idx, "folder:cluster");
    expect(folder.waypoint("waypoint", "bookinfo-prod")?.unit).toBe("kustomize:overlays/prod");
    // the base Service has one instance per namespace: unique in bookinfo-dev, so visible from another unit
    expect(folder.services("bookinfo-dev").map((s) => s.name).sort()).toEqual(["legacy-api", "ratings", "reviews"]);
  });
});
