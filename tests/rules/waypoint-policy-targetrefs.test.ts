/**
 * Fixture shapes: istio.io's JWT task (`jwt-example` RequestAuthentication on httpbin; corpus:
 * istio__istio.io/content__en__docs__tasks__security__authorization__authz-jwt__snips.sh.yaml), kubeflow's
 * RequestAuthentications on the ingress gateways (corpus: kubeflow__manifests/common__oauth2-proxy__components__
 * istio-m2m__requestauthentication.yaml and common__istio__cluster-local-gateway__overlays__m2m-auth__…), the
 * WasmPlugins of istio/istio's validation testdata (corpus: istio__istio/pkg__config__validation__testdata__crds__
 * wasm-valid.yaml), the Gateway-pod selectors of the IST0166 analyzer testdata (corpus: istio__istio/pkg__config__
 * analysis__analyzers__testdata__k8sgateway-selector.yaml) and istio/istio's Telemetry analyzer testdata
 * (corpus: istio__istio/pkg__config__analysis__analyzers__testdata__telemetry-default-selector.yaml).
 */
import rule from "../../rules/waypoint-policy-targetrefs.js";
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

const GW = "gateway.networking.k8s.io";
const ALL_KINDS = [{ kinds: ["RequestAuthentication", "WasmPlugin", "Telemetry", "TrafficExtension"] }];


/** istio.io authz-jwt task. */
const JWT_EXAMPLE = `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt-example
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
  jwtRules:
  - issuer: "testing@secure.istio.io"
    jwksUri: "https://raw.githubusercontent.com/istio/istio/master/security/tools/jwt/samples/jwks.json"
`;
const JWT_SELECTOR = "  selector:\n    matchLabels:\n      app: httpbin\n";
const toRefs = (code: string, kind: string, group: string, name: string, selector = JWT_SELECTOR) =>
  code.replace(selector, `  targetRefs:\n  - kind: ${kind}\n    group: ${group === "" ? '""' : group}\n    name: ${name}\n`);

const HTTPBIN_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: httpbin
  namespace: foo
spec:
  selector:
    app: httpbin
  ports:
  - name: http
    port: 8000
    targetPort: 8080
`;

const WAYPOINT = (name: string, ns = "foo") => `apiVersion: ${GW}/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    istio.io/waypoint-for: service
spec:
  gatewayClassName: istio-waypoint
  listeners:
  - name: mesh
    port: 15008
    protocol: HBONE
`;

const BASIC_AUTH = `apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: basic-auth
  namespace: bookinfo
spec:
  url: oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0
  phase: AUTHN
  pluginConfig:
    basic_auth_rules:
    - prefix: "/productpage"
      request_methods: ["GET", "POST"]
      credentials: ["ok:test"]
`;

/** A case whose fix became a suggestion: `output` is what the suggestion gives ("SAME_AS_FIX"), and no fix is applied. */
function suggestionOnly(c: InvalidCase): InvalidCase {
  const would = c.output as string;
  for (const e of c.errors as Array<Record<string, unknown>>) {
    for (const sg of (e.suggestions as Array<{ output: string }> | undefined) ?? []) if (sg.output === "SAME_AS_FIX") sg.output = would;
  }
  return { ...c, output: null };
}

const cases: { valid: RuleTester.ValidTestCase[]; invalid: InvalidCase[] } = {
  valid: [
    { name: "already attached with targetRefs", code: toRefs(JWT_EXAMPLE, "Gateway", GW, "waypoint") },
    {
      name: "deprecated singular targetRef also attaches to the waypoint",
      code: JWT_EXAMPLE.replace(JWT_SELECTOR, `  targetRef:\n    kind: Gateway\n    group: ${GW}\n    name: waypoint\n`),
    },
    {
      name: "kubeflow: RequestAuthentication on the ingress gateway pods keeps working",
      code: `apiVersion: security.istio.io/v1beta1
kind: RequestAuthentication
metadata:
  name: m2m-token-issuer
  namespace: istio-system
