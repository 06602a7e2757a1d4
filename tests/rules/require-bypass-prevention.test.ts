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

/** The migrated fixture (tests/fixtures/repos/migrated): default deny, L4 ALLOWs for the waypoint and ingress, L7 on the waypoint. */
const MIGRATED = fileURLToPath(new URL("../fixtures/repos/migrated", import.meta.url));
const MIGRATED_SETTINGS = { "istio-ambient": { root: MIGRATED } };
const migrated = (rel: string) => path.join(MIGRATED, rel);
const migratedDisk = (rel: string) => fs.readFileSync(migrated(rel), "utf8");
const inMigrated = <T extends object>(rel: string, code: string, extra?: T) => ({ filename: migrated(rel), code, settings: MIGRATED_SETTINGS, ...(extra ?? ({} as T)) });
const SHOP_WAYPOINT = "cluster.local/ns/shop/sa/shop-waypoint";
const INGRESS_GATEWAY = "cluster.local/ns/istio-ingress/sa/istio-ingressgateway";
const FRONTEND_AUTHZ = migratedDisk("shop/frontend-authz.yaml");
const FRONTEND_L7 = FRONTEND_AUTHZ.slice(FRONTEND_AUTHZ.indexOf("# L7"));
/** frontend-authz.yaml with the L4 ALLOW's sources replaced. */
const frontendWith = (sources: string) =>
  FRONTEND_AUTHZ.replace(/    - from:\n        - source:\n            principals:\n(              - .*\n)+/, `    - from:\n${sources}`);

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

const missing = (service: string, waypoint: string) =>
  `Sidecar, pod-IP and ingress calls bypass waypoint ${waypoint} to ${service}: let ztunnel admit only the waypoint.`;

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

const LAB_HEAD = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: lab-waypoint
  namespace: lab
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
  name: notebook
  namespace: lab
spec:
  selector:
    app: notebook
  ports:
    - port: 80
---
${ALLOW_GET_REVIEWS.replaceAll("reviews", "notebook").replaceAll("bookinfo", "lab")}`;
const LAB_CLIENTS = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: lab-clients
  namespace: lab
spec:
  rules:
    - from:
        - source:
            namespaces: ["lab"]
`;
const FEED_HEAD = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: helm-gateway
  namespace: blog
