import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { clearIndexCache, type ResourceRecord } from "../../lib/index/index.js";
import { fixtureIndex, names, repo } from "./helpers.js";

beforeEach(() => clearIndexCache());

const ROOT = repo("kustomize");
const rel = (r: ResourceRecord) => path.relative(ROOT, r.file).split(path.sep).join("/");
const find = (records: readonly ResourceRecord[], kind: string, name: string, file: string) =>
  records.find((r) => r.kind === kind && r.name === name && rel(r) === file)!;

describe("kustomize fixture: namespaces, patches and overlays", () => {
  it("namespace resolution: metadata, kustomization, unknown (and default from settings)", () => {
    const idx = fixtureIndex("kustomize");
    const summary = (kind: string, name: string, file: string) => {
      const r = find(idx.resources, kind, name, file);
      return [r.namespace, r.namespaceSource];
    };
    // base/ has a kustomization without namespace: rendered into several namespaces → unknown
    expect(summary("Service", "reviews", "base/reviews.yaml")).toEqual([undefined, "unknown"]);
    expect(summary("Gateway", "waypoint", "overlays/staging/waypoint.yaml")).toEqual(["bookinfo-staging", "kustomization"]);
    expect(summary("Gateway", "waypoint", "overlays/prod/waypoint.yaml")).toEqual(["bookinfo-prod", "kustomization"]);
    // kustomization.yml, and a nested `Kustomization` without namespace inherits the enclosing one
    expect(summary("Telemetry", "reviews-logging", "overlays/prod/team/telemetry.yaml")).toEqual(["bookinfo-prod", "kustomization"]);
    // metadata.namespace wins over the kustomization
    expect(summary("Service", "legacy-api", "overlays/dev/legacy-api.yaml")).toEqual(["legacy", "metadata"]);
    expect(summary("PeerAuthentication", "default", "cluster/mesh-defaults.yaml")).toEqual(["istio-system", "metadata"]);
    expect(summary("Telemetry", "mesh-tracing", "cluster/mesh-defaults.yaml")).toEqual([undefined, "unknown"]);
    expect(summary("Namespace", "bookinfo-prod", "overlays/prod/namespace.yaml")).toEqual([undefined, "cluster"]);

    const withDefault = fixtureIndex("kustomize", { defaultNamespace: "apps" });
    const telemetry = find(withDefault.resources, "Telemetry", "mesh-tracing", "cluster/mesh-defaults.yaml");
    expect([telemetry.namespace, telemetry.namespaceSource]).toEqual(["apps", "default"]);
    expect(find(withDefault.resources, "Service", "reviews", "base/reviews.yaml").namespaceSource).toBe("default");
    expect(find(withDefault.resources, "Gateway", "waypoint", "overlays/prod/waypoint.yaml").namespaceSource).toBe("kustomization");
  });

  it("kustomization files are not resources; JSON 6902 patch files hold no records", () => {
    const idx = fixtureIndex("kustomize");
    expect(idx.resources.some((r) => r.group === "kustomize.config.k8s.io")).toBe(false);
    expect(idx.resources.some((r) => rel(r).endsWith("authz-json-patch.yaml"))).toBe(false);
    expect(idx.stats.files).toBe(18); // 13 manifests + 5 kustomization files (README.md is not listed)
  });

  it("patch files are partial (patches[].path and patchesStrategicMerge) and left out of semantic lookups", () => {
    const idx = fixtureIndex("kustomize");
    const partial = idx.resources.filter((r) => r.partial).map((r) => `${r.kind}/${r.name} ${rel(r)}`);
    expect(partial.sort()).toEqual([
      "Deployment/reviews-v1 overlays/staging/reviews-replicas.yaml",
      "Service/reviews overlays/prod/reviews-service-patch.yaml",
    ]);
    // the patch keeps its namespace and unit
    const patch = find(idx.resources, "Service", "reviews", "overlays/prod/reviews-service-patch.yaml");
    expect(patch).toMatchObject({ namespace: "bookinfo-prod", namespaceSource: "kustomization", partial: true });
    // services(): the base Service (unknown namespace) matches any namespace; the patch is not a Service of its own
    expect(idx.services("bookinfo-prod").map(rel).sort()).toEqual(["base/ratings.yaml", "base/reviews.yaml"]);
    expect(idx.services("legacy").map(rel).sort()).toEqual(["base/ratings.yaml", "base/reviews.yaml", "overlays/dev/legacy-api.yaml"]);
    expect(idx.byKind("Service").filter((s) => s.name === "reviews")).toHaveLength(2);
    expect(idx.workloads("bookinfo-staging").map(rel).sort()).toEqual(["base/ratings.yaml", "base/reviews.yaml"]);
  });

  it("same names in several overlays do not collide; overlayOf gives each record its render unit", () => {
    const idx = fixtureIndex("kustomize");
    const waypoints = idx.byKind("Gateway");
    expect(waypoints.map((w) => [w.name, w.namespace, idx.overlayOf(w)])).toEqual([
      ["waypoint", "bookinfo-prod", path.join(ROOT, "overlays/prod")],
      ["waypoint", "bookinfo-staging", path.join(ROOT, "overlays/staging")],
    ]);
    expect(idx.waypoints("bookinfo-staging").map((w) => [w.name, w.serviceAccount])).toEqual([["waypoint", "waypoint"]]);
    expect(idx.waypoints("bookinfo-prod").map((w) => [w.name, w.serviceAccount])).toEqual([["waypoint", "prod-waypoint"]]);
    const namespaces = idx.byKind("Namespace");
    expect(names(namespaces)).toEqual(["bookinfo-prod", "bookinfo-staging"]);
    const telemetry = idx.byKind("Telemetry").find((t) => t.name === "reviews-logging")!;
    expect(idx.overlayOf(telemetry)).toBe(path.join(ROOT, "overlays/prod/team"));
    expect(idx.overlayOf(find(idx.resources, "Service", "reviews", "base/reviews.yaml"))).toBe(path.join(ROOT, "base"));
    expect(idx.overlayOf(find(idx.resources, "Telemetry", "mesh-tracing", "cluster/mesh-defaults.yaml"))).toBeUndefined();
    // the key is file + documentIndex: every record is kept
    const keys = new Set(idx.resources.map((r) => `${r.file}#${r.documentIndex}`));
    expect(keys.size).toBe(idx.resources.length);
  });

  it("waypointBinding across overlays: Namespace label in staging, none in prod", () => {
    const idx = fixtureIndex("kustomize");
    const reviews = idx.services("bookinfo-staging").find((s) => s.name === "reviews")!;
    // the base Service's namespace is unknown, so its binding comes from its own labels only
    expect(idx.waypointBinding(reviews)).toBeUndefined();
    const staging = idx.namespaceRecord("bookinfo-staging")!;
    expect(staging.labels["istio.io/use-waypoint"]).toBe("waypoint");
    const pseudo = { ...reviews, namespace: "bookinfo-staging" };
    expect(idx.waypointBinding(pseudo)).toMatchObject({ source: "namespace", name: "waypoint", namespace: "bookinfo-staging" });
    expect(idx.waypointBinding(pseudo)?.gateway?.file).toBe(path.join(ROOT, "overlays/staging/waypoint.yaml"));
    expect(idx.waypointBinding({ ...reviews, namespace: "bookinfo-prod" })).toBeUndefined();
  });
});
