/**
 * Fixture shapes: bookinfo `allow-get-reviews` (istio.io docs, ambient/migrate/migrate-policies), the
 * `allow-frontend` L4 policy and the waypoint-bypass DENY from the same guide, kubeflow's oauth2-proxy CUSTOM
 * policy on the ingress gateway (corpus: kubeflow__manifests/common__oauth2-proxy__…), and authservice's
 * namespace-wide requestPrincipals policy (corpus: istio-ecosystem__authservice/examples__minimal__authz-policy.yaml).
 */
import rule from "../../rules/authorizationpolicy-targetrefs.js";
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
  labels:
    app: reviews
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: reviews
`;

const ALLOW_GET_REVIEWS = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-get-reviews
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: reviews
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/bookinfo/sa/bookinfo-productpage"]
    to:
    - operation:
        methods: ["GET"]
`;

const ALLOW_GET_REVIEWS_TARGETREFS = ALLOW_GET_REVIEWS.replace(
  "  selector:\n    matchLabels:\n      app: reviews\n",
  '  targetRefs:\n  - kind: Service\n    group: ""\n    name: reviews\n',
);

const ALLOW_FRONTEND = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-frontend
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: reviews
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/bookinfo/sa/bookinfo-productpage"]
    to:
    - operation:
        ports: ["9080"]
`;

const DENY_WAYPOINT_BYPASS = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-waypoint-bypass
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: reviews
  action: DENY
  rules:
  - from:
    - source:
        notPrincipals: ["cluster.local/ns/bookinfo/sa/waypoint"]
`;

/** The bookinfo Namespace bound to its waypoint, and the waypoint, in the same unit as the policy (istio.io "Migrate policies"). */
const BOUND = `apiVersion: v1
kind: Namespace
metadata:
  name: bookinfo
  labels:
    istio.io/dataplane-mode: ambient
    istio.io/use-waypoint: waypoint
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: waypoint
  namespace: bookinfo
spec:
  gatewayClassName: istio-waypoint
  listeners:
  - name: mesh
    port: 15008
    protocol: HBONE
---
`;
/** Lines BOUND adds before the Service. */
const B = BOUND.split("\n").length - 1;

/** Shorthand expanded below into the guessed-Service and waypoint suggestions of a case. */
const GUESS = "GUESS" as never;
const SELECTOR = /  selector:\n    matchLabels:\n      app: (\S+)\n/;
/** The two suggestions for a selector policy without a Service in the file: guessed Service, then waypoint. */
function guessAndWaypoint(code: string) {
  const app = SELECTOR.exec(code)![1];
  return [
    { messageId: "useGuessedService", data: { name: app }, output: code.replace(SELECTOR, `  targetRefs:\n  - kind: Service\n    group: ""\n    name: ${app}\n`) },
    { messageId: "useWaypoint", data: { name: "waypoint" }, output: code.replace(SELECTOR, "  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: waypoint\n") },
  ];
}

