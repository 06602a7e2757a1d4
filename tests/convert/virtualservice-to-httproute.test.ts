import { describe, expect, it } from "vitest";
import {
  checkHttpRouteLimits,
  convertVirtualService,
  gatewayApiSupports,
  isMeshVirtualService,
  parseServiceHost,
  quoteMeta,
  toGatewayDuration,
  unconvertibleFeatures,
  versionServiceFor,
  type ConvertContext,
  type ConvertProblem,
} from "../../lib/convert/virtualservice-to-httproute.js";
import { getIn, loadFixture, validateOutput } from "./helpers.js";

const reviewsSvc = { name: "reviews", selector: { app: "reviews" }, ports: [{ name: "http", port: 9080 }] };
const ratingsSvc = { name: "ratings", selector: { app: "ratings" }, ports: [{ name: "http", port: 9080 }] };
const reviewsSubsets = ["v1", "v2", "v3"].map((v) => ({ host: "reviews", name: v, labels: { version: v } }));
const bookinfo: ConvertContext = { services: [reviewsSvc, ratingsSvc], subsets: reviewsSubsets, defaultNamespace: "default" };

/** metadata.labels = base Service labels ∪ subset labels, as lib/convert/subset-to-service.ts builds it. */
const reviewsVersion = (v: string, baseLabels: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: `reviews-${v}`, labels: { ...baseLabels, version: v } },
  spec: { selector: { app: "reviews", version: v }, ports: [{ name: "http", port: 9080 }] },
});
/** Labels of the bookinfo reviews Service in the fixtures (copied to its version Services). */
const BOOKINFO_REVIEWS_LABELS = { app: "reviews", service: "reviews" };
const parentReviews = { group: "", kind: "Service", name: "reviews", port: 9080 };

function vs(spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: "reviews" }): Record<string, any> {
  return { apiVersion: "networking.istio.io/v1", kind: "VirtualService", metadata, spec: { hosts: ["reviews"], ...spec } };
}

/** Converts, asserts success and valid output, returns the route and the result. */
function convertOk(v: object, ctx: ConvertContext) {
  const res = convertVirtualService(v, ctx);
  expect(res.problems).toEqual([]);
  expect(res.result).not.toBeNull();
  expect(validateOutput(res, ctx.gatewayApi)).toEqual([]);
  return { res, route: res.result!.httpRoutes[0] as Record<string, any>, result: res.result! };
}

function codes(problems: ConvertProblem[]) {
  return problems.map((p) => p.code);
}

/** Every problem must point at an existing key of the VirtualService and say something specific. */
function expectSpecific(v: object, problems: ConvertProblem[]) {
  expect(problems.length).toBeGreaterThan(0);
  for (const p of problems) {
    expect(getIn(v, p.path), `path ${p.path.join(".")} of ${p.code}`).not.toBeUndefined();
    expect(p.message.length).toBeGreaterThan(20);
  }
}

