/**
 * Fixture shapes: the GAMMA routes of istio/istio samples/bookinfo/gateway-api (corpus:
 * istio__istio/samples__bookinfo__gateway-api__route-reviews-v1.yaml, samples__ambient-argo__application__
 * route-reviews-90-10.yaml), the waypoint of `istioctl waypoint generate` (istio.io docs ambient/usage/waypoint),
 * the Gateway API mesh conformance routes (corpus: kubernetes-sigs__gateway-api/conformance__tests__mesh__*.yaml)
 * and the ingress2gateway outputs without backend ports (corpus: kubernetes-sigs__ingress2gateway/
 * pkg__i2gw__providers__istio__fixtures__output__6-virtualservice-http-rewrite.yaml).
 */
import rule from "../../rules/httproute-service-parentref.js";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RuleTester } from "eslint";
import { ruleSuite, type InvalidCase } from "../helpers/rule-suite.js";
import { beforeEach } from "vitest";
import { clearIndexCache } from "../../lib/index/index.js";

// Each case starts from a fresh index: the index keeps the text of a linted file that is not on disk (an
// unsaved buffer) after the lint, so without this a case would see the files of the cases before it.
beforeEach(() => clearIndexCache());

const REVIEWS_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: reviews
`;

const WAYPOINT = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: waypoint
  namespace: bookinfo
  labels:
    istio.io/waypoint-for: service
spec:
  gatewayClassName: istio-waypoint
  listeners:
  - name: mesh
    port: 15008
    protocol: HBONE
`;

const ROUTE_REVIEWS_V1 = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
  namespace: bookinfo
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: reviews
    port: 9080
  rules:
  - backendRefs:
    - name: reviews-v1
      port: 9080
`;

const route = (parentRefs: string, rules = "  - backendRefs:\n    - name: reviews-v1\n      port: 9080\n") => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
  namespace: bookinfo
spec:
  parentRefs:
${parentRefs}  rules:
${rules}`;

const GROUP_MISSING = route("  - kind: Service\n    name: reviews\n    port: 9080\n");

