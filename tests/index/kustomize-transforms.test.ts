/**
 * The Kustomize transformers of the deployment model on records (lib/index/kustomize.ts), without files:
 * strategic-merge and JSON 6902 patches through the record's skeleton, targets, namespace, prefixes, labels.
 * (tests/index/kubectl-kustomize.test.ts checks whole kustomizations against the real Kustomize.)
 */
import { describe, expect, it } from "vitest";
import {
  applyJson6902,
  applyLabels,
  applyNamespace,
  applyPatch,
  applyPrefixSuffix,
  fillNamespace,
  isRemote,
  labelSelectorMatches,
  strategicMerge,
  type Rendering,
} from "../../lib/index/kustomize.js";
import type { ResourceRecord } from "../../lib/index/types.js";

function rec(kind: string, name: string, extra: Partial<ResourceRecord> = {}): ResourceRecord {
  const group = kind === "AuthorizationPolicy" ? "security.istio.io" : kind === "Deployment" ? "apps" : "";
  return {
    file: "/r/x.yaml",
    line: 1,
    documentIndex: 0,
    apiVersion: group ? `${group}/v1` : "v1",
    group,
    kind,
    name,
    namespace: undefined,
    namespaceSource: kind === "Namespace" ? "cluster" : "unknown",
    labels: {},
    annotations: {},
    partial: false,
    ...extra,
  };
}
const r = (x: ResourceRecord): Rendering => ({ rec: x, previousNames: [] });

describe("patches", () => {
  const svc = rec("Service", "web", { selector: { app: "web" }, ports: [{ port: 80, name: "http" }] });
  it("strategic merge: maps merge, null deletes, ports merge by port, $patch: delete removes the object", () => {
    const patched = applyPatch([r(svc)], {}, [
      { apiVersion: "v1", kind: "Service", metadata: { name: "web", labels: { "istio.io/use-waypoint": "wp" } }, spec: { ports: [{ port: 9090, name: "grpc" }] } },
    ]);
    expect(patched[0].rec.labels).toEqual({ "istio.io/use-waypoint": "wp" });
    expect(patched[0].rec.ports).toEqual([{ port: 80, name: "http" }, { port: 9090, name: "grpc" }]);
    expect(applyPatch([r(svc)], {}, [{ $patch: "delete", apiVersion: "v1", kind: "Service", metadata: { name: "web" } }])).toEqual([]);
    // a patch for another name, or another namespace, changes nothing (kustomize: no match)
    expect(applyPatch([r(svc)], {}, [{ apiVersion: "v1", kind: "Service", metadata: { name: "api", labels: { a: "b" } } }])[0].rec.labels).toEqual({});
    expect(applyPatch([r(svc)], {}, [{ apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "x", labels: { a: "b" } } }])[0].rec.labels).toEqual({});
    const base: Record<string, unknown> = { a: { b: 1, c: 2 } };
    strategicMerge(base, { a: { b: null, d: 3 } });
    expect(base).toEqual({ a: { c: 2, d: 3 } });
  });
  it("JSON 6902 through a target: add, replace, remove on the fields the index keeps", () => {
    const target = { kind: "Service", name: "w.*" };
    const added = applyPatch([r(svc)], { target }, [[{ op: "add", path: "/metadata/labels/istio.io~1use-waypoint", value: "wp" }]]);
    expect(added[0].rec.labels).toEqual({ "istio.io/use-waypoint": "wp" });
    const replaced = applyPatch([r(svc)], { target, json6902: true }, [[{ op: "replace", path: "/spec/selector/app", value: "web2" }]]);
    expect(replaced[0].rec.selector).toEqual({ app: "web2" });
    const removed = applyPatch([r(svc)], { target, json6902: true }, [[{ op: "remove", path: "/spec/selector" }]]);
    expect(removed[0].rec.selector).toBeNull();
    // an operation on a field the index does not keep changes nothing it reads
    const other = applyPatch([r(svc)], { target, json6902: true }, [[{ op: "replace", path: "/spec/type", value: "NodePort" }]]);
    expect(other[0].rec).toEqual(svc);
    const obj: Record<string, unknown> = { list: [1, 2] };
    applyJson6902(obj, [{ op: "add", path: "/list/-", value: 3 }, { op: "move", from: "/list/0", path: "/first" }]);
    expect(obj).toEqual({ list: [2, 3], first: 1 });
  });
  it("a VirtualService's spec is kept and patched (prefer-httproute converts it with others of its unit)", () => {
    const spec = { hosts: ["reviews"], http: [{ route: [{ destination: { host: "reviews" } }] }] };
    const vs = rec("VirtualService", "reviews", { group: "networking.istio.io", apiVersion: "networking.istio.io/v1", spec });
    const patched = applyPatch([r(vs)], { target: { kind: "VirtualService", name: "reviews" }, json6902: true }, [[{ op: "add", path: "/spec/http/0/timeout", value: "5s" }]]);
    expect(patched[0].rec.spec).toEqual({ hosts: ["reviews"], http: [{ route: [{ destination: { host: "reviews" } }], timeout: "5s" }] });
    expect(vs.spec).toEqual({ hosts: ["reviews"], http: [{ route: [{ destination: { host: "reviews" } }] }] });
  });
  it("label selectors of patch targets", () => {
    expect(labelSelectorMatches("app=web,tier!=db", { app: "web", tier: "fe" })).toBe(true);
    expect(labelSelectorMatches("app in (web, api),!legacy", { app: "api" })).toBe(true);
    expect(labelSelectorMatches("app notin (web)", { app: "web" })).toBe(false);
    expect(labelSelectorMatches("env", {})).toBe(false);
  });
});