describe("reference §4 test cases", () => {
  it("TC1 — single subset, catch-all → route-reviews-v1.yaml + reviews-v1 Service", () => {
    const { vs: input, ctx } = loadFixture("tc1-reviews-all-v1.yaml");
    const { result } = convertOk(input, { ...ctx, defaultNamespace: "default" });
    expect(result.httpRoutes).toEqual([
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "reviews" },
        spec: { parentRefs: [parentReviews], rules: [{ backendRefs: [{ name: "reviews-v1", port: 9080 }] }] },
      },
    ]);
    expect(result.versionServices).toEqual([reviewsVersion("v1", BOOKINFO_REVIEWS_LABELS)]);
    expect(result.remainingVirtualService).toBeNull();
  });

  it("TC2 — weighted split keeps both weights and warns that the DR trafficPolicy stays on the base host", () => {
    const { vs: input, ctx } = loadFixture("tc2-reviews-90-10.yaml");
    const { route, result } = convertOk(input, { ...ctx, defaultNamespace: "default" });
    expect(route.spec).toEqual({
      parentRefs: [parentReviews],
      rules: [
        {
          backendRefs: [
            { name: "reviews-v1", port: 9080, weight: 90 },
            { name: "reviews-v2", port: 9080, weight: 10 },
          ],
        },
      ],
    });
    expect(result.versionServices).toEqual([reviewsVersion("v1", BOOKINFO_REVIEWS_LABELS), reviewsVersion("v2", BOOKINFO_REVIEWS_LABELS)]);
    expect(result.notes.join("\n")).toMatch(/trafficPolicy/);
  });

  it("TC3 — header match + default keeps rule order (more headers and earlier: safe)", () => {
    const { vs: input, ctx } = loadFixture("tc3-reviews-test-v2.yaml");
    const { route, result } = convertOk(input, { ...ctx, defaultNamespace: "default" });
    expect(route.spec).toEqual({
      parentRefs: [parentReviews],
      rules: [
        { matches: [{ headers: [{ type: "Exact", name: "end-user", value: "jason" }] }], backendRefs: [{ name: "reviews-v2", port: 9080 }] },
        { backendRefs: [{ name: "reviews-v1", port: 9080 }] },
      ],
    });
    expect(result.versionServices).toEqual([reviewsVersion("v2", BOOKINFO_REVIEWS_LABELS), reviewsVersion("v1", BOOKINFO_REVIEWS_LABELS)]);
  });

  it("TC4 — fault delay: refused at http[0].fault, no output", () => {
    const { vs: input, ctx } = loadFixture("tc4-ratings-test-delay.yaml");
    const res = convertVirtualService(input, { ...ctx, defaultNamespace: "default" });
    expect(res.result).toBeNull();
    expect(res.problems).toHaveLength(1);
    expect(res.problems[0]).toMatchObject({ path: ["spec", "http", 0, "fault"], code: "fault" });
    expect(res.problems[0].message).toMatch(/delay/);
    expect(unconvertibleFeatures(input)).toEqual(res.problems);
  });

  it("TC5 — fault abort refused; the second rule is reported as unreachable, and dropped once the fault is gone", () => {
    const { vs: input, ctx } = loadFixture("tc5-fault-injection-details-v1.yaml");
    const res = convertVirtualService(input, { ...ctx, defaultNamespace: "default" });
    expect(res.result).toBeNull();
    expect(res.problems.map((p) => [p.code, p.path])).toEqual([["fault", ["spec", "http", 0, "fault"]]]);
    expect(res.problems[0].message).toMatch(/abort/);
    expect(res.notes.join("\n")).toMatch(/http\[1\] is unreachable/);

    const withoutFault = structuredClone(input) as any;
    delete withoutFault.spec.http[0].fault;
    const { route, result } = convertOk(withoutFault, { ...ctx, defaultNamespace: "default" });
    expect(route.spec.rules).toEqual([{ backendRefs: [{ name: "details-v1", port: 9080 }] }]);
    expect(result.notes.join("\n")).toMatch(/http\[1\] is unreachable.*dropped/);
  });

  it("TC6 — gateway-bound VirtualService: not mesh, no fix; in a mesh context every feature is reported at its key", () => {
    const { vs: input, ctx } = loadFixture("tc6-i2gw-virtualservice-http.yaml");
    expect(isMeshVirtualService(input)).toBe(false);
    const res = convertVirtualService(input, ctx);
    expect(res.result).toBeNull();
    expect(res.problems.find((p) => p.code === "not-mesh")?.path).toEqual(["spec", "gateways"]);

    // Mesh variant: spec.gateways [mesh]; the third match's `gateways: [gw1]` is removed so that its features
    // count for mesh traffic (with it, that match never applies to mesh traffic and is left out, see below).
    const mesh = structuredClone(input) as any;
    mesh.spec.gateways = ["mesh"];
    delete mesh.spec.http[0].match[2].gateways;
    const features = unconvertibleFeatures(mesh);
    const at = (code: string) => features.filter((p) => p.code === code).map((p) => p.path.join("."));
    expect(at("direct-response")).toEqual(["spec.http.0.directResponse"]);
    expect(at("delegate")).toEqual(["spec.http.0.delegate"]);
    expect(at("fault")).toEqual(["spec.http.0.fault"]);
    expect(at("redirect-with-route")).toEqual(["spec.http.0.redirect"]);
    expect(at("source-labels")).toEqual(["spec.http.0.match.2.sourceLabels"]);
    expect(at("ignore-uri-case")).toEqual(["spec.http.0.match.2.ignoreUriCase"]);
    expect(at("without-headers")).toEqual(["spec.http.0.match.2.withoutHeaders"]);
    expect(at("source-namespace")).toEqual(["spec.http.0.match.2.sourceNamespace"]);
    expect(at("match-scheme")).toEqual(["spec.http.0.match.2.scheme"]);
    expect(at("match-authority")).toEqual(["spec.http.0.match.2.authority"]);
    expect(at("cross-namespace")).toEqual(["spec.hosts.0"]); // VS in test, host in prod, exported everywhere
    expect(at("unsupported-in-channel")).toContain("spec.http.0.retries");
    const full = convertVirtualService(mesh, ctx);
    expect(full.result).toBeNull();
    expect(codes(full.problems)).toContain("mixed-ports"); // match[2] has port 8080, the others all ports
    expectSpecific(mesh, full.problems);

    const meshKeepGateways = structuredClone(input) as any;
    meshKeepGateways.spec.gateways = ["mesh"];
    const kept = unconvertibleFeatures(meshKeepGateways);
    expect(kept.some((p) => p.path.join(".").startsWith("spec.http.0.match.2"))).toBe(false);
    expect(convertVirtualService(meshKeepGateways, ctx).notes.join("\n")).toMatch(/match\[2\] applies only to gateways/);
  });

  it("TC7 — rewrite with mixed match types: split for ReplacePrefixMatch, consumer route in test", () => {
    const { vs: input, ctx } = loadFixture("tc7-i2gw-rewrite-adapted.yaml");
    const c: ConvertContext = { ...ctx, acceptPathSegmentPrefix: true, gatewayApi: { channel: "standard", version: "1.4" } };
    const { result } = convertOk(input, c);
    expect(result.httpRoutes).toEqual([
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "virtualservice", namespace: "test" },
        spec: {
          parentRefs: [{ group: "", kind: "Service", name: "reviews", namespace: "prod", port: 9080 }],
          rules: [
            {
              name: "test-prefix-0",
              matches: [{ path: { type: "PathPrefix", value: "/wpcatalog" } }],
              filters: [{ type: "URLRewrite", urlRewrite: { hostname: "test", path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/newcatalog" } } }],
              backendRefs: [{ name: "reviews-v2", namespace: "prod", port: 9080 }],
            },
            {
              name: "test",
              matches: [{ path: { type: "Exact", value: "/consumercatalog" } }, { path: { type: "RegularExpression", value: "/catalog[0-9]+" } }],
              filters: [{ type: "URLRewrite", urlRewrite: { hostname: "test", path: { type: "ReplaceFullPath", replaceFullPath: "/newcatalog" } } }],
              backendRefs: [{ name: "reviews-v2", namespace: "prod", port: 9080 }],
            },
          ],
        },
      },
    ]);
    expect(result.versionServices).toEqual([
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "reviews-v2", namespace: "prod", labels: { app: "reviews", service: "reviews", version: "v2" } },
        spec: { selector: { app: "reviews", version: "v2" }, ports: [{ name: "http", port: 9080 }] },
      },
    ]);
    expect(result.notes.join("\n")).toMatch(/"\/wpcatalog" becomes PathPrefix/);

    // Default (exact) mode: the string prefix is refused at its key.
    const strict = convertVirtualService(input, { ...c, acceptPathSegmentPrefix: false });
    expect(strict.problems.map((p) => [p.code, p.path.join(".")])).toEqual([["prefix-semantics", "spec.http.0.match.0.uri.prefix"]]);
    // Standard 1.3: rule names are dropped (not refused) — they do not change routing.
    const v13 = convertOk(input, { ...c, gatewayApi: { channel: "standard", version: "1.3" } });
    expect(v13.route.spec.rules.map((r: any) => r.name)).toEqual([undefined, undefined]);
    // Without exportTo ["."] the VirtualService applied mesh-wide, a consumer route applies to test only.
    const global = structuredClone(input) as any;
    delete global.spec.exportTo;
    const g = convertVirtualService(global, c);
    expect(g.problems.map((p) => [p.code, p.path.join(".")])).toEqual([["cross-namespace", "spec.hosts.0"]]);
  });

  it("TC8 — precedence inversion is refused (an earlier header rule would lose /reviews/admin to the longer prefix)", () => {
    const { vs: input, ctx } = loadFixture("tc8-precedence-inversion.yaml");
    const accepted = convertVirtualService(input, { ...ctx, defaultNamespace: "default", acceptPathSegmentPrefix: true });
    expect(accepted.result).toBeNull();
    expect(accepted.problems).toHaveLength(1);
    expect(accepted.problems[0]).toMatchObject({ code: "precedence", path: ["spec", "http", 1, "match", 0] });
    expect(accepted.problems[0].message).toMatch(/http\[0\].*http\[1\]\.match\[0\].*longer/);
    const strict = convertVirtualService(input, { ...ctx, defaultNamespace: "default" });
    expect(codes(strict.problems).sort()).toEqual(["precedence", "prefix-semantics"]);
    expectSpecific(input, strict.problems);
  });

  it("TC9 — mirror with deprecated mirrorPercent: RequestMirror with port and percent; targetPort copied", () => {
    const { vs: input, ctx } = loadFixture("tc9-httpbin-mirror.yaml");
    const { result } = convertOk(input, ctx);
    expect(result.httpRoutes).toEqual([
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "httpbin" },
        spec: {
          parentRefs: [{ group: "", kind: "Service", name: "httpbin", port: 8000 }],
          rules: [
            {
              filters: [{ type: "RequestMirror", requestMirror: { backendRef: { name: "httpbin-v2", port: 8000 }, percent: 100 } }],
              backendRefs: [{ name: "httpbin-v1", port: 8000 }],
            },
          ],
        },
      },
    ]);
    const version = (v: string) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: `httpbin-${v}`, labels: { app: "httpbin", version: v } },
      spec: { selector: { app: "httpbin", version: v }, ports: [{ name: "http", port: 8000, targetPort: 80 }] },
    });
    expect(result.versionServices).toEqual([version("v1"), version("v2")]);
    // Standard v1.2 has no percent field: 100% is the default, so it is left out.
    const v12 = convertOk(input, { ...ctx, gatewayApi: { channel: "standard", version: "1.2" } });
    expect(v12.route.spec.rules[0].filters[0].requestMirror).toEqual({ backendRef: { name: "httpbin-v2", port: 8000 } });
  });

  it("TC10 — timeout 0.5s becomes 500ms; retries variants are refused", () => {
    const { vs: input, ctx } = loadFixture("tc10-reviews-timeout.yaml");
    const c = { ...ctx, defaultNamespace: "default" };
    const { route } = convertOk(input, c);
    expect(route.spec).toEqual({
      parentRefs: [parentReviews],
      rules: [{ backendRefs: [{ name: "reviews-v2", port: 9080 }], timeouts: { request: "500ms" } }],
    });

    const withRetries = structuredClone(input) as any;
    withRetries.spec.http[0].retries = { attempts: 3, perTryTimeout: "2s" };
    const std = convertVirtualService(withRetries, c);
    expect(std.problems.map((p) => [p.code, p.path.join(".")])).toEqual([["unsupported-in-channel", "spec.http.0.retries"]]);
    const exp = convertVirtualService(withRetries, { ...c, gatewayApi: { channel: "experimental", version: "1.2" } });
    expect(exp.problems).toHaveLength(1);
    expect(exp.problems[0]).toMatchObject({ code: "limit", path: ["spec", "http", 0] });
    expect(exp.problems[0].message).toMatch(/backendRequest \(2s\) must be <= request \(500ms\)/);

    const disabled = structuredClone(input) as any;
    disabled.spec.http[0].retries = { attempts: 0 };
    const d = convertVirtualService(disabled, { ...c, gatewayApi: { channel: "experimental", version: "1.2" } });
    expect(d.problems.map((p) => [p.code, p.path.join(".")])).toEqual([["retries-disabled", "spec.http.0.retries.attempts"]]);
  });
});

