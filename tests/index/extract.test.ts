import { describe, expect, it } from "vitest";
import { isKustomizationFile, parseFile, type ParsedFile } from "../../lib/index/extract.js";
import type { ResourceRecord } from "../../lib/index/index.js";

function records(text: string, file = "/repo/x.yaml"): ResourceRecord[] {
  const parsed: ParsedFile = parseFile(file, text);
  return parsed.type === "resources" ? parsed.records : [];
}

describe("per-kind extracts", () => {
  it("VirtualService: hosts, mesh, and the spec as written", () => {
    const [vs] = records(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
    - delegate: {name: reviews-api}
`);
    expect(vs).toMatchObject({ hosts: ["reviews"], mesh: true, spec: { hosts: ["reviews"], http: [{ delegate: { name: "reviews-api" } }] } });
  });
  it("workloads and pods: pod labels and service account", () => {
    const [cron, pod, sts] = records(`apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: jobs}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
        spec: {serviceAccountName: reporter, containers: []}
---
apiVersion: v1
kind: Pod
metadata: {name: debug, labels: {app: debug}}
spec: {serviceAccountName: dbg}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    metadata: {labels: {app: db, "version": 2}}
`);
    expect(cron).toMatchObject({ kind: "CronJob", podLabels: { app: "report" }, serviceAccountName: "reporter", namespace: "jobs", line: 1 });
    expect(pod).toMatchObject({ kind: "Pod", podLabels: { app: "debug" }, serviceAccountName: "dbg", documentIndex: 1, line: 12 });
    expect(sts).toMatchObject({ podLabels: { app: "db", version: "2" }, namespace: undefined, namespaceSource: "unknown" });
    expect(sts.serviceAccountName).toBeUndefined();
  });

  it("only Istio groups count as Istio policies; Istio Gateway is not a Gateway API Gateway", () => {
    const [linkerd, istioGw, envoyFilter, se] = records(`apiVersion: policy.linkerd.io/v1beta3
kind: AuthorizationPolicy
metadata: {name: linkerd-authz, namespace: a}
spec: {targetRef: {kind: Server, name: web}}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ingress, namespace: istio-system}
spec: {selector: {istio: ingressgateway}}
---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: lua, namespace: a}
spec: {workloadSelector: {labels: {app: web}}}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext, namespace: a}
spec: {hosts: [api.example.com]}
`);
    expect(linkerd.targetRefs).toBeUndefined();
    expect(linkerd.selector).toBeUndefined();
    expect(istioGw.gatewayClassName).toBeUndefined();
    expect(istioGw.serviceAccount).toBeUndefined();
    expect(envoyFilter).toMatchObject({ selector: { app: "web" }, targetRefs: [] });
    expect(se.hosts).toEqual(["api.example.com"]);
  });

  it("policies: empty selector is {} (not null); targetRef and targetRefs merged in that order", () => {
    const [ap] = records(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: p, namespace: a}
spec:
  selector: {}
  targetRef: {kind: Gateway, group: gateway.networking.k8s.io, name: wp}
  targetRefs:
    - {kind: Service, group: "", name: s, namespace: a}
    - {kind: Service}
  action: CUSTOM
`);
    expect(ap).toMatchObject({
      selector: {},
      action: "CUSTOM",
      targetRefs: [
        { kind: "Gateway", group: "gateway.networking.k8s.io", name: "wp" },
        { kind: "Service", group: "", name: "s", namespace: "a" },
      ],
    });
  });

  it("Service ports and type; cluster-scoped kinds ignore metadata.namespace", () => {
    const [svc, gc] = records(`apiVersion: v1
kind: Service
metadata: {name: s, namespace: a}
spec:
  type: ClusterIP
  ports:
    - {name: http, port: 80, targetPort: http, protocol: TCP, appProtocol: http}
    - {name: bad, port: "eighty"}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: istio-waypoint, namespace: oops}
spec: {controllerName: istio.io/gateway-controller}
`);
    expect(svc).toMatchObject({ selector: null, serviceType: "ClusterIP", ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP", appProtocol: "http" }] });
    expect(gc).toMatchObject({ namespace: undefined, namespaceSource: "cluster" });
  });

  it("kustomization files: namespace, patch paths and inline patches", () => {
    const parsed = parseFile(
      "/repo/o/kustomization.yaml",
      `namespace: prod
patches:
  - path: p1.yaml
  - patch: |-
      - op: remove
        path: /spec/x
patchesStrategicMerge:
  - sub/p2.yaml
  - |-
    apiVersion: v1
    kind: Service
    metadata: {name: inline}
patchesJson6902:
  - {path: ../p3.yaml, target: {kind: Service, name: s}}
`,
    );
    expect(parsed.type).toBe("kustomization");
    const k = (parsed as Extract<typeof parsed, { type: "kustomization" }>).kustomization;
    expect(k).toMatchObject({ dir: "/repo/o", namespace: "prod", component: false, resources: [], components: [] });
    expect(k.patchFiles.sort()).toEqual(["/repo/o/p1.yaml", "/repo/o/sub/p2.yaml", "/repo/p3.yaml"]);
    // kustomize's order: patchesStrategicMerge, patches, then (after the other transformers) patchesJson6902
    expect(k.patches).toEqual([
      { path: "/repo/o/sub/p2.yaml" },
      { inline: [{ apiVersion: "v1", kind: "Service", metadata: { name: "inline" } }] },
      { path: "/repo/o/p1.yaml" },
      { inline: [[{ op: "remove", path: "/spec/x" }]] },
      { path: "/repo/p3.yaml", target: { kind: "Service", name: "s" }, json6902: true },
    ]);
    expect(isKustomizationFile("/a/Kustomization")).toBe(true);
    expect(isKustomizationFile("/a/kustomization.yml")).toBe(true);
    expect(isKustomizationFile("/a/kustomize.yaml")).toBe(false);
    expect(parseFile("/repo/kustomization.yaml", "resources: [\n")).toEqual({ type: "none" });
  });

  it("never throws on odd input", () => {
    for (const text of ["", "---\n---\n", "- a\n- b\n", "apiVersion: v1\nkind: 5\n", "*alias\n", "apiVersion: v1\nkind: List\nitems: 3\n", "\u0000\u0001"]) {
      expect(() => parseFile("/repo/x.yaml", text)).not.toThrow();
    }
    expect(records("apiVersion: v1\nkind: List\nitems: 3\n")).toEqual([]);
  });
});
