/**
 * Fixture shapes: istio/istio samples/ambient-argo/application/reviews-waypoint.yaml (waypoint with `istio.io/rev`
 * and the `mesh` HBONE listener; corpus istio__istio/samples__ambient-argo__application__reviews-waypoint.yaml),
 * pilot/pkg/config/kube/gateway/testdata/waypoint.yaml (Gateway `invalid` of class istio-waypoint listening on 1234
 * HTTP; corpus istio__istio/pilot__pkg__config__kube__gateway__testdata__waypoint.yaml), the `istioctl waypoint
 * generate` output in istio.io docs/ambient/usage/waypoint. Cross-file cases lint files placed in
 * tests/fixtures/repos/ambient-enable (Namespace `batch` bound to the workload-only waypoint `pods-waypoint`,
 * Namespace `shop` with the service waypoint `waypoint`).
 */
import rule from "../../rules/waypoint-gateway.js";
import { ruleSuite } from "../helpers/rule-suite.js";
import { inFixtureRepo } from "../helpers/fixture-repo.js";

const REVIEWS = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  labels:
    istio.io/rev: rapid
  name: bookinfo-reviews
spec:
  gatewayClassName: istio-waypoint
  listeners:
  - name: mesh
    port: 15008
    protocol: HBONE
`;

const INVALID = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: invalid
  namespace: ns
spec:
  gatewayClassName: istio-waypoint
  # the test's non-HBONE listener
  listeners:
  - name: mesh
    port: 1234
    protocol: HTTP
`;

const INVALID_FIXED = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: invalid
  namespace: ns
spec:
  gatewayClassName: istio-waypoint
  # the test's non-HBONE listener
  listeners:
  - name: mesh
    port: 1234
    protocol: HTTP
  - name: hbone
    port: 15008
    protocol: HBONE
`;

const DEPLOY = (namespace: string, labels: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: reports
  namespace: ${namespace}
spec:
  selector:
    matchLabels:
      app: reports
  template:
    metadata:
      labels:
        app: reports
${labels}    spec:
      containers:
      - name: reports
        image: nginx
`;

const SERVICE = (namespace: string, labels = "") => `apiVersion: v1
kind: Service
metadata:
  name: reports
  namespace: ${namespace}
${labels}spec:
  selector:
    app: reports
  ports:
  - name: http
    port: 80
`;