describe("extra quick cases (reference §4)", () => {
  it("redirect without redirectCode → RequestRedirect ReplaceFullPath + statusCode 301, no backendRefs", () => {
    const input = vs(
      {
        hosts: ["ratings"],
        http: [
          { match: [{ uri: { exact: "/v1/ratings" } }], redirect: { uri: "/v1/bookRatings" } },
          { route: [{ destination: { host: "ratings" } }] },
        ],
      },
      { name: "ratings" },
    );
    const { route } = convertOk(input, bookinfo);
    expect(route.spec.rules[0]).toEqual({
      matches: [{ path: { type: "Exact", value: "/v1/ratings" } }],
      filters: [{ type: "RequestRedirect", requestRedirect: { path: { type: "ReplaceFullPath", replaceFullPath: "/v1/bookRatings" }, statusCode: 301 } }],
    });
    expect(route.spec.rules[1]).toEqual({ backendRefs: [{ name: "ratings", port: 9080 }] });
  });

  it("header prefix → anchored RegularExpression with escaped metacharacters", () => {
    const input = vs({
      http: [
        { match: [{ headers: { "x-ver": { prefix: "v1." } } }], route: [{ destination: { host: "reviews", subset: "v1" } }] },
        { route: [{ destination: { host: "reviews", subset: "v2" } }] },
      ],
    });
    const { route } = convertOk(input, bookinfo);
    expect(route.spec.rules[0].matches).toEqual([{ headers: [{ type: "RegularExpression", name: "x-ver", value: "v1\\..*" }] }]);
  });

  it("a missing weight next to a weighted destination becomes an explicit 0", () => {
    const input = vs({
      http: [{ route: [{ destination: { host: "reviews", subset: "v1" } }, { destination: { host: "reviews", subset: "v2" }, weight: 100 }] }],
    });
    const { route } = convertOk(input, bookinfo);
    expect(route.spec.rules[0].backendRefs).toEqual([
      { name: "reviews-v1", port: 9080, weight: 0 },
      { name: "reviews-v2", port: 9080, weight: 100 },
    ]);
  });

  it("two hosts → two parentRefs in one HTTPRoute", () => {
    const input = vs({ hosts: ["reviews", "ratings"], http: [{ route: [{ destination: { host: "reviews", subset: "v1" } }] }] });
    const { res, route } = convertOk(input, bookinfo);
    expect(res.result!.httpRoutes).toHaveLength(1);
    expect(route.spec.parentRefs).toEqual([parentReviews, { group: "", kind: "Service", name: "ratings", port: 9080 }]);
  });

  it("matches on different ports → refused (mixed ports)", () => {
    const input = vs({ http: [{ match: [{ port: 9080 }, { port: 9443 }], route: [{ destination: { host: "reviews", port: { number: 9080 } } }] }] });
    const res = convertVirtualService(input, { ...bookinfo, services: [{ ...reviewsSvc, ports: [{ port: 9080 }, { port: 9443 }] }] });
    expect(res.problems.map((p) => [p.code, p.path.join(".")])).toEqual([["mixed-ports", "spec.http.0.match.1.port"]]);
  });
});

