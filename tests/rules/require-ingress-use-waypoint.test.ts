/**
 * Cases lint files of tests/fixtures/repos/migrated (see its README): shop/frontend is reached from the Istio
 * Gateway istio-ingress/public, blog/posts and blog/comments from the Gateway API Gateway blog/blog-gateway;
 * comments is labelled `istio.io/ingress-use-waypoint: "true"`. A case's `code` overlays its file in the index.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeEach } from "vitest";
import type { RuleTester } from "eslint";
import rule from "../../rules/require-ingress-use-waypoint.js";
import { clearIndexCache } from "../../lib/index/index.js";
import { ruleSuite, type InvalidCase } from "../helpers/rule-suite.js";

beforeEach(() => clearIndexCache());

const ROOT = fileURLToPath(new URL("../fixtures/repos/migrated", import.meta.url));
const SETTINGS = { "istio-ambient": { root: ROOT } };
const at = (rel: string) => path.join(ROOT, rel);
const disk = (rel: string) => fs.readFileSync(at(rel), "utf8");
const inRepo = <T extends object>(rel: string, code: string, extra?: T) => ({ filename: at(rel), code, settings: SETTINGS, ...(extra ?? ({} as T)) });

const skipped = (gateway: string, service: string, what = "policy") =>
  `Ingress via Gateway ${gateway} skips this ${what}: label Service ${service} \`istio.io/ingress-use-waypoint: "true"\`.`;

const l7 = (service: string, namespace: string, extra = "") => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${service}-l7
  namespace: ${namespace}
${extra}spec:
  targetRefs:
    - kind: Service
      group: ""
      name: ${service}
  action: ALLOW
  rules:
    - to:
        - operation:
            methods: ["GET"]
`;

/** A Service `feed` of blog (bound through the Namespace), routed from blog-gateway, with its L7 policy. */
const feed = (serviceLabels: string, l4: boolean) => `apiVersion: v1
kind: Service
metadata:
  name: feed
  namespace: blog
${serviceLabels}spec:
  selector:
    app: feed
  ports:
    - name: http
      port: 80
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: feed
  namespace: blog
spec:
  parentRefs:
    - name: blog-gateway
  rules:
    - backendRefs:
        - name: feed
          port: 80
---
${l4 ? `apiVersion: security.istio.io/v1
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
            principals: ["cluster.local/ns/blog/sa/waypoint", "cluster.local/ns/blog/sa/blog-gateway-istio"]
---
` : ""}${l7("feed", "blog")}`;

const LABELLED = '  labels:\n    istio.io/ingress-use-waypoint: "true"\n';

