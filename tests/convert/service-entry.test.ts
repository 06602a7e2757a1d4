/**
 * VirtualServices on ServiceEntry hosts: the HTTPRoute attaches to the ServiceEntry (parentRef group
 * networking.istio.io, kind ServiceEntry) and routes to its hosts with Hostname backendRefs, which Istio turns back
 * into the VirtualService hosts (every host of the ServiceEntry) and destinations `{host, port}`
 * (pilot/pkg/config/kube/gateway/conversion.go). Refused when that would not be the same routing.
 */
import { describe, expect, it } from "vitest";
import { convertVirtualService, type ConvertContext } from "../../lib/convert/virtualservice-to-httproute.js";
import { validateOutput } from "./helpers.js";

const entry = (extra: Record<string, unknown> = {}) => ({ name: "googleapis", namespace: "shop", hosts: ["www.googleapis.com"], ports: [80, 443], ...extra });
const ctx = (entries = [entry()]): ConvertContext => ({ services: [], subsets: [], serviceEntries: entries });
const vs = (http: unknown[], hosts = ["www.googleapis.com"]) => ({
  apiVersion: "networking.istio.io/v1",
  kind: "VirtualService",
  metadata: { name: "googleapis", namespace: "shop" },
  spec: { hosts, http },
});
// Istio's egress sample (samples/bookinfo/networking/egress-rule-google-apis.yaml): port 80 sent to 443.
const rewritePort = [{ match: [{ port: 80 }], route: [{ destination: { host: "www.googleapis.com", port: { number: 443 } } }] }];

describe("VirtualService on a ServiceEntry host → HTTPRoute", () => {
  it("ServiceEntry parentRef on the matched port, Hostname backendRef with the destination port", () => {
    const res = convertVirtualService(vs(rewritePort), ctx());
    expect(res.problems).toEqual([]);
    expect(validateOutput(res)).toEqual([]);
    expect(res.result!.httpRoutes[0]).toEqual({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "googleapis", namespace: "shop" },
      spec: {
        parentRefs: [{ group: "networking.istio.io", kind: "ServiceEntry", name: "googleapis", port: 80 }],
        rules: [{ backendRefs: [{ group: "networking.istio.io", kind: "Hostname", name: "www.googleapis.com", port: 443 }] }],
      },
    });
  });

  it("a destination without port takes the ServiceEntry's only port", () => {
    const res = convertVirtualService(vs([{ route: [{ destination: { host: "www.googleapis.com" } }] }]), ctx([entry({ ports: [443] })]));
    expect(res.problems).toEqual([]);
    expect((res.result!.httpRoutes[0] as any).spec.rules[0].backendRefs).toEqual([{ group: "networking.istio.io", kind: "Hostname", name: "www.googleapis.com", port: 443 }]);
  });

  it("refused: the ServiceEntry has another host (an HTTPRoute on it would route that host too)", () => {
    const res = convertVirtualService(vs(rewritePort), ctx([entry({ hosts: ["www.googleapis.com", "storage.googleapis.com"] })]));
    expect(res.result).toBeNull();
    expect(res.problems.map((p) => p.message)).toContain("ServiceEntry googleapis also has host storage.googleapis.com, which an HTTPRoute on it would route too");
  });

  it("converts when the VirtualService lists every host of the ServiceEntry (one parentRef)", () => {
    const res = convertVirtualService(
      vs([{ route: [{ destination: { host: "www.googleapis.com", port: { number: 443 } } }] }], ["www.googleapis.com", "storage.googleapis.com"]),
      ctx([entry({ hosts: ["www.googleapis.com", "storage.googleapis.com"] })]),
    );
    expect(res.problems).toEqual([]);
    expect((res.result!.httpRoutes[0] as any).spec.parentRefs).toEqual([{ group: "networking.istio.io", kind: "ServiceEntry", name: "googleapis" }]);
  });

  it("refused: a subset of a ServiceEntry host, a destination without port on a two-port ServiceEntry, a port it lacks", () => {
    const subset = convertVirtualService(vs([{ route: [{ destination: { host: "www.googleapis.com", subset: "v1", port: { number: 443 } } }] }]), ctx());
    expect(subset.problems.map((p) => p.code)).toEqual(["unknown-subset"]);
    const noPort = convertVirtualService(vs([{ route: [{ destination: { host: "www.googleapis.com" } }] }]), ctx());
    expect(noPort.problems.map((p) => p.code)).toEqual(["backend-port"]);
    const badPort = convertVirtualService(vs([{ route: [{ destination: { host: "www.googleapis.com", port: { number: 8443 } } }] }]), ctx());
    expect(badPort.problems.map((p) => p.code)).toEqual(["port-not-on-service"]);
  });

  it("refused as before without a ServiceEntry of the VirtualService's namespace for the host (visible there)", () => {
    for (const c of [ctx([]), ctx([entry({ namespace: "other" })]), ctx([entry(), entry({ name: "copy" })]), ctx([entry({ exportTo: ["istio-system"] })])]) {
      const res = convertVirtualService(vs(rewritePort), c);
      expect(res.problems[0]).toMatchObject({ code: "host-not-service", path: ["spec", "hosts", 0] });
    }
  });
});