describe("transformers", () => {
  it("namespace overrides metadata, renames Namespace objects, leaves cluster-scoped kinds; Argo CD only fills", () => {
    const list = [r(rec("Service", "a", { namespace: "meta", namespaceSource: "metadata" })), r(rec("Namespace", "old")), r(rec("ClusterRole", "c", { namespaceSource: "cluster" }))];
    const out = applyNamespace(list, "shop");
    expect(out.map((x) => [x.rec.kind, x.rec.name, x.rec.namespace])).toEqual([
      ["Service", "a", "shop"],
      ["Namespace", "shop", undefined],
      ["ClusterRole", "c", undefined],
    ]);
    expect(fillNamespace(list, "shop").map((x) => x.rec.namespace)).toEqual(["meta", undefined, undefined]);
  });
  it("prefix/suffix rename everything but Namespaces and remember the previous name for later patches", () => {
    const out = applyPrefixSuffix([r(rec("Service", "web")), r(rec("Namespace", "shop"))], "p-", "-s");
    expect(out.map((x) => [x.rec.name, x.previousNames])).toEqual([["p-web-s", ["web"]], ["shop", []]]);
    const patched = applyPatch(out, {}, [{ apiVersion: "v1", kind: "Service", metadata: { name: "web", labels: { a: "b" } } }]);
    expect(patched[0].rec.labels).toEqual({ a: "b" });
  });
  it("labels: commonLabels/includeSelectors change Service selectors and pod templates, never Istio selectors", () => {
    const list = [
      r(rec("Service", "web", { selector: { app: "web" } })),
      r(rec("Deployment", "web", { podLabels: { app: "web" } })),
      r(rec("AuthorizationPolicy", "p", { selector: { app: "web" }, targetRefs: [] })),
    ];
    const all = applyLabels(list, { pairs: { env: "dev" }, includeSelectors: true, includeTemplates: true });
    expect(all.map((x) => [x.rec.labels, x.rec.selector ?? null, x.rec.podLabels ?? null])).toEqual([
      [{ env: "dev" }, { app: "web", env: "dev" }, null],
      [{ env: "dev" }, null, { app: "web", env: "dev" }],
      [{ env: "dev" }, { app: "web" }, null],
    ]);
    const meta = applyLabels(list, { pairs: { team: "x" }, includeSelectors: false, includeTemplates: false });
    expect(meta.map((x) => x.rec.selector ?? x.rec.podLabels)).toEqual([{ app: "web" }, { app: "web" }, { app: "web" }]);
  });
  it("remote bases are outside the repository", () => {
    for (const e of ["github.com/org/repo//base?ref=v1", "https://example.com/k.yaml", "git@github.com:org/repo.git"]) expect(isRemote(e)).toBe(true);
    for (const e of ["../base", "components/x", "service.yaml"]) expect(isRemote(e)).toBe(false);
  });
});