spec:
  # we only apply to the ingress-gateway
  selector:
    matchLabels:
      app: istio-ingressgateway
  jwtRules:
  - issuer: PATCH_ME
    forwardOriginalToken: true
`,
    },
    {
      name: "kubeflow: cluster-local-gateway selected by the istio label",
      code: `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: cluster-local-gateway-jwt
  namespace: istio-system
spec:
  selector:
    matchLabels:
      app: cluster-local-gateway
      istio: cluster-local-gateway
  jwtRules:
  - issuer: "https://kubernetes.default.svc.cluster.local"
`,
    },
    {
      name: "WasmPlugin on the ingress gateway (istio validation testdata)",
      code: `apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: full
spec:
  selector:
    matchLabels:
      istio: ingressgateway
  url: file:///opt/filters/openid.wasm
  phase: AUTHN
`,
    },
    {
      name: "selector on Gateway API gateway pods is not a sidecar→ambient question",
      code: `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  namespace: default
  name: ra-ineffective
spec:
  selector:
    matchLabels:
      gateway.networking.k8s.io/gateway-name: bookinfo-gateway
  jwtRules:
  - issuer: example.com
`,
    },
    { name: "user-declared gateway selector", code: JWT_EXAMPLE.replace("app: httpbin", "role: edge"), options: [{ gatewaySelectors: [{ role: "edge" }] }] },
    {
      name: "Telemetry is not checked by default",
      code: `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: has-selector
  namespace: ns1
spec:
  selector:
    matchLabels:
      app: reviews
  tracing:
  - randomSamplingPercentage: 10.00
`,
    },
    {
      name: "namespace-wide Telemetry reaches waypoints",
      code: `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: no-selector
  namespace: ns1
spec:
  tracing:
  - randomSamplingPercentage: 10.00
`,
      options: ALL_KINDS,
    },
    {
      name: "root-namespace Telemetry reaches waypoints",
      code: `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: mesh-default
  namespace: istio-system
spec:
  accessLogging:
  - providers:
    - name: envoy
