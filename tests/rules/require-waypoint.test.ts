/**
 * Shapes: the waypoint of `istioctl waypoint generate` (istio.io docs/ambient/usage/waypoint; corpus:
 * istio__istio/pilot__pkg__config__kube__gateway__testdata__waypoint.yaml), istio/istio `samples/ambient-argo/`
 * (corpus: istio__istio/samples__ambient-argo__application__reviews.yaml, …__route-reviews-90-10.yaml), the
 * httpbin JWT task (corpus: istio__istio.io/content__en__docs__tasks__security__authorization__authz-jwt__snips.sh.yaml).
 * Cross-file cases lint files of tests/fixtures/repos/waypoint-binding, kustomize-clusters, external-waypoint.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RuleTester } from "eslint";
import rule from "../../rules/require-waypoint.js";
import { ruleSuite, type InvalidCase } from "../helpers/rule-suite.js";
import { EXTERNAL_WAYPOINT_SETTINGS } from "../index/helpers.js";

const REPOS = fileURLToPath(new URL("../fixtures/repos", import.meta.url));
const GW = "gateway.networking.k8s.io";

let isolated = 0;
/**
 * A case linting `rel` inside fixture repo `repo` (its index root). With `code`, the text overlays the file;
 * such a case gets its own index (a unique no-op `exclude`), so its overlay never leaks into other cases.
 */
function inRepo(
  repo: string,
  rel: string,
  code?: string,
  extra: Record<string, unknown> = {},
): { code: string; filename: string; settings: Record<string, unknown> } {
  const root = path.join(REPOS, repo);
  const filename = path.join(root, rel);
  const disk = fs.existsSync(filename) ? fs.readFileSync(filename, "utf8") : undefined;
  const text = code ?? disk;
  if (text === undefined) throw new Error(`no such fixture file: ${repo}/${rel}`);
  const own = text === disk ? {} : { exclude: [`.isolate-${++isolated}`] };
  return { code: text, filename, settings: { "istio-ambient": { root, ...own, ...extra } } };
}

/**
 * Settings with a unique no-op `exclude`: the case gets its own index. Needed when a case lints another file
 * than manifest.yaml in the empty repository, whose in-memory records would otherwise stay in the shared index.
 */
const isolate = (raw: Record<string, unknown> = {}) => ({ "istio-ambient": { ...raw, exclude: [`.isolate-${++isolated}`] } });

const AP_STATUS = " (istiod sets WaypointAccepted=False)";
const UNBOUND = (ns: string) => `has no waypoint (no \`use-waypoint\` on it or Namespace ${ns})`;
const TODO_UNBOUND = (kind = "Service") => `Bind the ${kind} to a waypoint: label it (or its Namespace) \`istio.io/use-waypoint: <waypoint>\`.`;

const NAMESPACE = (name: string, labels = "") => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
    istio.io/dataplane-mode: ambient
${labels}`;

const WAYPOINT = (name: string, ns = "foo", waypointFor = "service") => `apiVersion: ${GW}/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    istio.io/waypoint-for: ${waypointFor}
spec:
  gatewayClassName: istio-waypoint
  listeners:
  - name: mesh
    port: 15008
    protocol: HBONE
`;

/** httpbin of the JWT task; `labels` lines go under metadata.labels. */
const HTTPBIN = (labels = "") => `apiVersion: v1
kind: Service
metadata:
  name: httpbin
  namespace: foo
  labels:
    app: httpbin
${labels}spec:
  selector:
    app: httpbin
  ports:
  - name: http
    port: 8000
    targetPort: 8080
`;

const AP = (target = "  - kind: Service\n    group: \"\"\n    name: httpbin\n", kind = "AuthorizationPolicy", name = "require-get") => `apiVersion: security.istio.io/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: foo
spec:
  targetRefs:
${target}  rules:
  - to:
    - operation:
        methods: ["GET"]
`;

const ROUTE = `apiVersion: ${GW}/v1
kind: HTTPRoute
metadata:
  name: httpbin
  namespace: foo
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: httpbin
    port: 8000
  rules:
  - timeouts:
      request: 5s
    backendRefs:
    - name: httpbin
      port: 8000