const cases: { valid: RuleTester.ValidTestCase[]; invalid: InvalidCase[] } = {
  valid: [
    { name: "L4-only policy (principals + ports) stays on ztunnel", code: ALLOW_FRONTEND },
    { name: "waypoint bypass DENY (selector, notPrincipals)", code: DENY_WAYPOINT_BYPASS },
    {
      name: "a waypoint-bypass DENY with an HTTP attribute is left to require-bypass-prevention (it must stay on ztunnel)",
      code: DENY_WAYPOINT_BYPASS.replace(
        '        notPrincipals: ["cluster.local/ns/bookinfo/sa/waypoint"]\n',
        '        notPrincipals: ["cluster.local/ns/bookinfo/sa/waypoint"]\n    to:\n    - operation:\n        methods: ["POST"]\n',
      ),
    },
    { name: "already attached with targetRefs", code: ALLOW_GET_REVIEWS_TARGETREFS },
    {
      name: "singular targetRef also counts as waypoint-attached",
      code: ALLOW_GET_REVIEWS.replace("  selector:\n    matchLabels:\n      app: reviews\n", "  targetRef:\n    kind: Gateway\n    group: gateway.networking.k8s.io\n    name: waypoint\n"),
    },
    {
      name: "Linkerd AuthorizationPolicy is not Istio's",
      code: `apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata:
  name: podinfo
spec:
  targetRef:
    group: policy.linkerd.io
    kind: Server
    name: podinfo
  requiredAuthenticationRefs:
  - name: podinfo
    kind: MeshTLSAuthentication
`,
    },
    {
      name: "CUSTOM ext-authz on the ingress gateway pods (Envoy gateways keep honouring selectors)",
      code: `apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata:
  name: istio-ingressgateway-oauth2-proxy
  namespace: istio-system
spec:
  action: CUSTOM
  provider:
    name: oauth2-proxy
  selector:
    matchLabels:
      app: istio-ingressgateway
  rules:
  - to:
    - operation:
        notPaths: ["/dex/*"]
`,
    },
    {
      name: "user-declared gateway selector",
      code: ALLOW_GET_REVIEWS.replace("app: reviews", "role: edge"),
      options: [{ gatewaySelectors: [{ role: "edge" }] }],
    },
    {
      name: "when keys ztunnel enforces (source.namespace, destination.port)",
      code: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ns-only
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: ratings
  rules:
  - when:
    - key: source.namespace
      values: ["bookinfo"]
    - key: destination.port
      values: ["9080"]
`,
    },
    { name: "not a Kubernetes manifest", code: "foo: bar\nlist: [1, 2]\n" },
    { name: "empty file", code: "" },
    { name: "scalar document", code: "just a string\n" },
    { name: "odd shapes do not crash", code: "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nspec:\n  rules: 3\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nspec:\n  rules:\n  - to: [null, 1, {operation: null}]\n    when: [{key: 5}]\n" },
  ],
  invalid: [
    {
      name: "ALLOW with methods, the one Service selecting the same pods is bound to a waypoint of the unit: fix to targetRefs",
      code: BOUND + REVIEWS_SERVICE + "---\n" + ALLOW_GET_REVIEWS,
      output: BOUND + REVIEWS_SERVICE + "---\n" + ALLOW_GET_REVIEWS_TARGETREFS,
      errors: [
        {
          message: `AuthorizationPolicy bookinfo/allow-get-reviews (selector): ztunnel drops every rule (HTTP \`methods\`, line ${31 + B}), denying all traffic to its pods.`,
          line: 21 + B,
          column: 3,
          endLine: 21 + B,
          endColumn: 11,
          suggestions: [
            { messageId: "useService", data: { name: "reviews" }, output: BOUND + REVIEWS_SERVICE + "---\n" + ALLOW_GET_REVIEWS_TARGETREFS },
            {
              messageId: "useWaypoint",
              data: { name: "waypoint" },
              output:
                BOUND +
                REVIEWS_SERVICE +
                "---\n" +
                ALLOW_GET_REVIEWS.replace(
                  "  selector:\n    matchLabels:\n      app: reviews\n",
                  "  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: waypoint\n",
                ),
            },
          ],
        },
      ],
    },
    {
      name: "the same without a waypoint: no fix (nothing would enforce the policy), the Service is a suggestion that says so",
      code: REVIEWS_SERVICE + "---\n" + ALLOW_GET_REVIEWS,
      output: null,
      errors: [
        {
          messageId: "allowDeniesAll",
          line: 21,
          suggestions: [
            {
              messageId: "useServiceUnsafe",
              data: { name: "reviews", where: "", reason: "no waypoint serves it" },
              output: REVIEWS_SERVICE + "---\n" + ALLOW_GET_REVIEWS_TARGETREFS,
            },
            {
              messageId: "useWaypoint",
              data: { name: "waypoint" },
              output:
                REVIEWS_SERVICE +
                "---\n" +
                ALLOW_GET_REVIEWS.replace(
                  "  selector:\n    matchLabels:\n      app: reviews\n",
                  "  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: waypoint\n",
                ),
            },
          ],
        },
      ],
    },
    {
      name: "no Service in the file: suggestions only (guessed Service, waypoint named in settings)",
      code: ALLOW_GET_REVIEWS,
      output: null,
      settings: { "istio-ambient": { waypoint: "bookinfo-waypoint" } },
      errors: [
        {
          messageId: "allowDeniesAll",
          suggestions: [
            { messageId: "useGuessedService", data: { name: "reviews" }, output: ALLOW_GET_REVIEWS_TARGETREFS },
            {
              messageId: "useWaypoint",
              data: { name: "bookinfo-waypoint" },
              output: ALLOW_GET_REVIEWS.replace(
                "  selector:\n    matchLabels:\n      app: reviews\n",
                "  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: bookinfo-waypoint\n",
              ),
            },
          ],
        },
      ],
    },
    {
      name: "ALLOW with one L4 rule and one L7 rule: only the L7 rule is dropped",
      code: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: mixed
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: ratings
  rules:
  - from:
    - source:
        namespaces: ["bookinfo"]
  - to:
    - operation:
        paths: ["/health*"]
`,
      output: null,
      errors: [
        {
          message:
            "AuthorizationPolicy bookinfo/mixed (selector): ztunnel drops the rule with HTTP `paths` (line 16), so what they allowed is denied.",
          line: 7,
          suggestions: GUESS,
        },
      ],
    },
    {
      name: "DENY with an L4 remainder is broader",
      code: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-post-from-test
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: ratings
  action: DENY
  rules:
  - from:
    - source:
        namespaces: ["test"]
    to:
    - operation:
        ports: ["9080"]
        methods: ["POST"]
`,
      output: null,
      errors: [{ messageId: "denyBroader", line: 7, suggestions: GUESS }],
    },
    {
      name: "DENY whose HTTP attribute has its own 'to' entry: that clause is empty at ztunnel, so no effect",
      code: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-post-from-test
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: ratings
  action: DENY
  rules:
  - from:
    - source:
        namespaces: ["test"]
    to:
    - operation:
        methods: ["POST"]
`,
      output: null,
      errors: [{ messageId: "denyNoEffect", suggestions: GUESS }],
    },
    {
      name: "DENY with nothing L4 left has no effect",
      code: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-admin
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: productpage
  action: DENY
  rules:
  - to:
    - operation:
        paths: ["/admin*"]
  - when:
    - key: request.headers[x-debug]
      values: ["1"]
`,
      output: null,
      errors: [{ messageId: "denyNoEffect", line: 7, suggestions: GUESS }],
    },
    {
      name: "CUSTOM on an application workload is not enforced",
      code: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ext-authz
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
  action: CUSTOM
  provider:
    name: sample-ext-authz-grpc
  rules:
  - to:
    - operation:
        ports: ["8000"]
`,
      output: null,
      errors: [
        {
          message:
            "AuthorizationPolicy foo/ext-authz (selector): ztunnel does not support action CUSTOM (line 10), so the policy is not enforced.",
          suggestions: GUESS,
        },
      ],
    },
    {
      name: "namespace-wide requestPrincipals policy (authservice example): reported at spec, waypoint suggestion adds targetRefs",
      code: `# Set a policy to enforce that the token is present.
apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata:
  name: example-authz
spec:
  action: ALLOW
  rules:
    - from:
        - source:
            requestPrincipals: ["*"]
`,
      output: null,
      errors: [
        {
          message:
            "AuthorizationPolicy example-authz (namespace-wide): ztunnel drops every rule (HTTP `requestPrincipals`, line 11), denying all traffic to its pods.",
          line: 6,
          suggestions: [
            {
              messageId: "useWaypoint",
              output: `# Set a policy to enforce that the token is present.
apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata:
  name: example-authz
spec:
  action: ALLOW
  rules:
    - from:
        - source:
            requestPrincipals: ["*"]
  targetRefs:
    - kind: Gateway
      group: gateway.networking.k8s.io
      name: waypoint
`,
            },
          ],
        },
      ],
    },
    {
      name: "root namespace, no selector: mesh-wide, GatewayClass suggestion",
      code: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: global-deny-delete
  namespace: istio-system
spec:
  action: DENY
  rules:
  - to:
    - operation:
        methods: ["DELETE"]
`,
      output: null,
      errors: [
        {
          messageId: "denyNoEffect",
          suggestions: [
            {
              messageId: "useWaypointClass",
              output: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: global-deny-delete
  namespace: istio-system
spec:
  action: DENY
  rules:
  - to:
    - operation:
        methods: ["DELETE"]
  targetRefs:
  - kind: GatewayClass
    group: gateway.networking.k8s.io
    name: istio-waypoint
`,
            },
          ],
        },
      ],
    },
    {
      name: "when key outside the L4 set (request.auth.claims) is L7",
      code: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: require-group
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: productpage
  rules:
  - when:
    - key: request.auth.claims[groups]
      values: ["admins"]
`,
      output: null,
      errors: [{ messageId: "allowDeniesAll", suggestions: GUESS }],
    },
    {
      name: "two Services select the same pods: no fix, one suggestion each",
      code: REVIEWS_SERVICE + "---\n" + REVIEWS_SERVICE.replace("name: reviews\n  namespace", "name: reviews-canary\n  namespace") + "---\n" + ALLOW_GET_REVIEWS,
      output: null,
      errors: [
        {
          messageId: "allowDeniesAll",
          suggestions: [
            { messageId: "useService", data: { name: "reviews" }, output: REVIEWS_SERVICE + "---\n" + REVIEWS_SERVICE.replace("name: reviews\n  namespace", "name: reviews-canary\n  namespace") + "---\n" + ALLOW_GET_REVIEWS_TARGETREFS },
            { messageId: "useService", data: { name: "reviews-canary" }, output: REVIEWS_SERVICE + "---\n" + REVIEWS_SERVICE.replace("name: reviews\n  namespace", "name: reviews-canary\n  namespace") + "---\n" + ALLOW_GET_REVIEWS_TARGETREFS.replace("name: reviews\n", "name: reviews-canary\n") },
            { messageId: "useWaypoint", output: REVIEWS_SERVICE + "---\n" + REVIEWS_SERVICE.replace("name: reviews\n  namespace", "name: reviews-canary\n  namespace") + "---\n" + ALLOW_GET_REVIEWS.replace("  selector:\n    matchLabels:\n      app: reviews\n", "  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: waypoint\n") },
          ],
        },
      ],
    },
    {
      name: "flow style and kind: List (Namespace binding and waypoint as List items)",
      code: `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: bookinfo, labels: {istio.io/use-waypoint: waypoint}}}
- {apiVersion: gateway.networking.k8s.io/v1, kind: Gateway, metadata: {name: waypoint, namespace: bookinfo}, spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}}
- {apiVersion: v1, kind: Service, metadata: {name: reviews, namespace: bookinfo}, spec: {selector: {app: reviews}, ports: [{port: 9080}]}}
- apiVersion: security.istio.io/v1
  kind: AuthorizationPolicy
  metadata: {name: allow-get-reviews, namespace: bookinfo}
  spec: {selector: {matchLabels: {app: reviews}}, rules: [{to: [{operation: {methods: [GET]}}]}]}
`,
      output: `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: bookinfo, labels: {istio.io/use-waypoint: waypoint}}}
- {apiVersion: gateway.networking.k8s.io/v1, kind: Gateway, metadata: {name: waypoint, namespace: bookinfo}, spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}}
- {apiVersion: v1, kind: Service, metadata: {name: reviews, namespace: bookinfo}, spec: {selector: {app: reviews}, ports: [{port: 9080}]}}
- apiVersion: security.istio.io/v1
  kind: AuthorizationPolicy
  metadata: {name: allow-get-reviews, namespace: bookinfo}
  spec: {targetRefs: [{kind: Service, group: "", name: reviews}], rules: [{to: [{operation: {methods: [GET]}}]}]}
`,
      errors: [
        {
          messageId: "allowDeniesAll",
          line: 10,
          suggestions: [
            { messageId: "useService", output: "SAME_AS_FIX" },
            {
              messageId: "useWaypoint",
              output: `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: bookinfo, labels: {istio.io/use-waypoint: waypoint}}}
- {apiVersion: gateway.networking.k8s.io/v1, kind: Gateway, metadata: {name: waypoint, namespace: bookinfo}, spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}}
- {apiVersion: v1, kind: Service, metadata: {name: reviews, namespace: bookinfo}, spec: {selector: {app: reviews}, ports: [{port: 9080}]}}
- apiVersion: security.istio.io/v1
  kind: AuthorizationPolicy
  metadata: {name: allow-get-reviews, namespace: bookinfo}
  spec: {targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}], rules: [{to: [{operation: {methods: [GET]}}]}]}
`,
            },
          ],
        },
      ],
    },
    {
      name: "JSON manifest: the fix stays JSON",
      filename: "policy.json",
      code: `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "bookinfo", "labels": {"istio.io/use-waypoint": "waypoint"}}},
    {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "waypoint", "namespace": "bookinfo"}, "spec": {"gatewayClassName": "istio-waypoint", "listeners": [{"name": "mesh", "port": 15008, "protocol": "HBONE"}]}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "reviews", "namespace": "bookinfo"}, "spec": {"selector": {"app": "reviews"}, "ports": [{"port": 9080}]}},
    {
      "apiVersion": "security.istio.io/v1",
      "kind": "AuthorizationPolicy",
      "metadata": {"name": "allow-get-reviews", "namespace": "bookinfo"},
      "spec": {
        "selector": {"matchLabels": {"app": "reviews"}},
        "rules": [{"to": [{"operation": {"methods": ["GET"]}}]}]
      }
    }
  ]
}
`,
      output: `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "bookinfo", "labels": {"istio.io/use-waypoint": "waypoint"}}},
    {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "waypoint", "namespace": "bookinfo"}, "spec": {"gatewayClassName": "istio-waypoint", "listeners": [{"name": "mesh", "port": 15008, "protocol": "HBONE"}]}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "reviews", "namespace": "bookinfo"}, "spec": {"selector": {"app": "reviews"}, "ports": [{"port": 9080}]}},
    {
      "apiVersion": "security.istio.io/v1",
      "kind": "AuthorizationPolicy",
      "metadata": {"name": "allow-get-reviews", "namespace": "bookinfo"},
      "spec": {
        "targetRefs": [{"kind": "Service", "group": "", "name": "reviews"}],
        "rules": [{"to": [{"operation": {"methods": ["GET"]}}]}]
      }
    }
  ]
}
`,
      errors: [{ messageId: "allowDeniesAll", suggestions: [{ messageId: "useService", output: "SAME_AS_FIX" }, { messageId: "useWaypoint", output: "JSON_WAYPOINT" }] }],
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Cross-file: the Services and waypoints of the repository (tests/fixtures/repos/upgrades, see its README).

const UPGRADES = fileURLToPath(new URL("../fixtures/repos/upgrades", import.meta.url));
const KUSTOMIZE = fileURLToPath(new URL("../fixtures/repos/kustomize", import.meta.url));
/** Lint `rel` inside a fixture repository (the file need not exist: the case's code overlays it). */
const inRepo = (root: string, rel: string, own: Record<string, unknown> = {}) => ({
  filename: path.join(root, rel),
  settings: { "istio-ambient": { root, ...own } },
});
const disk = (root: string, rel: string) => fs.readFileSync(path.join(root, rel), "utf8");
const indentedRefs = (kind: string, group: string, name: string) =>
  `  targetRefs:\n    - kind: ${kind}\n      group: ${group === "" ? '""' : group}\n      name: ${name}\n`;
const selectorOf = (labels: Record<string, string>) =>
  "  selector:\n    matchLabels:\n" + Object.entries(labels).map(([k, v]) => `      ${k}: ${v}\n`).join("");

const RATINGS_VIEWER = disk(UPGRADES, "policies/ratings-viewer.yaml");
const RATINGS_SELECTOR = selectorOf({ app: "ratings" });
/** A bookinfo-namespace policy in the upgrades repository, selecting `labels`, with an HTTP `paths` rule. */
const policyIn = (name: string, namespace: string, labels: Record<string, string> | null) =>
  `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${labels ? selectorOf(labels) : ""}  rules:
    - to:
        - operation:
            paths: ["/api/*"]
`;
const DETAILS_POLICY = policyIn("details-readers", "bookinfo", { app: "details" });
const PRODUCTPAGE_POLICY = policyIn("productpage-v1-readers", "bookinfo", { app: "productpage", version: "v1" });
const REVIEWS_V3_POLICY = policyIn("reviews-v3-readers", "bookinfo", { app: "reviews", version: "v3" });
const CHECKOUT_POLICY = policyIn("checkout-api", "checkout", { app: "checkout" });
const CHECKOUT_NS_POLICY = policyIn("checkout-all", "checkout", null);
const swap = (code: string, labels: Record<string, string>, kind: string, group: string, name: string) =>
  code.replace(selectorOf(labels), indentedRefs(kind, group, name));
const WAYPOINT_MSG = (name: string) => `Attach the policy to waypoint Gateway ${name} (every Service using it).`;

cases.valid.push(
  {
    name: "cross-file: a Kustomize patch without selector is a fragment of a selector policy, not a namespace-wide one",
    code: disk(UPGRADES, "overlays/prod/ratings-viewer-patch.yaml"),
    ...inRepo(UPGRADES, "overlays/prod/ratings-viewer-patch.yaml"),
  },
);

cases.invalid.push(
  {
    name: "cross-file: the one Service selecting the same pods is in apps/, its waypoint in mesh/ (another unit): a suggestion that says so, no fix",
    code: RATINGS_VIEWER,
    ...inRepo(UPGRADES, "policies/ratings-viewer.yaml"),
    output: null,
    errors: [
      {
        messageId: "allowDeniesAll",
        line: 7,
        column: 3,
        suggestions: [
          {
            messageId: "useServiceUnsafe",
            data: { name: "ratings", where: " (ratings.yaml:1)", reason: "its waypoint bookinfo-waypoint is in another unit or assumed" },
            output: swap(RATINGS_VIEWER, { app: "ratings" }, "Service", "", "ratings"),
          },
          {
            messageId: "useWaypoint",
            data: { name: "bookinfo-waypoint" },
            output: RATINGS_VIEWER.replace(RATINGS_SELECTOR, indentedRefs("Gateway", "gateway.networking.k8s.io", "bookinfo-waypoint")),
          },
        ],
      },
    ],
  },
  {
    name: "cross-file: two Services of another file select the same pods (HTTP and gRPC Services of details): no fix, one suggestion each",
    code: DETAILS_POLICY,
    ...inRepo(UPGRADES, "policies/details-readers.yaml"),
    output: null,
    errors: [
      {
        message:
          "AuthorizationPolicy bookinfo/details-readers (selector): ztunnel drops every rule (HTTP `paths`, line 13), denying all traffic to its pods.",
        suggestions: [
          {
            desc: "Replace the selector with `targetRefs` to Service details (details.yaml:1).",
            output: swap(DETAILS_POLICY, { app: "details" }, "Service", "", "details"),
          },
          {
            messageId: "useServiceIn",
            data: { name: "details-grpc", where: "details.yaml:16" },
            output: swap(DETAILS_POLICY, { app: "details" }, "Service", "", "details-grpc"),
          },
          { desc: WAYPOINT_MSG("bookinfo-waypoint"), output: swap(DETAILS_POLICY, { app: "details" }, "Gateway", "gateway.networking.k8s.io", "bookinfo-waypoint") },
        ],
      },
    ],
  },
  {
    name: "cross-file: a Service whose other selector picks the same workloads of the repository is a suggestion, never a fix",
    code: PRODUCTPAGE_POLICY,
    ...inRepo(UPGRADES, "policies/productpage-v1-readers.yaml"),
    output: null,
    errors: [
      {
        messageId: "allowDeniesAll",
        suggestions: [
          {
            desc: "Target Service productpage (productpage.yaml:1): same pods (productpage-v1), other selector.",
            output: swap(PRODUCTPAGE_POLICY, { app: "productpage", version: "v1" }, "Service", "", "productpage"),
          },
          {
            messageId: "useWaypoint",
            output: swap(PRODUCTPAGE_POLICY, { app: "productpage", version: "v1" }, "Gateway", "gateway.networking.k8s.io", "bookinfo-waypoint"),
          },
        ],
      },
    ],
  },
  {
    name: "cross-file: no version Service for v3 yet: the base Service selects more pods (suggestion that says so), no guessed name",
    code: REVIEWS_V3_POLICY,
    ...inRepo(UPGRADES, "policies/reviews-v3-readers.yaml"),
    output: null,
    errors: [
      {
        messageId: "allowDeniesAll",
        suggestions: [
          {
            messageId: "useWiderService",
            data: { name: "reviews", where: "reviews.yaml:1", selector: "app=reviews", missing: "version=v3" },
            output: swap(REVIEWS_V3_POLICY, { app: "reviews", version: "v3" }, "Service", "", "reviews"),
          },
          {
            messageId: "useWaypoint",
            output: swap(REVIEWS_V3_POLICY, { app: "reviews", version: "v3" }, "Gateway", "gateway.networking.k8s.io", "bookinfo-waypoint"),
          },
        ],
      },
    ],
  },
  {
    name: "cross-file: two waypoints in the namespace (in another unit): the Service is a suggestion, one waypoint suggestion each",
    code: CHECKOUT_POLICY,
    ...inRepo(UPGRADES, "policies/checkout-api.yaml"),
    output: null,
    errors: [
      {
        messageId: "allowDeniesAll",
        suggestions: [
          {
            messageId: "useServiceUnsafe",
            data: { name: "checkout", where: " (checkout.yaml:1)", reason: "its waypoint checkout-orders-waypoint is in another unit or assumed" },
            output: swap(CHECKOUT_POLICY, { app: "checkout" }, "Service", "", "checkout"),
          },
          { messageId: "useWaypoint", data: { name: "checkout-orders-waypoint" }, output: swap(CHECKOUT_POLICY, { app: "checkout" }, "Gateway", "gateway.networking.k8s.io", "checkout-orders-waypoint") },
          { messageId: "useWaypoint", data: { name: "checkout-payments-waypoint" }, output: swap(CHECKOUT_POLICY, { app: "checkout" }, "Gateway", "gateway.networking.k8s.io", "checkout-payments-waypoint") },
        ],
      },
    ],
  },
  {
    name: "cross-file: namespace-wide, two waypoints, the one named in settings is the only suggestion",
    code: CHECKOUT_NS_POLICY,
    ...inRepo(UPGRADES, "policies/checkout-all.yaml", { waypoint: { checkout: "checkout-payments-waypoint" } }),
    output: null,
    errors: [
      {
        messageId: "allowDeniesAll",
        line: 6,
        suggestions: [
          {
            messageId: "useWaypoint",
            data: { name: "checkout-payments-waypoint" },
            output: CHECKOUT_NS_POLICY + indentedRefs("Gateway", "gateway.networking.k8s.io", "checkout-payments-waypoint"),
          },
        ],
      },
    ],
  },
  {
    name: "cross-file (kustomize base): policy and Service both without namespace, in the same render unit, no waypoint: a suggestion, no fix",
    code: disk(KUSTOMIZE, "base/authz.yaml"),
    ...inRepo(KUSTOMIZE, "base/authz.yaml"),
    output: null,
    errors: [
      {
        messageId: "allowDeniesAll",
        suggestions: [
          {
            messageId: "useServiceUnsafe",
            data: { name: "ratings", where: " (ratings.yaml:1)", reason: "no waypoint serves it" },
            output: swap(disk(KUSTOMIZE, "base/authz.yaml"), { app: "ratings" }, "Service", "", "ratings"),
          },
          { messageId: "useWaypoint", data: { name: "waypoint" }, output: swap(disk(KUSTOMIZE, "base/authz.yaml"), { app: "ratings" }, "Gateway", "gateway.networking.k8s.io", "waypoint") },
        ],
      },
    ],
  },
  {
    name: "cross-file (kustomize overlay): a policy no unit applies, of unknown namespace, pairs with no overlay's Service: a guess, no fix",
    code: policyIn("ratings-readers", "bookinfo-dev", { app: "ratings" }).replace("  namespace: bookinfo-dev\n", ""),
    ...inRepo(KUSTOMIZE, "overlays/dev/ratings-readers.yaml"),
    output: null,
    errors: [
      {
        message:
          "AuthorizationPolicy ratings-readers (selector): ztunnel drops every rule (HTTP `paths`, line 12), denying all traffic to its pods.",
        suggestions: [
          {
            messageId: "useGuessedService",
            data: { name: "ratings" },
            output: swap(policyIn("ratings-readers", "bookinfo-dev", { app: "ratings" }).replace("  namespace: bookinfo-dev\n", ""), { app: "ratings" }, "Service", "", "ratings"),
          },
          {
            messageId: "useWaypoint",
            data: { name: "waypoint" },
            output: swap(policyIn("ratings-readers", "bookinfo-dev", { app: "ratings" }).replace("  namespace: bookinfo-dev\n", ""), { app: "ratings" }, "Gateway", "gateway.networking.k8s.io", "waypoint"),
          },
        ],
      },
    ],
  },
  {
    name: "inside the root but excluded from the index (settings exclude): single-file behaviour",
    code: RATINGS_VIEWER,
    ...inRepo(UPGRADES, "policies/ratings-viewer.yaml", { exclude: ["policies/**"] }),
    output: null,
    errors: [
      {
        messageId: "allowDeniesAll",
        suggestions: [
          { messageId: "useGuessedService", data: { name: "ratings" }, output: swap(RATINGS_VIEWER, { app: "ratings" }, "Service", "", "ratings") },
          { messageId: "useWaypoint", data: { name: "waypoint" }, output: swap(RATINGS_VIEWER, { app: "ratings" }, "Gateway", "gateway.networking.k8s.io", "waypoint") },
        ],
      },
    ],
  },
  {
    name: "outside the index root: single-file behaviour (guessed Service, default waypoint)",
    code: RATINGS_VIEWER,
    filename: path.join(UPGRADES, "policies/ratings-viewer.yaml"),
    output: null,
    errors: [
      {
        messageId: "allowDeniesAll",
        suggestions: [
          { messageId: "useGuessedService", data: { name: "ratings" }, output: swap(RATINGS_VIEWER, { app: "ratings" }, "Service", "", "ratings") },
          { messageId: "useWaypoint", data: { name: "waypoint" }, output: swap(RATINGS_VIEWER, { app: "ratings" }, "Gateway", "gateway.networking.k8s.io", "waypoint") },
        ],
      },
    ],
  },
);

// ---------------------------------------------------------------------------------------------------------
// The enforcement model: a migrated repository (tests/fixtures/repos/waypoint-moves: default deny, waypoint ALLOWs,
// an ingress gateway), trust domains, dry-run and AUDIT.

const MIGRATED = fileURLToPath(new URL("../fixtures/repos/waypoint-moves", import.meta.url));
const CART = disk(MIGRATED, "cart-policies.yaml");
const FRONTEND = disk(MIGRATED, "frontend-policy.yaml");
const CART_SELECTOR = "  selector:\n    matchLabels:\n      app: cart\n  action: ALLOW\n  rules:\n    - from:\n        - source:\n            principals: [\"cluster.local/ns/shop/sa/frontend\"]";
const CART_FIXED = CART.replace(CART_SELECTOR, CART_SELECTOR.replace("  selector:\n    matchLabels:\n      app: cart\n", indentedRefs("Service", "", "cart")));
const FRONTEND_SELECTOR = selectorOf({ app: "frontend" });
const FRONTEND_RULE_2 = `    - from:
        - source:
            namespaces: ["shop"]
      to:
        - operation:
            paths: ["/api/*"]
`;
const FRONTEND_SPLIT =
  FRONTEND.replace(FRONTEND_RULE_2, "") +
  `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: frontend-access-waypoint
  namespace: shop
spec:
  targetRefs:
    - kind: Service
      group: ""
      name: frontend
  action: ALLOW
  rules:
    - from:
        - source:
            namespaces:
              - shop
      to:
        - operation:
            paths:
              - "/api/*"
`;
const FRONTEND_WAYPOINT_ALLOW =
  FRONTEND.replace(/\n$/, "") +
  `
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: frontend-access-allow-waypoint
  namespace: shop
spec:
  selector:
    matchLabels:
      app: frontend
  action: ALLOW
  rules:
    - from:
        - source:
            principals:
              - cluster.local/ns/shop/sa/waypoint
` ;

cases.invalid.push(
  {
    name: "migrated repository: waypoint bound in the unit, ztunnel keeps admitting the waypoint (cart-allow-waypoint): fix; the message names the ALLOW that still admits",
    code: CART,
    ...inRepo(MIGRATED, "cart-policies.yaml"),
    output: CART_FIXED,
    errors: [
      {
        message:
          "AuthorizationPolicy shop/cart-readers (selector): ztunnel drops every rule (HTTP `methods`, line 34); only what shop/cart-allow-waypoint admits reaches its pods.",
        line: 24,
        suggestions: [
          { messageId: "useServiceIn", data: { name: "cart", where: "apps.yaml:40" }, output: CART_FIXED },
          { messageId: "useWaypoint", data: { name: "waypoint" }, output: CART.replace(CART_SELECTOR, CART_SELECTOR.replace("  selector:\n    matchLabels:\n      app: cart\n", indentedRefs("Gateway", "gateway.networking.k8s.io", "waypoint"))) },
        ],
      },
    ],
  },
  {
    name: "migrated repository: a rule for the ingress gateway (it skips the waypoint) and an HTTP rule: no fix; split, the waypoint's L4 ALLOW under default deny",
    code: FRONTEND,
    ...inRepo(MIGRATED, "frontend-policy.yaml"),
    output: null,
    errors: [
      {
        message:
          "AuthorizationPolicy shop/frontend-access (selector): ztunnel drops the rule with HTTP `paths` (line 21), so what they allowed is denied.",
        suggestions: [
          {
            messageId: "useServiceUnsafe",
            data: { name: "frontend", where: " (apps.yaml:1)", reason: "rule 1 admits an ingress gateway, which skips the waypoint" },
            output: FRONTEND.replace(FRONTEND_SELECTOR, indentedRefs("Service", "", "frontend")),
          },
          { messageId: "splitPolicy", data: { count: 1, name: "frontend-access-waypoint", service: "frontend" }, output: FRONTEND_SPLIT },
          { messageId: "addWaypointAllow", data: { name: "frontend-access-allow-waypoint", principal: "cluster.local/ns/shop/sa/waypoint" }, output: FRONTEND_WAYPOINT_ALLOW },
          { messageId: "useWaypoint", data: { name: "waypoint" }, output: FRONTEND.replace(FRONTEND_SELECTOR, indentedRefs("Gateway", "gateway.networking.k8s.io", "waypoint")) },
        ],
      },
    ],
    // The L4 ALLOW for the waypoint is added next to the policy, which is still reported until it moves or splits.
    suggestionSafe: [{}, {}, { remaining: 1 }, {}],
  },
  {
    name: "trustDomains with another source field in an ALLOW: ztunnel ignores them, the ALLOW admits any trust domain; suggestion: principals patterns",
    code: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: partners
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: reviews
  rules:
  - from:
    - source:
        namespaces: ["partners"]
        trustDomains: ["partner.example"]
`,
    output: null,
    errors: [
      {
        message: "AuthorizationPolicy bookinfo/partners (selector): ztunnel ignores `trustDomains` (line 14), so this ALLOW admits those callers from any trust domain.",
        line: 14,
        suggestions: [
          {
            messageId: "usePrincipals",
            data: { attribute: "trustDomains", field: "principals", values: '"partner.example/*"' },
            output: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: partners
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: reviews
  rules:
  - from:
    - source:
        namespaces: ["partners"]
        principals: ["partner.example/*"]
`,
          },
        ],
      },
    ],
  },
  {
    name: "notTrustDomains alone in a DENY: an empty match at ztunnel, the DENY never applies (fail-open); suggestion joins notPrincipals",
    code: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-foreign
  namespace: bookinfo
spec:
  action: DENY
  rules:
  - from:
    - source:
        notTrustDomains: ["cluster.local"]
`,
    output: null,
    errors: [
      {
        messageId: "trustDomains",
        data: { resource: "AuthorizationPolicy bookinfo/deny-foreign", attached: "namespace-wide", attribute: "notTrustDomains", line: 11, effect: "that rule never matches and denies nothing (fail-open)" },
        suggestions: [
          {
            messageId: "usePrincipals",
            data: { attribute: "notTrustDomains", field: "notPrincipals", values: '"cluster.local/*"' },
            output: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-foreign
  namespace: bookinfo
spec:
  action: DENY
  rules:
  - from:
    - source:
        notPrincipals: ["cluster.local/*"]
`,
          },
        ],
      },
    ],
  },
  {
    name: "trustDomains alone in an ALLOW next to principals in the same source: reported, no suggestion (principals AND trust domains is no single list)",
    code: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: td-and-principals
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: reviews
  rules:
  - from:
    - source:
        principals: ["*/ns/bookinfo/sa/productpage"]
        trustDomains: ["cluster.local"]
`,
    output: null,
    errors: [{ messageId: "trustDomains", data: { resource: "AuthorizationPolicy bookinfo/td-and-principals", attached: "selector", attribute: "trustDomains", line: 14, effect: "this ALLOW admits those callers from any trust domain" }, suggestions: [] }],
  },
  {
    name: "an ALLOW whose rules are all dropped, with another namespace-wide ALLOW on its pods: only what that one admits gets through",
    code: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-monitoring
  namespace: bookinfo
spec:
  rules:
  - from:
    - source:
        namespaces: ["monitoring"]
---
` + ALLOW_GET_REVIEWS,
    output: null,
    errors: [
      {
        message:
          "AuthorizationPolicy bookinfo/allow-get-reviews (selector): ztunnel drops every rule (HTTP `methods`, line 28); only what bookinfo/allow-monitoring admits reaches its pods.",
        suggestions: GUESS,
      },
    ],
  },
);