`,
      options: ALL_KINDS,
    },
    {
      name: "RequestAuthentication without jwtRules validates nothing anywhere",
      code: "apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: empty\n  namespace: foo\nspec:\n  selector:\n    matchLabels:\n      app: httpbin\n",
    },
    { name: "TrafficExtension is opt-in", code: BASIC_AUTH.replace("kind: WasmPlugin", "kind: TrafficExtension").replace(/  url: .*\n/, "") + "  lua:\n    inlineCode: x\n" },
    {
      name: "a same-named kind from another API group is not Istio's",
      code: "apiVersion: example.com/v1\nkind: RequestAuthentication\nmetadata:\n  name: x\nspec:\n  selector:\n    matchLabels:\n      app: a\n  jwtRules:\n  - issuer: a\n",
    },
    {
      name: "AuthorizationPolicy is another rule's business",
      code: "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: x\nspec:\n  selector:\n    matchLabels:\n      app: a\n",
    },
    { name: "not a Kubernetes manifest", code: "foo: bar\nlist: [1, 2]\n" },
    { name: "empty file", code: "" },
    {
      name: "odd shapes do not crash",
      code:
        "apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nspec: 3\n---\n" +
        "apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nspec:\n  jwtRules: {a: 1}\n  selector: [1]\n---\n" +
        "apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata: []\nspec:\n  targetRefs: [null]\n",
    },
  ],
  invalid: [
    {
      name: "istio.io JWT task: no waypoint or Service in the file: suggestions only",
      code: JWT_EXAMPLE,
      output: null,
      errors: [
        {
          message: "RequestAuthentication foo/jwt-example (selector) is ignored in ambient without `targetRefs`: no JWT is validated and `requestPrincipals` never match.",
          line: 7,
          column: 3,
          endLine: 7,
          endColumn: 11,
          suggestions: [
            { messageId: "useWaypoint", data: { name: "waypoint" }, output: toRefs(JWT_EXAMPLE, "Gateway", GW, "waypoint") },
            { messageId: "useGuessedService", data: { name: "httpbin" }, output: toRefs(JWT_EXAMPLE, "Service", "", "httpbin") },
          ],
        },
      ],
    },
    suggestionOnly({
      name: "multi-document: a Service selecting the same pods, bound to no waypoint: suggestions only (nothing would apply the policy)",
      code: HTTPBIN_SERVICE + "---\n" + WAYPOINT("foo-waypoint") + "---\n" + JWT_EXAMPLE,
      output: HTTPBIN_SERVICE + "---\n" + WAYPOINT("foo-waypoint") + "---\n" + toRefs(JWT_EXAMPLE, "Service", "", "httpbin"),
      errors: [
        {
          messageId: "selector",
          line: 34,
          suggestions: [
            { messageId: "useWaypoint", data: { name: "foo-waypoint" }, output: HTTPBIN_SERVICE + "---\n" + WAYPOINT("foo-waypoint") + "---\n" + toRefs(JWT_EXAMPLE, "Gateway", GW, "foo-waypoint") },
            { messageId: "useService", data: { name: "httpbin" }, output: HTTPBIN_SERVICE + "---\n" + WAYPOINT("foo-waypoint") + "---\n" + toRefs(JWT_EXAMPLE, "Service", "", "httpbin") },
          ],
        },
      ],
    }),
    {
      name: "two waypoints in the namespace: no fix, one suggestion each",
      code: WAYPOINT("a") + "---\n" + WAYPOINT("b") + "---\n" + JWT_EXAMPLE,
      output: null,
      errors: [
        {
          messageId: "selector",
          suggestions: [
            { messageId: "useWaypoint", data: { name: "a" }, output: WAYPOINT("a") + "---\n" + WAYPOINT("b") + "---\n" + toRefs(JWT_EXAMPLE, "Gateway", GW, "a") },
            { messageId: "useWaypoint", data: { name: "b" }, output: WAYPOINT("a") + "---\n" + WAYPOINT("b") + "---\n" + toRefs(JWT_EXAMPLE, "Gateway", GW, "b") },
            { messageId: "useGuessedService", data: { name: "httpbin" }, output: WAYPOINT("a") + "---\n" + WAYPOINT("b") + "---\n" + toRefs(JWT_EXAMPLE, "Service", "", "httpbin") },
          ],
        },
      ],
    },
    {
      name: "a waypoint of another namespace is not this policy's",
      code: WAYPOINT("other-waypoint", "bar") + "---\n" + JWT_EXAMPLE,
      output: null,
      errors: [
        {
          messageId: "selector",
          suggestions: [
            { messageId: "useWaypoint", data: { name: "waypoint" }, output: WAYPOINT("other-waypoint", "bar") + "---\n" + toRefs(JWT_EXAMPLE, "Gateway", GW, "waypoint") },
            { messageId: "useGuessedService", output: WAYPOINT("other-waypoint", "bar") + "---\n" + toRefs(JWT_EXAMPLE, "Service", "", "httpbin") },
          ],
        },
      ],
    },
    suggestionOnly({
      name: "waypoint named per namespace in settings, the repository shows neither it nor its Services: suggestion only",
      code: JWT_EXAMPLE,
      settings: { "istio-ambient": { waypoint: { foo: "foo-wp", "*": "waypoint" } } },
      output: toRefs(JWT_EXAMPLE, "Gateway", GW, "foo-wp"),
      errors: [
        {
          messageId: "selector",
          suggestions: [
            { messageId: "useWaypoint", data: { name: "foo-wp" }, output: toRefs(JWT_EXAMPLE, "Gateway", GW, "foo-wp") },
            { messageId: "useGuessedService", output: toRefs(JWT_EXAMPLE, "Service", "", "httpbin") },
          ],
        },
      ],
    }),
    suggestionOnly({
      name: "namespace-wide WasmPlugin, waypoint named in settings only: the targetRefs suggestion, no fix",
      code: BASIC_AUTH,
      settings: { "istio-ambient": { waypoint: "bookinfo-waypoint" } },
      output:
        BASIC_AUTH +
        `  targetRefs:
  - kind: Gateway
    group: ${GW}
    name: bookinfo-waypoint
