/**
 * The deployment model on fixture repositories of each layout: Argo CD Applications (and an ApplicationSet
 * list generator) over plain folders and a kustomization, Flux Kustomizations with `targetNamespace` and
 * `commonMetadata`, and one app copied per cluster folder.
 */
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { clearIndexCache, type RepoIndex, type ResourceRecord } from "../../lib/index/index.js";
import { scopedIndex } from "../../lib/index/scope.js";
import { waypointState } from "../../lib/istio/waypoint-binding.js";
import { fixtureIndex, repo } from "./helpers.js";

beforeEach(() => clearIndexCache());

const instances = (idx: RepoIndex, kind: string, name: string) =>
  idx.resources.filter((r) => r.kind === kind && r.name === name).map((r) => [r.unit, r.namespace, r.namespaceSource]);
const stateIn = (idx: RepoIndex, r: ResourceRecord) => waypointState(scopedIndex(idx, r.unit), r).type;

describe("Argo CD", () => {
  const idx = () => fixtureIndex("argocd");
  it("Applications are units: their path, destination namespace, and Helm or remote sources outside", () => {
    const units = Object.fromEntries(idx().units.map((u) => [u.id, [u.origin, u.namespace, u.outside]]));
    expect(units).toMatchObject({
      "argocd:argocd/shop": ["argocd", "shop", []],
      "argocd:argocd/bookinfo": ["argocd", "bookinfo", []],
      "argocd:argocd/payments-a": ["argocd", "payments-a", []],
      "argocd:argocd/payments-b": ["argocd", "payments-b", []],
      "argocd:argocd/cert-manager": ["argocd", "cert-manager", ["Helm chart cert-manager"]],
      "folder:argocd": ["folder", undefined, []],
    });
    // the kustomization an Application deploys is not a unit of its own
    expect(Object.keys(units)).not.toContain("kustomize:apps/bookinfo/base");
  });
  it("destination.namespace fills the namespace of every object that has none", () => {
    expect(instances(idx(), "Service", "web")).toEqual([["argocd:argocd/shop", "shop", "kustomization"]]);
    expect(instances(idx(), "Service", "reviews")).toEqual([["argocd:argocd/bookinfo", "bookinfo", "kustomization"]]);
    // an ApplicationSet list generator: one instance per element
    expect(instances(idx(), "Service", "api")).toEqual([
      ["argocd:argocd/payments-a", "payments-a", "kustomization"],
      ["argocd:argocd/payments-b", "payments-b", "kustomization"],
    ]);
  });
  it("managedNamespaceMetadata with CreateNamespace=true labels the Namespace the app creates", () => {
    const ns = idx().resources.filter((r) => r.kind === "Namespace" && r.name === "shop");
    expect(ns.map((r) => [r.unit, r.synthetic, r.labels])).toEqual([
      ["argocd:argocd/shop", true, { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" }],
    ]);
    const web = idx().resources.find((r) => r.kind === "Service" && r.name === "web")!;
    expect(stateIn(idx(), web)).toBe("bound");
    // the synthetic Namespace is not an instance of the Application document
    const app = idx().resources.find((r) => r.kind === "Application" && r.name === "shop")!;
    expect(idx().instancesAt(app.file, app.documentIndex).map((r) => r.kind)).toEqual(["Application"]);
  });
});

describe("Flux", () => {
  const idx = () => fixtureIndex("flux");
  it("targetNamespace overrides every namespace (also a kustomization's); commonMetadata labels every object", () => {
    expect(instances(idx(), "Service", "podinfo")).toEqual([["flux:flux-system/apps", "podinfo", "kustomization"]]);
    expect(idx().resources.find((r) => r.name === "podinfo" && r.kind === "Service")!.labels).toEqual({ team: "web" });
    expect(instances(idx(), "Service", "cache")).toEqual([["flux:flux-system/shared", "shared-prod", "kustomization"]]);
    expect(idx().units.find((u) => u.id === "flux:flux-system/apps")).toMatchObject({ origin: "flux", namespace: "podinfo", label: "Flux Kustomization apps" });
    // a HelmRelease deploys nothing from the repository
    expect(idx().units.map((u) => u.id)).not.toContain("flux:istio-system/istiod");
  });
});

describe("one app copied per cluster folder", () => {
  it("copies are never merged: each cluster folder's Service sees its own Namespace", () => {
    const idx = fixtureIndex("clusters");
    const webs = idx.resources.filter((r) => r.kind === "Service" && r.name === "web");
    expect(webs.map((r) => [path.relative(repo("clusters"), r.file), r.unit, stateIn(idx, r)])).toEqual([
      ["clusters/east/shop/web.yaml", "folder:clusters/east/shop", "bound"],
      ["clusters/west/shop/web.yaml", "folder:clusters/west/shop", "unbound"],
    ]);
  });
  it("settings.units declares other unit roots", () => {
    const idx = fixtureIndex("clusters", { units: ["clusters/*"] });
    expect(idx.units.map((u) => [u.id, u.origin])).toEqual([
      ["settings:clusters/east", "settings"],
      ["settings:clusters/west", "settings"],
    ]);
  });
});