const cases: { valid: RuleTester.ValidTestCase[]; invalid: InvalidCase[] } = {
  valid: [
    { name: "bookinfo route-reviews-v1 (Service in the file, port 9080 exists)", code: REVIEWS_SERVICE + "---\n" + ROUTE_REVIEWS_V1 },
    {
      name: "ambient-argo route-reviews-90-10: no parentRef port (all ports)",
      code: `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: reviews
  rules:
  - backendRefs:
    - name: reviews-v1
      port: 9080
      weight: 90
    - name: reviews-v2
      port: 9080
      weight: 10
`,
    },
    {
      name: "parentRef port of a Service that is not in the file is not checked",
      code: ROUTE_REVIEWS_V1.replace("    port: 9080\n  rules", "    port: 8080\n  rules"),
    },
    {
      name: "Service of the same name in another namespace: not this parent",
      code: REVIEWS_SERVICE.replace("namespace: bookinfo", "namespace: other") + "---\n" + ROUTE_REVIEWS_V1.replace("    port: 9080\n  rules", "    port: 8080\n  rules"),
    },
    {
      name: "consumer route: parentRef to a Service in another namespace (mesh conformance)",
      code: `apiVersion: v1
kind: Service
metadata: {name: echo-v1, namespace: gateway-conformance-mesh}
spec: {selector: {app: echo, version: v1}, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: mesh-echo-add-header
  namespace: gateway-conformance-mesh-consumer
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: echo-v1
    namespace: gateway-conformance-mesh
    port: 80
    sectionName: http
  rules:
  - backendRefs:
    - name: echo-v1
      namespace: gateway-conformance-mesh
      port: 80
`,
    },
    {
      name: "ingress route to an ingress Gateway (not a waypoint)",
      code: `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: waypoint, namespace: bookinfo}
spec:
  gatewayClassName: istio
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: bookinfo, namespace: bookinfo}
spec:
  parentRefs: [{name: waypoint}]
  rules: [{backendRefs: [{name: productpage, port: 9080}]}]
`,
    },
    {
      name: "a Gateway named like the waypoint but not in the file is not guessed",
      code: route("  - name: waypoint\n"),
      settings: { "istio-ambient": { waypoint: "waypoint" } },
    },
    {
      name: "waypoint in another namespace than the parentRef",
      code: WAYPOINT + "---\n" + route("  - name: waypoint\n    namespace: infra\n"),
    },
    {
      name: "backendRefs that need no port: Istio Hostname, a core-group-less kind, group core",
      code: route(
        '  - group: ""\n    kind: Service\n    name: reviews\n',
        "  - backendRefs:\n    - group: networking.istio.io\n      kind: Hostname\n      name: api.example.com\n    - kind: ServiceImport\n      group: multicluster.x-k8s.io\n      name: reviews\n",
      ),
    },
    {
      name: "a Service parentRef of another API group (Knative) is not ours",
      code: route("  - group: serving.knative.dev\n    kind: Service\n    name: reviews\n"),
    },
    {
      name: "HTTPRoute of another API group, and TCPRoute, are not checked",
      code: GROUP_MISSING.replace("gateway.networking.k8s.io/v1", "example.com/v1") + "---\n" + GROUP_MISSING.replace("kind: HTTPRoute", "kind: TCPRoute"),
    },
    { name: "not a Kubernetes manifest", code: "foo: bar\n" },
    { name: "empty file", code: "" },
    {
      name: "odd shapes do not crash",
      code: `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: a}
spec: {parentRefs: 3, rules: [null, {backendRefs: [null, 3, {port: 80}]}, {filters: [null, {requestMirror: 1}]}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: b}
spec: {parentRefs: [null, {kind: Service}, {kind: 5, name: x}, {name: 7}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: c}
spec: null
`,
    },
  ],
  invalid: [
    {
      name: "kind: Service without group: fix adds group \"\"",
      code: REVIEWS_SERVICE + "---\n" + GROUP_MISSING,
      output: REVIEWS_SERVICE + "---\n" + GROUP_MISSING.replace("    port: 9080\n  rules", '    port: 9080\n    group: ""\n  rules'),
      errors: [
        {
          message:
            "HTTPRoute bookinfo/reviews: parentRef to Service reviews has no `group` (default gateway.networking.k8s.io), so the route attaches to nothing.",
          line: 20,
          column: 5,
          endLine: 20,
          endColumn: 9,
        },
      ],
    },
    {
      name: "group written as gateway.networking.k8s.io, in flow style",
      code: route("  - {group: gateway.networking.k8s.io, kind: Service, name: reviews}\n"),
      output: route('  - {group: "", kind: Service, name: reviews}\n'),
      errors: [{ messageId: "serviceGroup", line: 8, column: 6 }],
    },
    {
      name: "empty group: (null) defaults like a missing one",
      code: route("  - group:\n    kind: Service\n    name: reviews\n"),
      output: route('  - group: ""\n    kind: Service\n    name: reviews\n'),
      errors: [{ messageId: "serviceGroup", line: 8, column: 5 }],
    },
    {
      name: "JSON manifest with group core: the fix stays JSON",
      filename: "x.json",
      code: `{
  "apiVersion": "gateway.networking.k8s.io/v1",
  "kind": "HTTPRoute",
  "metadata": {"name": "reviews", "namespace": "bookinfo"},
  "spec": {
    "parentRefs": [{"group": "core", "kind": "Service", "name": "reviews"}],
    "rules": [{"backendRefs": [{"name": "reviews-v1", "port": 9080}]}]
  }
}
`,
      output: `{
  "apiVersion": "gateway.networking.k8s.io/v1",
  "kind": "HTTPRoute",
  "metadata": {"name": "reviews", "namespace": "bookinfo"},
  "spec": {
    "parentRefs": [{"group": "", "kind": "Service", "name": "reviews"}],
    "rules": [{"backendRefs": [{"name": "reviews-v1", "port": 9080}]}]
  }
}
`,
      errors: [
        {
          message:
            "HTTPRoute bookinfo/reviews: parentRef to Service reviews has `group: core` (the core group is \"\"), so the route attaches to nothing.",
          line: 6,
          column: 21,
        },
      ],
    },
    {
      name: "kind: List: the fix edits the List item",
      code: `apiVersion: v1
kind: List
items:
- apiVersion: gateway.networking.k8s.io/v1
  kind: HTTPRoute
  metadata:
    name: reviews
  spec:
    parentRefs:
    - kind: Service
      name: reviews
    rules:
    - backendRefs:
      - name: reviews-v1
        port: 9080
`,
      output: `apiVersion: v1
kind: List
items:
- apiVersion: gateway.networking.k8s.io/v1
  kind: HTTPRoute
  metadata:
    name: reviews
  spec:
    parentRefs:
    - kind: Service
      name: reviews
      group: ""
    rules:
    - backendRefs:
      - name: reviews-v1
        port: 9080
`,
      errors: [{ messageId: "serviceGroup", line: 10, column: 7 }],
    },
    {
      name: "parentRef port that the Service does not have: one suggestion per Service port",
      code: REVIEWS_SERVICE.replace("    name: http\n", "    name: http\n  - port: 9443\n    name: https\n") + "---\n" + ROUTE_REVIEWS_V1.replace("    port: 9080\n  rules", "    port: 8080\n  rules"),
      output: null,
      errors: [
        {
          message:
            "HTTPRoute bookinfo/reviews: parentRef port 8080 is not a port of Service reviews (ports: 9080, 9443), so the route applies to no traffic.",
          line: 25,
          column: 5,
          suggestions: [
            {
              messageId: "usePort",
              data: { port: 9080, portName: " (http)" },
              output: REVIEWS_SERVICE.replace("    name: http\n", "    name: http\n  - port: 9443\n    name: https\n") + "---\n" + ROUTE_REVIEWS_V1,
            },
            {
              messageId: "usePort",
              data: { port: 9443, portName: " (https)" },
              output:
                REVIEWS_SERVICE.replace("    name: http\n", "    name: http\n  - port: 9443\n    name: https\n") +
                "---\n" +
                ROUTE_REVIEWS_V1.replace("    port: 9080\n  rules", "    port: 9443\n  rules"),
            },
          ],
        },
      ],
    },
    {
      name: "sectionName that names no Service port",
      code: REVIEWS_SERVICE + "---\n" + ROUTE_REVIEWS_V1.replace("    port: 9080\n  rules", "    sectionName: grpc\n  rules"),
      output: null,
      errors: [
        {
          message:
            "HTTPRoute bookinfo/reviews: sectionName `grpc` names no port of Service reviews (names: http); Istio ignores it, so the route applies to every port of the Service.",
          suggestions: [
            {
              messageId: "useSection",
              data: { section: "http", port: 9080 },
              output: REVIEWS_SERVICE + "---\n" + ROUTE_REVIEWS_V1.replace("    port: 9080\n  rules", "    sectionName: http\n  rules"),
            },
            { messageId: "dropSection", output: REVIEWS_SERVICE + "---\n" + ROUTE_REVIEWS_V1.replace("    port: 9080\n  rules", "  rules") },
          ],
        },
      ],
    },
    {
      name: "sectionName that names no Service port, next to a port: Istio applies the port only",
      code: REVIEWS_SERVICE + "---\n" + ROUTE_REVIEWS_V1.replace("    port: 9080\n  rules", "    port: 9080\n    sectionName: grpc\n  rules"),
      output: null,
      errors: [
        {
          message:
            "HTTPRoute bookinfo/reviews: sectionName `grpc` names no port of Service reviews (names: http); Istio ignores it, so the route applies to port 9080 only.",
          suggestions: [
            { messageId: "useSection", output: REVIEWS_SERVICE + "---\n" + ROUTE_REVIEWS_V1.replace("    port: 9080\n  rules", "    port: 9080\n    sectionName: http\n  rules") },
            { messageId: "dropSection", output: REVIEWS_SERVICE + "---\n" + ROUTE_REVIEWS_V1 },
          ],
        },
      ],
    },
    {
      name: "port and sectionName that name different ports",
      code:
        REVIEWS_SERVICE.replace("    name: http\n", "    name: http\n  - port: 9443\n    name: https\n") +
        "---\n" +
        ROUTE_REVIEWS_V1.replace("    port: 9080\n  rules", "    port: 9080\n    sectionName: https\n  rules"),
      output: null,
      errors: [
        {
          messageId: "portSectionMismatch",
          data: { route: "HTTPRoute bookinfo/reviews", port: 9080, section: "https", service: "reviews", line: 25 },
          suggestions: [
            {
              messageId: "usePort",
              data: { port: 9443, portName: " (https)" },
              output:
                REVIEWS_SERVICE.replace("    name: http\n", "    name: http\n  - port: 9443\n    name: https\n") +
                "---\n" +
                ROUTE_REVIEWS_V1.replace("    port: 9080\n  rules", "    port: 9443\n    sectionName: https\n  rules"),
            },
          ],
        },
      ],
    },
    {
      name: "parentRefs to the waypoint Gateway: suggestion attaches to the only backend Service",
      code: WAYPOINT + "---\n" + route("  - name: waypoint\n    sectionName: mesh\n    port: 15008\n  - {group: gateway.networking.k8s.io, kind: Gateway, name: waypoint}\n", "  - backendRefs:\n    - name: reviews\n      port: 9080\n"),
      output: null,
      errors: [
        {
          message:
            "HTTPRoute bookinfo/reviews: parentRef waypoint bookinfo/waypoint accepts no routes (mesh routes attach to a Service), so the route attaches to nothing.",
          line: 22,
          column: 5,
          endColumn: 9,
          suggestions: [
            {
              messageId: "parentService",
              data: { name: "reviews" },
              output:
                WAYPOINT +
                "---\n" +
                route('  - name: reviews\n    group: ""\n    kind: Service\n  - {group: gateway.networking.k8s.io, kind: Gateway, name: waypoint}\n', "  - backendRefs:\n    - name: reviews\n      port: 9080\n"),
            },
          ],
        },
        {
          messageId: "waypointParent",
          line: 25,
          column: 40,
          suggestions: [
            {
              messageId: "parentService",
              output:
                WAYPOINT +
                "---\n" +
                route('  - name: waypoint\n    sectionName: mesh\n    port: 15008\n  - {group: "", kind: Service, name: reviews}\n', "  - backendRefs:\n    - name: reviews\n      port: 9080\n"),
            },
          ],
        },
      ],
      // Each suggestion fixes one of the two waypoint parentRefs; the other one is still reported.
      suggestionSafe: [{ remaining: 1 }],
    },
    {
      name: "waypoint parentRef next to the Service parentRef: suggestion removes it",
      code: WAYPOINT + "---\n" + route('  - group: ""\n    kind: Service\n    name: reviews-v1\n  - kind: Gateway\n    name: waypoint\n'),
      output: null,
      errors: [
        {
          messageId: "waypointParent",
          line: 25,
          suggestions: [{ messageId: "removeParent", data: { name: "reviews-v1" }, output: WAYPOINT + "---\n" + route('  - group: ""\n    kind: Service\n    name: reviews-v1\n') }],
        },
      ],
    },
    {
      name: "waypoint parentRef with several backend Services: no suggestion",
      code:
        WAYPOINT +
        "---\n" +
        route("  - name: waypoint\n", "  - backendRefs:\n    - name: reviews-v1\n      port: 9080\n      weight: 90\n    - name: reviews-v2\n      port: 9080\n      weight: 10\n"),
      output: null,
      errors: [{ messageId: "waypointParent", suggestions: [] }],
    },
    {
      name: "Service backendRefs without port: ingress2gateway output, Service in the file, mirror, other namespace, GRPCRoute",
      code: `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: test}
spec: {selector: {app: reviews}, ports: [{port: 9080, name: http}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: virtualservice-test
  namespace: test
spec:
  parentRefs:
  - name: test-gateway
    namespace: test
  rules:
  - backendRefs:
    - name: reviews
      weight: 1
    - name: ratings
      namespace: prod
    filters:
    - type: RequestMirror
      requestMirror:
        backendRef:
          name: shadow
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata:
  name: grpc
  namespace: test
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: echo
    port: 7070
  rules:
  - backendRefs:
    - name: echo-v1
`,
      output: null,
      errors: [
        {
          message:
            "HTTPRoute test/virtualservice-test: backendRef to Service reviews has no `port`, so the API server rejects this HTTPRoute.",
          line: 17,
          column: 7,
          suggestions: [
            {
              messageId: "addPort",
              data: { port: 9080, why: "the only port of Service reviews" },
              output: `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: test}
spec: {selector: {app: reviews}, ports: [{port: 9080, name: http}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: virtualservice-test
  namespace: test
spec:
  parentRefs:
  - name: test-gateway
    namespace: test
  rules:
  - backendRefs:
    - name: reviews
      weight: 1
      port: 9080
    - name: ratings
      namespace: prod
    filters:
    - type: RequestMirror
      requestMirror:
        backendRef:
          name: shadow
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata:
  name: grpc
  namespace: test
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: echo
    port: 7070
  rules:
  - backendRefs:
    - name: echo-v1
`,
            },
          ],
        },
        { messageId: "backendPort", data: { route: "HTTPRoute test/virtualservice-test", ref: "backendRef", name: "prod/ratings", line: 19, kind: "HTTPRoute" }, line: 19, suggestions: [] },
        { messageId: "backendPort", data: { route: "HTTPRoute test/virtualservice-test", ref: "RequestMirror backendRef", name: "shadow", line: 25, kind: "HTTPRoute" }, line: 25, suggestions: [] },
        {
          message:
            "GRPCRoute test/grpc: backendRef to Service echo-v1 has no `port`, so the API server rejects this GRPCRoute.",
          suggestions: [
            {
              messageId: "addPort",
              data: { port: 7070, why: "the port of the route's Service parentRef" },
              output: `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: test}
spec: {selector: {app: reviews}, ports: [{port: 9080, name: http}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: virtualservice-test
  namespace: test
spec:
  parentRefs:
  - name: test-gateway
    namespace: test
  rules:
  - backendRefs:
    - name: reviews
      weight: 1
    - name: ratings
      namespace: prod
    filters:
    - type: RequestMirror
      requestMirror:
        backendRef:
          name: shadow
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata:
  name: grpc
  namespace: test
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: echo
    port: 7070
  rules:
  - backendRefs:
    - name: echo-v1
      port: 7070
`,
            },
          ],
        },
      ],
      // Each suggestion adds one port; the other backendRefs without port are still reported.
      suggestionSafe: [{ remaining: 3 }],
    },
    {
      name: "backendRef without port to a multi-port Service: the port the parentRef names, else one suggestion per port",
      code:
        REVIEWS_SERVICE.replace("    name: http\n", "    name: http\n  - port: 9443\n    name: https\n") +
        "---\n" +
        route('  - group: ""\n    kind: Service\n    name: reviews\n    port: 9443\n', "  - backendRefs:\n    - name: reviews\n") +
        "---\n" +
        route('  - group: ""\n    kind: Service\n    name: reviews\n', "  - backendRefs:\n    - name: reviews\n").replace("name: reviews\n  namespace", "name: reviews-all\n  namespace"),
      output: null,
      errors: [
        { messageId: "backendPort", line: 28, suggestions: [{ messageId: "addPort", data: { port: 9443, why: "port https of Service reviews" }, output: "SEE_BELOW_0" }] },
        {
          messageId: "backendPort",
          line: 42,
          suggestions: [
            { messageId: "addPort", data: { port: 9080, why: "port http of Service reviews" }, output: "SEE_BELOW_1" },
            { messageId: "addPort", data: { port: 9443, why: "port https of Service reviews" }, output: "SEE_BELOW_2" },
          ],
        },
      ],
      suggestionSafe: [{ remaining: 1 }, { remaining: 1 }],
    },
  ],
};