describe("hosts and namespaces", () => {
  it("reads hosts as Istio does", () => {
    expect(parseServiceHost("reviews")).toEqual({ ok: true, ref: { name: "reviews" } });
    expect(parseServiceHost("reviews.bookinfo.svc.cluster.local")).toEqual({ ok: true, ref: { name: "reviews", namespace: "bookinfo" } });
    expect(parseServiceHost("reviews.bookinfo")).toMatchObject({ ok: false, code: "host-not-service" });
    expect(parseServiceHost("reviews.bookinfo.svc")).toMatchObject({ ok: false, code: "host-not-service" });
    expect(parseServiceHost("*.bookinfo.svc.cluster.local")).toMatchObject({ ok: false, code: "host-wildcard" });
    expect(parseServiceHost("10.0.0.1")).toMatchObject({ ok: false, code: "host-ip" });
    expect(parseServiceHost("www.google.com")).toMatchObject({ ok: false, code: "host-not-service" });
    expect(parseServiceHost("reviews.bookinfo.svc.corp.example")).toMatchObject({ ok: false, code: "host-not-service" });
    expect(parseServiceHost("reviews.bookinfo.svc.corp.example", "corp.example")).toMatchObject({ ok: true });
  });

  it("an FQDN in the VirtualService's own namespace is a producer route without parentRef namespace", () => {
    const input = vs({ hosts: ["reviews.default.svc.cluster.local"], http: [{ route: [{ destination: { host: "reviews.default.svc.cluster.local", subset: "v1" } }] }] }, { name: "reviews", namespace: "default" });
    const { route } = convertOk(input, { ...bookinfo, services: [{ ...reviewsSvc, namespace: "default" }] });
    expect(route.metadata).toEqual({ name: "reviews", namespace: "default" });
    expect(route.spec.parentRefs).toEqual([parentReviews]);
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: "reviews-v1", port: 9080 }]);
  });

  it("an FQDN host with the VirtualService namespace unknown is refused (producer or consumer route cannot be told)", () => {
    const input = vs({ hosts: ["reviews.prod.svc.cluster.local"], http: [{ route: [{ destination: { host: "reviews.prod.svc.cluster.local", port: { number: 9080 } } }] }] });
    const res = convertVirtualService(input, { services: [], subsets: [] });
    expect(res.problems.map((p) => [p.code, p.path.join(".")])).toEqual([["namespace-unknown", "spec.hosts.0"]]);
  });

  it("exportTo ['.'] on a same-namespace VirtualService is refused (a producer route applies to every client)", () => {
    const input = vs({ exportTo: ["."], http: [{ route: [{ destination: { host: "reviews", subset: "v1" } }] }] });
    expect(codes(convertVirtualService(input, bookinfo).problems)).toEqual(["export-to"]);
  });

  it("a VirtualService bound to mesh and an ingress gateway keeps the gateway part", () => {
    const input = vs({
      gateways: ["mesh", "istio-system/bookinfo-gateway"],
      http: [
        { match: [{ gateways: ["mesh"] }], route: [{ destination: { host: "reviews", subset: "v1" } }] },
        { match: [{ gateways: ["istio-system/bookinfo-gateway"], uri: { prefix: "/api" } }], route: [{ destination: { host: "reviews", subset: "v2" } }] },
      ],
    });
    const { result, route } = convertOk(input, bookinfo);
    expect(route.spec.rules).toEqual([{ backendRefs: [{ name: "reviews-v1", port: 9080 }] }]);
    const remaining = result.remainingVirtualService as any;
    expect(remaining.spec.gateways).toEqual(["istio-system/bookinfo-gateway"]);
    expect(remaining.spec.http).toEqual(input.spec.http);
    expect(isMeshVirtualService(input)).toBe(true);
    expect(isMeshVirtualService(vs({ gateways: ["bookinfo-gateway"] }))).toBe(false);
    expect(isMeshVirtualService(vs({ gateways: [] }))).toBe(true);
  });
});

