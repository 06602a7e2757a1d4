/**
 * Shapes: istio/istio `samples/bookinfo/networking/virtual-service-reviews-90-10.yaml` and
 * `samples/bookinfo/gateway-api/route-reviews-90-10.yaml` (corpus: istio__istio/samples__bookinfo__…), the GAMMA
 * conformance route of kubernetes-sigs/gateway-api (corpus: kubernetes-sigs__gateway-api/conformance__tests__mesh__
 * mesh-split.yaml). Cross-file cases lint files of tests/fixtures/repos/mixed-routes and kustomize-clusters.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RuleTester } from "eslint";
import rule from "../../rules/no-mixed-route-apis.js";
import { ruleSuite, type InvalidCase } from "../helpers/rule-suite.js";

const REPOS = fileURLToPath(new URL("../fixtures/repos", import.meta.url));

let isolated = 0;
/**
 * A case linting `rel` inside fixture repo `repo` (its index root). With `code`, the text overlays the file;
 * such a case gets its own index (a unique no-op `exclude`), so its overlay never leaks into other cases.
 */
function inRepo(repo: string, rel: string, code?: string): { code: string; filename: string; settings: Record<string, unknown> } {
  const root = path.join(REPOS, repo);
  const filename = path.join(root, rel);
  const disk = fs.existsSync(filename) ? fs.readFileSync(filename, "utf8") : undefined;
  const text = code ?? disk;
  if (text === undefined) throw new Error(`no such fixture file: ${repo}/${rel}`);
  const own = text === disk ? {} : { exclude: [`.isolate-${++isolated}`] };
  return { code: text, filename, settings: { "istio-ambient": { root, ...own } } };
}

const VS = (name: string, host: string, ns = "bookinfo", extra = "") => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  hosts:
  - ${host}
${extra}  http:
  - route:
    - destination:
        host: ${host}
`;

const ROUTE = (name: string, service: string, ns = "bookinfo", kind = "HTTPRoute", group = '""') => `apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  parentRefs:
  - group: ${group}
    kind: Service
    name: ${service}
    port: 9080
  rules:
  - backendRefs:
    - name: ${service}-v1
      port: 9080
