/**
 * Ingress routes to a Service and `istio.io/ingress-use-waypoint` (lib/istio/ingress.ts), on the migrated fixture
 * (tests/fixtures/repos/migrated): an Istio Gateway + VirtualService in front of shop/frontend, a Gateway API Gateway
 * + HTTPRoute in front of blog/posts and blog/comments.
 */
import { describe, expect, it } from "vitest";
import path from "node:path";
import { getIndex } from "../../lib/index/index.js";
import { fixtureIndex, service as serviceYaml, settings, tmpDir, write } from "../index/helpers.js";
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

describe("ingressRoutesTo: gateways that are no ingress bypass, and route shapes", () => {
  const dir = tmpDir("istio-ambient-ingress-");
  const gateway = (name: string, cls: string) =>
    `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n  namespace: edge\nspec:\n  gatewayClassName: ${cls}\n  listeners:\n    - {name: http, port: 80, protocol: HTTP}\n`;
  const route = (name: string, parent: string, extra = "") =>
    `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: ${name}\n  namespace: edge\nspec:\n  parentRefs:\n    - name: ${parent}${extra}\n  rules:\n    - backendRefs:\n        - {name: api, namespace: app, port: 80}\n`;
  write(dir, {
    "app.yaml": serviceYaml("api", "app"),
    "gateways.yaml": [gateway("public", "istio"), gateway("east-west", "istio-east-west"), gateway("wp", "istio-waypoint")].join("---\n"),
    "routes.yaml": [route("via-public", "public"), route("via-east-west", "east-west"), route("via-waypoint", "wp"), route("via-missing", "nowhere"), route("service-parent", "api", "\n      kind: Service\n      group: \"\"")].join("---\n"),
  });
  const index = getIndex({ filename: path.join(dir, "x.yaml"), cwd: dir, settings: settings({ root: dir, revalidateMs: -1 }) });
  it("only the route through the ingress Gateway of class istio (cross-namespace backendRef)", () => {
    expect(ingressRoutesTo(index, { name: "api", namespace: "app" }, "cluster.local").map((r) => [r.route.name, r.gateway.name, r.identities.map((g) => g.principal)])).toEqual([
      ["via-public", "public", ["cluster.local/ns/edge/sa/public-istio"]],
    ]);
  });
});