describe("subsets and version Services", () => {
  it("refuses an unknown subset and an unknown base Service at destination.subset", () => {
    const unknownSubset = vs({ http: [{ route: [{ destination: { host: "reviews", subset: "v9" } }] }] });
    expect(convertVirtualService(unknownSubset, bookinfo).problems.map((p) => [p.code, p.path.join(".")])).toEqual([
      ["unknown-subset", "spec.http.0.route.0.destination.subset"],
    ]);
    const unknownService = vs({ hosts: ["details"], http: [{ route: [{ destination: { host: "details", subset: "v1", port: { number: 9080 } } }] }] }, { name: "details" });
    const res = convertVirtualService(unknownService, { ...bookinfo, subsets: [{ host: "details", name: "v1", labels: { version: "v1" } }] });
    expect(res.problems.map((p) => [p.code, p.path.join(".")])).toEqual([["unknown-service", "spec.http.0.route.0.destination.subset"]]);
  });

  it("reuses an existing version Service with the right selector, refuses one with another selector", () => {
    const input = vs({ http: [{ route: [{ destination: { host: "reviews", subset: "v1" } }] }] });
    const existing = { name: "reviews-v1", selector: { app: "reviews", version: "v1" }, ports: [{ name: "http", port: 9080 }] };
    const { result } = convertOk(input, { ...bookinfo, services: [...bookinfo.services, existing] });
    expect(result.versionServices).toEqual([]);
    const wrong = { ...existing, selector: { app: "reviews" } };
    expect(codes(convertVirtualService(input, { ...bookinfo, services: [...bookinfo.services, wrong] }).problems)).toEqual(["version-service-conflict"]);
  });

  it("refuses a subset with its own trafficPolicy and a label that contradicts the selector", () => {
    const input = vs({ http: [{ route: [{ destination: { host: "reviews", subset: "v1" } }] }] });
    const tp = { ...bookinfo, subsets: [{ host: "reviews", name: "v1", labels: { version: "v1" }, trafficPolicy: { tls: {} } }] };
    expect(codes(convertVirtualService(input, tp).problems)).toEqual(["subset-traffic-policy"]);
    const clash = { ...bookinfo, subsets: [{ host: "reviews", name: "v1", labels: { app: "ratings" } }] };
    expect(codes(convertVirtualService(input, clash).problems)).toEqual(["selector-conflict"]);
  });

  it("refuses a subset that adds no label to the Service selector (runtime-labelled subsets, e.g. Argo Rollouts)", () => {
    const input = vs({ http: [{ route: [{ destination: { host: "reviews", subset: "stable" } }] }] });
    const res = convertVirtualService(input, { ...bookinfo, subsets: [{ host: "reviews", name: "stable", labels: {} }] });
    expect(res.problems.map((p) => [p.code, p.path.join(".")])).toEqual([["subset-adds-no-labels", "spec.http.0.route.0.destination.subset"]]);
  });

  it("versionServiceFor builds <host>-<subset> with selector ∪ labels and copied ports", () => {
    const base = { name: "httpbin", namespace: "web", selector: { app: "httpbin" }, ports: [{ name: "http", port: 8000, targetPort: 80, protocol: "TCP", appProtocol: "http" }] };
    expect(versionServiceFor(base, { host: "httpbin", name: "v2", labels: { version: "v2" } })).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "httpbin-v2", namespace: "web", labels: { version: "v2" } },
      spec: { ports: [{ name: "http", port: 8000, targetPort: 80, protocol: "TCP", appProtocol: "http" }], selector: { app: "httpbin", version: "v2" } },
    });
  });

  it("a destination without port needs a known single-port Service", () => {
    const input = vs({ http: [{ route: [{ destination: { host: "details" } }] }] });
    const res = convertVirtualService(input, bookinfo);
    expect(res.problems.map((p) => [p.code, p.path.join(".")])).toEqual([["backend-port", "spec.http.0.route.0.destination"]]);
  });
});