`;

const cases: { valid: RuleTester.ValidTestCase[]; invalid: InvalidCase[] } = {
  valid: [
    { name: "a mesh VirtualService alone", code: VS("reviews", "reviews") },
    { name: "an HTTPRoute alone", code: ROUTE("reviews", "reviews") },
    {
      name: "a VirtualService bound to an ingress Gateway only is not mesh routing",
      code: VS("reviews", "reviews", "bookinfo", "  gateways:\n  - bookinfo-gateway\n") + "---\n" + ROUTE("reviews", "reviews"),
    },
    {
      name: "gateways listing mesh is mesh routing, but another Service is not mixed",
      code: VS("ratings", "ratings", "bookinfo", "  gateways:\n  - mesh\n") + "---\n" + ROUTE("reviews", "reviews"),
    },
    { name: "a wildcard host never names a Service", code: VS("all", '"*.bookinfo.svc.cluster.local"') + "---\n" + ROUTE("reviews", "reviews") },
    { name: "same Service name in another namespace", code: VS("reviews", "reviews", "shop") + "---\n" + ROUTE("reviews", "reviews") },
    { name: "FQDN of another namespace", code: VS("reviews", "reviews.shop.svc.cluster.local") + "---\n" + ROUTE("reviews", "reviews") },
    {
      name: "a parentRef without group is a Gateway parent (gateway.networking.k8s.io): no Service route",
      code: VS("reviews", "reviews") + "---\n" + ROUTE("reviews", "reviews").replace('  - group: ""\n    kind: Service\n', "  - kind: Service\n"),
    },
    { name: "TCPRoute is not an HTTP route", code: VS("reviews", "reviews") + "---\n" + ROUTE("reviews", "reviews", "bookinfo", "TCPRoute") },
    {
      name: "a same-named kind from another API group is not Istio's",
      code: VS("reviews", "reviews").replace("networking.istio.io/v1", "networking.example.com/v1") + "---\n" + ROUTE("reviews", "reviews"),
    },
    {
      name: "an ingress HTTPRoute has no Service parent",
      code: VS("reviews", "reviews") + "---\n" + ROUTE("reviews", "reviews").replace('  - group: ""\n    kind: Service\n    name: reviews\n', "  - name: bookinfo-gateway\n"),
    },
    {
      name: "odd shapes do not crash",
      code:
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec: 3\n---\n" +
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: []\nspec:\n  hosts: {a: 1}\n  gateways: mesh\n---\n" +
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec:\n  hosts: [1, null, '']\n---\n" +
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nspec:\n  parentRefs: [null, 3, {kind: Service, group: ''}, {kind: Service, group: '', name: 7}]\n---\n" +
        "apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nspec:\n  parentRefs: x\n",
    },
    { name: "not a Kubernetes manifest", code: "foo: bar\n" },
    { name: "empty file", code: "" },
    // Cross-file, from disk.
    { name: "repo: the other namespace's HTTPRoute has no VirtualService", ...inRepo("mixed-routes", "shop/reviews.yaml") },
    { name: "repo: migrated Service (HTTPRoute only; its VirtualService is ingress-only)", ...inRepo("mixed-routes", "bookinfo/details-route.yaml") },
    { name: "repo: wildcard VirtualService", ...inRepo("mixed-routes", "bookinfo/wildcard.yaml") },
    { name: "repo: north-south HTTPRoute", ...inRepo("mixed-routes", "ingress/bookinfo-route.yaml") },
    {
      name: "kustomize: west's VirtualService is not compared with east's HTTPRoute (same namespace, other overlay)",
      ...inRepo("kustomize-clusters", "clusters/west/virtual-service.yaml"),
    },
    { name: "kustomize: a base without namespace is its own render unit", ...inRepo("kustomize-clusters", "base/ratings.yaml") },
    {
      name: "stdin text (no such file on disk, e.g. `helm template | eslint --stdin --stdin-filename`) is a unit of its own",
      ...inRepo("mixed-routes", "bookinfo/rendered-ratings-route.yaml", ROUTE("ratings", "ratings")),
    },
    {
      name: "alternatives: sibling folders of VirtualServices and HTTPRoutes that nothing applies together",
      ...inRepo("alternatives", "samples/gateway-api/reviews.yaml"),
    },
    {
      name: "the VirtualService was deleted in the editor buffer: nothing left to clash",
      ...inRepo("mixed-routes", "bookinfo/virtual-services.yaml", "# moved to HTTPRoute\n"),
    },
  ],
  invalid: [
    {
      name: "one finding per resource, naming every counterpart (two VirtualServices for one HTTPRoute's Service)",
      code: VS("reviews-a", "reviews") + "---\n" + VS("reviews-b", "reviews.bookinfo.svc.cluster.local") + "---\n" + ROUTE("reviews", "reviews"),
      errors: [
        { messageId: "virtualService", data: { vs: "VirtualService bookinfo/reviews-a", service: "bookinfo/reviews", host: "reviews", route: "HTTPRoute bookinfo/reviews", where: "line 27", routeKind: "HTTPRoute" } },
        {
          messageId: "virtualService",
          data: { vs: "VirtualService bookinfo/reviews-b", service: "bookinfo/reviews", host: "reviews.bookinfo.svc.cluster.local", route: "HTTPRoute bookinfo/reviews", where: "line 27", routeKind: "HTTPRoute" },
        },
        {
          messageId: "route",
          data: {
            route: "HTTPRoute bookinfo/reviews",
            service: "bookinfo/reviews",
            vs: "VirtualService bookinfo/reviews-a, VirtualService bookinfo/reviews-b",
            where: "line 1, line 14",
            host: "reviews`, `reviews.bookinfo.svc.cluster.local",
            routeKind: "HTTPRoute",
          },
        },
      ],
    },
    {
      name: "repo: the VirtualService is reported in its own file, naming the HTTPRoute's file and line",
      ...inRepo("mixed-routes", "bookinfo/virtual-services.yaml"),
      errors: [
        {
          message: "VirtualService bookinfo/reviews and HTTPRoute bookinfo/reviews (reviews-route.yaml:2) both route Service bookinfo/reviews: which rules win is undefined.",
          line: 9,
          column: 5,
          endLine: 9,
          endColumn: 12,
        },
      ],
    },
    {
      name: "repo: the HTTPRoute is reported in its own file, at the parentRef, naming the VirtualService",
      ...inRepo("mixed-routes", "bookinfo/reviews-route.yaml"),
      errors: [
        {
          message: "HTTPRoute bookinfo/reviews and VirtualService bookinfo/reviews (virtual-services.yaml:2) both route Service bookinfo/reviews: which rules win is undefined.",
          line: 9,
          column: 5,
        },
      ],
    },
    {
      name: "repo: an unsaved edit that makes a file an HTTPRoute for ratings clashes with the FQDN-host VirtualService on disk",
      ...inRepo("mixed-routes", "bookinfo/wildcard.yaml", ROUTE("ratings", "ratings")),
      errors: [
        {
          messageId: "route",
          data: { route: "HTTPRoute bookinfo/ratings", service: "bookinfo/ratings", vs: "VirtualService bookinfo/ratings", where: "virtual-services.yaml:21", host: "ratings.bookinfo.svc.cluster.local", routeKind: "HTTPRoute" },
          line: 8,
        },
      ],
    },
    {
      name: "repo: an unsaved edit that adds a mesh VirtualService for details (its HTTPRoute is on disk)",
      ...inRepo("mixed-routes", "bookinfo/wildcard.yaml", VS("details", "details.bookinfo")),
      errors: [
        {
          messageId: "virtualService",
          data: { vs: "VirtualService bookinfo/details", service: "bookinfo/details", host: "details.bookinfo", route: "HTTPRoute bookinfo/details", where: "details-route.yaml:1", routeKind: "HTTPRoute" },
          line: 8,
        },
      ],
    },
    {
      name: "kustomize: inside one overlay the leftover VirtualService clashes with that overlay's HTTPRoute only",
      ...inRepo("kustomize-clusters", "clusters/east/reviews-legacy.yaml"),
      errors: [
        {
          messageId: "virtualService",
          data: {
            vs: "VirtualService reviews-legacy",
            service: "bookinfo/reviews",
            host: "reviews.bookinfo.svc.cluster.local",
            route: "HTTPRoute bookinfo/reviews",
            where: "reviews-route.yaml:1",
            routeKind: "HTTPRoute",
          },
          line: 8,
        },
      ],
    },
    {
      name: "kustomize: east's HTTPRoute names east's VirtualService, not west's same-named one",
      ...inRepo("kustomize-clusters", "clusters/east/reviews-route.yaml"),
      errors: [
        {
          messageId: "route",
          data: {
            route: "HTTPRoute reviews",
            service: "bookinfo/reviews",
            vs: "VirtualService bookinfo/reviews-legacy",
            where: "reviews-legacy.yaml:2",
            host: "reviews.bookinfo.svc.cluster.local",
            routeKind: "HTTPRoute",
          },
          line: 7,
        },
      ],
    },
    {
      name: "multi-document: both in the same file, each reported, naming the other's line",
      code: VS("reviews", "reviews") + "---\n" + ROUTE("reviews", "reviews"),
      errors: [
        {
          messageId: "virtualService",
          data: { vs: "VirtualService bookinfo/reviews", service: "bookinfo/reviews", host: "reviews", route: "HTTPRoute bookinfo/reviews", where: "line 14", routeKind: "HTTPRoute" },
          line: 8,
        },
        {
          messageId: "route",
          data: { route: "HTTPRoute bookinfo/reviews", service: "bookinfo/reviews", vs: "VirtualService bookinfo/reviews", where: "line 1", host: "reviews", routeKind: "HTTPRoute" },
          line: 21,
        },
      ],
    },
    {
      name: "kind: List, GRPCRoute, `name.namespace` host from another namespace, parentRef namespace written",
      code: `apiVersion: v1
