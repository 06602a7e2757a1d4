import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { clearIndexCache, type ServiceRecord } from "../../lib/index/index.js";
import { EXTERNAL_WAYPOINT_SETTINGS, fixtureIndex, names, repo } from "./helpers.js";

beforeEach(() => clearIndexCache());

describe("plain fixture (per-namespace layout)", () => {
  // Linting a JSON file: the index reads JSON manifests too (reviews-v2-service.json).
  const index = () => fixtureIndex("plain", {}, "x.json");
  const service = (name: string, ns = "bookinfo") => index().services(ns).find((s) => s.name === name)!;

  it("indexes every manifest once, skipping non-Kubernetes YAML/JSON and Helm templates", () => {
    const idx = index();
    expect(idx.stats).toMatchObject({ builds: 1, revalidations: 0 });
    expect(idx.resources.length).toBe(29);
    expect(idx.resources.some((r) => r.name === "chart-templated")).toBe(false);
    expect(idx.resources.some((r) => r.file.includes(`${path.sep}config${path.sep}`))).toBe(false);
    expect(idx.resources.some((r) => r.file.endsWith("notes.yaml"))).toBe(false);
    // JSON manifests are indexed
    expect(idx.byKind("Service").map((s) => s.name)).toContain("reviews-v2");
  });

  it("records carry file, line, document index and compact extracts", () => {
    const productpage = service("productpage");
    expect(productpage).toMatchObject({
      file: path.join(repo("plain"), "bookinfo/productpage.yaml"),
      line: 10,
      documentIndex: 1,
      apiVersion: "v1",
      group: "",
      kind: "Service",
      namespace: "bookinfo",
      namespaceSource: "metadata",
      labels: { app: "productpage", service: "productpage" },
      partial: false,
      selector: { app: "productpage" },
      ports: [{ port: 9080, name: "http" }],
    });
    expect(productpage).not.toHaveProperty("value");
    const httpbinWaypoint = index().waypoints("httpbin")[0];
    // only istio-related annotations are kept
    expect(httpbinWaypoint.annotations).toEqual({ "gateway.istio.io/service-account": "httpbin-waypoint-sa" });
    const deployment = index().byKind("Deployment").find((d) => d.name === "productpage-v1")!;
    expect(deployment).toMatchObject({ podLabels: { app: "productpage", version: "v1" }, serviceAccountName: "bookinfo-productpage" });
  });

  it("byKind filters by kind and optionally group", () => {
    const idx = index();
    expect(names(idx.byKind("AuthorizationPolicy"))).toEqual(["deny-legacy-clients", "httpbin-audit", "httpbin-get-only", "productpage-viewer", "ratings-get"]);
    expect(idx.byKind("Gateway", "networking.istio.io")).toEqual([]);
    expect(idx.byKind("Gateway", "gateway.networking.k8s.io")).toHaveLength(3);
    expect(idx.byKind("Nope")).toEqual([]);
  });

  it("services(namespace) and inFile", () => {
    const idx = index();
    expect(names(idx.services("bookinfo"))).toEqual(["details", "productpage", "ratings", "reviews", "reviews-v2"]);
    expect(names(idx.services("httpbin"))).toEqual(["httpbin"]);
    expect(idx.services()).toHaveLength(6);
    expect(idx.services("nowhere")).toEqual([]);
    const file = path.join(repo("plain"), "bookinfo/reviews.yaml");
    expect(idx.inFile(file).map((r) => `${r.kind}/${r.name}@${r.line}`)).toEqual([
      "Service/reviews@1",
      "Deployment/reviews-v1@16",
      "Deployment/reviews-v2@40",
      "Deployment/reviews-v3@64",
    ]);
  });

  it("servicesSelecting: equal selector, or the same set of workloads", () => {
    const idx = index();
    expect(names(idx.servicesSelecting({ app: "reviews" }, "bookinfo"))).toEqual(["reviews"]);
    expect(names(idx.servicesSelecting({ app: "reviews", version: "v2" }, "bookinfo"))).toEqual(["reviews-v2"]);
    // ratings' Service selects {app: ratings, tier: backend}: the same pods as {app: ratings}
    expect(names(idx.servicesSelecting({ app: "ratings" }, "bookinfo"))).toEqual(["ratings"]);
    // {version: v1} selects several workloads, no Service selects exactly those
    expect(idx.servicesSelecting({ version: "v1" }, "bookinfo")).toEqual([]);
    expect(idx.servicesSelecting({}, "httpbin")).toEqual([]); // namespace-wide: no single Service
    expect(idx.servicesSelecting({ app: "reviews" }, "httpbin")).toEqual([]);
    // pod labels → Services selecting the pod
    expect(names(idx.servicesForPod({ app: "reviews", version: "v2" }, "bookinfo"))).toEqual(["reviews", "reviews-v2"]);
  });

  it("waypoints(namespace) with service accounts", () => {
    const idx = index();
    expect(idx.waypoints("bookinfo").map((w) => [w.name, w.serviceAccount, w.waypointFor])).toEqual([["waypoint", "waypoint", "service"]]);
    expect(idx.waypoints("httpbin").map((w) => [w.name, w.serviceAccount])).toEqual([["httpbin-waypoint", "httpbin-waypoint-sa"]]);
    expect(names(idx.waypoints())).toEqual(["httpbin-waypoint", "waypoint"]); // the ingress Gateway is not a waypoint
    expect(idx.waypoints("bookinfo")[0].listeners).toEqual([{ name: "mesh", port: 15008, protocol: "HBONE" }]);
  });

  it("namespaceRecord", () => {
    const idx = index();
    expect(idx.namespaceRecord("bookinfo")).toMatchObject({
      kind: "Namespace",
      namespace: undefined,
      namespaceSource: "cluster",
      labels: { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" },
    });
    expect(idx.namespaceRecord("nope")).toBeUndefined();
  });

  it("waypointBinding: Service label, Namespace label, opt-out", () => {
    const idx = index();
    const reviews = idx.waypointBinding(service("reviews"))!;
    expect(reviews).toMatchObject({ source: "namespace", optedOut: false, name: "waypoint", namespace: "bookinfo" });
    expect(reviews.labelledBy.kind).toBe("Namespace");
    expect(reviews.gateway?.file).toBe(path.join(repo("plain"), "bookinfo/waypoint.yaml"));
    expect(idx.waypointBinding(service("details"))).toMatchObject({ source: "service", optedOut: true, name: undefined, gateway: undefined });
    const httpbin = idx.waypointBinding(service("httpbin", "httpbin"))!;
    expect(httpbin).toMatchObject({ source: "service", name: "httpbin-waypoint", namespace: "httpbin" });
    expect(httpbin.gateway?.serviceAccount).toBe("httpbin-waypoint-sa");
  });

  it("policies: selector, targetRefs (singular targetRef merged), action", () => {
    const idx = index();
    const byName = (n: string) => idx.resources.find((r) => r.name === n)!;
    expect(byName("productpage-viewer")).toMatchObject({ selector: null, targetRefs: [{ kind: "Service", group: "", name: "productpage" }], action: "ALLOW" });
    expect(byName("ratings-get")).toMatchObject({ selector: { app: "ratings" }, targetRefs: [], action: "ALLOW" });
    expect(byName("deny-legacy-clients")).toMatchObject({ selector: null, action: "DENY" });
    expect(byName("httpbin-audit").action).toBe("AUDIT");
    expect(byName("productpage-jwt")).toMatchObject({ targetRefs: [{ kind: "Gateway", group: "gateway.networking.k8s.io", name: "waypoint" }] });
    expect(byName("productpage-jwt").action).toBeUndefined();
    expect(byName("reviews-tracing")).toMatchObject({ kind: "Telemetry", selector: { app: "reviews" } });
    expect(idx.resources.find((r) => r.kind === "PeerAuthentication")).toMatchObject({ selector: null, mtlsMode: "STRICT" });
  });

  it("destinationRules(host, namespace)", () => {
    const idx = index();
    expect(names(idx.destinationRules("reviews", "bookinfo"))).toEqual(["reviews"]);
    expect(names(idx.destinationRules("reviews.bookinfo.svc.cluster.local", undefined))).toEqual(["reviews"]);
    expect(idx.destinationRules("reviews", "httpbin")).toEqual([]);
    expect(idx.destinationRules("reviews", "bookinfo")[0].subsets).toEqual([
      { name: "v1", labels: { version: "v1" } },
      { name: "v2", labels: { version: "v2" } },
      { name: "v3", labels: { version: "v3" } },
    ]);
  });
});

describe("partial-migration fixture", () => {
  const index = () => fixtureIndex("partial-migration");

  it("routesFor: mesh VirtualServices by any host form, and HTTPRoutes with a Service parentRef", () => {
    const idx = index();
    const catalog = idx.routesFor("catalog", "shop");
    expect(catalog.map((r) => `${r.kind}/${r.name}`).sort()).toEqual(["HTTPRoute/catalog", "VirtualService/catalog-legacy"]);
    expect(idx.routesFor("cart", "shop").map((r) => `${r.kind}/${r.name}`)).toEqual(["VirtualService/cart"]); // storefront VS is ingress-only, storefront HTTPRoute has a Gateway parent
    expect(idx.routesFor("payments", "legacy").map((r) => r.name)).toEqual(["payments"]); // `payments.legacy`
    expect(idx.routesFor("payments", "shop")).toEqual([]);
    expect(idx.routesFor("nothing", "shop")).toEqual([]);
  });

  it("VirtualService and route extracts", () => {
    const idx = index();
    const vs = idx.byKind("VirtualService").find((r) => r.name === "catalog-legacy")!;
    expect(vs).toMatchObject({
      hosts: ["catalog.shop.svc.cluster.local"],
      gateways: ["mesh"],
      mesh: true,
      subsetsUsed: [
        { host: "catalog.shop.svc.cluster.local", subset: "v2" },
        { host: "catalog.shop.svc.cluster.local", subset: "v1" },
      ],
      destinationHosts: ["catalog.shop.svc.cluster.local"],
    });
    const storefront = idx.byKind("VirtualService").find((r) => r.name === "storefront")!;
    expect(storefront).toMatchObject({ mesh: false, gateways: ["istio-system/public-gateway"], subsetsUsed: [] });
    const route = idx.byKind("HTTPRoute").find((r) => r.name === "catalog")!;
    expect(route).toMatchObject({
      parentRefs: [{ group: "", kind: "Service", name: "catalog", port: 8080 }],
      backendRefs: [
        { name: "catalog-v1", port: 8080, weight: 90 },
        { name: "catalog-v2", port: 8080, weight: 10 },
      ],
    });
  });

  it("namespaces: one ambient with a waypoint, one still sidecar", () => {
    const idx = index();
    expect(idx.namespaceRecord("legacy")?.labels).toEqual({ "istio-injection": "enabled" });
    const payments = idx.services("legacy")[0];
    expect(idx.waypointBinding(payments)).toBeUndefined();
    const cart = idx.services("shop").find((s) => s.name === "cart")!;
    expect(idx.waypointBinding(cart)).toMatchObject({ source: "namespace", name: "waypoint", namespace: "shop" });
    expect(idx.waypointBinding(cart)?.gateway?.name).toBe("waypoint");
  });

  it("destinationRules resolve short names and FQDNs alike", () => {
    const idx = index();
    expect(names(idx.destinationRules("catalog", "shop"))).toEqual(["catalog"]);
    expect(names(idx.destinationRules("cart.shop.svc.cluster.local", "legacy"))).toEqual(["cart"]);
    expect(names(idx.destinationRules("payments.legacy", "shop"))).toEqual(["payments"]);
    expect(idx.destinationRules("payments", "shop")).toEqual([]);
    expect(idx.destinationRules("shop.example.com", "legacy")).toEqual([]);
  });
});

describe("external-waypoint fixture (assumeExists)", () => {
  it("without assumeExists the waypoint is unknown", () => {
    const idx = fixtureIndex("external-waypoint");
    expect(idx.waypoints("orders")).toEqual([]);
    const orders = idx.services("orders")[0];
    expect(idx.waypointBinding(orders)).toMatchObject({ name: "waypoint", namespace: "orders", gateway: undefined });
  });

  it("assumed Gateways and Services join the lookups as pseudo-records", () => {
    const idx = fixtureIndex("external-waypoint", EXTERNAL_WAYPOINT_SETTINGS);
    const wp = idx.waypoints("orders");
    expect(wp).toHaveLength(1);
    expect(wp[0]).toMatchObject({ assumed: true, kind: "Gateway", name: "waypoint", namespace: "orders", serviceAccount: "waypoint", gatewayClassName: "istio-waypoint", file: "" });
    expect(idx.waypoints("billing")).toEqual([]);
    const orders = idx.services("orders")[0];
    expect(idx.waypointBinding(orders)?.gateway).toMatchObject({ assumed: true, name: "waypoint" });
    const invoices = idx.services("billing").find((s) => s.name === "invoices")!;
    expect(idx.waypointBinding(invoices)).toMatchObject({
      source: "namespace",
      name: "shared",
      namespace: "istio-waypoints",
      gateway: { assumed: true, serviceAccount: "shared-waypoint" },
    });
    // a literal assumed Service is listed; a glob one is not (but answers assumed())
    expect(idx.services("billing").map((s: ServiceRecord) => [s.name, !!s.assumed])).toEqual([
      ["invoices", false],
      ["ledger", true],
    ]);
    expect(idx.services("payments")).toEqual([]);
    expect(idx.assumed("Service", "payments-api", "payments")).toMatchObject({ assumed: true, name: "payments-api", namespace: "payments" });
    expect(idx.assumed("Service", "payments-api", "orders")).toBeUndefined();
    expect(idx.assumed("Service", "orders-api", "payments")).toBeUndefined();
    expect(idx.assumed("Gateway", "waypoint", "orders")).toBeDefined();
    expect(idx.assumed("Gateway", "waypoint")).toBeDefined(); // namespace unknown matches
    // the policies target the assumed waypoint
    const policies = idx.resources.filter((r) => r.targetRefs?.some((t) => t.kind === "Gateway" && t.name === "waypoint"));
    expect(names(policies)).toEqual(["orders-jwt", "orders-headers", "orders-writers"].sort());
    expect(policies.every((p) => idx.waypoint(p.targetRefs![0].name, p.namespace)?.assumed)).toBe(true);
    expect(idx.stats.resources).toBe(idx.resources.length); // pseudo-records are not resources
    expect(idx.resources.some((r) => r.assumed)).toBe(false);
  });
});