cases.valid.push(
  {
    name: "AUDIT policies are left to authorizationpolicy-audit-dry-run (nothing is enforced either way)",
    code: ALLOW_GET_REVIEWS.replace("action: ALLOW", "action: AUDIT"),
  },
  {
    name: "dry-run policies are left to authorizationpolicy-audit-dry-run (ztunnel never receives them)",
    code: ALLOW_GET_REVIEWS.replace("  namespace: bookinfo\n", '  namespace: bookinfo\n  annotations:\n    istio.io/dry-run: "true"\n'),
  },
);

// Expand the shorthands: "GUESS" = guessed-Service + waypoint suggestions; "SAME_AS_FIX" = the fix output.
for (const c of cases.invalid) {
  for (const e of c.errors as Array<Record<string, unknown>>) {
    if (e.suggestions === "GUESS") e.suggestions = guessAndWaypoint(c.code);
    for (const s of (e.suggestions as Array<{ output: string }> | undefined) ?? []) {
      if (s.output === "SAME_AS_FIX") s.output = c.output as string;
      if (s.output === "JSON_WAYPOINT") s.output = (c.output as string).replace('"kind": "Service", "group": "", "name": "reviews"', '"kind": "Gateway", "group": "gateway.networking.k8s.io", "name": "waypoint"');
    }
  }
}

ruleSuite("authorizationpolicy-targetrefs", rule, cases);
