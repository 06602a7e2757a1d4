/**
 * Fixture shapes: istio.io ambient docs (bookinfo waypoint policies, `targetRefs` to a Service or to the waypoint
 * Gateway), the Telemetry with both `selector` and `targetRef` from istio/istio's analyzer testdata (corpus:
 * istio__istio/pkg__config__analysis__analyzers__testdata__k8sgateway-selector.yaml), and the TrafficExtension
 * Lua example of istio/api extensions/v1alpha1/traffic_extension.proto.
 */
import rule from "../../rules/valid-policy-targetrefs.js";
import type { RuleTester } from "eslint";
import { describe, expect, it } from "vitest";
import { ruleSuite, type InvalidCase } from "../helpers/rule-suite.js";
import { expectSafeOutput, fix, lint } from "../helpers/lint.js";

const GW = "gateway.networking.k8s.io";

/** An AuthorizationPolicy in `bookinfo` whose spec starts with `attach` (YAML lines at 2-space indent). */
function policy(attach: string, opts: { kind?: string; apiVersion?: string; namespace?: string | null; name?: string; rest?: string } = {}): string {
  const ns = opts.namespace === undefined ? "bookinfo" : opts.namespace;
  return `apiVersion: ${opts.apiVersion ?? "security.istio.io/v1"}
kind: ${opts.kind ?? "AuthorizationPolicy"}
metadata:
  name: ${opts.name ?? "allow-get"}
${ns === null ? "" : `  namespace: ${ns}\n`}spec:
${attach}${opts.rest ?? `  rules:
  - to:
    - operation:
        methods: ["GET"]
`}`;
}

const TO_WAYPOINT = `  targetRefs:
  - kind: Gateway
    group: ${GW}
    name: waypoint
`;

/** The waypoint of `istioctl waypoint generate` in bookinfo. */
const WAYPOINT_GW = `apiVersion: ${GW}/v1
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
`;
const ON_WAYPOINT_PODS = `  selector:
    matchLabels:
      gateway.networking.k8s.io/gateway-name: waypoint
`;

const refs = (n: number) => "  targetRefs:\n" + Array.from({ length: n }, (_, i) => `  - kind: Service\n    name: svc-${i}\n`).join("");

const RA_REST = `  jwtRules:
  - issuer: testing@secure.istio.io
`;

