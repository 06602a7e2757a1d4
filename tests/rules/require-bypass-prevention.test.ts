/**
 * Cases lint files of the fixture repository tests/fixtures/repos/bypass (bookinfo-shaped, written for this
 * rule; see its README). Policy shapes follow istio.io "Migrate policies" (content/en/docs/ambient/migrate/
 * migrate-policies/index.md): `allow-get-reviews` with targetRefs, `deny-waypoint-bypass`, and the option-2
 * policy of "Bypass prevention during incremental migration".
 *
 * Overlays: a case whose `code` differs from the file on disk overlays that file in the repository index, and
 * the overlay outlives the case (it is dropped only when the same file is linted again or changes on disk), so
 * the index cache is cleared before each test to keep cases independent.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, it } from "vitest";
import type { RuleTester } from "eslint";
import rule from "../../rules/require-bypass-prevention.js";
import { clearIndexCache } from "../../lib/index/index.js";
import { ruleSuite, type InvalidCase } from "../helpers/rule-suite.js";
import { validateManifestText } from "../helpers/schema.js";

beforeEach(() => clearIndexCache());

const ROOT = fileURLToPath(new URL("../fixtures/repos/bypass", import.meta.url));
const SETTINGS = { "istio-ambient": { root: ROOT } };
const at = (rel: string) => path.join(ROOT, rel);
const disk = (rel: string) => fs.readFileSync(at(rel), "utf8");
/** A case linting `rel` of the fixture repository (its `code` overlays the file on disk). */
const inRepo = <T extends object>(rel: string, code: string, extra?: T) => ({ filename: at(rel), code, settings: SETTINGS, ...(extra ?? ({} as T)) });
/** A file outside the index root (but inside ESLint's cwd; it need not exist): the rule sees only this file. */
const OUTSIDE = path.join(ROOT, "..", "..", "outside-root", "bypass-manifests.yaml");

const WAYPOINT = "cluster.local/ns/bookinfo/sa/waypoint";
const REVIEWS_WAYPOINT = "cluster.local/ns/bookinfo/sa/reviews-waypoint-sa";
const PRODUCTPAGE = "cluster.local/ns/bookinfo/sa/bookinfo-productpage";

/** The bypass DENY the suggestions add, in the fixture's layout (sequences indented under their key). */
function denyDoc(name: string, namespace: string | null, labels: Record<string, string>, principals: string[], apiVersion = "security.istio.io/v1"): string {
  return [
    `apiVersion: ${apiVersion}`,
    "kind: AuthorizationPolicy",
    "metadata:",
    `  name: ${name}`,
    ...(namespace ? [`  namespace: ${namespace}`] : []),
    "spec:",
    "  selector:",
    "    matchLabels:",
    ...Object.entries(labels).map(([k, v]) => `      ${k}: ${v}`),
    "  action: DENY",
    "  rules:",
    "    - from:",
    "        - source:",
    "            notPrincipals:",
    ...principals.map((p) => `              - ${p}`),
    "",
  ].join("\n");
}

/** The same document in a file whose sequences sit at their key's indentation. */
function denyDocCompact(name: string, namespace: string | null, labels: Record<string, string>, principals: string[]): string {
  return [
    "apiVersion: security.istio.io/v1",
    "kind: AuthorizationPolicy",
    "metadata:",
    `  name: ${name}`,
    ...(namespace ? [`  namespace: ${namespace}`] : []),
    "spec:",
    "  selector:",
    "    matchLabels:",
    ...Object.entries(labels).map(([k, v]) => `      ${k}: ${v}`),
    "  action: DENY",
    "  rules:",
    "  - from:",
    "    - source:",
    "        notPrincipals:",
    ...principals.map((p) => `        - ${p}`),
    "",
  ].join("\n");
}

/** `code` with a new YAML document appended after its last one. */
const withDoc = (code: string, doc: string) => `${code.replace(/\n$/, "")}\n---\n${doc}`;

const missing = (resource: string, service: string, principal: string, waypoint = "bookinfo/waypoint") =>
  `AuthorizationPolicy ${resource} is enforced only by the waypoint ${waypoint}: traffic to the pods of Service ${service} that does not pass through it (sidecar clients, calls to pod IPs) is never checked. No selector DENY policy admits only the waypoint identity at ztunnel; add one with \`notPrincipals: ["${principal}"]\`.`;

