import { describe, expect, it } from "vitest";
import { peerAuthenticationFindings, type PeerAuthnContext } from "../../lib/istio/peerauthentication.js";

const CTX: PeerAuthnContext = { rootNamespace: "istio-system", namespace: "foo" };

const pa = (spec: unknown) => ({ apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "p" }, spec });

describe("peerAuthenticationFindings", () => {
  it("STRICT, PERMISSIVE, UNSET and no mtls: nothing", () => {
    for (const mode of ["STRICT", "PERMISSIVE", "UNSET"]) expect(peerAuthenticationFindings(pa({ mtls: { mode } }), CTX)).toEqual([]);
    expect(peerAuthenticationFindings(pa({}), CTX)).toEqual([]);
  });

  it("DISABLE at namespace, mesh and workload scope", () => {
    expect(peerAuthenticationFindings(pa({ mtls: { mode: "DISABLE" } }), CTX)).toEqual([{ kind: "disable", scope: "namespace", path: ["spec", "mtls", "mode"] }]);
    expect(peerAuthenticationFindings(pa({ mtls: { mode: "DISABLE" } }), { ...CTX, namespace: "istio-system" })).toEqual([
      { kind: "disable", scope: "mesh", path: ["spec", "mtls", "mode"] },
    ]);
    expect(peerAuthenticationFindings(pa({ selector: { matchLabels: { app: "b" } }, mtls: { mode: "DISABLE" } }), CTX)).toEqual([
      { kind: "disable", scope: "workload", path: ["spec", "mtls", "mode"] },
    ]);
  });

  it("an unknown namespace is never taken for the root namespace", () => {
    expect(peerAuthenticationFindings(pa({ mtls: { mode: "DISABLE" } }), { ...CTX, namespace: undefined })[0]).toMatchObject({ scope: "namespace" });
  });

  it("port-level DISABLE on a workload policy: one finding per port, at its mode", () => {
    // shape of corpus istio__istio/tests__integration__ambient__testdata__beta-per-port-mtls.yaml, with port DISABLE
    const f = peerAuthenticationFindings(pa({ selector: { matchLabels: { app: "b" } }, mtls: { mode: "STRICT" }, portLevelMtls: { 8080: { mode: "DISABLE" }, 8090: { mode: "STRICT" }, 9090: { mode: "DISABLE" } } }), CTX);
    expect(f).toEqual([
      { kind: "port-disable", port: "8080", path: ["spec", "portLevelMtls", "8080", "mode"] },
      { kind: "port-disable", port: "9090", path: ["spec", "portLevelMtls", "9090", "mode"] },
    ]);
  });

  it("portLevelMtls without a selector (or with empty matchLabels) is ignored: one finding at portLevelMtls, not per port", () => {
    const spec = { mtls: { mode: "STRICT" }, portLevelMtls: { 8080: { mode: "DISABLE" } } };
    expect(peerAuthenticationFindings(pa(spec), CTX)).toEqual([{ kind: "port-level-without-selector", scope: "namespace", path: ["spec", "portLevelMtls"] }]);
    expect(peerAuthenticationFindings(pa({ ...spec, selector: { matchLabels: {} } }), CTX)).toEqual([
      { kind: "port-level-without-selector", scope: "namespace", path: ["spec", "portLevelMtls"] },
    ]);
    expect(peerAuthenticationFindings(pa(spec), { ...CTX, namespace: "istio-system" })).toEqual([
      { kind: "port-level-without-selector", scope: "mesh", path: ["spec", "portLevelMtls"] },
    ]);
    expect(peerAuthenticationFindings(pa({ portLevelMtls: {} }), CTX)).toEqual([]);
  });

  it("a selector policy in the root namespace is ignored entirely: one finding at the selector", () => {
    const root = { ...CTX, namespace: "istio-system" };
    expect(peerAuthenticationFindings(pa({ selector: { matchLabels: { app: "a" } }, mtls: { mode: "STRICT" } }), root)).toEqual([
      { kind: "root-selector", path: ["spec", "selector"], hasDisable: false },
    ]);
    expect(peerAuthenticationFindings(pa({ selector: { matchLabels: { app: "a" } }, mtls: { mode: "DISABLE" }, portLevelMtls: { 80: { mode: "DISABLE" } } }), root)).toEqual([
      { kind: "root-selector", path: ["spec", "selector"], hasDisable: true },
    ]);
    // An empty selector in the root namespace is the mesh-wide policy, not ignored.
    expect(peerAuthenticationFindings(pa({ selector: {}, mtls: { mode: "STRICT" } }), root)).toEqual([]);
  });

  it("policies on Envoy gateway pods are not about ambient workloads", () => {
    expect(peerAuthenticationFindings(pa({ selector: { matchLabels: { istio: "ingressgateway" } }, mtls: { mode: "DISABLE" } }), CTX)).toEqual([]);
    expect(peerAuthenticationFindings(pa({ selector: { matchLabels: { role: "edge" } }, mtls: { mode: "DISABLE" } }), { ...CTX, gatewaySelectors: [{ role: "edge" }] })).toEqual([]);
  });

  it("odd shapes do not crash", () => {
    expect(peerAuthenticationFindings({}, CTX)).toEqual([]);
    expect(peerAuthenticationFindings(pa("x"), CTX)).toEqual([]);
    expect(peerAuthenticationFindings(pa({ mtls: "DISABLE", portLevelMtls: [1, 2], selector: 3 }), CTX)).toEqual([]);
    expect(peerAuthenticationFindings(pa({ selector: { matchLabels: { a: "b" } }, portLevelMtls: { 80: null, 81: "DISABLE" } }), CTX)).toEqual([]);
  });
});