const cases: { valid: RuleTester.ValidTestCase[]; invalid: InvalidCase[] } = {
  valid: [
    { name: "a selector on the pods of a Gateway that is not a waypoint (an ingress gateway keeps selector policies)", code: policy(ON_WAYPOINT_PODS.replace(": waypoint", ": bookinfo-gateway")) },
    { name: "a selector on gateway-name pods when no such waypoint is known", code: policy(ON_WAYPOINT_PODS) },
    { name: "targetRefs to the waypoint Gateway", code: policy(TO_WAYPOINT) },
    { name: "Service target without group (means core)", code: policy("  targetRefs:\n  - kind: Service\n    name: reviews\n") },
    { name: 'Service target with group "core"', code: policy("  targetRefs:\n  - kind: Service\n    group: core\n    name: reviews\n") },
    { name: "ServiceEntry target", code: policy("  targetRefs:\n  - kind: ServiceEntry\n    group: networking.istio.io\n    name: external-api\n") },
    { name: "selector-only policy (sidecar-era attachment is another rule's business)", code: policy("  selector:\n    matchLabels:\n      app: reviews\n") },
    {
      name: "GatewayClass istio-waypoint from the root namespace",
      code: policy(`  targetRefs:\n  - kind: GatewayClass\n    group: ${GW}\n    name: istio-waypoint\n`, { namespace: "istio-system" }),
    },
    {
      name: "GatewayClass from a policy without metadata.namespace: placement unknown, not reported",
      code: policy(`  targetRefs:\n  - kind: GatewayClass\n    group: ${GW}\n    name: istio-waypoint\n`, { namespace: null }),
    },
    {
      name: "GatewayClass from a custom root namespace",
      code: policy(`  targetRefs:\n  - kind: GatewayClass\n    group: ${GW}\n    name: istio-waypoint\n`, { namespace: "istio-config" }),
      settings: { "istio-ambient": { rootNamespace: "istio-config" } },
    },
    { name: "exactly 16 targetRefs", code: policy(refs(16)) },
    { name: "empty targetRefs next to a selector is not a conflict", code: policy("  selector:\n    matchLabels:\n      app: reviews\n  targetRefs: []\n") },
    { name: "null selector next to targetRefs is not a conflict", code: policy("  selector:\n" + TO_WAYPOINT) },
    { name: 'empty target namespace ("") is allowed', code: policy('  targetRefs:\n  - kind: Service\n    name: reviews\n    namespace: ""\n') },
    {
      name: "EnvoyFilter with targetRefs only",
      code: policy("  targetRefs:\n  - kind: Service\n    name: reviews\n", { kind: "EnvoyFilter", apiVersion: "networking.istio.io/v1alpha3", rest: "  configPatches: []\n" }),
    },
    {
      name: "Linkerd AuthorizationPolicy with targetRef is not Istio's",
      code: `apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata:
  name: podinfo
spec:
  targetRef:
    group: policy.linkerd.io
    kind: Server
    name: podinfo
`,
    },
    {
      name: "Gateway API policies are not Istio's",
      code: `apiVersion: ${GW}/v1
kind: BackendTLSPolicy
metadata:
  name: tls
  namespace: bookinfo
spec:
  targetRefs:
  - group: ""
    kind: Service
    name: reviews
    namespace: other
  validation:
    hostname: reviews.bookinfo.svc
    wellKnownCACertificates: System
`,
    },
    { name: "PeerAuthentication takes no targetRefs", code: policy("  selector:\n    matchLabels:\n      app: reviews\n", { kind: "PeerAuthentication", rest: "  mtls:\n    mode: STRICT\n" }) },
    { name: "not a Kubernetes manifest", code: "foo: bar\nlist: [1, 2]\n" },
    { name: "empty file", code: "" },
    {
      name: "odd shapes do not crash",
      code:
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nspec: 3\n---\n" +
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nspec:\n  targetRefs: nope\n  targetRef: also-nope\n---\n" +
        "apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nspec:\n  targetRefs: [null, 1, [], text]\n---\n" +
        "apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata: 7\nspec: {selector: null, targetRef: null}\n",
    },
  ],
  invalid: [
    {
      name: "IST0166: a selector AuthorizationPolicy on the waypoint's pods is ignored; suggestion: targetRefs to that Gateway",
      code: WAYPOINT_GW + "---\n" + policy(ON_WAYPOINT_PODS),
      output: null,
      errors: [
        {
          message:
            "AuthorizationPolicy bookinfo/allow-get selects the pods of waypoint waypoint (`gateway.networking.k8s.io/gateway-name`), but waypoints ignore `selector` policies: this AuthorizationPolicy applies nowhere.",
          line: 19,
          suggestions: [{ messageId: "targetWaypoint", data: { gateway: "waypoint" }, output: WAYPOINT_GW + "---\n" + policy(TO_WAYPOINT) }],
        },
      ],
    },
    {
      name: "IST0166: a RequestAuthentication selecting every Istio waypoint of the namespace (gateway.istio.io/managed)",
      code: WAYPOINT_GW + "---\n" + policy("  selector:\n    matchLabels:\n      gateway.istio.io/managed: istio.io-mesh-controller\n", { kind: "RequestAuthentication", name: "jwt", rest: RA_REST }),
      output: null,
      errors: [
        {
          messageId: "selectorOnWaypoint",
          data: { resource: "RequestAuthentication bookinfo/jwt", waypoint: "every Istio waypoint", key: "gateway.istio.io/managed", kind: "RequestAuthentication" },
          suggestions: [{ messageId: "targetWaypoint", output: WAYPOINT_GW + "---\n" + policy(TO_WAYPOINT, { kind: "RequestAuthentication", name: "jwt", rest: RA_REST }) }],
        },
      ],
    },
    {
      name: "deprecated singular targetRef: fix to targetRefs, comments kept",
      code: policy(`  # the waypoint
  targetRef:
    kind: Gateway
    group: ${GW}
    name: waypoint # ours
`),
      output: policy(`  # the waypoint
  # ours
  targetRefs:
  - kind: Gateway
    group: ${GW}
    name: waypoint
`),
      errors: [
        {
          message:
            "AuthorizationPolicy bookinfo/allow-get uses the deprecated singular `targetRef`, kept only for compatibility: write `targetRefs`.",
          line: 8,
          column: 3,
          endLine: 8,
          endColumn: 12,
        },
      ],
    },
    {
      name: "TrafficExtension has no targetRef at all",
      code: policy("  targetRef:\n    kind: Service\n    name: reviews\n", {
        kind: "TrafficExtension",
        apiVersion: "extensions.istio.io/v1alpha1",
        name: "lua",
        rest: '  lua:\n    inlineCode: "function envoy_on_request(h) end"\n',
      }),
      output: policy("  targetRefs:\n    - kind: Service\n      name: reviews\n", {
        kind: "TrafficExtension",
        apiVersion: "extensions.istio.io/v1alpha1",
        name: "lua",
        rest: '  lua:\n    inlineCode: "function envoy_on_request(h) end"\n',
      }),
      errors: [
        {
          message:
            "TrafficExtension bookinfo/lua uses `targetRef`, which TrafficExtension lacks: the API server rejects or drops it, so the TrafficExtension applies namespace-wide.",
          line: 7,
        },
      ],
    },
    {
      name: "selector after targetRefs: reported at selector, suggestion removes it",
      code: policy(TO_WAYPOINT + "  selector:\n    matchLabels:\n      app: reviews\n"),
      output: null,
      errors: [
        {
          message:
            "AuthorizationPolicy bookinfo/allow-get sets `selector` with `targetRefs` (line 7), so the API server rejects it (only one of `selector`, `targetRef` or `targetRefs` may be set).",
          line: 11,
          column: 3,
          suggestions: [{ messageId: "removeSelector", data: { selectorKey: "selector", key: "targetRefs" }, output: policy(TO_WAYPOINT) }],
        },
      ],
    },
    {
      name: "Telemetry with selector then targetRef (istio analyzer testdata): conflict at targetRef, plus the singular fix",
      code: `# has targetRef set, should be effective
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: telemetry-effective
  namespace: default
spec:
  selector:
    matchLabels:
      gateway.networking.k8s.io/gateway-name: bookinfo-gateway
  targetRef:
    group: gateway.networking.k8s.io
    kind: Gateway
    name: bookinfo-gateway
`,
      output: `# has targetRef set, should be effective
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: telemetry-effective
  namespace: default
spec:
  selector:
    matchLabels:
      gateway.networking.k8s.io/gateway-name: bookinfo-gateway
  targetRefs:
    - group: gateway.networking.k8s.io
      kind: Gateway
      name: bookinfo-gateway
`,
      safe: { remaining: 1 },
      errors: [
        {
          messageId: "conflictSelector",
          data: { resource: "Telemetry default/telemetry-effective", key: "targetRef", first: "selector", line: 8, selectorKey: "selector", allowed: "`selector`, `targetRef` or `targetRefs`" },
          line: 11,
          suggestions: [
            {
              messageId: "removeSelector",
              output: `# has targetRef set, should be effective
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: telemetry-effective
  namespace: default
spec:
  targetRef:
    group: gateway.networking.k8s.io
    kind: Gateway
    name: bookinfo-gateway
`,
            },
          ],
        },
        { messageId: "singular", line: 11 },
      ],
      // The suggestion leaves the deprecated targetRef (its own fix).
      suggestionSafe: [{ remaining: 1 }],
    },
    {
      name: "EnvoyFilter: workloadSelector with targetRefs",
      code: policy("  workloadSelector:\n    labels:\n      app: reviews\n  targetRefs:\n  - kind: Service\n    name: reviews\n", {
        kind: "EnvoyFilter",
        apiVersion: "networking.istio.io/v1alpha3",
        name: "lua",
        rest: "  configPatches: []\n",
      }),
      output: null,
      errors: [
        {
          message:
            "EnvoyFilter bookinfo/lua sets `targetRefs` with `workloadSelector` (line 7), so the API server rejects it (only one of `workloadSelector` or `targetRefs` may be set).",
          line: 10,
          suggestions: [
            {
              messageId: "removeSelector",
              data: { selectorKey: "workloadSelector", key: "targetRefs" },
              output: policy("  targetRefs:\n  - kind: Service\n    name: reviews\n", {
                kind: "EnvoyFilter",
                apiVersion: "networking.istio.io/v1alpha3",
                name: "lua",
                rest: "  configPatches: []\n",
              }),
            },
          ],
        },
      ],
    },
    {
      name: "targetRef with targetRefs (flow style): merge suggestion; cross-namespace entry",
      code: policy("  targetRef: {kind: Service, name: reviews}\n  targetRefs: [{kind: Service, name: ratings, namespace: other}]\n", { kind: "Telemetry", apiVersion: "telemetry.istio.io/v1", name: "t", rest: "" }),
      output: null,
      errors: [
        {
          messageId: "conflictTargetRef",
          line: 8,
          column: 3,
          suggestions: [
            {
              messageId: "mergeTargetRef",
              output: policy("  targetRefs: [{kind: Service, name: ratings, namespace: other}, {kind: Service, name: reviews}]\n", { kind: "Telemetry", apiVersion: "telemetry.istio.io/v1", name: "t", rest: "" }),
            },
          ],
        },
        {
          message:
            "targetRefs[0] of Telemetry bookinfo/t points to namespace other, not the policy's bookinfo, so the API server rejects it.",
          line: 8,
          column: 47,
          suggestions: [
            {
              messageId: "removeNamespace",
              data: { kind: "Service", name: "ratings", policyNamespace: "bookinfo" },
              output: policy("  targetRef: {kind: Service, name: reviews}\n  targetRefs: [{kind: Service, name: ratings}]\n", { kind: "Telemetry", apiVersion: "telemetry.istio.io/v1", name: "t", rest: "" }),
            },
          ],
        },
      ],
      suggestionSafe: [{ remaining: 1 }, { remaining: 1 }],
    },
    {
      name: "targetRef already in targetRefs: the merge only removes targetRef",
      code: policy("  targetRef: {kind: Service, name: reviews}\n  targetRefs: [{kind: Service, group: \"\", name: reviews}]\n", { kind: "Telemetry", apiVersion: "telemetry.istio.io/v1", name: "t", rest: "" }),
      output: null,
      errors: [
        {
          messageId: "conflictTargetRef",
          suggestions: [
            { messageId: "mergeTargetRef", output: policy("  targetRefs: [{kind: Service, group: \"\", name: reviews}]\n", { kind: "Telemetry", apiVersion: "telemetry.istio.io/v1", name: "t", rest: "" }) },
          ],
        },
      ],
    },
    {
      name: "group/kind slips are fixed at their key; an unknown kind is only reported",
      code: policy(
        `  targetRefs:
  - kind: Service
    group: ${GW}
    name: reviews
  - kind: Gateway
    name: waypoint
  - kind: service
    name: ratings
  - kind: ServiceEntry
    name: external-api
  - kind: HTTPRoute
    group: ${GW}
    name: reviews-route
`,
        { kind: "RequestAuthentication", name: "jwt", rest: RA_REST },
      ),
      output: policy(
        `  targetRefs:
  - kind: Service
    group: ""
    name: reviews
  - kind: Gateway
    name: waypoint
    group: ${GW}
  - kind: Service
    name: ratings
  - kind: ServiceEntry
    name: external-api
    group: networking.istio.io
  - kind: HTTPRoute
    group: ${GW}
    name: reviews-route
`,
        { kind: "RequestAuthentication", name: "jwt", rest: RA_REST },
      ),
      safe: { remaining: 1 },
      errors: [
        {
          message:
            "targetRefs[0] of RequestAuthentication bookinfo/jwt targets `kind: Service` with `group: gateway.networking.k8s.io`, which Istio's webhook rejects; write `kind: Service` with `group: \"\"`.",
          line: 9,
          column: 5,
        },
        { messageId: "targetFixable", data: { resource: "RequestAuthentication bookinfo/jwt", ref: "targetRefs[1]", got: "`kind: Gateway` with no group (core)", name: "waypoint", want: "`kind: Gateway` with `group: gateway.networking.k8s.io`" }, line: 11 },
        { messageId: "targetFixable", data: { resource: "RequestAuthentication bookinfo/jwt", ref: "targetRefs[2]", got: "`kind: service` with no group (core)", name: "ratings", want: "`kind: Service`" }, line: 13 },
        { messageId: "targetFixable", line: 15 },
        {
          message:
            "targetRefs[4] of RequestAuthentication bookinfo/jwt targets `kind: HTTPRoute` with `group: gateway.networking.k8s.io`, which Istio's webhook rejects, so no proxy applies the policy.",
          line: 17,
          column: 5,
        },
      ],
    },
    {
      name: "classic Istio Gateway of that name in the file: no group rewrite",
      code:
        `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
  namespace: bookinfo
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
---
` + policy("  targetRefs:\n  - kind: Gateway\n    group: networking.istio.io\n    name: bookinfo-gateway\n"),
      output: null,
      errors: [
        {
          message:
            "targetRefs[0] of AuthorizationPolicy bookinfo/allow-get targets networking.istio.io Gateway bookinfo-gateway, which Istio's webhook rejects, so no proxy applies the policy.",
          line: 21,
        },
      ],
    },
    {
      name: "target namespace equal to the policy's: removed",
      code: policy("  targetRefs:\n  - kind: Service\n    name: reviews\n    namespace: bookinfo\n"),
      output: policy("  targetRefs:\n  - kind: Service\n    name: reviews\n"),
      errors: [
        {
          message:
            "targetRefs[0] of AuthorizationPolicy bookinfo/allow-get sets `namespace: bookinfo`, which the API server rejects (targets are in the policy's namespace).",
          line: 10,
          column: 5,
          endColumn: 14,
        },
      ],
    },
    {
      name: "target namespace on a policy without metadata.namespace: removed",
      code: policy("  targetRefs:\n  - kind: Service\n    namespace: bookinfo\n    name: reviews\n", { namespace: null }),
      output: policy("  targetRefs:\n  - kind: Service\n    name: reviews\n", { namespace: null }),
      errors: [{ messageId: "namespaceSame", line: 8 }],
    },
    {
      name: "target in another namespace, single target: remove it, or move the policy",
      code: policy('  targetRefs:\n  - kind: Service\n    group: ""\n    name: reviews\n    namespace: other\n', { name: "deny-all", rest: "" }),
      output: null,
      errors: [
        {
          messageId: "namespaceOther",
          data: { resource: "AuthorizationPolicy bookinfo/deny-all", ref: "targetRefs[0]", namespace: "other", policyNamespace: "bookinfo" },
          line: 11,
          suggestions: [
            { messageId: "removeNamespace", output: policy('  targetRefs:\n  - kind: Service\n    group: ""\n    name: reviews\n', { name: "deny-all", rest: "" }) },
            { messageId: "moveToNamespace", data: { namespace: "other" }, output: policy('  targetRefs:\n  - kind: Service\n    group: ""\n    name: reviews\n', { name: "deny-all", namespace: "other", rest: "" }) },
          ],
        },
      ],
    },
    {
      name: "GatewayClass outside the root namespace",
      code: policy(`  targetRefs:\n  - kind: GatewayClass\n    group: ${GW}\n    name: istio-waypoint\n`),
      output: null,
      errors: [
        {
          message:
            "targetRefs[0] of AuthorizationPolicy bookinfo/allow-get targets a GatewayClass outside the root namespace (istio-system), so Istio matches nothing.",
          line: 8,
          column: 5,
        },
      ],
    },
    {
      name: "GatewayClass outside a custom root namespace",
      code: policy(`  targetRefs:\n  - kind: GatewayClass\n    group: ${GW}\n    name: istio-waypoint\n`, { namespace: "istio-system" }),
      settings: { "istio-ambient": { rootNamespace: "istio-config" } },
      output: null,
      errors: [{ messageId: "gatewayClassNamespace", data: { resource: "AuthorizationPolicy istio-system/allow-get", ref: "targetRefs[0]", root: "istio-config" } }],
    },
    {
      name: "GatewayClass other than istio-waypoint, reported at name",
      code: policy(`  targetRefs:\n  - kind: GatewayClass\n    group: ${GW}\n    name: istio\n`, { namespace: "istio-system" }),
      output: null,
      errors: [
        {
          message:
            "targetRefs[0] of AuthorizationPolicy istio-system/allow-get targets GatewayClass istio, but Istio attaches policies only to GatewayClass `istio-waypoint`, so it matches nothing.",
          line: 10,
          column: 5,
        },
      ],
    },
    {
      name: "more than 16 targetRefs: reported at the 17th entry",
      code: policy(refs(17)),
      output: null,
      errors: [
        {
          message: "AuthorizationPolicy bookinfo/allow-get has 17 `targetRefs`, over the 16 the API server accepts: split it into several policies.",
          line: 7 + 2 * 16 + 1,
          column: 5,
        },
      ],
    },
    {
      name: "multi-document file: each resource reported on its own",
      code: policy(TO_WAYPOINT.replace("kind: Gateway\n", "kind: Gateway\n    namespace: bookinfo\n")) + "---\n" + policy("  targetRef:\n    kind: Service\n    name: reviews\n", { name: "second" }),
      output: policy(TO_WAYPOINT) + "---\n" + policy("  targetRefs:\n  - kind: Service\n    name: reviews\n", { name: "second" }),
      errors: [
        { messageId: "namespaceSame", line: 9 },
        { messageId: "singular", data: { resource: "AuthorizationPolicy bookinfo/second", kind: "AuthorizationPolicy" }, line: 23 },
      ],
    },
    {
      name: "kind: List item",
      code: `apiVersion: v1
kind: List
items:
- apiVersion: security.istio.io/v1
  kind: AuthorizationPolicy
  metadata:
    name: allow-get
    namespace: bookinfo
  spec:
    targetRef:
      kind: Gateway
      group: ${GW}
      name: waypoint
    rules:
    - to:
      - operation:
          methods: ["GET"]
`,
      output: `apiVersion: v1
kind: List
items:
- apiVersion: security.istio.io/v1
  kind: AuthorizationPolicy
  metadata:
    name: allow-get
    namespace: bookinfo
  spec:
    targetRefs:
    - kind: Gateway
      group: ${GW}
      name: waypoint
    rules:
    - to:
      - operation:
          methods: ["GET"]
`,
      errors: [{ messageId: "singular", line: 10, column: 5 }],
    },
    {
      name: "JSON manifest: the singular targetRef is fixed as JSON, with the group slip inside it (one pass)",
      filename: "x.json",
      code: `{
  "apiVersion": "extensions.istio.io/v1alpha1",
  "kind": "WasmPlugin",
  "metadata": {"name": "basic-auth", "namespace": "bookinfo"},
  "spec": {
    "url": "oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0",
    "targetRef": {"kind": "Gateway", "group": "networking.istio.io", "name": "waypoint"}
  }
}
`,
      output: `{
  "apiVersion": "extensions.istio.io/v1alpha1",
  "kind": "WasmPlugin",
  "metadata": {"name": "basic-auth", "namespace": "bookinfo"},
  "spec": {
    "url": "oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0",
    "targetRefs": [{"kind": "Gateway", "group": "gateway.networking.k8s.io", "name": "waypoint"}]
  }
}
`,
      // The targetRef → targetRefs fix carries the group correction: the two fixes never overlap.
      errors: [
        { messageId: "singular", line: 7, column: 5 },
        { messageId: "targetFixable", data: { resource: "WasmPlugin bookinfo/basic-auth", ref: "targetRef", got: "`kind: Gateway` with `group: networking.istio.io`", name: "waypoint", want: "`kind: Gateway` with `group: gateway.networking.k8s.io`" }, line: 7, column: 38 },
      ],
    },
  ],
};