const ALLOW_GET_REVIEWS = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-get-reviews
  namespace: bookinfo
spec:
  targetRefs:
    - kind: Service
      group: ""
      name: reviews
  action: ALLOW
  rules:
    - to:
        - operation:
            methods: ["GET"]
`;

const ALLOW_GET_RATINGS = ALLOW_GET_REVIEWS.replaceAll("reviews", "ratings");

const bypassFor = (app: string, principals: string[], name = `${app}-deny-waypoint-bypass`, matchLabels = `      app: ${app}\n`) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}
  namespace: bookinfo
spec:
  selector:
    matchLabels:
${matchLabels}  action: DENY
  rules:
    - from:
        - source:
            notPrincipals:
${principals.map((p) => `              - ${p}\n`).join("")}`;

const DRY_RUN_BYPASS = bypassFor("reviews", [REVIEWS_WAYPOINT], "dry-run-bypass").replace(
  "  namespace: bookinfo\n",
  '  namespace: bookinfo\n  annotations:\n    istio.io/dry-run: "true"\n',
);

const RATINGS = disk("bookinfo/ratings-authz.yaml");
const WAYPOINT_AUTHZ = disk("bookinfo/waypoint-authz.yaml");
const STORE_ALLOW = disk("store/authz.yaml").split("---\n")[0];