`,
      errors: [
        {
          message:
            "WasmPlugin bookinfo/basic-auth (namespace-wide) is ignored in ambient without `targetRefs`: the plugin does not run.",
          line: 6,
          column: 1,
          endColumn: 5,
          suggestions: [{ messageId: "useWaypoint", data: { name: "bookinfo-waypoint" }, output: BASIC_AUTH + `  targetRefs:\n  - kind: Gateway\n    group: ${GW}\n    name: bookinfo-waypoint\n` }],
        },
      ],
    }),
    {
      name: "namespace-wide WasmPlugin without namespace (istio validation testdata): default waypoint suggestion",
      code: `apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: sha256-empty
spec:
  url: "http://test"
`,
      output: null,
      errors: [
        {
          messageId: "namespaceWide",
          data: {
            resource: "WasmPlugin sha256-empty",
            attached: "namespace-wide",
            consequence: "the plugin does not run",
          },
          suggestions: [
            {
              messageId: "useWaypoint",
              output: `apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: sha256-empty
spec:
  url: "http://test"
  targetRefs:
    - kind: Gateway
      group: ${GW}
      name: waypoint
`,
            },
          ],
        },
      ],
    },
    {
      name: "root-namespace RequestAuthentication: mesh-wide, GatewayClass suggestion (never a fix)",
      code: `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: req-authn-for-all
  namespace: istio-system
spec:
  jwtRules:
  - issuer: "issuer-foo"
    jwksUri: https://example.com/.well-known/jwks.json
`,
      settings: { "istio-ambient": { waypoint: "waypoint" } },
      output: null,
      errors: [
        {
          message:
            "RequestAuthentication istio-system/req-authn-for-all (mesh-wide) is ignored in ambient without `targetRefs`: no JWT is validated and `requestPrincipals` never match.",
          line: 6,
          suggestions: [
            {
              messageId: "useWaypointClass",
              output: `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: req-authn-for-all
  namespace: istio-system
spec:
  jwtRules:
  - issuer: "issuer-foo"
    jwksUri: https://example.com/.well-known/jwks.json
  targetRefs:
  - kind: GatewayClass
    group: ${GW}
    name: istio-waypoint
`,
            },
          ],
        },
      ],
    },
    {
      name: "root-namespace selector on application pods: GatewayClass suggestion, no guessed Service",
      code: JWT_EXAMPLE.replace("namespace: foo", "namespace: istio-system"),
      output: null,
      errors: [
        {
          messageId: "selector",
          data: {
            resource: "RequestAuthentication istio-system/jwt-example",
            attached: "selector, root namespace",
            consequence: "no JWT is validated and `requestPrincipals` never match",
          },
          suggestions: [
            { messageId: "useWaypointClass", output: toRefs(JWT_EXAMPLE.replace("namespace: foo", "namespace: istio-system"), "GatewayClass", GW, "istio-waypoint") },
          ],
        },
      ],
    },
    {
      name: "selector Telemetry when Telemetry is enabled",
      code: `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: has-selector
  namespace: ns1
spec:
  selector: # Since this has a selector, it shouldn't conflict with the other Telemetry in the namespace
    matchLabels:
      app: reviews
  tracing:
  - randomSamplingPercentage: 10.00
`,
      options: ALL_KINDS,
      output: null,
      errors: [
        {
          message:
            "Telemetry ns1/has-selector (selector) is ignored in ambient without `targetRefs`: its settings no longer apply.",
          line: 7,
          suggestions: [
            {
              messageId: "useWaypoint",
              output: `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: has-selector
  namespace: ns1
spec:
  # Since this has a selector, it shouldn't conflict with the other Telemetry in the namespace
  targetRefs:
  - kind: Gateway
    group: ${GW}
    name: waypoint
  tracing:
  - randomSamplingPercentage: 10.00
`,
            },
            {
              messageId: "useGuessedService",
              data: { name: "reviews" },
              output: `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: has-selector
  namespace: ns1
spec:
  # Since this has a selector, it shouldn't conflict with the other Telemetry in the namespace
  targetRefs:
  - kind: Service
    group: ""
    name: reviews
  tracing:
  - randomSamplingPercentage: 10.00