ruleSuite("waypoint-gateway", rule, {
  valid: [
    { name: "ambient-argo reviews waypoint", code: REVIEWS },
    { name: "agentgateway waypoint with the listener", code: REVIEWS.replace("istio-waypoint", "istio-agentgateway-waypoint") },
    {
      name: "Istio 1.30: istio-agentgateway-waypoint is no waypoint class yet (1.31 adds it), so no HBONE listener is required",
      code: "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: agw\n  namespace: bookinfo\nspec:\n  gatewayClassName: istio-agentgateway-waypoint\n",
      settings: { "istio-ambient": { istioVersion: "1.30" } },
    },
    { name: "valid waypoint-for values", code: ["service", "workload", "all", "none"].map((v) => REVIEWS.replace("    istio.io/rev: rapid", `    istio.io/waypoint-for: ${v}`)).join("---\n") },
    { name: "an ingress Gateway without HBONE", code: REVIEWS.replace("istio-waypoint", "istio").replace("port: 15008\n    protocol: HBONE", "port: 80\n    protocol: HTTP") },
    { name: "an Istio networking Gateway is not ours", code: "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: g\nspec:\n  selector:\n    istio: ingressgateway\n" },
    { ...inFixtureRepo("ambient-enable", "shop/reports.yaml", SERVICE("shop")), name: "Service inheriting a service waypoint" },
    { ...inFixtureRepo("ambient-enable", "batch/reports.yaml", DEPLOY("batch", "")), name: "pods inheriting the namespace's workload waypoint" },
    {
      ...inFixtureRepo("ambient-enable", "batch/svc.yaml", SERVICE("batch", "  labels:\n    istio.io/use-waypoint: none\n")),
      name: "Service opted out of the namespace waypoint",
    },
    {
      ...inFixtureRepo("ambient-enable", "batch/reports.yaml", DEPLOY("batch", "        istio.io/use-waypoint: pods-waypoint\n")),
      name: "pod label naming a workload waypoint",
    },
    {
      ...inFixtureRepo("ambient-enable", "shop/svc.yaml", SERVICE("shop", "  labels:\n    istio.io/use-waypoint: missing\n")),
      name: "a Service's own label is require-waypoint's",
    },
    { name: "odd shapes", code: "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: x\nspec:\n  gatewayClassName: istio-waypoint\n  listeners: 3\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: y\n  labels: [1]\nspec: [2]\n" },
  ],
  invalid: [
    {
      name: "pilot testdata `invalid`: no HBONE listener; fix appends it (name mesh taken: hbone), comment kept",
      code: INVALID,
      output: INVALID_FIXED,
      errors: [
        {
          message:
            "Gateway ns/invalid (class istio-waypoint) has no `port: 15008, protocol: HBONE` listener, so no traffic from ztunnel reaches this waypoint.",
          line: 9,
          column: 3,
        },
      ],
    },
    {
      name: "no listeners at all: fix adds the istioctl waypoint generate listener",
      code: "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: waypoint\n  namespace: bookinfo\nspec:\n  gatewayClassName: istio-waypoint\n",
      output: "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: waypoint\n  namespace: bookinfo\nspec:\n  gatewayClassName: istio-waypoint\n  listeners:\n    - name: mesh\n      port: 15008\n      protocol: HBONE\n",
      errors: [{ messageId: "missingHbone", line: 7 }],
    },
    {
      name: "Istio 1.31: an istio-agentgateway-waypoint Gateway needs the HBONE listener too",
      code: "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: agw\n  namespace: bookinfo\nspec:\n  gatewayClassName: istio-agentgateway-waypoint\n",
      output: "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: agw\n  namespace: bookinfo\nspec:\n  gatewayClassName: istio-agentgateway-waypoint\n  listeners:\n    - name: mesh\n      port: 15008\n      protocol: HBONE\n",
      settings: { "istio-ambient": { istioVersion: "1.31" } },
      errors: [{ messageId: "missingHbone", line: 7 }],
    },
    {
      name: "15008 with another protocol: reported at the protocol, no fix",
      code: REVIEWS.replace("protocol: HBONE", "protocol: TCP"),
      output: null,
      errors: [{ messageId: "hboneProtocol", data: { resource: "Gateway bookinfo-reviews", protocol: "TCP" }, line: 12, column: 5 }],
    },
    {
      name: "waypoint-for typo: suggestion sets the meant value",
      code: REVIEWS.replace("    istio.io/rev: rapid", "    istio.io/waypoint-for: Services"),
      output: null,
      errors: [
        {
          message:
            "Gateway bookinfo-reviews has `istio.io/waypoint-for: Services`, which Istio does not know, so it serves neither Services nor pods.",
          line: 5,
          suggestions: [{ messageId: "setWaypointFor", data: { value: "service" }, output: REVIEWS.replace("    istio.io/rev: rapid", "    istio.io/waypoint-for: service") }],
        },
      ],
    },
    {
      name: "waypoint-for nonsense on the GatewayClass: no suggestion",
      code: "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n  name: istio-waypoint\n  labels:\n    istio.io/waypoint-for: ingress\nspec:\n  controllerName: istio.io/mesh-controller\n",
      output: null,
      errors: [{ messageId: "invalidWaypointFor", data: { resource: "GatewayClass istio-waypoint", value: "ingress" }, suggestions: [] }],
    },
    {
      name: "Service inheriting the workload-only waypoint of Namespace batch",
      ...inFixtureRepo("ambient-enable", "batch/reports.yaml", SERVICE("batch")),
      output: null,
      errors: [
        {
          message:
            "Service batch/reports gets waypoint batch/pods-waypoint (waypoints.yaml:15) from its Namespace, but it is `waypoint-for: workload`: no waypoint binds, so L7 policies and routes are skipped.",
          line: 4,
        },
      ],
    },
    {
      name: "pod label naming the service waypoint of shop",
      ...inFixtureRepo("ambient-enable", "shop/reports.yaml", DEPLOY("shop", "        istio.io/use-waypoint: waypoint\n")),
      output: null,
      errors: [
        {
          message:
            "Deployment shop/reports labels its pods `istio.io/use-waypoint: waypoint`, but Gateway shop/waypoint (waypoints.yaml:1) is `waypoint-for: service`, so they get no waypoint.",
          line: 14,
          column: 9,
        },
      ],
    },
  ],
});
