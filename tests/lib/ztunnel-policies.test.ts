import { describe, expect, it } from "vitest";
import { strictPeerAuthentication, ztunnelAuthorizationPolicies } from "../../lib/istio/ztunnel-policies.js";
import { namespaceLabels } from "../../lib/index/namespace-labels.js";
import type { RepoIndex, ResourceRecord } from "../../lib/index/index.js";

const rec = (kind: string, name: string, namespace: string | undefined, extra: Partial<ResourceRecord> = {}): ResourceRecord => ({
  file: "/r/p.yaml",
  line: 1,
  documentIndex: 0,
  apiVersion: "security.istio.io/v1",
  group: "security.istio.io",
  kind,
  name,
  namespace,
  namespaceSource: "metadata",
  labels: {},
  annotations: {},
  partial: false,
  ...extra,
});

const pod = { namespace: "shop", labels: { app: "webhook" } };

describe("ztunnelAuthorizationPolicies", () => {
  it("selector, namespace-wide and root policies; not targetRefs, CUSTOM, dry-run, other namespaces or unknown ones", () => {
    const records = [
      rec("AuthorizationPolicy", "allow-nothing", "shop", { selector: null }),
      rec("AuthorizationPolicy", "webhook", "shop", { selector: { app: "webhook" }, action: "DENY" }),
      rec("AuthorizationPolicy", "other-app", "shop", { selector: { app: "other" } }),
      rec("AuthorizationPolicy", "mesh", "istio-system", { selector: null }),
      rec("AuthorizationPolicy", "root-selector", "istio-system", { selector: { app: "webhook" } }),
      rec("AuthorizationPolicy", "waypoint", "shop", { targetRefs: [{ kind: "Service", name: "x" }] }),
      rec("AuthorizationPolicy", "ext", "shop", { action: "CUSTOM" }),
      rec("AuthorizationPolicy", "dry", "shop", { annotations: { "istio.io/dry-run": "true" } }),
      rec("AuthorizationPolicy", "elsewhere", "billing"),
      rec("AuthorizationPolicy", "unknown", undefined),
      rec("AuthorizationPolicy", "patch", "shop", { partial: true }),
    ];
    expect(ztunnelAuthorizationPolicies(records, pod, "istio-system").map((r) => r.name)).toEqual(["allow-nothing", "webhook", "mesh", "root-selector"]);
  });
});

describe("strictPeerAuthentication", () => {
  it("the most specific PeerAuthentication decides; UNSET inherits; root selector ones are ignored", () => {
    const mesh = rec("PeerAuthentication", "default", "istio-system", { mtlsMode: "STRICT", selector: null });
    const nsPermissive = rec("PeerAuthentication", "default", "shop", { mtlsMode: "PERMISSIVE", selector: null });
    const workloadStrict = rec("PeerAuthentication", "webhook", "shop", { mtlsMode: "STRICT", selector: { app: "webhook" } });
    const workloadUnset = rec("PeerAuthentication", "webhook", "shop", { mtlsMode: "UNSET", selector: { app: "webhook" } });
    const rootSelector = rec("PeerAuthentication", "root", "istio-system", { mtlsMode: "PERMISSIVE", selector: { app: "webhook" } });
    expect(strictPeerAuthentication([mesh], pod, "istio-system")).toBe(mesh);
    expect(strictPeerAuthentication([mesh, nsPermissive], pod, "istio-system")).toBeUndefined();
    expect(strictPeerAuthentication([mesh, nsPermissive, workloadStrict], pod, "istio-system")).toBe(workloadStrict);
    expect(strictPeerAuthentication([mesh, workloadUnset], pod, "istio-system")).toBe(mesh);
    expect(strictPeerAuthentication([mesh, rootSelector], pod, "istio-system")).toBe(mesh);
    expect(strictPeerAuthentication([], pod, "istio-system")).toBeUndefined();
  });
});

describe("namespaceLabels", () => {
  const repo = (labels?: Record<string, string>) => () => ({ namespaceRecord: (name: string) => (labels ? { ...rec("Namespace", name, undefined), labels } : undefined) }) as unknown as RepoIndex;
  it("the repository's labels with this file's Namespace manifests on top; undefined when neither knows it", () => {
    const own = [{ kind: "Namespace", group: "", name: "shop", value: { metadata: { labels: { "istio.io/dataplane-mode": "ambient" } } } }];
    expect(namespaceLabels(own, repo({ team: "a", "istio.io/dataplane-mode": "none" }), "shop")).toEqual({ team: "a", "istio.io/dataplane-mode": "ambient" });
    expect(namespaceLabels([], repo({ team: "a" }), "shop")).toEqual({ team: "a" });
    expect(namespaceLabels([], repo(), "shop")).toBeUndefined();
    expect(namespaceLabels(own, repo(), undefined)).toBeUndefined();
  });
});
