/**
 * Ingress routes to a Service and `istio.io/ingress-use-waypoint` (lib/istio/ingress.ts), on the migrated fixture
 * (tests/fixtures/repos/migrated): an Istio Gateway + VirtualService in front of shop/frontend, a Gateway API Gateway
 * + HTTPRoute in front of blog/posts and blog/comments.
 */
import { describe, expect, it } from "vitest";
import { fixtureIndex } from "../index/helpers.js";
import { ingressRoutesTo, ingressUseWaypoint } from "../../lib/istio/ingress.js";
import type { RepoIndex } from "../../lib/index/index.js";

const service = (index: RepoIndex, name: string, namespace: string) => {
  const found = index.services(namespace).find((s) => s.name === name && s.namespace === namespace);
  if (!found) throw new Error(`no Service ${namespace}/${name}`);
  return found;
};

const summary = (index: RepoIndex, name: string, namespace: string) =>
  ingressRoutesTo(index, { name, namespace }, "cluster.local").map((r) => ({
    route: `${r.route.kind} ${r.route.namespace}/${r.route.name}`,
    gateway: `${r.gateway.group}/${r.gateway.namespace}/${r.gateway.name}`,
    principals: r.identities.map((g) => g.principal),
  }));

describe("ingressRoutesTo", () => {
  const index = fixtureIndex("migrated");
  it("VirtualService bound to an Istio Gateway: the gateway pods are the Deployments its selector matches", () => {
    expect(summary(index, "frontend", "shop")).toEqual([
      {
        route: "VirtualService shop/frontend",
        gateway: "networking.istio.io/istio-ingress/public",
        principals: ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"],
      },
    ]);
  });
  it("HTTPRoute with a Gateway API parent of a non-waypoint class: the gateway's `<name>-<class>` service account", () => {
    const expected = [{ route: "HTTPRoute blog/posts", gateway: "gateway.networking.k8s.io/blog/blog-gateway", principals: ["cluster.local/ns/blog/sa/blog-gateway-istio"] }];
    expect(summary(index, "posts", "blog")).toEqual(expected);
    expect(summary(index, "comments", "blog")).toEqual(expected);
  });
  it("no ingress route: only the waypoint reaches cart", () => {
    expect(summary(index, "cart", "shop")).toEqual([]);
  });
  it("another namespace of the same name does not match", () => {
    expect(summary(index, "frontend", "blog")).toEqual([]);
  });
});

describe("ingressUseWaypoint", () => {
  const index = fixtureIndex("migrated");
  it("no label on the Service nor on its Namespace: false", () => {
    expect(ingressUseWaypoint(index, service(index, "posts", "blog"))).toEqual({ value: false });
  });
  it("the Service's own label decides", () => {
    const r = ingressUseWaypoint(index, service(index, "comments", "blog"));
    expect([r.value, r.holder?.kind]).toEqual([true, "Service"]);
  });
  it("a Namespace the repository does not hold: unknown", () => {
    const s = { ...service(index, "posts", "blog"), namespace: "elsewhere" };
    expect(ingressUseWaypoint(index, s).value).toBe("unknown");
  });
  it("the Service's label wins over its Namespace's, `True` counts, `false` is explicit", () => {
    const posts = service(index, "posts", "blog");
    expect(ingressUseWaypoint(index, { ...posts, labels: { "istio.io/ingress-use-waypoint": "True" } }).value).toBe(true);
    const off = ingressUseWaypoint(index, { ...posts, labels: { "istio.io/ingress-use-waypoint": "false" } });
    expect([off.value, off.holder?.kind]).toEqual([false, "Service"]);
  });
});