const cases: { valid: RuleTester.ValidTestCase[]; invalid: InvalidCase[] } = {
  valid: [
    { name: "cart: no ingress route reaches it", ...inRepo("shop/cart-authz.yaml", disk("shop/cart-authz.yaml")) },
    { name: "a Service with `istio.io/ingress-use-waypoint: \"true\"`", ...inRepo("blog/scratch.yaml", l7("comments", "blog")) },
    {
      name: "an explicit `\"false\"` on the Service is the owner's choice",
      ...inRepo("blog/scratch.yaml", feed('  labels:\n    istio.io/ingress-use-waypoint: "false"\n', true)),
    },
    { name: "files without policies or routes", ...inRepo("shop/frontend.yaml", disk("shop/frontend.yaml")) },
    { name: "a dry-run policy enforces nothing", ...inRepo("shop/scratch.yaml", l7("frontend", "shop", '  annotations:\n    istio.io/dry-run: "true"\n')) },
    { name: "AUDIT only logs", ...inRepo("shop/scratch.yaml", l7("frontend", "shop").replace("action: ALLOW", "action: AUDIT")) },
    {
      name: "a Service bound to no waypoint (require-waypoint's finding)",
      ...inRepo("shop/scratch.yaml", `${l7("legacy", "shop")}---
apiVersion: v1
kind: Service
metadata:
  name: legacy
  namespace: shop
  labels:
    istio.io/use-waypoint: none
spec:
  selector:
    app: legacy
  ports:
    - port: 80
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: legacy
  namespace: shop
spec:
  hosts: ["legacy.example.com"]
  gateways: ["istio-ingress/public"]
  http:
    - route:
        - destination:
            host: legacy
`),
    },
    {
      name: "a VirtualService bound to a Gateway the repository does not hold is not judged",
      ...inRepo("shop/scratch.yaml", `${l7("cart", "shop")}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: cart
  namespace: shop
spec:
  hosts: ["cart.example.com"]
  gateways: ["istio-system/helm-gateway"]
  http:
    - route:
        - destination:
            host: cart
`),
    },
    {
      name: "the Namespace's label covers its Services",
      ...inRepo("news/all.yaml", `apiVersion: v1
kind: Namespace
metadata:
  name: news
  labels:
    istio.io/use-waypoint: waypoint
    istio.io/ingress-use-waypoint: "true"
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: waypoint
  namespace: news
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
  name: headlines
  namespace: news
spec:
  selector:
    app: headlines
  ports:
    - port: 80
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: headlines
  namespace: news
spec:
  hosts: ["news.example.com"]
  gateways: ["istio-ingress/public"]
  http:
    - route:
        - destination:
            host: headlines
---
${l7("headlines", "news")}`),
    },
  ],
  invalid: [
    {
      name: "frontend: an Istio Gateway + VirtualService reach it; the Service is in another file (no fix)",
      ...inRepo("shop/frontend-authz.yaml", disk("shop/frontend-authz.yaml")),
      errors: [{ message: skipped("istio-ingress/public", "shop/frontend"), line: 27, column: 7, suggestions: [] }],
    },
    {
      name: "posts: a Gateway API Gateway + HTTPRoute reach it; comments is labelled",
      ...inRepo("blog/authz.yaml", disk("blog/authz.yaml")),
      errors: [{ message: skipped("blog/blog-gateway", "blog/posts"), line: 9, column: 7 }],
    },
    {
      name: "a policy on the waypoint Gateway: reported for each Service ingress reaches (posts; comments is labelled)",
      ...inRepo("blog/scratch.yaml", l7("waypoint", "blog").replace("kind: Service\n      group: \"\"", "kind: Gateway\n      group: gateway.networking.k8s.io")),
      errors: [{ message: skipped("blog/blog-gateway", "blog/posts") }],
    },
    {
      name: "a mesh HTTPRoute of posts: ingress skips it too",
      ...inRepo("blog/scratch.yaml", `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: posts-mesh
  namespace: blog
spec:
  parentRefs:
    - kind: Service
      group: ""
      name: posts
      port: 80
  rules:
    - backendRefs:
        - name: posts
          port: 80
          weight: 100
`),
      errors: [{ message: skipped("blog/blog-gateway", "blog/posts", "route"), line: 8, column: 7 }],
    },
    {
      name: "the Service in the same file, ztunnel admits the waypoint: fix adds the label",
      ...inRepo("blog/scratch.yaml", feed("", true)),
      output: feed(LABELLED, true),
      errors: [{ message: skipped("blog/blog-gateway", "blog/feed") }],
    },
    {
      name: "the Service in the same file, but its waypoint ALLOW admits only an in-mesh client: the label would make the waypoint deny ingress, so a suggestion",
      ...inRepo("blog/scratch.yaml", feed("", true).replace('    - to:\n        - operation:\n            methods: ["GET"]\n', '    - from:\n        - source:\n            principals: ["cluster.local/ns/blog/sa/reader"]\n')),
      output: null,
      errors: [
        {
          messageId: "policySkipped",
          suggestions: [
            {
              messageId: "addLabel",
              output: feed(LABELLED, true).replace('    - to:\n        - operation:\n            methods: ["GET"]\n', '    - from:\n        - source:\n            principals: ["cluster.local/ns/blog/sa/reader"]\n'),
            },
          ],
        },
      ],
    },
    {
      name: "the Service in the same file, labels already present: the label is added among them",
      ...inRepo("blog/scratch.yaml", feed("  labels:\n    app: feed\n", true)),
      output: feed('  labels:\n    app: feed\n    istio.io/ingress-use-waypoint: "true"\n', true),
      errors: [{ messageId: "policySkipped" }],
    },
    {
      name: "the Service in the same file, but ztunnel denies the waypoint (default deny, no ALLOW for it): a suggestion only",
      ...inRepo("blog/scratch.yaml", feed("", false)),
      errors: [
        {
          message: skipped("blog/blog-gateway", "blog/feed"),
          suggestions: [{ messageId: "addLabel", data: { service: "blog/feed" }, output: feed(LABELLED, false) }],
        },
      ],
    },
  ],
};

ruleSuite("require-ingress-use-waypoint", rule, cases);
