/**
 * Fixture shapes: bookinfo in ambient with a namespace waypoint (istio.io "Migrate policies": `allow-frontend`-style
 * L4 policies, the waypoint-bypass DENY), and the L4 policies the migration guide calls "no change required".
 */
import rule from "../../rules/l4-policy-behind-waypoint.js";
import { ruleSuite } from "../helpers/rule-suite.js";
import { beforeEach } from "vitest";
import { clearIndexCache } from "../../lib/index/index.js";

beforeEach(() => clearIndexCache());

const NAMESPACE = (labels: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: bookinfo
  labels:
    istio.io/dataplane-mode: ambient
${labels}---
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
apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
spec:
  selector:
    app: reviews
  ports:
  - port: 9080
---
`;
const BOUND = NAMESPACE("    istio.io/use-waypoint: waypoint\n");
const UNBOUND = NAMESPACE("");
const PREFIX_LINES = BOUND.split("\n").length - 1;

const policy = (name: string, action: string, rules: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: reviews
  action: ${action}
  rules:
${rules}`;

const FROM_PRODUCTPAGE = `  - from:
    - source:
        principals: ["cluster.local/ns/bookinfo/sa/bookinfo-productpage"]
    to:
    - operation:
        ports: ["9080"]
`;
const ALLOW_PRODUCTPAGE = policy("allow-productpage", "ALLOW", FROM_PRODUCTPAGE);
const ALLOW_WAYPOINT = policy("allow-waypoint", "ALLOW", `  - from:
    - source:
        principals: ["cluster.local/ns/bookinfo/sa/waypoint"]
`);
const DENY_UNTRUSTED = policy("deny-untrusted", "DENY", `  - from:
    - source:
        namespaces: ["untrusted"]
`);
const SELECTOR = "  selector:\n    matchLabels:\n      app: reviews\n";
const REFS = '  targetRefs:\n  - kind: Service\n    group: ""\n    name: reviews\n';

ruleSuite("l4-policy-behind-waypoint", rule, {
  valid: [
    { name: "not behind a waypoint (the namespace binds none): ztunnel sees the client", code: UNBOUND + ALLOW_PRODUCTPAGE },
    { name: "another ALLOW admits the waypoint: the old client rule only serves callers that bypass it", code: BOUND + ALLOW_WAYPOINT + "---\n" + ALLOW_PRODUCTPAGE },
    { name: "the L4 ALLOW for the waypoint itself", code: BOUND + ALLOW_WAYPOINT },
    {
      name: "the waypoint-bypass DENY (notPrincipals: the waypoint)",
      code: BOUND + policy("deny-bypass", "DENY", `  - from:\n    - source:\n        notPrincipals: ["cluster.local/ns/bookinfo/sa/waypoint"]\n`),
    },
    {
      name: "the ingress gateway reaches the pods directly (no istio.io/ingress-use-waypoint): its identity is still seen",
      code: BOUND + policy("allow-ingress", "ALLOW", `  - from:\n    - source:\n        principals: ["cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account"]\n`),
    },
    { name: "the waypoint's own namespace is still seen", code: BOUND + policy("allow-bookinfo", "ALLOW", `  - from:\n    - source:\n        namespaces: ["bookinfo"]\n`) },
    { name: "a targetRefs policy is the waypoint's (it sees the client)", code: BOUND + ALLOW_PRODUCTPAGE.replace(SELECTOR, REFS) },
    { name: "dry-run: ztunnel never receives it", code: BOUND + ALLOW_PRODUCTPAGE.replace("  namespace: bookinfo\nspec", '  namespace: bookinfo\n  annotations:\n    istio.io/dry-run: "true"\nspec') },
  ],
  invalid: [
    {
      name: "ALLOW on the client principal behind the waypoint, nothing else admits the waypoint: the client is denied; move the policy to the waypoint",
      code: BOUND + ALLOW_PRODUCTPAGE,
      output: null,
      errors: [
        {
          message: `AuthorizationPolicy bookinfo/allow-productpage: behind waypoint bookinfo/waypoint, ztunnel sees the waypoint, not \`principals\` "cluster.local/ns/bookinfo/sa/bookinfo-productpage", so those callers are denied.`,
          line: PREFIX_LINES + 14,
          suggestions: [{ messageId: "movePolicy", data: { service: "reviews" }, output: BOUND + ALLOW_PRODUCTPAGE.replace(SELECTOR, REFS) }],
        },
      ],
    },
    {
      name: "DENY on a client namespace: never matches traffic through the waypoint (fail-open)",
      code: BOUND + DENY_UNTRUSTED,
      output: null,
      errors: [{ messageId: "stale", data: { resource: "AuthorizationPolicy bookinfo/deny-untrusted", waypoint: "bookinfo/waypoint", field: "namespaces", value: '"untrusted"', line: PREFIX_LINES + 14, effect: "so this DENY never matches them (fail-open)" }, suggestions: [{ messageId: "movePolicy", output: BOUND + DENY_UNTRUSTED.replace(SELECTOR, REFS) }] }],
    },
    {
      name: "DENY on notNamespaces other than the waypoint's: denies all traffic through the waypoint",
      code: BOUND + policy("only-frontend", "DENY", `  - from:\n    - source:\n        notNamespaces: ["frontend"]\n`),
      output: null,
      errors: [{ messageId: "stale", data: { resource: "AuthorizationPolicy bookinfo/only-frontend", waypoint: "bookinfo/waypoint", field: "notNamespaces", value: '"frontend"', line: PREFIX_LINES + 14, effect: "so this DENY denies all traffic through the waypoint" }, suggestions: [{ messageId: "movePolicy" , output: BOUND + policy("only-frontend", "DENY", `  - from:\n    - source:\n        notNamespaces: ["frontend"]\n`).replace(SELECTOR, REFS) }] }],
    },
    {
      name: "a policy with an ingress rule and a client rule: only the client rule is reported; the suggestion splits it off",
      code:
        BOUND +
        policy(
          "reviews-callers",
          "ALLOW",
          `  - from:\n    - source:\n        principals: ["cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account"]\n` + FROM_PRODUCTPAGE,
        ),
      output: null,
      errors: [
        {
          messageId: "stale",
          line: PREFIX_LINES + 17,
          suggestions: [
            {
              messageId: "moveRule",
              data: { rule: 2, name: "reviews-callers-waypoint", service: "reviews" },
              output:
                BOUND +
                policy("reviews-callers", "ALLOW", `  - from:\n    - source:\n        principals: ["cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account"]\n`) +
                `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: reviews-callers-waypoint
  namespace: bookinfo
spec:
  targetRefs:
  - kind: Service
    group: ""
    name: reviews
  action: ALLOW
  rules:
  - from:
    - source:
        principals:
        - cluster.local/ns/bookinfo/sa/bookinfo-productpage
    to:
    - operation:
        ports:
        - "9080"
`,
            },
          ],
        },
      ],
    },
    {
      name: "with istio.io/ingress-use-waypoint the ingress gateway passes the waypoint too: its principal is hidden as well",
      code: BOUND.replace("    istio.io/use-waypoint: waypoint\n", '    istio.io/use-waypoint: waypoint\n    istio.io/ingress-use-waypoint: "true"\n') +
        policy("allow-ingress", "ALLOW", `  - from:\n    - source:\n        principals: ["cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account"]\n`),
      output: null,
      errors: [{ messageId: "stale", suggestions: 1 as never }],
    },
    {
      name: "namespace-wide ipBlocks behind the waypoint: the source address is the waypoint pod's",
      code: BOUND + `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: office-only
  namespace: bookinfo
spec:
  rules:
  - from:
    - source:
        ipBlocks: ["10.20.0.0/16"]
`,
      output: null,
      errors: [{ messageId: "stale", data: { resource: "AuthorizationPolicy bookinfo/office-only", waypoint: "bookinfo/waypoint", field: "ipBlocks", value: '"10.20.0.0/16"', line: PREFIX_LINES + 10, effect: "so those callers are denied" }, suggestions: [] }],
    },
  ],
});