describe("precedence and dead rules", () => {
  it("drops a rule behind a catch-all instead of letting the Exact path revive it", () => {
    const input = vs({
      http: [{ route: [{ destination: { host: "reviews", subset: "v1" } }] }, { match: [{ uri: { exact: "/health" } }], route: [{ destination: { host: "reviews", subset: "v2" } }] }],
    });
    const { route, result } = convertOk(input, bookinfo);
    expect(route.spec.rules).toEqual([{ backendRefs: [{ name: "reviews-v1", port: 9080 }] }]);
    expect(result.versionServices).toEqual([reviewsVersion("v1")]);
    expect(result.notes.join("\n")).toMatch(/http\[1\] is unreachable/);
  });

  it("refuses a regex path before an overlapping prefix (Istio ranks any PathPrefix above regex)", () => {
    const input = vs({
      http: [
        { match: [{ uri: { regex: "/api/v[0-9]+/legacy/.*" } }], route: [{ destination: { host: "reviews", subset: "v1" } }] },
        { match: [{ uri: { prefix: "/api" } }], route: [{ destination: { host: "reviews", subset: "v2" } }] },
      ],
    });
    const res = convertVirtualService(input, { ...bookinfo, acceptPathSegmentPrefix: true });
    expect(res.problems.map((p) => [p.code, p.path.join(".")])).toEqual([["precedence", "spec.http.1.match.0"]]);
    expect(res.problems[0].message).toMatch(/PathPrefix path outranks a RegularExpression path/);
  });

  it("accepts a later, more specific match when it cannot overlap the earlier one", () => {
    const input = vs({
      http: [
        { match: [{ headers: { "end-user": { exact: "jason" } }, method: { exact: "GET" } }], route: [{ destination: { host: "reviews", subset: "v2" } }] },
        { match: [{ headers: { "end-user": { exact: "mary" } }, uri: { exact: "/admin" } }], route: [{ destination: { host: "reviews", subset: "v3" } }] },
        { route: [{ destination: { host: "reviews", subset: "v1" } }] },
      ],
    });
    convertOk(input, bookinfo);
  });

  it("exact '' header becomes ^$, presence becomes .*", () => {
    const input = vs({
      http: [
        { match: [{ headers: { a: { exact: "" }, b: {}, c: { regex: "*" } } }], route: [{ destination: { host: "reviews", subset: "v2" } }] },
        { route: [{ destination: { host: "reviews", subset: "v1" } }] },
      ],
    });
    const { route } = convertOk(input, bookinfo);
    expect(route.spec.rules[0].matches[0].headers).toEqual([
      { type: "RegularExpression", name: "a", value: "^$" },
      { type: "RegularExpression", name: "b", value: ".*" },
      { type: "RegularExpression", name: "c", value: ".*" },
    ]);
  });
});