`;

const LABEL = "    istio.io/use-waypoint: waypoint\n";
/** Service labels binding to the waypoint `shared` of namespace istio-waypoints. */
const SHARED_LABELS = "    istio.io/use-waypoint: shared\n    istio.io/use-waypoint-namespace: istio-waypoints\n";

/** A waypoint whose HBONE listener has `allowedRoutes` (`allowed`: the YAML under `allowedRoutes:`, indented 4). */
const WAYPOINT_FROM = (name: string, ns: string, allowed: string) => `${WAYPOINT(name, ns)}    allowedRoutes:\n${allowed}`;
const ALLOW_ALL = "      namespaces:\n        from: All\n";
const ALLOW_NAMES = (...names: string[]) =>
  `      namespaces:\n        from: Selector\n        selector:\n          matchExpressions:\n          - key: kubernetes.io/metadata.name\n            operator: In\n            values: [${names.join(", ")}]\n`;
const ALLOW_LABEL = "      namespaces:\n        from: Selector\n        selector:\n          matchLabels:\n            mesh/waypoint: shared\n";
const join = (...docs: string[]) => docs.join("---\n");

const cases: { valid: RuleTester.ValidTestCase[]; invalid: InvalidCase[] } = {
  valid: [
    { name: "the Service is not in the repository: the rule cannot know its labels", code: AP() },
    { name: "the Service is here but its Namespace is not: the Namespace may carry the label", code: join(HTTPBIN(), AP()) },
    { name: "bound by its Namespace", code: join(NAMESPACE("foo", LABEL), WAYPOINT("waypoint"), HTTPBIN(), AP(), ROUTE) },
    { name: "bound by its own label", code: join(NAMESPACE("foo"), WAYPOINT("waypoint"), HTTPBIN(LABEL), AP(), ROUTE) },
    {
      name: "the Service's label wins over the Namespace's `none`; `waypoint-for: all` serves Services",
      code: join(NAMESPACE("foo", "    istio.io/use-waypoint: none\n"), WAYPOINT("waypoint", "foo", "all"), HTTPBIN(LABEL), AP()),
    },
    {
      name: "cross-namespace waypoint through istio.io/use-waypoint-namespace, whose listener admits all namespaces",
      code: join(NAMESPACE("foo", "    istio.io/use-waypoint: shared\n    istio.io/use-waypoint-namespace: istio-waypoints\n"), WAYPOINT_FROM("shared", "istio-waypoints", ALLOW_ALL), HTTPBIN(), AP()),
    },
    {
      name: "cross-namespace waypoint admitting namespaces by `kubernetes.io/metadata.name` (set on every Namespace)",
      code: join(NAMESPACE("foo"), WAYPOINT_FROM("shared", "istio-waypoints", ALLOW_NAMES("foo", "bar")), HTTPBIN(SHARED_LABELS), AP()),
    },
    {
      name: "cross-namespace waypoint admitting namespaces by a label the Namespace carries",
      code: join(NAMESPACE("foo", "    mesh/waypoint: shared\n"), WAYPOINT_FROM("shared", "istio-waypoints", ALLOW_LABEL), HTTPBIN(SHARED_LABELS), AP()),
    },
    {
      name: "cross-namespace waypoint with a label selector while the Namespace is not in the repository: unknown",
      code: join(WAYPOINT_FROM("shared", "istio-waypoints", ALLOW_LABEL), HTTPBIN(SHARED_LABELS), AP()),
    },
    {
      name: "Istio 1.30: no canaries yet, a dangling canary label is not ours to judge",
      code: join(NAMESPACE("foo"), WAYPOINT("waypoint"), HTTPBIN(LABEL + "    istio.io/use-waypoint-canary: waypoint-v2\n"), AP()),
      settings: isolate({ istioVersion: "1.30" }),
    },
    {
      name: "Istio 1.31: a canary waypoint of the repository",
      code: join(NAMESPACE("foo"), WAYPOINT("waypoint"), WAYPOINT("waypoint-v2"), HTTPBIN(LABEL + "    istio.io/use-waypoint-canary: waypoint-v2\n"), AP()),
      settings: isolate({ istioVersion: "1.31" }),
    },
    {
      name: "Istio 1.31: a Service bound to an istio-agentgateway-waypoint Gateway",
      code: join(NAMESPACE("foo"), WAYPOINT("agw").replace("istio-waypoint", "istio-agentgateway-waypoint"), HTTPBIN("    istio.io/use-waypoint: agw\n"), AP()),
      settings: isolate({ istioVersion: "1.31" }),
    },
    { name: "targets a waypoint Gateway of the file", code: join(WAYPOINT("waypoint"), AP(`  - kind: Gateway\n    group: ${GW}\n    name: waypoint\n`)) },
    {
      name: "targets an ingress Gateway (class istio): policies attach to gateways with targetRefs too",
      code: join(
        `apiVersion: ${GW}/v1\nkind: Gateway\nmetadata:\n  name: bookinfo-gateway\n  namespace: foo\nspec:\n  gatewayClassName: istio\n  listeners:\n  - name: http\n    port: 80\n    protocol: HTTP\n`,
        AP(`  - kind: Gateway\n    group: ${GW}\n    name: bookinfo-gateway\n`),
      ),
    },
    {
      name: "targets the waypoint named in settings (taken to exist); a label naming it is not dangling",
      code: join(NAMESPACE("foo", "    istio.io/use-waypoint: foo-waypoint\n"), AP(`  - kind: Gateway\n    group: ${GW}\n    name: foo-waypoint\n`)),
      settings: { "istio-ambient": { waypoint: "foo-waypoint" } },
    },
    {
      name: "targets a Gateway from assumeExists",
      code: AP(`  - kind: Gateway\n    group: ${GW}\n    name: platform-waypoint\n`),
      settings: { "istio-ambient": { assumeExists: [{ kind: "Gateway", name: "platform-waypoint", namespace: "foo" }] } },
    },
    {
      name: "an assumed Service whose labels are not declared is unknown",
      code: join(NAMESPACE("foo"), AP()),
      settings: { "istio-ambient": { assumeExists: [{ kind: "Service", name: "httpbin", namespace: "foo" }] } },
    },
    {
      name: "an assumed Namespace whose labels are not declared is unknown",
      code: join(HTTPBIN(), AP()),
      settings: { "istio-ambient": { assumeExists: [{ kind: "Namespace", name: "foo" }] } },
    },
    {
      name: "an assumed Namespace that declares the binding, with an assumed waypoint",
      code: join(HTTPBIN(), AP()),
      settings: {
        "istio-ambient": {
          assumeExists: [
            { kind: "Namespace", name: "foo", labels: { "istio.io/use-waypoint": "waypoint" } },
            { kind: "Gateway", name: "waypoint", namespace: "foo" },
          ],
        },
      },
    },
    { name: "GatewayClass targets are valid-policy-targetrefs' business", code: AP(`  - kind: GatewayClass\n    group: ${GW}\n    name: istio-waypoint\n`).replace("namespace: foo", "namespace: istio-system") },
    { name: "a targetRef with a namespace is rejected at admission (valid-policy-targetrefs)", code: join(NAMESPACE("foo"), HTTPBIN(), AP('  - kind: Service\n    group: ""\n    name: httpbin\n    namespace: foo\n')) },
    {
      name: "selector together with targetRefs is rejected at admission",
      code: join(NAMESPACE("foo"), HTTPBIN(), AP().replace("spec:\n", "spec:\n  selector:\n    matchLabels:\n      app: httpbin\n")),
    },
    { name: "a Service with a wrong group is valid-policy-targetrefs' business", code: join(NAMESPACE("foo"), HTTPBIN(), AP(`  - kind: Service\n    group: ${GW}\n    name: httpbin\n`)) },
    { name: "a same-named kind from another API group is not Istio's", code: join(NAMESPACE("foo"), HTTPBIN(), AP().replace("security.istio.io/v1", "policy.linkerd.io/v1alpha1")) },
    { name: "PeerAuthentication takes no targetRefs", code: join(NAMESPACE("foo"), HTTPBIN(), AP(undefined, "PeerAuthentication")) },
    { name: "use-waypoint: none is no dangling label", code: join(NAMESPACE("foo", "    istio.io/use-waypoint: none\n"), HTTPBIN("    istio.io/use-waypoint: none\n")) },
    {
      name: "a label naming a Gateway of another class is not judged",
      code: join(HTTPBIN("    istio.io/use-waypoint: edge\n"), `apiVersion: ${GW}/v1\nkind: Gateway\nmetadata:\n  name: edge\n  namespace: foo\nspec:\n  gatewayClassName: istio\n  listeners: []\n`),
    },
    {
      name: "odd shapes do not crash",
      code:
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nspec: 3\n---\n" +
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nspec:\n  targetRefs: [null, 1, {kind: Service}, {kind: Service, name: 3}, {kind: Gateway, group: " + GW + ", name: ''}]\n  targetRef: []\n---\n" +
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: foo\n  labels:\n    istio.io/use-waypoint: ''\n---\n" +
        "apiVersion: v1\nkind: Service\nmetadata:\n  labels: [1]\n---\n" +
        "apiVersion: v1\nkind: Service\nmetadata: 7\n---\n" +
        `apiVersion: ${GW}/v1\nkind: HTTPRoute\nspec:\n  parentRefs: {a: 1}\n`,
    },
    { name: "not a Kubernetes manifest", code: "foo: bar\n" },
    { name: "empty file", code: "" },
    // Cross-file, from disk.
    { name: "repo: a Service bound by its own label", ...inRepo("waypoint-binding", "shop/cart.yaml") },
    { name: "repo: opt-out label is not dangling; ledger is bound by its Namespace", ...inRepo("waypoint-binding", "payments/services.yaml") },
    { name: "repo: a dangling Namespace label is reported at the label, not again at each policy", ...inRepo("waypoint-binding", "billing/invoices.yaml") },
    { name: "kustomize: east's Namespace binds east's reviews", ...inRepo("kustomize-clusters", "clusters/east/authz.yaml") },
    { name: "kustomize: a patch labels reviews in prod (waypoint of the prod overlay)", ...inRepo("kustomize", "overlays/prod/reviews-service-patch.yaml") },
    { name: "plain: httpbin uses its own waypoint", ...inRepo("plain", "httpbin/authz.yaml") },
    { name: "plain: bookinfo policies (Namespace binding, Gateway target)", ...inRepo("plain", "bookinfo/policies.yaml") },
    { name: "external waypoints declared in assumeExists", ...inRepo("external-waypoint", "orders/policies.yaml", undefined, EXTERNAL_WAYPOINT_SETTINGS) },
    { name: "external shared waypoint in another namespace, declared in assumeExists", ...inRepo("external-waypoint", "billing/namespace.yaml", undefined, EXTERNAL_WAYPOINT_SETTINGS) },
  ],
  invalid: [
    {
      name: "cross-namespace waypoint whose listener has no allowedRoutes (Same): the Namespace's binding is refused",
      code: join(NAMESPACE("foo", "    istio.io/use-waypoint: shared\n    istio.io/use-waypoint-namespace: istio-waypoints\n"), WAYPOINT("shared", "istio-waypoints"), HTTPBIN(), ROUTE),
      output: null,
      errors: [
        {
          message:
            "Namespace foo uses waypoint istio-waypoints/shared, whose `allowedRoutes` (from: Same) excludes namespace foo: no waypoint binds, so L7 policies and routes are skipped.",
          line: 7,
        },
        {
          messageId: "routeParent",
          data: {
            route: "HTTPRoute foo/httpbin",
            service: "foo/httpbin",
            where: "line 24",
            state: "uses waypoint istio-waypoints/shared (through Namespace foo), whose listener `allowedRoutes` (from: Same) does not admit namespace foo",
            todo: "Let the waypoint's HBONE listener admit namespace foo (`allowedRoutes.namespaces.from: All`, or a `Selector` that matches it).",
          },
        },
      ],
    },
    {
      name: "cross-namespace waypoint admitting other namespaces by name: the Service's binding is refused",
      code: join(NAMESPACE("foo"), WAYPOINT_FROM("shared", "istio-waypoints", ALLOW_NAMES("bar")), HTTPBIN(SHARED_LABELS), AP()),
      output: null,
      errors: [
        { messageId: "notAllowedLabel", data: { resource: "Service foo/httpbin", gateway: "istio-waypoints/shared", from: "from: Selector", namespace: "foo" } },
        { messageId: "policyTarget" },
      ],
    },
    {
      name: "same-namespace waypoint with a label selector the Namespace does not match: refused too",
      code: join(NAMESPACE("foo", LABEL), WAYPOINT_FROM("waypoint", "foo", ALLOW_LABEL), HTTPBIN(), AP()),
      output: null,
      errors: [{ messageId: "notAllowedLabel", data: { resource: "Namespace foo", gateway: "foo/waypoint", from: "from: Selector", namespace: "foo" } }, { messageId: "policyTarget" }],
    },
    {
      name: "Istio 1.31: a canary label naming no Gateway",
      code: join(NAMESPACE("foo"), WAYPOINT("waypoint"), HTTPBIN(LABEL + "    istio.io/use-waypoint-canary: waypoint-v2\n"), AP()),
      settings: isolate({ istioVersion: "1.31" }),
      output: null,
      errors: [
        {
          message:
            "Service foo/httpbin names canary waypoint foo/waypoint-v2, which is neither in the repository nor in settings `assumeExists`: istiod reports it and sends all traffic to the primary waypoint.",
        },
      ],
    },
    {
      name: "Istio 1.31: a cross-namespace canary the waypoint's listener does not admit",
      code: join(
        NAMESPACE("foo"),
        WAYPOINT("waypoint"),
        WAYPOINT("canary", "istio-waypoints"),
        HTTPBIN(LABEL + "    istio.io/use-waypoint-canary: canary\n    istio.io/use-waypoint-canary-namespace: istio-waypoints\n"),
        AP(),
      ),
      settings: isolate({ istioVersion: "1.31" }),
      output: null,
      errors: [{ messageId: "canaryIgnored", data: { resource: "Service foo/httpbin", gateway: "istio-waypoints/canary", problem: "does not admit namespace foo (listener `allowedRoutes` from: Same)" } }],
    },
    {
      name: "repo: policies on an unbound Service and ServiceEntry, and on a Gateway that exists nowhere",
      ...inRepo("waypoint-binding", "shop/policies.yaml"),
      errors: [
        {
          message: "AuthorizationPolicy shop/orders-viewer targets Service shop/orders (orders.yaml:1), which has no waypoint (no `use-waypoint` on it or Namespace shop), so no waypoint enforces it (istiod sets WaypointAccepted=False).",
          line: 8,
          column: 5,
          endLine: 10,
          endColumn: 17,
        },
        {
          messageId: "policyTarget",
          data: {
            policy: "AuthorizationPolicy shop/egress-payments",
            target: "ServiceEntry shop/payments-api",
            where: "payments-api.yaml:1",
            state: UNBOUND("shop"),
            verb: "enforces",
            status: AP_STATUS,
            todo: TODO_UNBOUND("ServiceEntry"),
          },
          line: 54,
        },
        {
          message:
            "Telemetry shop/shop-logging targets Gateway shop/shop-waypoint, which is neither in the repository nor in `assumeExists`: if it does not exist, nothing applies the policy.",
          line: 70,
        },
      ],
    },
    {
      name: "repo: a mesh HTTPRoute on an unbound Service",
      ...inRepo("waypoint-binding", "shop/routes.yaml"),
      errors: [
        {
          message: "HTTPRoute shop/orders attaches to Service shop/orders (orders.yaml:1), which has no waypoint (no `use-waypoint` on it or Namespace shop): no waypoint applies it.",
          line: 8,
          column: 5,
        },
      ],
    },
    {
      name: "repo: the Service is in the file and its namespace has one waypoint: fix adds the label",
      ...inRepo(
        "waypoint-binding",
        "shop/orders.yaml",
        fs.readFileSync(path.join(REPOS, "waypoint-binding/shop/orders.yaml"), "utf8") +
          "---\n# Only GETs from the storefront.\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: orders-get\n  namespace: shop\nspec:\n  targetRefs:\n  - kind: Service\n    group: \"\"\n    name: orders\n  rules:\n  - to:\n    - operation:\n        methods: [\"GET\"]\n",
      ),
      output:
        fs.readFileSync(path.join(REPOS, "waypoint-binding/shop/orders.yaml"), "utf8").replace("    app: orders\n", "    app: orders\n    istio.io/use-waypoint: waypoint\n") +
        "---\n# Only GETs from the storefront.\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: orders-get\n  namespace: shop\nspec:\n  targetRefs:\n  - kind: Service\n    group: \"\"\n    name: orders\n  rules:\n  - to:\n    - operation:\n        methods: [\"GET\"]\n",
      errors: [{ messageId: "policyTarget", data: { policy: "AuthorizationPolicy shop/orders-get", target: "Service shop/orders", where: "line 1", state: UNBOUND("shop"), verb: "enforces", status: AP_STATUS, todo: TODO_UNBOUND() }, line: 36 }],
    },
    {
      name: "repo: a policy on a Service that opted out (Service in another file: no edit)",
      ...inRepo("waypoint-binding", "payments/policies.yaml"),
      errors: [
        {
          messageId: "policyTarget",
          data: {
            policy: "AuthorizationPolicy payments/audit-post-only",
            target: "Service payments/audit",
            where: "services.yaml:14",
            state: "opted out of waypoints (`use-waypoint: none` on it)",
            verb: "enforces",
            status: AP_STATUS,
            todo: "Bind the Service to a waypoint, or drop the policy or route if the opt-out is intended.",
          },
          line: 27,
        },
      ],
    },
    {
      name: "repo: opted out in this file: replacing `none` is a choice, so a suggestion (never a fix)",
      ...inRepo(
        "waypoint-binding",
        "payments/services.yaml",
        fs.readFileSync(path.join(REPOS, "waypoint-binding/payments/services.yaml"), "utf8") +
          "---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: audit-logs\n  namespace: payments\nspec:\n  targetRef:\n    kind: Service\n    group: \"\"\n    name: audit\n  accessLogging:\n  - providers:\n    - name: envoy\n",
      ),
      output: null,
      errors: [
        {
          messageId: "policyTarget",
          data: {
            policy: "Telemetry payments/audit-logs",
            target: "Service payments/audit",
            where: "line 14",
            state: "opted out of waypoints (`use-waypoint: none` on it)",
            verb: "applies",
            status: "",
            todo: "Bind the Service to a waypoint, or drop the policy or route if the opt-out is intended.",
          },
          line: 34,
          suggestions: [
            {
              messageId: "useWaypoint",
              data: { service: "audit", name: "waypoint" },
              output:
                fs.readFileSync(path.join(REPOS, "waypoint-binding/payments/services.yaml"), "utf8").replace("use-waypoint: none", "use-waypoint: waypoint") +
                "---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: audit-logs\n  namespace: payments\nspec:\n  targetRef:\n    kind: Service\n    group: \"\"\n    name: audit\n  accessLogging:\n  - providers:\n    - name: envoy\n",
            },
          ],
        },
      ],
    },
    {
      name: "repo: a Service on a workload-only waypoint, and the policy on it",
      ...inRepo("waypoint-binding", "batch/jobs.yaml"),
      errors: [
        {
          message:
            "Service batch/jobs uses waypoint batch/workload-waypoint (waypoint.yaml:8), which is `waypoint-for: workload`: no waypoint binds, so L7 policies and routes are skipped.",
          line: 8,
          column: 5,
          endColumn: 26,
        },
        {
          messageId: "policyTarget",
          data: {
            policy: "AuthorizationPolicy batch/jobs-admin",
            target: "Service batch/jobs",
            where: "line 1",
            state: "uses waypoint batch/workload-waypoint, whose `waypoint-for: workload` does not serve Services",
            verb: "enforces",
            status: AP_STATUS,
            todo: "Bind the Service to a waypoint with `istio.io/waypoint-for: service` or `all`.",
          },
          line: 23,
          suggestions: [],
        },
      ],
    },
    {
      name: "repo: a Namespace label naming a waypoint that exists nowhere",
      ...inRepo("waypoint-binding", "billing/namespace.yaml"),
      errors: [
        {
          message:
            "Namespace billing uses waypoint `billing-waypoint`, but no Gateway billing/billing-waypoint is in the repository or in `assumeExists`: until it exists, its Services and pods get no waypoint and skip their L7 policies and routes.",
          line: 7,
          column: 5,
        },
      ],
    },
    {
      name: "kustomize: west's Namespace is not bound, and east's same-named Namespace does not count",
      ...inRepo("kustomize-clusters", "clusters/west/authz.yaml"),
      errors: [
        {
          messageId: "policyTarget",
          data: {
            policy: "AuthorizationPolicy reviews-read-only",
            target: "Service bookinfo/reviews",
            where: "reviews.yaml:1",
            state: UNBOUND("bookinfo"),
            verb: "enforces",
            status: AP_STATUS,
            todo: TODO_UNBOUND(),
          },
          line: 7,
        },
      ],
    },
    {
      name: "multi-document: one waypoint in the namespace: fix labels the Service (policy and route both)",
      code: join(NAMESPACE("foo"), WAYPOINT("waypoint"), HTTPBIN(), AP(), ROUTE),
      output: join(NAMESPACE("foo"), WAYPOINT("waypoint"), HTTPBIN(LABEL), AP(), ROUTE),
      errors: [
        { messageId: "policyTarget", line: 44 },
        { messageId: "routeParent", data: { route: "HTTPRoute foo/httpbin", service: "foo/httpbin", where: "line 22", state: UNBOUND("foo"), todo: TODO_UNBOUND() }, line: 59 },
      ],
    },
    {
      name: "two waypoints in the namespace: no fix, a suggestion each",
      code: join(NAMESPACE("foo"), WAYPOINT("a"), WAYPOINT("b"), HTTPBIN(), ROUTE),
      output: null,
      errors: [
        {
          messageId: "routeParent",
          suggestions: [
            { messageId: "useWaypoint", data: { service: "httpbin", name: "a" }, output: join(NAMESPACE("foo"), WAYPOINT("a"), WAYPOINT("b"), HTTPBIN("    istio.io/use-waypoint: a\n"), ROUTE) },
            { messageId: "useWaypoint", data: { service: "httpbin", name: "b" }, output: join(NAMESPACE("foo"), WAYPOINT("a"), WAYPOINT("b"), HTTPBIN("    istio.io/use-waypoint: b\n"), ROUTE) },
          ],
        },
      ],
    },
    {
      name: "no waypoint known but one named in settings: a suggestion with that name (a setting does not show the waypoint is deployed); waypoints of other namespaces do not count",
      code: join(NAMESPACE("foo"), WAYPOINT("waypoint", "bar"), HTTPBIN(), AP(undefined, "RequestAuthentication").replace(/  rules:[\s\S]*$/, "  jwtRules:\n  - issuer: testing@secure.istio.io\n")),
      settings: { "istio-ambient": { waypoint: { foo: "foo-waypoint" } } },
      output: null,
      errors: [
        {
          messageId: "policyTarget",
          data: { policy: "RequestAuthentication foo/require-get", target: "Service foo/httpbin", where: "line 22", state: UNBOUND("foo"), verb: "enforces", status: "", todo: TODO_UNBOUND() },
          suggestions: [
            {
              messageId: "useWaypoint",
              data: { service: "httpbin", name: "foo-waypoint" },
              output: join(NAMESPACE("foo"), WAYPOINT("waypoint", "bar"), HTTPBIN("    istio.io/use-waypoint: foo-waypoint\n"), AP(undefined, "RequestAuthentication").replace(/  rules:[\s\S]*$/, "  jwtRules:\n  - issuer: testing@secure.istio.io\n")),
            },
          ],
        },
      ],
    },
    {
      name: "one waypoint in the namespace, but an L4 ALLOW on the Service's pods admits only a client: binding would deny it at ztunnel, so a suggestion",
      code: join(
        NAMESPACE("foo"),
        WAYPOINT("waypoint"),
        HTTPBIN(),
        AP(),
        `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-sleep
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/foo/sa/sleep"]
`,
      ),
      output: null,
      errors: [{ messageId: "policyTarget", suggestions: [{ messageId: "useWaypoint", data: { service: "httpbin", name: "waypoint" }, output: join(NAMESPACE("foo"), WAYPOINT("waypoint"), HTTPBIN("    istio.io/use-waypoint: waypoint\n"), AP(), `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-sleep
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/foo/sa/sleep"]
`) }] }],
    },
    {
      name: "no waypoint anywhere and none configured: report only",
      code: join(NAMESPACE("foo"), HTTPBIN(), AP()),
      output: null,
      errors: [{ messageId: "policyTarget", suggestions: [] }],
    },
    {
      name: "kind: List (deprecated singular targetRef)",
      code: `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: foo