`,
            },
          ],
        },
      ],
    },
    {
      name: "TrafficExtension when enabled",
      code: `apiVersion: extensions.istio.io/v1alpha1
kind: TrafficExtension
metadata:
  name: reviews-header-logger
  namespace: default
spec:
  selector:
    matchLabels:
      app: reviews
  match:
  - mode: SERVER
  phase: STATS
  lua:
    inlineCode: |
      function envoy_on_request(request_handle)
      end
`,
      options: [{ kinds: ["TrafficExtension"] }],
      output: null,
      errors: [
        {
          messageId: "selector",
          data: {
            resource: "TrafficExtension default/reviews-header-logger",
            attached: "selector",
            consequence: "the extension does not run",
          },
          suggestions: [
            { messageId: "useWaypoint", output: "SELECTOR:Gateway" },
            { messageId: "useGuessedService", output: "SELECTOR:Service" },
          ],
        },
      ],
    },
    suggestionOnly({
      name: "kind: List with a waypoint but no Service it serves: suggestions inside the item, no fix",
      code: `apiVersion: v1
kind: List
items:
- apiVersion: ${GW}/v1
  kind: Gateway
  metadata: {name: waypoint, namespace: bookinfo}
  spec:
    gatewayClassName: istio-waypoint
    listeners:
    - {name: mesh, port: 15008, protocol: HBONE}
- apiVersion: extensions.istio.io/v1alpha1
  kind: WasmPlugin
  metadata:
    name: openid-connect
    namespace: bookinfo
  spec:
    selector:
      matchLabels:
        app: productpage
    url: oci://private-registry:5000/openid-connect/openid:latest
`,
      output: `apiVersion: v1
kind: List
items:
- apiVersion: ${GW}/v1
  kind: Gateway
  metadata: {name: waypoint, namespace: bookinfo}
  spec:
    gatewayClassName: istio-waypoint
    listeners:
    - {name: mesh, port: 15008, protocol: HBONE}
- apiVersion: extensions.istio.io/v1alpha1
  kind: WasmPlugin
  metadata:
    name: openid-connect
    namespace: bookinfo
  spec:
    targetRefs:
    - kind: Gateway
      group: ${GW}
      name: waypoint
    url: oci://private-registry:5000/openid-connect/openid:latest
`,
      errors: [
        {
          messageId: "selector",
          line: 17,
          column: 5,
          suggestions: [
            { messageId: "useWaypoint", output: "SAME_AS_FIX" },
            {
              messageId: "useGuessedService",
              output: `apiVersion: v1
kind: List
items:
- apiVersion: ${GW}/v1
  kind: Gateway
  metadata: {name: waypoint, namespace: bookinfo}
  spec:
    gatewayClassName: istio-waypoint
    listeners:
    - {name: mesh, port: 15008, protocol: HBONE}
- apiVersion: extensions.istio.io/v1alpha1
  kind: WasmPlugin
  metadata:
    name: openid-connect
    namespace: bookinfo
  spec:
    targetRefs:
    - kind: Service
      group: ""
      name: productpage
    url: oci://private-registry:5000/openid-connect/openid:latest
`,
            },
          ],
        },
      ],
    }),
    suggestionOnly({
      name: "flow-style RequestAuthentication: suggestions stay flow (no fix: nothing shows the waypoint serves httpbin)",
      code: `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: foo}
spec: {selector: {matchLabels: {app: httpbin}}, jwtRules: [{issuer: "testing@secure.istio.io"}]}
`,
      settings: { "istio-ambient": { waypoint: "waypoint" } },
      output: `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: foo}
spec: {targetRefs: [{kind: Gateway, group: ${GW}, name: waypoint}], jwtRules: [{issuer: "testing@secure.istio.io"}]}
`,
      errors: [
        {
          messageId: "selector",
          line: 4,
          column: 8,
          suggestions: [
            { messageId: "useWaypoint", output: "SAME_AS_FIX" },
            {
              messageId: "useGuessedService",
              output: `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: foo}