describe("unconvertible features", () => {
  it("reports each feature at its own key", () => {
    const input = vs({
      tcp: [{ route: [{ destination: { host: "reviews" } }] }],
      http: [
        {
          match: [{ method: { regex: "GET|POST" }, headers: { "@request.auth.claims.group": { exact: "admin" }, uri: { exact: "/x" } } }],
          directResponse: { status: 503 },
        },
        { match: [{ method: { exact: "get" } }], delegate: { name: "reviews-child" } },
      ],
    });
    const got = unconvertibleFeatures(input).map((p) => [p.code, p.path.join(".")]);
    expect(got).toEqual(
      expect.arrayContaining([
        ["method-match", "spec.http.0.match.0.method.regex"],
        ["jwt-claim-match", "spec.http.0.match.0.headers.@request.auth.claims.group"],
        ["header-match", "spec.http.0.match.0.headers.uri"],
        ["direct-response", "spec.http.0.directResponse"],
        ["method-match", "spec.http.1.match.0.method.exact"],
        ["delegate", "spec.http.1.delegate"],
      ]),
    );
    expectSpecific(input, unconvertibleFeatures(input));
    // tcp routes beside http routes are the converter's limit (an HTTPRoute and a TCPRoute), not a missing feature
    expect(got.map(([code]) => code)).not.toContain("tcp-routes");
  });

  it("gates CORS, retries and mirror percentages on the Gateway API channel/version", () => {
    const cors = vs({ http: [{ route: [{ destination: { host: "reviews", subset: "v1" } }], corsPolicy: { allowOrigins: [{ exact: "https://example.com" }], allowMethods: ["GET"], maxAge: "24h" } }] });
    expect(codes(unconvertibleFeatures(cors, { gatewayApi: { channel: "standard", version: "1.4" } }))).toEqual(["unsupported-in-channel"]);
    expect(codes(unconvertibleFeatures(cors))).toEqual([]); // the default target, standard v1.6, has the CORS filter
    const { route } = convertOk(cors, { ...bookinfo, gatewayApi: { channel: "standard", version: "1.5" } });
    expect(route.spec.rules[0].filters).toEqual([{ type: "CORS", cors: { allowOrigins: ["https://example.com"], allowMethods: ["GET"], maxAge: 86400 } }]);
    expect(codes(unconvertibleFeatures(cors, { gatewayApi: { channel: "experimental", version: "1.3" } }))).toEqual([]);

    const mirror = vs({ http: [{ route: [{ destination: { host: "reviews", subset: "v1" } }], mirror: { host: "reviews", subset: "v2" }, mirrorPercentage: { value: 0.5 } }] });
    expect(codes(unconvertibleFeatures(mirror, { gatewayApi: { channel: "standard", version: "1.2" } }))).toEqual(["unsupported-in-channel"]);
    const m = convertOk(mirror, bookinfo);
    expect(m.route.spec.rules[0].filters[0].requestMirror).toEqual({ backendRef: { name: "reviews-v2", port: 9080 }, fraction: { numerator: 5, denominator: 1000 } });

    const retries = vs({ http: [{ route: [{ destination: { host: "reviews", subset: "v1" } }], retries: { attempts: 3, retryOn: "connect-failure,refused-stream,unavailable,cancelled,503" } }] });
    const r = convertOk(retries, { ...bookinfo, gatewayApi: { channel: "experimental", version: "1.2" } });
    expect(r.route.spec.rules[0].retry).toEqual({ attempts: 3, codes: [503] });
    const fiveXX = vs({ http: [{ route: [{ destination: { host: "reviews", subset: "v1" } }], retries: { attempts: 3, retryOn: "5xx" } }] });
    expect(codes(unconvertibleFeatures(fiveXX, { gatewayApi: { channel: "experimental", version: "1.2" } }))).toEqual(["retry"]);
    expect(gatewayApiSupports({ channel: "standard", version: "v1.6.1" }, "retry")).toBe(false);
    expect(gatewayApiSupports({ channel: "standard", version: "1.4" }, "ruleName")).toBe(true);
  });

  it("refuses more than 128 matches in total (CEL), even with 16 rules", () => {
    const http = Array.from({ length: 16 }, (_, i) => ({
      match: Array.from({ length: 9 }, (_, k) => ({ uri: { exact: `/p${i}/${k}` } })),
      route: [{ destination: { host: "reviews", subset: "v1" } }],
    }));
    const res = convertVirtualService(vs({ http }), bookinfo);
    expect(res.problems.map((p) => p.code)).toEqual(["limit"]);
    expect(res.problems[0].message).toMatch(/144 matches in total; at most 128/);
  });

  it("converts header modifiers (rule and destination level) and URL rewrites that keep their meaning", () => {
    const input = vs({
      http: [
        {
          match: [{ uri: { exact: "/old" } }],
          rewrite: { authority: "reviews.internal" },
          headers: { request: { set: { "x-env": "prod" }, remove: ["x-debug"] }, response: { add: { "x-served-by": "reviews" } } },
          route: [{ destination: { host: "reviews", subset: "v1" }, headers: { request: { add: { "x-subset": "v1" } } } }],
        },
        {
          match: [{ uri: { exact: "/legacy" } }],
          rewrite: { uriRegexRewrite: { match: "/.*", rewrite: "/v2/index" } },
          route: [{ destination: { host: "reviews", subset: "v2" } }],
        },
        { route: [{ destination: { host: "reviews", subset: "v1" } }] },
      ],
    });
    const { route } = convertOk(input, bookinfo);
    expect(route.spec.rules[0]).toEqual({
      matches: [{ path: { type: "Exact", value: "/old" } }],
      filters: [
        { type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: "x-env", value: "prod" }], remove: ["x-debug"] } },
        { type: "ResponseHeaderModifier", responseHeaderModifier: { add: [{ name: "x-served-by", value: "reviews" }] } },
        { type: "URLRewrite", urlRewrite: { hostname: "reviews.internal" } },
      ],
      backendRefs: [
        { name: "reviews-v1", port: 9080, filters: [{ type: "RequestHeaderModifier", requestHeaderModifier: { add: [{ name: "x-subset", value: "v1" }] } }] },
      ],
    });
    expect(route.spec.rules[1].filters).toEqual([{ type: "URLRewrite", urlRewrite: { path: { type: "ReplaceFullPath", replaceFullPath: "/v2/index" } } }]);
    const capture = vs({ http: [{ rewrite: { uriRegexRewrite: { match: "^/api/(.*)$", rewrite: "/\\1" } }, route: [{ destination: { host: "reviews", subset: "v1" } }] }] });
    expect(unconvertibleFeatures(capture).map((p) => [p.code, p.path.join(".")])).toEqual([["rewrite", "spec.http.0.rewrite.uriRegexRewrite"]]);
    const rootRewrite = vs({ http: [{ rewrite: { uri: "/v2/" }, route: [{ destination: { host: "reviews", subset: "v1" } }] }] });
    expect(unconvertibleFeatures(rootRewrite).map((p) => [p.code, p.path.join(".")])).toEqual([["rewrite", "spec.http.0.rewrite.uri"]]);
  });

  it("refuses more than 16 rules (HTTPRoute limit) instead of splitting the route", () => {
    const http = Array.from({ length: 17 }, (_, i) => ({ match: [{ uri: { exact: `/p${i}` } }], route: [{ destination: { host: "reviews", subset: "v1" } }] }));
    const res = convertVirtualService(vs({ http }), bookinfo);
    expect(res.problems.map((p) => [p.code, p.path.join(".")])).toEqual([["limit", "spec.http"]]);
    expect(res.problems[0].message).toMatch(/17 rules; at most 16/);
  });
});