const cases: { valid: RuleTester.ValidTestCase[]; invalid: InvalidCase[] } = {
  valid: [
    { name: "reviews: waypoint policy and a bypass DENY in another file", ...inRepo("bookinfo/reviews-authz.yaml", disk("bookinfo/reviews-authz.yaml")) },
    { name: "a correct bypass DENY alone", ...inRepo("bookinfo/reviews-bypass.yaml", disk("bookinfo/reviews-bypass.yaml")) },
    {
      name: "store: namespace-wide DENY admitting the shared waypoint of another namespace (use-waypoint-namespace)",
      ...inRepo("store/authz.yaml", disk("store/authz.yaml")),
    },
    { name: "files without AuthorizationPolicies", ...inRepo("bookinfo/reviews.yaml", disk("bookinfo/reviews.yaml")) },
    { name: "waypoint Gateways", ...inRepo("bookinfo/waypoints.yaml", disk("bookinfo/waypoints.yaml")) },
    {
      name: "same file: the DENY names the annotated service account of reviews' waypoint",
      ...inRepo("bookinfo/reviews-bypass.yaml", `${ALLOW_GET_REVIEWS}---\n${bypassFor("reviews", [REVIEWS_WAYPOINT])}`),
    },
    {
      name: "a waypoint principal written as a suffix match counts",
      ...inRepo("bookinfo/reviews-bypass.yaml", `${ALLOW_GET_REVIEWS}---\n${bypassFor("reviews", ['"*/ns/bookinfo/sa/reviews-waypoint-sa"'])}`),
    },
    {
      name: "option 2: extra sidecar principals next to the waypoint are fine",
      ...inRepo("bookinfo/reviews-bypass.yaml", `${ALLOW_GET_REVIEWS}---\n${bypassFor("reviews", [REVIEWS_WAYPOINT, PRODUCTPAGE])}`),
    },
    {
      name: "a DENY whose selector is not the Service's but selects every ratings workload (ratings-v1 only)",
      ...inRepo("bookinfo/ratings-authz.yaml", `${RATINGS}---\n${bypassFor("ratings", [WAYPOINT], "ratings-v1-bypass", "      version: v1\n      app: ratings\n")}`),
    },
    {
      name: "the bypass condition written as `when: source.principal notValues`",
      ...inRepo(
        "bookinfo/ratings-authz.yaml",
        `${RATINGS}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ratings-deny-waypoint-bypass
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: ratings
  action: DENY
  rules:
    - when:
        - key: source.principal
          notValues: ["${WAYPOINT}"]
`,
      ),
    },
    {
      name: "a root-namespace DENY selecting the pods in every namespace",
      ...inRepo(
        "bookinfo/ratings-authz.yaml",
        `${RATINGS}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ratings-deny-waypoint-bypass
  namespace: istio-system
spec:
  selector:
    matchLabels:
      app: ratings
  action: DENY
  rules:
    - from:
        - source:
            notPrincipals: ["${WAYPOINT}"]
`,
      ),
    },
    {
      name: "policy in the waypoint's namespace targeting the shared waypoint: cart is covered by store's namespace-wide DENY",
      ...inRepo(
        "waypoints/authz.yaml",
        `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-debug
  namespace: waypoints
spec:
  targetRefs:
    - kind: Gateway
      group: gateway.networking.k8s.io
      name: shared-waypoint
  action: DENY
  rules:
    - to:
        - operation:
            paths: ["/debug*"]
`,
      ),
    },
    { name: "AUDIT only logs", ...inRepo("bookinfo/scratch.yaml", ALLOW_GET_RATINGS.replace("action: ALLOW", "action: AUDIT")) },
    {
      name: "a dry-run policy enforces nothing",
      ...inRepo("bookinfo/scratch.yaml", ALLOW_GET_RATINGS.replace("  namespace: bookinfo\n", '  namespace: bookinfo\n  annotations:\n    istio.io/dry-run: "true"\n')),
    },
    { name: "the targeted Service is not in the repository: its pods are unknown", ...inRepo("bookinfo/scratch.yaml", ALLOW_GET_REVIEWS.replaceAll("reviews", "unknown")) },
    {
      name: "an assumed Service (assumeExists) has no known pods",
      ...inRepo("bookinfo/scratch.yaml", ALLOW_GET_REVIEWS.replaceAll("reviews", "payments"), {
        settings: { "istio-ambient": { root: ROOT, assumeExists: [{ kind: "Service", name: "payments", namespace: "bookinfo" }] } },
      }),
    },
    {
      name: "a Gateway of another class (ingress) has no Service behind it",
      ...inRepo(
        "bookinfo/scratch.yaml",
        `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: waypoint
  namespace: frontend
spec:
  gatewayClassName: istio
  listeners:
    - name: http
      port: 80
      protocol: HTTP
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ingress-jwt
  namespace: frontend
spec:
  targetRefs:
    - kind: Gateway
      group: gateway.networking.k8s.io
      name: waypoint
  action: DENY
  rules:
    - to:
        - operation:
            paths: ["/admin*"]
`,
      ),
    },
    {
      name: "a Service that opted out of the waypoint (use-waypoint: none)",
      ...inRepo(
        "bookinfo/scratch.yaml",
        `apiVersion: v1
kind: Service
metadata:
  name: legacy
  namespace: bookinfo
  labels:
    istio.io/use-waypoint: none
spec:
  selector:
    app: legacy
  ports:
    - port: 80
---
${ALLOW_GET_REVIEWS.replaceAll("reviews", "legacy")}`,
      ),
    },
    {
      name: "a Service bound to a workload-only waypoint: the policy is not enforced for it at all",
      ...inRepo(
        "bookinfo/scratch.yaml",
        `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: workload-waypoint
  namespace: bookinfo
  labels:
    istio.io/waypoint-for: workload
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
  name: batch
  namespace: bookinfo
  labels:
    istio.io/use-waypoint: workload-waypoint
spec:
  selector:
    app: batch
  ports:
    - port: 80
---
${ALLOW_GET_REVIEWS.replaceAll("reviews", "batch")}`,
      ),
    },
    {
      name: "GatewayClass target from the root namespace (every waypoint) is not judged",
      ...inRepo(
        "bookinfo/scratch.yaml",
        `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: waypoint-default-deny
  namespace: istio-system
spec:
  targetRefs:
    - kind: GatewayClass
      group: gateway.networking.k8s.io
      name: istio-waypoint
`,
      ),
    },
    {
      name: "migrationComplete: only the waypoint is exempt",
      ...inRepo("bookinfo/reviews-bypass.yaml", disk("bookinfo/reviews-bypass.yaml"), { options: [{ migrationComplete: true }] }),
    },
    {
      name: "outside the index root the rule sees only this file: ratings is not known here",
      filename: OUTSIDE,
      code: RATINGS,
      settings: SETTINGS,
    },
    {
      name: "Linkerd AuthorizationPolicy is not Istio's",
      ...inRepo(
        "bookinfo/scratch.yaml",
        `apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata:
  name: ratings
  namespace: bookinfo
spec:
  targetRef:
    group: core
    kind: Service
    name: ratings
  requiredAuthenticationRefs:
    - name: ratings
      kind: MeshTLSAuthentication
`,
      ),
    },
    {
      name: "odd shapes do not crash",
      ...inRepo(
        "bookinfo/scratch.yaml",
        `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: odd-1
  namespace: bookinfo
spec: null
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: odd-2
  namespace: bookinfo
spec:
  targetRefs: [null, 3, {kind: Service}, {kind: Service, name: 7}, {kind: Gateway, name: ""}]
  rules: 5
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: odd-3
spec:
  selector: {matchLabels: null}
  action: DENY
  rules: [null, {from: 1}, {from: [{source: {notPrincipals: [1, null, "${WAYPOINT}"]}}], to: 2, when: [{key: source.principal, notValues: 5}]}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: odd-4
spec:
  targetRef: {kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}
---
kind: AuthorizationPolicy
spec: {}
`,
        { options: [{ migrationComplete: true, sidecarPrincipals: [PRODUCTPAGE] }] },
      ),
    },
  ],

  invalid: [
    {
      name: "ratings: waypoint policy without bypass DENY (option 1 suggestion)",
      ...inRepo("bookinfo/ratings-authz.yaml", RATINGS),
      errors: [
        {
          message: missing("bookinfo/allow-get-ratings", "bookinfo/ratings", WAYPOINT),
          line: 9,
          column: 7,
          endLine: 11,
          endColumn: 20,
          suggestions: [
            {
              messageId: "addBypass",
              data: { name: "ratings-deny-waypoint-bypass", principal: WAYPOINT },
              output: withDoc(RATINGS, denyDoc("ratings-deny-waypoint-bypass", "bookinfo", { app: "ratings" }, [WAYPOINT])),
            },
          ],
        },
      ],
    },
    {
      name: "sidecarPrincipals: both seed options are offered",
      ...inRepo("bookinfo/ratings-authz.yaml", RATINGS, { options: [{ sidecarPrincipals: [PRODUCTPAGE, WAYPOINT] }] }),
      errors: [
        {
          messageId: "missingBypass",
          suggestions: [
            {
              messageId: "addBypass",
              data: { name: "ratings-deny-waypoint-bypass", principal: WAYPOINT },
              output: withDoc(RATINGS, denyDoc("ratings-deny-waypoint-bypass", "bookinfo", { app: "ratings" }, [WAYPOINT])),
            },
            {
              messageId: "addBypassWithSidecars",
              data: { name: "ratings-deny-waypoint-bypass", principal: WAYPOINT, count: 1 },
              output: withDoc(RATINGS, denyDoc("ratings-deny-waypoint-bypass", "bookinfo", { app: "ratings" }, [WAYPOINT, PRODUCTPAGE])),
            },
          ],
        },
      ],
    },
    {
      name: "migrationComplete: the sidecar principals are not offered",
      ...inRepo("bookinfo/ratings-authz.yaml", RATINGS, { options: [{ sidecarPrincipals: [PRODUCTPAGE], migrationComplete: true }] }),
      errors: [
        {
          messageId: "missingBypass",
          suggestions: [{ messageId: "addBypass", output: withDoc(RATINGS, denyDoc("ratings-deny-waypoint-bypass", "bookinfo", { app: "ratings" }, [WAYPOINT])) }],
        },
      ],
    },
    {
      name: "a policy on the namespace waypoint protects every Service bound to it; one report per unprotected Service",
      ...inRepo("bookinfo/waypoint-authz.yaml", WAYPOINT_AUTHZ),
      errors: [
        {
          message: missing("bookinfo/deny-admin-paths", "bookinfo/details", WAYPOINT),
          line: 9,
          column: 7,
          suggestions: [
            {
              // details-deny-waypoint-bypass is taken (by the targetRefs policy of details-bypass.yaml).
              messageId: "addBypass",
              data: { name: "details-deny-waypoint-bypass-2", principal: WAYPOINT },
              output: withDoc(WAYPOINT_AUTHZ, denyDoc("details-deny-waypoint-bypass-2", "bookinfo", { app: "details" }, [WAYPOINT])),
            },
          ],
        },
        {
          message: missing("bookinfo/deny-admin-paths", "bookinfo/ratings", WAYPOINT),
          line: 9,
          column: 7,
          suggestions: [
            {
              messageId: "addBypass",
              data: { name: "ratings-deny-waypoint-bypass", principal: WAYPOINT },
              output: withDoc(WAYPOINT_AUTHZ, denyDoc("ratings-deny-waypoint-bypass", "bookinfo", { app: "ratings" }, [WAYPOINT])),
            },
          ],
        },
      ],
      suggestionSafe: [{ remaining: 1 }],
    },
    {
      name: "a bypass DENY attached by targetRefs (the waypoint would deny everything)",
      ...inRepo("bookinfo/details-bypass.yaml", disk("bookinfo/details-bypass.yaml")),
      errors: [
        {
          message:
            "AuthorizationPolicy bookinfo/details-deny-waypoint-bypass is a waypoint-bypass DENY (`notPrincipals` holds the waypoint identity `cluster.local/ns/bookinfo/sa/waypoint`) attached by `targetRefs`: the waypoint enforces it and sees the clients' identities, not its own, so it denies all traffic. Attach it with `selector` to the Service's pods so that ztunnel enforces it.",
          line: 8,
          column: 3,
          endLine: 8,
          endColumn: 13,
        },
      ],
    },
    {
      name: "a bypass DENY with an HTTP attribute: ztunnel drops it",
      ...inRepo("bookinfo/productpage-bypass.yaml", disk("bookinfo/productpage-bypass.yaml")),
      errors: [
        {
          message:
            "AuthorizationPolicy bookinfo/productpage-deny-waypoint-bypass is a waypoint-bypass DENY enforced by ztunnel, which cannot evaluate the HTTP attribute `methods` (line 18): nothing enforceable is left, so this DENY has NO effect and the waypoint can be bypassed. Keep this policy L4-only and put HTTP conditions in a `targetRefs` policy on the waypoint.",
          line: 18,
          column: 13,
        },
      ],
    },
    {
      name: "HTTP attributes in a second rule: the first rule is still enforced",
      ...inRepo(
        "bookinfo/productpage-bypass.yaml",
        `${bypassFor("productpage", [WAYPOINT])}    - from:
        - source:
            notPrincipals: ["${WAYPOINT}"]
      when:
        - key: request.headers[x-bypass]
          values: ["1"]
`,
      ),
      errors: [
        {
          messageId: "bypassL7",
          data: {
            resource: "AuthorizationPolicy bookinfo/productpage-deny-waypoint-bypass",
            attribute: "request.headers[x-bypass]",
            line: 20,
            effect: "ztunnel drops it and enforces the rest of the policy, which then denies more than written",
          },
          line: 20,
          column: 11,
        },
      ],
    },
    {
      name: "the DENY names the Gateway name, not the annotated service account of reviews' waypoint",
      ...inRepo("bookinfo/reviews-bypass.yaml", `${ALLOW_GET_REVIEWS}---\n${bypassFor("reviews", ["cluster.local/ns/bookinfo/sa/reviews-waypoint"], "reviews-bypass-wrong-sa")}`),
      errors: [
        {
          message: missing("bookinfo/allow-get-reviews", "bookinfo/reviews", REVIEWS_WAYPOINT, "bookinfo/reviews-waypoint"),
          line: 8,
          column: 7,
          suggestions: [
            {
              messageId: "addBypass",
              data: { name: "reviews-deny-waypoint-bypass", principal: REVIEWS_WAYPOINT },
              output: `${withDoc(ALLOW_GET_REVIEWS, denyDoc("reviews-deny-waypoint-bypass", "bookinfo", { app: "reviews" }, [REVIEWS_WAYPOINT]))}---\n${bypassFor("reviews", ["cluster.local/ns/bookinfo/sa/reviews-waypoint"], "reviews-bypass-wrong-sa")}`,
            },
          ],
        },
      ],
    },
    {
      name: "a DENY that selects only reviews-v1 leaves v2 and v3 open",
      ...inRepo(
        "bookinfo/reviews-bypass.yaml",
        `${ALLOW_GET_REVIEWS}---\n${bypassFor("reviews", [REVIEWS_WAYPOINT], "reviews-v1-bypass", "      app: reviews\n      version: v1\n")}`,
      ),
      errors: [
        {
          messageId: "missingBypass",
          data: { resource: "AuthorizationPolicy bookinfo/allow-get-reviews", service: "bookinfo/reviews", waypoint: "bookinfo/reviews-waypoint", principal: REVIEWS_WAYPOINT },
          suggestions: [
            {
              messageId: "addBypass",
              output: `${withDoc(ALLOW_GET_REVIEWS, denyDoc("reviews-deny-waypoint-bypass", "bookinfo", { app: "reviews" }, [REVIEWS_WAYPOINT]))}---\n${bypassFor("reviews", [REVIEWS_WAYPOINT], "reviews-v1-bypass", "      app: reviews\n      version: v1\n")}`,
            },
          ],
        },
      ],
    },
    {
      name: "a dry-run bypass DENY does not protect",
      ...inRepo("bookinfo/reviews-bypass.yaml", `${ALLOW_GET_REVIEWS}---\n${DRY_RUN_BYPASS}`),
      errors: [
        {
          messageId: "missingBypass",
          suggestions: [
            {
              messageId: "addBypass",
              output: `${withDoc(ALLOW_GET_REVIEWS, denyDoc("reviews-deny-waypoint-bypass", "bookinfo", { app: "reviews" }, [REVIEWS_WAYPOINT]))}---\n${DRY_RUN_BYPASS}`,
            },
          ],
        },
      ],
    },
    {
      name: "migrationComplete: a sidecar principal left in the exception list",
      ...inRepo("bookinfo/reviews-bypass.yaml", bypassFor("reviews", [REVIEWS_WAYPOINT, PRODUCTPAGE]), { options: [{ migrationComplete: true }] }),
      errors: [
        {
          message: `AuthorizationPolicy bookinfo/reviews-deny-waypoint-bypass still exempts \`${PRODUCTPAGE}\` from the waypoint-bypass DENY, but it is not a waypoint identity and \`migrationComplete\` is set: that caller can still reach the pods without passing through the waypoint and its L7 policies. Remove it.`,
          line: 16,
          column: 17,
          suggestions: [{ messageId: "removePrincipal", data: { principal: PRODUCTPAGE }, output: bypassFor("reviews", [REVIEWS_WAYPOINT]) }],
        },
      ],
    },
    {
      name: "cross-namespace waypoint: the principal is the shared waypoint's, the DENY goes to the Service's namespace",
      ...inRepo("store/authz.yaml", STORE_ALLOW),
      errors: [
        {
          message: missing("store/cart-writers", "store/cart", "cluster.local/ns/waypoints/sa/shared-waypoint", "waypoints/shared-waypoint"),
          suggestions: [
            {
              messageId: "addBypass",
              output: withDoc(STORE_ALLOW, denyDoc("cart-deny-waypoint-bypass", "store", { app: "cart" }, ["cluster.local/ns/waypoints/sa/shared-waypoint"])),
            },
          ],
        },
      ],
    },
    {
      name: "trustDomain setting",
      ...inRepo("bookinfo/ratings-authz.yaml", RATINGS, { settings: { "istio-ambient": { root: ROOT, trustDomain: "example.org" } } }),
      errors: [
        {
          message: missing("bookinfo/allow-get-ratings", "bookinfo/ratings", "example.org/ns/bookinfo/sa/waypoint"),
          suggestions: [
            { messageId: "addBypass", output: withDoc(RATINGS, denyDoc("ratings-deny-waypoint-bypass", "bookinfo", { app: "ratings" }, ["example.org/ns/bookinfo/sa/waypoint"])) },
          ],
        },
      ],
    },
    {
      name: "deprecated singular targetRef, v1beta1 policy: reported at targetRef, the new policy keeps the apiVersion",
      ...inRepo(
        "bookinfo/ratings-authz.yaml",
        `apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata:
  name: allow-get-ratings
  namespace: bookinfo
spec:
  targetRef:
    kind: Service
    group: ""
    name: ratings
  rules:
    - to:
        - operation:
            methods: ["GET"]
`,
      ),
      errors: [
        {
          messageId: "missingBypass",
          line: 7,
          column: 3,
          suggestions: [
            {
              messageId: "addBypass",
              output: `apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata:
  name: allow-get-ratings
  namespace: bookinfo
spec:
  targetRef:
    kind: Service
    group: ""
    name: ratings
  rules:
    - to:
        - operation:
            methods: ["GET"]
---
${denyDoc("ratings-deny-waypoint-bypass", "bookinfo", { app: "ratings" }, [WAYPOINT], "security.istio.io/v1beta1")}`,
            },
          ],
        },
      ],
    },
    {
      name: "multi-document file outside the index root: Service, policy and the `waypoint` setting of this file",
      filename: OUTSIDE,
      settings: { "istio-ambient": { root: ROOT, waypoint: { shop: "shop-waypoint" } } },
      code: `# Service and its waypoint policy, linted outside the repository.
apiVersion: v1
kind: Service
metadata:
  name: catalog
  namespace: shop
spec:
  selector:
    app: catalog
  ports:
  - name: http
    port: 8080
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: catalog-readers
  namespace: shop
spec:
  targetRefs:
  - kind: Service
    group: ""
    name: catalog
  rules:
  - to:
    - operation:
        methods: ["GET"]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: catalog-config
  namespace: shop
data:
  mode: ambient
`,
      errors: [
        {
          message: missing("shop/catalog-readers", "shop/catalog", "cluster.local/ns/shop/sa/shop-waypoint", "shop/shop-waypoint"),
          line: 21,
          column: 5,
          suggestions: [
            {
              messageId: "addBypass",
              output: `# Service and its waypoint policy, linted outside the repository.
apiVersion: v1
kind: Service
metadata:
  name: catalog
  namespace: shop
spec:
  selector:
    app: catalog
  ports:
  - name: http
    port: 8080
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: catalog-readers
  namespace: shop
spec:
  targetRefs:
  - kind: Service
    group: ""
    name: catalog
  rules:
  - to:
    - operation:
        methods: ["GET"]
---
${denyDocCompact("catalog-deny-waypoint-bypass", "shop", { app: "catalog" }, ["cluster.local/ns/shop/sa/shop-waypoint"])}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: catalog-config
  namespace: shop
data:
  mode: ambient
`,
            },
          ],
        },
      ],
    },
    {
      name: "a policy without metadata.namespace (defaultNamespace setting): the new policy omits it too",
      ...inRepo("bookinfo/scratch.yaml", ALLOW_GET_RATINGS.replace("  namespace: bookinfo\n", ""), {
        settings: { "istio-ambient": { root: ROOT, defaultNamespace: "bookinfo" } },
      }),
      errors: [
        {
          message: missing("bookinfo/allow-get-ratings", "bookinfo/ratings", WAYPOINT),
          suggestions: [
            {
              messageId: "addBypass",
              output: withDoc(ALLOW_GET_RATINGS.replace("  namespace: bookinfo\n", ""), denyDoc("ratings-deny-waypoint-bypass", null, { app: "ratings" }, [WAYPOINT])),
            },
          ],
        },
      ],
    },
    {
      name: "kind: List: the policy is added as the next item",
      ...inRepo(
        "bookinfo/scratch.yaml",
        `apiVersion: v1
kind: List
items:
  - apiVersion: security.istio.io/v1
    kind: AuthorizationPolicy
    metadata:
      name: allow-get-ratings
      namespace: bookinfo
    spec:
      targetRefs:
        - kind: Service
          group: ""
          name: ratings
      rules:
        - to:
            - operation:
                methods: ["GET"]
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: ratings-config
      namespace: bookinfo
`,
      ),
      errors: [
        {
          messageId: "missingBypass",
          line: 11,
          column: 11,
          suggestions: [
            {
              messageId: "addBypass",
              output: `apiVersion: v1
kind: List
items:
  - apiVersion: security.istio.io/v1
    kind: AuthorizationPolicy
    metadata:
      name: allow-get-ratings
      namespace: bookinfo
    spec:
      targetRefs:
        - kind: Service
          group: ""
          name: ratings
      rules:
        - to:
            - operation:
                methods: ["GET"]
  - apiVersion: security.istio.io/v1
    kind: AuthorizationPolicy
    metadata:
      name: ratings-deny-waypoint-bypass
      namespace: bookinfo
    spec:
      selector:
        matchLabels:
          app: ratings
      action: DENY
      rules:
        - from:
            - source:
                notPrincipals:
                  - ${WAYPOINT}
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: ratings-config
      namespace: bookinfo
`,
            },
          ],
        },
      ],
    },
    {
      name: "flow style: reported on the flow entry; the new document is written in block style (indented sequences by default)",
      ...inRepo(
        "bookinfo/scratch.yaml",
        `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-get-ratings, namespace: bookinfo}
spec: {targetRefs: [{kind: Service, group: "", name: ratings}], rules: [{to: [{operation: {methods: [GET]}}]}]}
`,
      ),
      errors: [
        {
          messageId: "missingBypass",
          line: 4,
          column: 21,
          endColumn: 62,
          suggestions: [
            {
              messageId: "addBypass",
              output: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-get-ratings, namespace: bookinfo}
spec: {targetRefs: [{kind: Service, group: "", name: ratings}], rules: [{to: [{operation: {methods: [GET]}}]}]}
---
${denyDoc("ratings-deny-waypoint-bypass", "bookinfo", { app: "ratings" }, [WAYPOINT])}`,
            },
          ],
        },
      ],
    },
    {
      name: "JSON List: the added policy stays JSON",
      ...inRepo(
        "bookinfo/scratch.json",
        `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {
      "apiVersion": "security.istio.io/v1",
      "kind": "AuthorizationPolicy",
      "metadata": {"name": "allow-get-ratings", "namespace": "bookinfo"},
      "spec": {"targetRefs": [{"kind": "Service", "group": "", "name": "ratings"}], "rules": [{"to": [{"operation": {"methods": ["GET"]}}]}]}
    }
  ]
}
`,
      ),
      errors: [
        {
          messageId: "missingBypass",
          line: 9,
          column: 31,
          suggestions: [
            {
              messageId: "addBypass",
              output: `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {
      "apiVersion": "security.istio.io/v1",
      "kind": "AuthorizationPolicy",
      "metadata": {"name": "allow-get-ratings", "namespace": "bookinfo"},
      "spec": {"targetRefs": [{"kind": "Service", "group": "", "name": "ratings"}], "rules": [{"to": [{"operation": {"methods": ["GET"]}}]}]}
    },
    {
      "apiVersion": "security.istio.io/v1",
      "kind": "AuthorizationPolicy",
      "metadata": {
        "name": "ratings-deny-waypoint-bypass",
        "namespace": "bookinfo"
      },
      "spec": {
        "selector": {
          "matchLabels": {
            "app": "ratings"
          }
        },
        "action": "DENY",
        "rules": [
          {
            "from": [
              {
                "source": {
                  "notPrincipals": [
                    "${WAYPOINT}"
                  ]
                }
              }
            ]
          }
        ]
      }
    }
  ]
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "JSON without List: reported, but no suggestion (a second JSON document cannot be added)",
      ...inRepo(
        "bookinfo/scratch.json",
        `{
  "apiVersion": "security.istio.io/v1",
  "kind": "AuthorizationPolicy",
  "metadata": {"name": "allow-get-ratings", "namespace": "bookinfo"},
  "spec": {"targetRefs": [{"kind": "Service", "group": "", "name": "ratings"}]}
}
`,
      ),
      errors: [{ messageId: "missingBypass", line: 5, column: 27, suggestions: [] }],
    },
  ],
};

ruleSuite("require-bypass-prevention", rule, cases);

describe("require-bypass-prevention: fixture repository", () => {
  it("every manifest validates against the schemas", async () => {
    const files = ["bookinfo", "store", "waypoints"].flatMap((d) => fs.readdirSync(at(d)).map((f) => path.join(d, f)));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(await validateManifestText(disk(file)), file).toEqual([]);
  });
});