spec:
  selector:
    istio: helm-ingress
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: ["feed.example.com"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: feed
  namespace: blog
spec:
  hosts: ["feed.example.com"]
  gateways: ["helm-gateway"]
  http:
    - route:
        - destination:
            host: feed
---
apiVersion: v1
kind: Service
metadata:
  name: feed
  namespace: blog
spec:
  selector:
    app: feed
  ports:
    - port: 80
---
${ALLOW_GET_REVIEWS.replaceAll("reviews", "feed").replaceAll("bookinfo", "blog")}`;
const FEED_L4 = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: feed-l4
  namespace: blog
spec:
  selector:
    matchLabels:
      app: feed
  rules:
    - from:
        - source:
            principals: ["cluster.local/ns/blog/sa/waypoint"]
        - source:
            namespaces: ["blog"]
`;
const FEED = `${FEED_HEAD}---\n${FEED_L4}`;;

/** comments.yaml with its L4 ALLOW opened to the namespace, and its L7 policy in the same file. */
const COMMENTS_OPEN = `${migratedDisk("blog/comments.yaml").replace("              - cluster.local/ns/blog/sa/blog-gateway-istio\n", "              - cluster.local/ns/blog/sa/blog-gateway-istio\n        - source:\n            namespaces: [\"blog\"]\n")}---
${ALLOW_GET_REVIEWS.replaceAll("allow-get-reviews", "comments-writers").replaceAll("reviews", "comments").replaceAll("bookinfo", "blog")}`;

const cases: { valid: RuleTester.ValidTestCase[]; invalid: InvalidCase[] } = {
  valid: [
    // The migrated fixture: every Service is protected by ALLOW policies under the mesh-wide default deny.
    ...["shop/frontend-authz.yaml", "shop/cart-authz.yaml", "blog/authz.yaml", "blog/posts.yaml", "blog/comments.yaml", "istio-system/allow-nothing.yaml"].map(
      (rel) => ({ name: `migrated: ${rel}`, ...inMigrated(rel, migratedDisk(rel)) }),
    ),
    {
      name: "migrated: a bypass DENY exempting the waypoint and the ingress gateway; with migrationComplete the ingress gateway is no leftover",
      ...inMigrated(
        "shop/frontend-authz.yaml",
        `${FRONTEND_AUTHZ}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: frontend-deny-waypoint-bypass
  namespace: shop
spec:
  selector:
    matchLabels:
      app: frontend
  action: DENY
  rules:
    - from:
        - source:
            notPrincipals: ["${SHOP_WAYPOINT}", "${INGRESS_GATEWAY}"]
`,
        { options: [{ migrationComplete: true }] },
      ),
    },
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
    {
      name: "a namespace-wide ALLOW admitting only the waypoint: every other caller is denied at ztunnel",
      ...inRepo(
        "bookinfo/ratings-authz.yaml",
        `${RATINGS}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-only-waypoint
  namespace: bookinfo
spec:
  action: ALLOW
  rules:
    - from:
        - source:
            principals: ["${WAYPOINT}", "${REVIEWS_WAYPOINT}"]
`,
      ),
    },
    {
      name: "a root-namespace ALLOW admitting only the waypoints (and nothing else applies)",
      ...inRepo(
        "bookinfo/ratings-authz.yaml",
        `${RATINGS}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-waypoints
  namespace: istio-system
spec:
  rules:
    - from:
        - source:
            principals: ["*/sa/waypoint", "*/sa/reviews-waypoint-sa"]
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
      name: "migrated: with istio.io/ingress-use-waypoint ingress passes the waypoint: only sidecar and pod-IP calls bypass, no ingress exemption",
      ...inMigrated("blog/comments.yaml", COMMENTS_OPEN),
      errors: [
        {
          message: "Sidecar and pod-IP calls bypass waypoint blog/waypoint to blog/comments: let ztunnel admit only the waypoint.",
          line: 61,
          suggestions: [
            {
              messageId: "addBypass",
              output: withDoc(COMMENTS_OPEN, denyDoc("comments-deny-waypoint-bypass", "blog", { app: "comments" }, ["cluster.local/ns/blog/sa/waypoint"])),
            },
          ],
        },
      ],
    },
    {
      name: "migrated: an ALLOW that also admits the namespace lets its clients bypass; the DENY still admits the ingress gateway",
      ...inMigrated(
        "shop/frontend-authz.yaml",
        frontendWith(`        - source:\n            principals:\n              - ${INGRESS_GATEWAY}\n              - ${SHOP_WAYPOINT}\n        - source:\n            namespaces: ["shop"]\n`),
      ),
      errors: [
        {
          message: missing("shop/frontend", "shop/shop-waypoint"),
          suggestions: [
            {
              messageId: "addBypassWithIngress",
              data: { name: "frontend-deny-waypoint-bypass", count: 1 },
              output: withDoc(
                frontendWith(`        - source:\n            principals:\n              - ${INGRESS_GATEWAY}\n              - ${SHOP_WAYPOINT}\n        - source:\n            namespaces: ["shop"]\n`),
                denyDoc("frontend-deny-waypoint-bypass", "shop", { app: "frontend" }, [SHOP_WAYPOINT, INGRESS_GATEWAY]),
              ),
            },
          ],
        },
      ],
    },
    {
      name: "migrated: the ingress gateway's identity from the route (VirtualService → Gateway public → its Deployment), not from a policy",
      ...inMigrated("shop/frontend-authz.yaml", frontendWith(`        - source:\n            namespaces: ["shop", "istio-ingress"]\n`)),
      errors: [
        {
          message: missing("shop/frontend", "shop/shop-waypoint"),
          suggestions: [
            {
              messageId: "addBypassWithIngress",
              output: withDoc(
                frontendWith(`        - source:\n            namespaces: ["shop", "istio-ingress"]\n`),
                denyDoc("frontend-deny-waypoint-bypass", "shop", { app: "frontend" }, [SHOP_WAYPOINT, INGRESS_GATEWAY]),
              ),
            },
          ],
        },
      ],
    },
    {
      name: "migrated: the L7 policy without its L4 ALLOW: under the default deny ztunnel denies the waypoint",
      ...inMigrated("shop/frontend-authz.yaml", FRONTEND_L7),
      errors: [
        {
          message: `ztunnel at shop/frontend denies its waypoint \`${SHOP_WAYPOINT}\` (no ALLOW admits it): requests through it fail.`,
          line: 9,
          column: 7,
          suggestions: [
            {
              messageId: "addWaypointAllow",
              data: { name: "frontend-allow-waypoint" },
              output: withDoc(
                FRONTEND_L7,
                denyDoc("frontend-allow-waypoint", "shop", { app: "frontend" }, [SHOP_WAYPOINT])
                  .replace("action: DENY", "action: ALLOW")
                  .replace("notPrincipals:", "principals:"),
              ),
            },
          ],
        },
      ],
    },
    {
      name: "migrated: an ingress route from a gateway whose pods are not in the repository: set istio.io/ingress-use-waypoint",
      ...inMigrated(
        "blog/scratch.yaml",
        FEED,
      ),
      errors: [
        {
          message:
            "Ingress via Gateway blog/helm-gateway skips waypoint blog/waypoint to reach blog/feed: its L7 policies do not apply to that traffic.",
          suggestions: [
            { messageId: "addBypass", data: { name: "feed-deny-waypoint-bypass" }, output: `${withDoc(FEED_HEAD, denyDoc("feed-deny-waypoint-bypass", "blog", { app: "feed" }, ["cluster.local/ns/blog/sa/waypoint"]))}---\n${FEED_L4}` },
          ],
        },
      ],
    },
    {
      name: "no binding known (Namespace not in the repository): the namespace's only waypoint, not the default name",
      ...inMigrated(
        "lab/scratch.yaml",
        `${LAB_HEAD}---\n${LAB_CLIENTS}`,
      ),
      errors: [
        {
          message: missing("lab/notebook", "lab/lab-waypoint"),
          suggestions: [
            {
              messageId: "addBypass",
              output: `${withDoc(LAB_HEAD, denyDoc("notebook-deny-waypoint-bypass", "lab", { app: "notebook" }, ["cluster.local/ns/lab/sa/lab-waypoint"]))}---\n${LAB_CLIENTS}`,
            },
          ],
        },
      ],
    },
    {
      name: "ratings: waypoint policy without bypass DENY (option 1 suggestion)",
      ...inRepo("bookinfo/ratings-authz.yaml", RATINGS),
      errors: [
        {
          message: missing("bookinfo/ratings", "bookinfo/waypoint"),
          line: 9,
          column: 7,
          endLine: 11,
          endColumn: 20,
          suggestions: [
            {
              messageId: "addBypass",
              data: { name: "ratings-deny-waypoint-bypass" },
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
              data: { name: "ratings-deny-waypoint-bypass" },
              output: withDoc(RATINGS, denyDoc("ratings-deny-waypoint-bypass", "bookinfo", { app: "ratings" }, [WAYPOINT])),
            },
            {
              messageId: "addBypassWithSidecars",
              data: { name: "ratings-deny-waypoint-bypass", count: 1 },
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
          message: missing("bookinfo/details", "bookinfo/waypoint"),
          line: 9,
          column: 7,
          suggestions: [
            {
              // details-deny-waypoint-bypass is taken (by the targetRefs policy of details-bypass.yaml).
              messageId: "addBypass",
              data: { name: "details-deny-waypoint-bypass-2" },
              output: withDoc(WAYPOINT_AUTHZ, denyDoc("details-deny-waypoint-bypass-2", "bookinfo", { app: "details" }, [WAYPOINT])),
            },
          ],
        },
        {
          // productpage-bypass.yaml is a DENY whose only rule has an HTTP attribute: ztunnel enforces nothing of it.
          message: missing("bookinfo/productpage", "bookinfo/waypoint"),
          line: 9,
          column: 7,
          suggestions: [
            {
              messageId: "addBypass",
              data: { name: "productpage-deny-waypoint-bypass-2" },
              output: withDoc(WAYPOINT_AUTHZ, denyDoc("productpage-deny-waypoint-bypass-2", "bookinfo", { app: "productpage" }, [WAYPOINT])),
            },
          ],
        },
        {
          message: missing("bookinfo/ratings", "bookinfo/waypoint"),
          line: 9,
          column: 7,
          suggestions: [
            {
              messageId: "addBypass",
              data: { name: "ratings-deny-waypoint-bypass" },
              output: withDoc(WAYPOINT_AUTHZ, denyDoc("ratings-deny-waypoint-bypass", "bookinfo", { app: "ratings" }, [WAYPOINT])),
            },
          ],
        },
      ],
      suggestionSafe: [{ remaining: 2 }],
    },
    {
      name: "a bypass DENY attached by targetRefs (the waypoint would deny everything)",
      ...inRepo("bookinfo/details-bypass.yaml", disk("bookinfo/details-bypass.yaml")),
      errors: [
        {
          message:
            "This bypass DENY uses `targetRefs`: the waypoint sees client identities, not its own, so it denies every request.",
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
            "ztunnel ignores `methods` (line 18) in this waypoint-bypass DENY, so it has no effect; keep it L4.",
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
          data: { attribute: "request.headers[x-bypass]", line: 20, effect: "it denies more than written" },
          line: 20,
          column: 11,
        },
      ],
    },
    {
      name: "the DENY names the Gateway name, not the annotated service account of reviews' waypoint: it denies the waypoint itself",
      ...inRepo("bookinfo/reviews-bypass.yaml", `${ALLOW_GET_REVIEWS}---\n${bypassFor("reviews", ["cluster.local/ns/bookinfo/sa/reviews-waypoint"], "reviews-bypass-wrong-sa")}`),
      errors: [
        {
          message: `ztunnel at bookinfo/reviews denies its waypoint \`${REVIEWS_WAYPOINT}\` (DENY bookinfo/reviews-bypass-wrong-sa): requests through it fail.`,
          line: 8,
          column: 7,
          suggestions: [],
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
          data: { service: "bookinfo/reviews", waypoint: "bookinfo/reviews-waypoint", callers: "Sidecar, pod-IP and ingress calls" },
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
          message: `\`${PRODUCTPAGE}\` is still exempt from this bypass DENY while \`migrationComplete\` is set: remove it.`,
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
          message: missing("store/cart", "waypoints/shared-waypoint"),
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
          message: missing("bookinfo/ratings", "bookinfo/waypoint"),
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
          message: missing("shop/catalog", "shop/shop-waypoint"),
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
          message: missing("bookinfo/ratings", "bookinfo/waypoint"),
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
  it("every manifest of the migrated fixture validates against the schemas", async () => {
    const files = ["istio-system", "istio-ingress", "shop", "blog"].flatMap((d) => fs.readdirSync(migrated(d)).map((f) => path.join(d, f)));
    expect(files.length).toBeGreaterThan(8);
    for (const file of files) expect(await validateManifestText(migratedDisk(file)), file).toEqual([]);
  });
});