describe("helpers", () => {
  it("converts durations to the Gateway API form", () => {
    expect(toGatewayDuration("0.5s")).toBe("500ms");
    expect(toGatewayDuration("1.5s")).toBe("1s500ms");
    expect(toGatewayDuration("10s")).toBe("10s");
    expect(toGatewayDuration("1m")).toBe("60s");
    expect(toGatewayDuration("0s")).toBe("0s");
    expect(toGatewayDuration("100000s")).toBe("27h46m40s");
    expect(toGatewayDuration("0.0005s")).toBeNull();
    expect(toGatewayDuration("abc")).toBeNull();
  });

  it("quotes regex metacharacters like Go's regexp.QuoteMeta", () => {
    expect(quoteMeta("v1.2+(beta)|[x]{2}^$*?\\")).toBe("v1\\.2\\+\\(beta\\)\\|\\[x\\]\\{2\\}\\^\\$\\*\\?\\\\");
  });

  it("checkHttpRouteLimits reports the CEL rules the schema cannot check", () => {
    const route = {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "x" },
      spec: {
        parentRefs: [{ kind: "Service", name: "reviews" }],
        rules: [
          { filters: [{ type: "RequestRedirect", requestRedirect: { statusCode: 301 } }], backendRefs: [{ name: "a", port: 1 }] },
          {
            matches: [{ path: { type: "PathPrefix", value: "/a" } }, { path: { type: "PathPrefix", value: "/b//c" } }],
            filters: [{ type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/x" } } }],
            backendRefs: [{ name: "a" }],
          },
          { matches: [{ headers: [{ name: "a", value: "1" }, { name: "a", value: "2" }] }], backendRefs: [{ name: "a", port: 1 }], timeouts: { request: "1s", backendRequest: "2s" } },
        ],
      },
    };
    const msgs = checkHttpRouteLimits(route).map((v) => `${v.path.join(".")}: ${v.message}`);
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^spec\.parentRefs\.0\.group: must be ""/),
        "spec.rules.0: RequestRedirect filter must not be used together with backendRefs",
        expect.stringMatching(/^spec\.rules\.1\.matches\.1\.path\.value: must not contain '\/\/'/),
        "spec.rules.1.backendRefs.0: must have port for Service reference",
        "spec.rules.1.matches: ReplacePrefixMatch needs exactly one match, of type PathPrefix",
        "spec.rules.2.matches.0.headers: has duplicate names",
        "spec.rules.2.timeouts: backendRequest (2s) must be <= request (1s)",
      ]),
    );
    expect(msgs).toHaveLength(7);
  });
});