kind: List
items:
- apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata:
    name: echo
    namespace: clients
  spec:
    hosts:
    - echo.gateway-conformance-mesh
    http:
    - route:
      - destination:
          host: echo.gateway-conformance-mesh
- apiVersion: gateway.networking.k8s.io/v1
  kind: GRPCRoute
  metadata:
    name: echo
    namespace: clients
  spec:
    parentRefs:
    - group: ""
      kind: Service
      name: echo
      namespace: gateway-conformance-mesh
    rules:
    - backendRefs:
      - name: echo-v1
        port: 80
`,
      errors: [
        { messageId: "virtualService", data: { vs: "VirtualService clients/echo", service: "gateway-conformance-mesh/echo", host: "echo.gateway-conformance-mesh", route: "GRPCRoute clients/echo", where: "line 16", routeKind: "GRPCRoute" }, line: 11 },
        { messageId: "route", data: { route: "GRPCRoute clients/echo", service: "gateway-conformance-mesh/echo", vs: "VirtualService clients/echo", where: "line 4", host: "echo.gateway-conformance-mesh", routeKind: "GRPCRoute" }, line: 23 },
      ],
    },
    {
      name: "unknown namespace matches any; `group: core` is read as the core group; both hosts of the VirtualService",
      code:
        VS("reviews", "reviews").replace("  namespace: bookinfo\n", "").replace("  - reviews\n", "  - reviews\n  - reviews.bookinfo.svc.cluster.local\n") +
        "---\n" +
        ROUTE("reviews", "reviews", "bookinfo", "HTTPRoute", "core"),
      errors: [
        { messageId: "virtualService", data: { vs: "VirtualService reviews", service: "reviews", host: "reviews", route: "HTTPRoute bookinfo/reviews", where: "line 14", routeKind: "HTTPRoute" }, line: 7 },
        { messageId: "virtualService", data: { vs: "VirtualService reviews", service: "bookinfo/reviews", host: "reviews.bookinfo.svc.cluster.local", route: "HTTPRoute bookinfo/reviews", where: "line 14", routeKind: "HTTPRoute" }, line: 8 },
        { messageId: "route", data: { route: "HTTPRoute bookinfo/reviews", service: "bookinfo/reviews", vs: "VirtualService reviews", where: "line 1", host: "reviews", routeKind: "HTTPRoute" }, line: 21 },
      ],
    },
    {
      name: "flow style and the defaultNamespace setting",
      code:
        '{apiVersion: networking.istio.io/v1, kind: VirtualService, metadata: {name: reviews}, spec: {hosts: [reviews], gateways: [mesh, bookinfo-gateway]}}\n---\n' +
        '{apiVersion: gateway.networking.k8s.io/v1, kind: HTTPRoute, metadata: {name: reviews}, spec: {parentRefs: [{group: "", kind: Service, name: reviews}]}}\n',
      settings: { "istio-ambient": { defaultNamespace: "bookinfo" } },
      errors: [
        { messageId: "virtualService", data: { vs: "VirtualService reviews", service: "bookinfo/reviews", host: "reviews", route: "HTTPRoute bookinfo/reviews", where: "line 3", routeKind: "HTTPRoute" }, line: 1 },
        { messageId: "route", data: { route: "HTTPRoute reviews", service: "bookinfo/reviews", vs: "VirtualService bookinfo/reviews", where: "line 1", host: "reviews", routeKind: "HTTPRoute" }, line: 3 },
      ],
    },
    {
      name: "JSON manifest outside the index root still works as a single-file rule",
      filename: path.join(REPOS, "..", "outside-root", "reviews.json"),
      code: JSON.stringify({
        apiVersion: "v1",
        kind: "List",
        items: [
          { apiVersion: "networking.istio.io/v1", kind: "VirtualService", metadata: { name: "reviews", namespace: "bookinfo" }, spec: { hosts: ["reviews"] } },
          { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "reviews", namespace: "bookinfo" }, spec: { parentRefs: [{ group: "", kind: "Service", name: "reviews" }] } },
        ],
      }, null, 2) + "\n",
      settings: { "istio-ambient": { root: path.join(REPOS, "empty") } },
      errors: [{ messageId: "virtualService", line: 14 }, { messageId: "route", line: 27 }],
    },
  ],
};

ruleSuite("no-mixed-route-apis", rule, cases);