- apiVersion: ${GW}/v1
  kind: Gateway
  metadata:
    name: waypoint
    namespace: foo
  spec:
    gatewayClassName: istio-waypoint
    listeners:
    - name: mesh
      port: 15008
      protocol: HBONE
- apiVersion: v1
  kind: Service
  metadata:
    name: httpbin
    namespace: foo
  spec:
    selector:
      app: httpbin
    ports:
    - port: 8000
- apiVersion: extensions.istio.io/v1alpha1
  kind: WasmPlugin
  metadata:
    name: basic-auth
    namespace: foo
  spec:
    targetRef:
      kind: Service
      group: ""
      name: httpbin
    url: oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0
`,
      output: `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: foo
- apiVersion: ${GW}/v1
  kind: Gateway
  metadata:
    name: waypoint
    namespace: foo
  spec:
    gatewayClassName: istio-waypoint
    listeners:
    - name: mesh
      port: 15008
      protocol: HBONE
- apiVersion: v1
  kind: Service
  metadata:
    name: httpbin
    namespace: foo
    labels:
      istio.io/use-waypoint: waypoint
  spec:
    selector:
      app: httpbin
    ports:
    - port: 8000
- apiVersion: extensions.istio.io/v1alpha1
  kind: WasmPlugin
  metadata:
    name: basic-auth
    namespace: foo
  spec:
    targetRef:
      kind: Service
      group: ""
      name: httpbin
    url: oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0