// Outputs of the multi-port case: the port is added under the backendRef's name.
{
  const c = cases.invalid[cases.invalid.length - 1];
  const code = c.code;
  const first = code.indexOf("    - name: reviews\n");
  const second = code.indexOf("    - name: reviews\n", first + 1);
  const at = (i: number, port: number) => code.slice(0, i) + `    - name: reviews\n      port: ${port}\n` + code.slice(i + "    - name: reviews\n".length);
  const errors = c.errors as Array<{ suggestions: Array<{ output: string }> }>;
  errors[0].suggestions[0].output = at(first, 9443);
  errors[1].suggestions[0].output = at(second, 9080);
  errors[1].suggestions[1].output = at(second, 9443);
}

// ---------------------------------------------------------------------------------------------------------
// Cross-file: Services and waypoints of the repository (tests/fixtures/repos/upgrades, see its README).

const UPGRADES = fileURLToPath(new URL("../fixtures/repos/upgrades", import.meta.url));
/** Lint `rel` inside the fixture repository (the file need not exist: the case's code overlays it). */
const inRepo = (rel: string, own: Record<string, unknown> = {}) => ({
  filename: path.join(UPGRADES, rel),
  settings: { "istio-ambient": { root: UPGRADES, ...own } },
});
/** A route of the upgrades repository (bookinfo), in its indented-sequence style. */
const upgradesRoute = (name: string, parent: string, backends: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
  namespace: bookinfo
spec:
  parentRefs:
${parent}  rules:
    - backendRefs:
${backends}`;
const DETAILS_PARENT = (extra: string) => `    - group: ""\n      kind: Service\n      name: details\n${extra}`;
const DETAILS_BACKEND = "        - name: details\n";
const DETAILS_ROUTE = upgradesRoute("details", DETAILS_PARENT("      port: 9999\n"), DETAILS_BACKEND);

cases.valid.push(
  {
    name: "cross-file: parentRef and backendRef ports of a Service defined in apps/",
    code: fs.readFileSync(path.join(UPGRADES, "routing/ratings-httproute.yaml"), "utf8"),
    ...inRepo("routing/ratings-httproute.yaml"),
  },
  {
    name: "cross-file: a port added by a Kustomize patch of the Service (overlays/prod) is not checked against the base",
    code: upgradesRoute("ratings-grpc", '    - group: ""\n      kind: Service\n      name: ratings\n      port: 9090\n', "        - name: ratings\n          port: 9090\n"),
    ...inRepo("overlays/prod/ratings-grpc-route.yaml"),
  },
  {
    name: "cross-file: a Service assumed to exist (assumeExists) has unknown ports: nothing to check",
    code: upgradesRoute("payments", '    - group: ""\n      kind: Service\n      name: payments\n      port: 7070\n', "        - name: payments\n          port: 7070\n"),
    ...inRepo("routing/payments-route.yaml", { assumeExists: [{ kind: "Service", name: "payments", namespace: "bookinfo" }] }),
  },
);

cases.invalid.push(
  {
    name: "cross-file: parentRef port not on the Service of another file; backendRef port from that Service",
    code: DETAILS_ROUTE,
    ...inRepo("routing/details-route.yaml"),
    output: null,
    errors: [
      {
        message:
          "HTTPRoute bookinfo/details: parentRef port 9999 is not a port of Service details (details.yaml:1; ports: 9080), so the route applies to no traffic.",
        line: 11,
        column: 7,
        suggestions: [{ messageId: "usePort", data: { port: 9080, portName: " (http)" }, output: DETAILS_ROUTE.replace("port: 9999", "port: 9080") }],
      },
      {
        messageId: "backendPort",
        line: 14,
        suggestions: [
          {
            messageId: "addPort",
            data: { port: 9080, why: "the only port of Service details" },
            output: DETAILS_ROUTE.replace(DETAILS_BACKEND, DETAILS_BACKEND + "          port: 9080\n"),
          },
        ],
      },
    ],
    suggestionSafe: [{ remaining: 1 }],
  },
  {
    name: "cross-file: sectionName that names no port of the Service of another file",
    code: upgradesRoute("details", DETAILS_PARENT("      sectionName: grpc\n"), DETAILS_BACKEND + "          port: 9080\n"),
    ...inRepo("routing/details-route.yaml"),
    output: null,
    errors: [
      {
        message:
          "HTTPRoute bookinfo/details: sectionName `grpc` names no port of Service details (details.yaml:1; names: http); Istio ignores it, so the route applies to every port of the Service.",
        suggestions: [
          { messageId: "useSection", data: { section: "http", port: 9080 }, output: upgradesRoute("details", DETAILS_PARENT("      sectionName: http\n"), DETAILS_BACKEND + "          port: 9080\n") },
          { messageId: "dropSection", data: { service: "details" }, output: upgradesRoute("details", DETAILS_PARENT(""), DETAILS_BACKEND + "          port: 9080\n") },
        ],
      },
    ],
  },
  {
    name: "cross-file: parentRef to the waypoint Gateway of mesh/",
    code: upgradesRoute("reviews", "    - name: bookinfo-waypoint\n", "        - name: reviews-v1\n          port: 9080\n"),
    ...inRepo("routing/reviews-route.yaml"),
    output: null,
    errors: [
      {
        message:
          "HTTPRoute bookinfo/reviews: parentRef waypoint bookinfo/bookinfo-waypoint accepts no routes (mesh routes attach to a Service), so the route attaches to nothing.",
        suggestions: [
          {
            messageId: "parentService",
            data: { name: "reviews-v1" },
            output: upgradesRoute("reviews", '    - name: reviews-v1\n      group: ""\n      kind: Service\n', "        - name: reviews-v1\n          port: 9080\n"),
          },
        ],
      },
    ],
  },
  {
    name: "outside the index root: single-file behaviour (Service unknown: no port check; the backendRef port is the parentRef's)",
    code: DETAILS_ROUTE,
    filename: path.join(UPGRADES, "routing/details-route.yaml"),
    output: null,
    errors: [
      {
        messageId: "backendPort",
        line: 14,
        suggestions: [
          {
            messageId: "addPort",
            data: { port: 9999, why: "the port of the route's Service parentRef" },
            output: DETAILS_ROUTE.replace(DETAILS_BACKEND, DETAILS_BACKEND + "          port: 9999\n"),
          },
        ],
      },
    ],
  },
);

ruleSuite("httproute-service-parentref", rule, cases);