spec: {targetRefs: [{kind: Service, group: "", name: httpbin}], jwtRules: [{issuer: "testing@secure.istio.io"}]}
`,
            },
          ],
        },
      ],
    }),
    suggestionOnly({
      name: "JSON manifest: suggestions stay JSON (no fix: nothing shows the waypoint serves httpbin)",
      filename: "jwt.json",
      code: `{
  "apiVersion": "security.istio.io/v1",
  "kind": "RequestAuthentication",
  "metadata": {"name": "jwt", "namespace": "foo"},
  "spec": {
    "selector": {"matchLabels": {"app": "httpbin"}},
    "jwtRules": [{"issuer": "testing@secure.istio.io"}]
  }
}
`,
      settings: { "istio-ambient": { waypoint: "waypoint" } },
      output: `{
  "apiVersion": "security.istio.io/v1",
  "kind": "RequestAuthentication",
  "metadata": {"name": "jwt", "namespace": "foo"},
  "spec": {
    "targetRefs": [{"kind": "Gateway", "group": "gateway.networking.k8s.io", "name": "waypoint"}],
    "jwtRules": [{"issuer": "testing@secure.istio.io"}]
  }
}
`,
      errors: [
        {
          messageId: "selector",
          line: 6,
          column: 5,
          suggestions: [
            { messageId: "useWaypoint", output: "SAME_AS_FIX" },
            {
              messageId: "useGuessedService",
              output: `{
  "apiVersion": "security.istio.io/v1",
  "kind": "RequestAuthentication",
  "metadata": {"name": "jwt", "namespace": "foo"},
  "spec": {
    "targetRefs": [{"kind": "Service", "group": "", "name": "httpbin"}],
    "jwtRules": [{"issuer": "testing@secure.istio.io"}]
  }
}
`,
            },
          ],
        },
      ],
    }),
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Cross-file: the Services and waypoints of the repository (tests/fixtures/repos/upgrades, see its README).

const UPGRADES = fileURLToPath(new URL("../fixtures/repos/upgrades", import.meta.url));
/** Lint `rel` inside the fixture repository (the file need not exist: the case's code overlays it). */
const inRepo = (rel: string, own: Record<string, unknown> = {}) => ({
  filename: path.join(UPGRADES, rel),
  settings: { "istio-ambient": { root: UPGRADES, ...own } },
});
const disk = (rel: string) => fs.readFileSync(path.join(UPGRADES, rel), "utf8");
const indentedRefs = (kind: string, group: string, name: string) =>
  `  targetRefs:\n    - kind: ${kind}\n      group: ${group === "" ? '""' : group}\n      name: ${name}\n`;
const selectorOf = (labels: Record<string, string>) =>
  "  selector:\n    matchLabels:\n" + Object.entries(labels).map(([k, v]) => `      ${k}: ${v}\n`).join("");
const swap = (code: string, labels: Record<string, string>, kind: string, group: string, name: string) =>
  code.replace(selectorOf(labels), indentedRefs(kind, group, name));

const PRODUCTPAGE_JWT = disk("policies/productpage-jwt.yaml");
const REVIEWS_V3_JWT = PRODUCTPAGE_JWT.replace("name: productpage-jwt", "name: reviews-v3-jwt").replace(
  selectorOf({ app: "productpage" }),
  selectorOf({ app: "reviews", version: "v3" }),
);
/** A namespace-wide WasmPlugin. */
const headersPlugin = (namespace: string) => `apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: request-headers
  namespace: ${namespace}
spec:
  url: oci://ghcr.io/example/header-filter:1.0.0
  phase: STATS