`,
      errors: [{ messageId: "policyTarget", line: 35, column: 5 }],
    },
    {
      name: "flow style: the label is added in flow style",
      code:
        "{apiVersion: v1, kind: Namespace, metadata: {name: foo}}\n---\n" +
        `{apiVersion: ${GW}/v1, kind: Gateway, metadata: {name: waypoint, namespace: foo}, spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}}\n---\n` +
        "{apiVersion: v1, kind: Service, metadata: {name: httpbin, namespace: foo, labels: {app: httpbin}}, spec: {selector: {app: httpbin}, ports: [{port: 8000}]}}\n---\n" +
        '{apiVersion: security.istio.io/v1, kind: AuthorizationPolicy, metadata: {name: p, namespace: foo}, spec: {targetRefs: [{kind: Service, group: "", name: httpbin}]}}\n',
      output:
        "{apiVersion: v1, kind: Namespace, metadata: {name: foo}}\n---\n" +
        `{apiVersion: ${GW}/v1, kind: Gateway, metadata: {name: waypoint, namespace: foo}, spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}}\n---\n` +
        "{apiVersion: v1, kind: Service, metadata: {name: httpbin, namespace: foo, labels: {app: httpbin, istio.io/use-waypoint: waypoint}}, spec: {selector: {app: httpbin}, ports: [{port: 8000}]}}\n---\n" +
        '{apiVersion: security.istio.io/v1, kind: AuthorizationPolicy, metadata: {name: p, namespace: foo}, spec: {targetRefs: [{kind: Service, group: "", name: httpbin}]}}\n',
      errors: [{ messageId: "policyTarget", line: 7 }],
    },
    {
      name: "JSON manifest (x.json): the fix edits JSON",
      filename: "x.json",
      settings: isolate(),
      code:
        JSON.stringify(
          {
            apiVersion: "v1",
            kind: "List",
            items: [
              { apiVersion: "v1", kind: "Namespace", metadata: { name: "foo" } },
              { apiVersion: `${GW}/v1`, kind: "Gateway", metadata: { name: "waypoint", namespace: "foo" }, spec: { gatewayClassName: "istio-waypoint", listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }] } },
              { apiVersion: "v1", kind: "Service", metadata: { name: "httpbin", namespace: "foo" }, spec: { selector: { app: "httpbin" }, ports: [{ port: 8000 }] } },
              { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: { name: "p", namespace: "foo" }, spec: { targetRefs: [{ kind: "Service", group: "", name: "httpbin" }] } },
            ],
          },
          null,
          2,
        ) + "\n",
      output:
        JSON.stringify(
          {
            apiVersion: "v1",
            kind: "List",
            items: [
              { apiVersion: "v1", kind: "Namespace", metadata: { name: "foo" } },
              { apiVersion: `${GW}/v1`, kind: "Gateway", metadata: { name: "waypoint", namespace: "foo" }, spec: { gatewayClassName: "istio-waypoint", listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }] } },
              { apiVersion: "v1", kind: "Service", metadata: { name: "httpbin", namespace: "foo", labels: { "istio.io/use-waypoint": "waypoint" } }, spec: { selector: { app: "httpbin" }, ports: [{ port: 8000 }] } },
              { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: { name: "p", namespace: "foo" }, spec: { targetRefs: [{ kind: "Service", group: "", name: "httpbin" }] } },
            ],
          },
          null,
          2,
        ) + "\n",
      errors: [{ messageId: "policyTarget" }],
    },
    {
      name: "a Gateway target that exists nowhere (AuthorizationPolicy: TargetNotFound)",
      code: AP(`  - kind: Gateway\n    group: ${GW}\n    name: waypoint\n`),
      errors: [
        {
          messageId: "gatewayNotFound",
          data: { policy: "AuthorizationPolicy foo/require-get", gateway: "foo/waypoint", effect: "nothing enforces the policy (WaypointAccepted=False)" },
          line: 8,
        },
      ],
    },
    {
      name: "a Service label naming a missing waypoint (the policy on it is not reported again)",
      code: join(NAMESPACE("foo"), HTTPBIN("    istio.io/use-waypoint: httpbin-waypoint\n"), AP()),
      errors: [
        {
          messageId: "danglingLabel",
          data: {
            resource: "Service foo/httpbin",
            name: "httpbin-waypoint",
            gateway: "foo/httpbin-waypoint",
            effect: "until it exists, the Service gets no waypoint (none from its Namespace either) and skips its L7 policies and routes",
          },
          line: 15,
        },
      ],
    },
    {
      name: "the Namespace's waypoint is workload-only: Services in it get none",
      code: join(NAMESPACE("foo", LABEL), WAYPOINT("waypoint", "foo", "workload"), HTTPBIN(), ROUTE),
      output: null,
      errors: [
        {
          messageId: "routeParent",
          data: {
            route: "HTTPRoute foo/httpbin",
            service: "foo/httpbin",
            where: "line 23",
            state: "uses waypoint foo/waypoint (through Namespace foo), whose `waypoint-for: workload` does not serve Services",
            todo: "Bind the Service to a waypoint with `istio.io/waypoint-for: service` or `all`.",
          },
          suggestions: [],
        },
      ],
    },
  ],
};

ruleSuite("require-waypoint", rule, cases);