ruleSuite("valid-policy-targetrefs", rule, cases);

describe("valid-policy-targetrefs: eslint --fix converges in one pass", () => {
  it("JSON: targetRef → targetRefs and the group slip inside it, in one edit", async () => {
    const code = `{
  "apiVersion": "extensions.istio.io/v1alpha1",
  "kind": "WasmPlugin",
  "metadata": {"name": "basic-auth", "namespace": "bookinfo"},
  "spec": {
    "url": "oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0",
    "targetRef": {"kind": "Gateway", "group": "networking.istio.io", "name": "waypoint"}
  }
}
`;
    const out = fix(code, "valid-policy-targetrefs", rule, { filename: "x.json" });
    const firstPass = lint(code, "valid-policy-targetrefs", rule, { filename: "x.json" }).filter((m) => m.fix);
    expect(firstPass).toHaveLength(1);
    expect(out).toBe(`{
  "apiVersion": "extensions.istio.io/v1alpha1",
  "kind": "WasmPlugin",
  "metadata": {"name": "basic-auth", "namespace": "bookinfo"},
  "spec": {
    "url": "oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0",
    "targetRefs": [{"kind": "Gateway", "group": "gateway.networking.k8s.io", "name": "waypoint"}]
  }
}
`);
    await expectSafeOutput(code, out, "valid-policy-targetrefs", rule, { filename: "x.json", remaining: 0 });
  });
});