`;

cases.valid.push({
  name: "cross-file: a Kustomize patch without selector changes a selector policy; it is not namespace-wide",
  code: disk("overlays/prod/productpage-jwt-patch.yaml"),
  ...inRepo("overlays/prod/productpage-jwt-patch.yaml"),
});

cases.invalid.push(
  suggestionOnly({
    name: "cross-file: the Service selecting the same pods (apps/) is bound to a waypoint of another unit (mesh/): suggestions, no fix",
    code: PRODUCTPAGE_JWT,
    ...inRepo("policies/productpage-jwt.yaml"),
    output: swap(PRODUCTPAGE_JWT, { app: "productpage" }, "Service", "", "productpage"),
    errors: [
      {
        message: "RequestAuthentication bookinfo/productpage-jwt (selector) is ignored in ambient without `targetRefs`: no JWT is validated and `requestPrincipals` never match.",
        line: 7,
        suggestions: [
          { messageId: "useWaypoint", data: { name: "bookinfo-waypoint" }, output: swap(PRODUCTPAGE_JWT, { app: "productpage" }, "Gateway", GW, "bookinfo-waypoint") },
          {
            desc: "Attach it with `targetRefs` to Service productpage (productpage.yaml:1).",
            output: swap(PRODUCTPAGE_JWT, { app: "productpage" }, "Service", "", "productpage"),
          },
        ],
      },
    ],
  }),
  suggestionOnly({
    name: "cross-file: no Service selects exactly these pods; the namespace's waypoint also serves other Services (wider reach): suggestions, no fix",
    code: REVIEWS_V3_JWT,
    ...inRepo("policies/reviews-v3-jwt.yaml"),
    output: swap(REVIEWS_V3_JWT, { app: "reviews", version: "v3" }, "Gateway", GW, "bookinfo-waypoint"),
    errors: [
      {
        messageId: "selector",
        suggestions: [
          { messageId: "useWaypoint", data: { name: "bookinfo-waypoint" }, output: swap(REVIEWS_V3_JWT, { app: "reviews", version: "v3" }, "Gateway", GW, "bookinfo-waypoint") },
          {
            desc: "Target Service reviews (reviews.yaml:1): it also selects pods without version=v3.",
            output: swap(REVIEWS_V3_JWT, { app: "reviews", version: "v3" }, "Service", "", "reviews"),
          },
        ],
      },
    ],
  }),
  suggestionOnly({
    name: "cross-file: namespace-wide WasmPlugin, the namespace's waypoint is deployed by another unit: the targetRefs suggestion, no fix",
    code: headersPlugin("bookinfo"),
    ...inRepo("policies/request-headers.yaml"),
    output: headersPlugin("bookinfo") + indentedRefs("Gateway", GW, "bookinfo-waypoint"),
    errors: [{ messageId: "namespaceWide", line: 6, suggestions: [{ messageId: "useWaypoint", data: { name: "bookinfo-waypoint" }, output: "SAME_AS_FIX" }] }],
  }),
  {
    name: "cross-file: two waypoints in the namespace, its only Service uses checkout-orders-waypoint: that one is the only suggestion (never a waypoint serving none of them)",
    code: headersPlugin("checkout"),
    ...inRepo("policies/checkout-headers.yaml"),
    output: null,
    errors: [
      {
        messageId: "namespaceWide",
        suggestions: [
          { messageId: "useWaypoint", data: { name: "checkout-orders-waypoint" }, output: headersPlugin("checkout") + indentedRefs("Gateway", GW, "checkout-orders-waypoint") },
        ],
      },
    ],
  },
  suggestionOnly({
    name: "cross-file: two waypoints in the namespace, settings name the one that serves none of its Services: only the waypoint that does is suggested",
    code: headersPlugin("checkout"),
    ...inRepo("policies/checkout-headers.yaml", { waypoint: { checkout: "checkout-payments-waypoint" } }),
    output: headersPlugin("checkout") + indentedRefs("Gateway", GW, "checkout-orders-waypoint"),
    errors: [{ messageId: "namespaceWide", suggestions: [{ messageId: "useWaypoint", data: { name: "checkout-orders-waypoint" }, output: "SAME_AS_FIX" }] }],
  }),
  suggestionOnly({
    name: "cross-file: the namespace's waypoint lives outside the repository (assumeExists): suggestion, no fix (its Services are not shown)",
    code: headersPlugin("orders"),
    ...inRepo("policies/orders-headers.yaml", { assumeExists: [{ kind: "Gateway", name: "orders-waypoint", namespace: "orders" }] }),
    output: headersPlugin("orders") + indentedRefs("Gateway", GW, "orders-waypoint"),
    errors: [{ messageId: "namespaceWide", suggestions: [{ messageId: "useWaypoint", data: { name: "orders-waypoint" }, output: "SAME_AS_FIX" }] }],
  }),
  {
    name: "outside the index root: single-file behaviour (default waypoint and guessed Service, no fix)",
    code: PRODUCTPAGE_JWT,
    filename: path.join(UPGRADES, "policies/productpage-jwt.yaml"),
    output: null,
    errors: [
      {
        messageId: "selector",
        suggestions: [
          { messageId: "useWaypoint", data: { name: "waypoint" }, output: swap(PRODUCTPAGE_JWT, { app: "productpage" }, "Gateway", GW, "waypoint") },
          { messageId: "useGuessedService", data: { name: "productpage" }, output: swap(PRODUCTPAGE_JWT, { app: "productpage" }, "Service", "", "productpage") },
        ],
      },
    ],
  },
);

// The fix cases: a unit that deploys the waypoint with the Services it serves (tests/fixtures/repos/waypoint-moves).
const MOVES = fileURLToPath(new URL("../fixtures/repos/waypoint-moves", import.meta.url));
const CART_JWT = fs.readFileSync(path.join(MOVES, "cart-jwt.yaml"), "utf8");
cases.invalid.push({
  name: "the Service selecting the pods is the only one and is bound to a waypoint deployed with it: fix to the Service; the namespace-wide WasmPlugin's fix is that waypoint (it serves exactly the namespace's Services)",
  code: CART_JWT,
  filename: path.join(MOVES, "cart-jwt.yaml"),
  settings: { "istio-ambient": { root: MOVES } },
  // Each suggestion fixes one of the two resources; the other is still reported.
  suggestionSafe: [{ remaining: 1 }, { remaining: 1 }],
  output: CART_JWT.replace(selectorOf({ app: "cart" }), indentedRefs("Service", "", "cart")).replace(
    "  url: oci://registry.example/headers:1.0\n",
    "  url: oci://registry.example/headers:1.0\n" + indentedRefs("Gateway", GW, "waypoint"),
  ),
  errors: [
    {
      messageId: "selector",
      suggestions: [
        { messageId: "useWaypoint", data: { name: "waypoint" }, output: CART_JWT.replace(selectorOf({ app: "cart" }), indentedRefs("Gateway", GW, "waypoint")) },
        { messageId: "useServiceIn", data: { name: "cart", where: "apps.yaml:40" }, output: CART_JWT.replace(selectorOf({ app: "cart" }), indentedRefs("Service", "", "cart")) },
      ],
    },
    {
      messageId: "namespaceWide",
      suggestions: [{ messageId: "useWaypoint", data: { name: "waypoint" }, output: CART_JWT.replace("  url: oci://registry.example/headers:1.0\n", "  url: oci://registry.example/headers:1.0\n" + indentedRefs("Gateway", GW, "waypoint")) }],
    },
  ],
});

// Expand the shorthands: "SAME_AS_FIX" = the fix output; "SELECTOR:<Kind>" = the selector of `code` replaced by a
// targetRefs entry to the default waypoint Gateway, or to the Service named by the `app` label.
const SELECTOR = /  selector:\n    matchLabels:\n      app: (\S+)\n/;
for (const c of cases.invalid) {
  for (const e of c.errors as Array<Record<string, unknown>>) {
    for (const s of (e.suggestions as Array<{ output: string }> | undefined) ?? []) {
      if (s.output === "SAME_AS_FIX") s.output = c.output as string;
      const m = /^SELECTOR:(\w+)$/.exec(s.output);
      if (m) {
        const app = SELECTOR.exec(c.code)![1];
        s.output = c.code.replace(
          SELECTOR,
          m[1] === "Gateway" ? `  targetRefs:\n  - kind: Gateway\n    group: ${GW}\n    name: waypoint\n` : `  targetRefs:\n  - kind: Service\n    group: ""\n    name: ${app}\n`,
        );
      }
    }
  }
}

ruleSuite("waypoint-policy-targetrefs", rule, cases);
