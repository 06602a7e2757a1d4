/**
 * Fixture shapes: the Lua filter + cluster of istio/istio tests/testdata/networking/envoyfilter-without-service
 * (corpus: istio__istio/tests__testdata__networking__envoyfilter-without-service__configs.yaml), the local rate
 * limit of tests/integration/telemetry/policy/testdata/enable_envoy_local_ratelimit.yaml, the ingress-gateway
 * rate limit of samples/bookinfo/policy/productpage_envoy_ratelimit.yaml, the ECDS Wasm of
 * pilot/pkg/xds/testdata/ecds.yaml, the stats filter of istio-ecosystem/wasm-extensions
 * (extensions/stats/testdata/istio/stats_filter.yaml), the WAYPOINT-context filters of
 * pkg/config/validation/testdata/crds/envoyfilter-valid.yaml, kyma's proxy-protocol filter
 * (internal/reconciliations/istioresources/proxy_protocol_envoy_filter.yaml) and the ext_authz example of
 * istio/api networking/v1alpha3/envoy_filter.proto. All trimmed; comments removed inside deleted documents.
 */
import rule from "../../rules/no-envoyfilter.js";
import type { RuleTester } from "eslint";
import { ruleSuite, type InvalidCase } from "../helpers/rule-suite.js";

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: envoyfilter-test-app
  namespace: ns1
spec:
  selector:
    app: envoyfilter-test-app
  ports:
  - name: http
    port: 8080
`;

const TEST_LUA = `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: test-lua
  namespace: ns1
spec:
  workloadSelector:
    labels:
      app: envoyfilter-test-app
  configPatches:
  - applyTo: CLUSTER
    match:
      context: SIDECAR_OUTBOUND
    patch:
      operation: ADD
      value:
        name: lua_cluster
        type: STRICT_DNS
        connect_timeout: 0.5s
  - applyTo: HTTP_FILTER
    match:
      listener:
        filterChain:
          filter:
            name: "envoy.filters.network.http_connection_manager"
            subFilter:
              name: "envoy.filters.http.router"
    patch:
      operation: INSERT_BEFORE
      value:
        name: envoy.lua
        typed_config:
          "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua"
          inlineCode: |
            function envoy_on_request(request_handle)
              request_handle:logWarn("Hello World")
            end
`;

const LOCAL_RATELIMIT = `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: filter-local-ratelimit-svc
  namespace: istio-system
spec:
  workloadSelector:
    labels:
      app: clt
  configPatches:
    - applyTo: HTTP_FILTER
      patch:
        operation: INSERT_BEFORE
        value:
          name: envoy.filters.http.local_ratelimit
          typed_config:
            "@type": type.googleapis.com/udpa.type.v1.TypedStruct
            type_url: type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
            value:
              stat_prefix: http_local_rate_limiter
`;

const INGRESS_RATELIMIT = `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: filter-ratelimit
  namespace: istio-system
spec:
  workloadSelector:
    # select by label in the same namespace
    labels:
      istio: ingressgateway
  configPatches:
    - applyTo: HTTP_FILTER
      match:
        context: GATEWAY
      patch:
        operation: INSERT_BEFORE
        value:
          name: envoy.ratelimit
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit
            domain: productpage-ratelimit
`;

const EXT_AUTHZ = `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: myns-ext-authz
  namespace: myns
spec:
  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: SIDECAR_INBOUND
    patch:
      operation: ADD
      filterClass: AUTHZ
      value:
        name: envoy.filters.http.ext_authz
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz
          grpc_service:
            envoy_grpc:
              cluster_name: acme-ext-authz
`;

const WAYPOINT_GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
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

const LUA_ON_WAYPOINT = `---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: lua-on-waypoint
  namespace: bookinfo
spec:
  targetRefs:
  - kind: Gateway
    group: gateway.networking.k8s.io
    name: waypoint
  configPatches:
  - applyTo: HTTP_FILTER
    patch:
      operation: INSERT_FIRST
      value:
        name: envoy.filters.http.lua
`;

const cases: { valid: RuleTester.ValidTestCase[]; invalid: InvalidCase[] } = {
  valid: [
    { name: "rate limit on the ingress gateway (selector + context GATEWAY) keeps working", code: INGRESS_RATELIMIT },
    {
      name: "kyma proxy-protocol listener filter on the ingress gateway (no context, gateway selector)",
      code: `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: proxy-protocol
  namespace: istio-system
spec:
  configPatches:
    - applyTo: LISTENER_FILTER
      patch:
        operation: INSERT_FIRST
        value:
          name: proxy_protocol
          typed_config:
            "@type": "type.googleapis.com/envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol"
  workloadSelector:
    labels:
      istio: ingressgateway
`,
    },
    {
      name: "no selector, but every patch is context GATEWAY",
      code: EXT_AUTHZ.replace("context: SIDECAR_INBOUND", "context: GATEWAY"),
    },
    {
      name: "user-declared gateway selector",
      code: LOCAL_RATELIMIT,
      options: [{ gatewaySelectors: [{ app: "clt" }] }],
    },
    {
      name: "targetRefs to a Gateway API ingress gateway (not a waypoint)",
      code: `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: gw-hcm
  namespace: bookinfo
spec:
  targetRefs:
  - kind: Gateway
    group: gateway.networking.k8s.io
    name: bookinfo-gateway
  configPatches:
  - applyTo: NETWORK_FILTER
    patch:
      operation: MERGE
      value:
        name: envoy.filters.network.http_connection_manager
`,
    },
    {
      name: "an EnvoyFilter kind from another API group is not Istio's",
      code: "apiVersion: example.com/v1\nkind: EnvoyFilter\nmetadata:\n  name: x\nspec:\n  configPatches: []\n",
    },
    { name: "not a Kubernetes manifest", code: "foo: bar\n" },
    { name: "empty file", code: "" },
    {
      name: "odd shapes do not crash",
      code:
        "apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nspec:\n  configPatches: 3\n---\n" +
        "apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nspec:\n  workloadSelector: {labels: {istio: ingressgateway}}\n  configPatches: [null, {match: 5, patch: {value: [1]}}]\n---\n" +
        "apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nspec:\n  targetRefs: [null, 7, {kind: 3}]\n  configPatches: [{}]\n",
    },
  ],
  invalid: [
    {
      name: "Lua filter + its cluster on app sidecars: one report at the Lua patch, suggestion deletes the document",
      code: SERVICE + "---\n" + TEST_LUA,
      output: null,
      errors: [
        {
          message:
            "EnvoyFilter ns1/test-lua adds Lua filter `envoy.lua` (line 32) to selected sidecars, ignored in ambient: use a TrafficExtension or WasmPlugin.",
          line: 32,
          column: 5,
          suggestions: [{ messageId: "removeEnvoyFilter", data: { name: "test-lua" }, output: SERVICE }],
        },
      ],
    },
    {
      name: "Lua filter with istioVersion 1.29: no TrafficExtension yet",
      code: SERVICE + "---\n" + TEST_LUA,
      output: null,
      settings: { "istio-ambient": { istioVersion: "1.29" } },
      errors: [
        {
          message:
            "EnvoyFilter ns1/test-lua adds Lua filter `envoy.lua` (line 32) to selected sidecars, ignored in ambient: use a WasmPlugin (Lua TrafficExtension needs Istio 1.30, not 1.29).",
          suggestions: [{ messageId: "removeEnvoyFilter", output: SERVICE }],
        },
      ],
    },
    {
      name: "only document of the file: deleting it is not an edit, so no suggestion",
      code: LOCAL_RATELIMIT,
      output: null,
      errors: [
        {
          message:
            "EnvoyFilter istio-system/filter-local-ratelimit-svc configures local rate limiting (`envoy.filters.http.local_ratelimit`, line 11) for selected sidecars, ignored in ambient, which has no rate-limit API.",
          line: 11,
          column: 7,
          suggestions: [],
        },
      ],
    },
    {
      name: "namespace-wide ext_authz",
      code: SERVICE + "---\n" + EXT_AUTHZ,
      output: null,
      errors: [
        {
          message:
            "EnvoyFilter myns/myns-ext-authz adds ext_authz filter `envoy.filters.http.ext_authz` (line 20) to namespace sidecars, ignored in ambient: use a CUSTOM AuthorizationPolicy.",
          suggestions: [{ messageId: "removeEnvoyFilter", data: { name: "myns-ext-authz" }, output: SERVICE }],
        },
      ],
    },
    {
      name: "route-level global rate limit actions (VIRTUAL_HOST rate_limits) on sidecars",
      code:
        SERVICE +
        `---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: filter-ratelimit-svc
  namespace: ns1
spec:
  configPatches:
    - applyTo: VIRTUAL_HOST
      match:
        context: SIDECAR_INBOUND
      patch:
        operation: MERGE
        value:
          rate_limits:
            - actions:
              - request_headers:
                  header_name: ":path"
                  descriptor_key: "PATH"
`,
      output: null,
      errors: [
        {
          message:
            "EnvoyFilter ns1/filter-ratelimit-svc configures global rate limiting (`rate_limits`, line 20) for namespace sidecars, ignored in ambient, which has no rate-limit API.",
          line: 20,
          suggestions: [{ messageId: "removeEnvoyFilter", output: SERVICE }],
        },
      ],
    },
    {
      name: "Wasm extension through ECDS",
      code:
        SERVICE +
        `---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: test
spec:
  configPatches:
  - applyTo: EXTENSION_CONFIG
    match:
      context: SIDECAR_INBOUND
    patch:
      operation: ADD
      value:
        name: extension-config
        typed_config:
          "@type": type.googleapis.com/udpa.type.v1.TypedStruct
          type_url: type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
          value:
            config:
              vm_config:
                code:
                  remote:
                    http_uri:
                      uri: https://test-url
`,
      output: null,
      errors: [
        {
          message:
            "EnvoyFilter test adds Wasm filter `extension-config` (line 19) to namespace sidecars, ignored in ambient: use a WasmPlugin or TrafficExtension.",
          suggestions: [{ messageId: "removeEnvoyFilter", output: SERVICE }],
        },
      ],
    },
    {
      name: "Istio's built-in stats filter (null VM): Telemetry API; the GATEWAY patch is fine",
      code:
        SERVICE +
        `---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: stats-filter
spec:
  configPatches:
    - applyTo: HTTP_FILTER
      match:
        context: GATEWAY
      patch:
        operation: INSERT_BEFORE
        value:
          name: envoy.filters.http.wasm
          config:
            config:
              vm_config:
                runtime: envoy.wasm.runtime.null
                code:
                  local: { inline_string: envoy.wasm.stats }
    - applyTo: HTTP_FILTER
      match:
        context: SIDECAR_INBOUND
      patch:
        operation: INSERT_BEFORE
        value:
          name: envoy.filters.http.wasm
          config:
            config:
              root_id: stats_inbound
              vm_config:
                runtime: envoy.wasm.runtime.null
                code:
                  local: { inline_string: envoy.wasm.stats }
`,
      output: null,
      errors: [
        {
          message:
            "EnvoyFilter stats-filter configures telemetry extension `envoy.wasm.stats` (line 32) for namespace sidecars, ignored in ambient: use the Telemetry API.",
          line: 32,
          suggestions: [{ messageId: "removeEnvoyFilter", output: SERVICE }],
        },
      ],
    },
    {
      name: "mesh-wide HTTP connection manager tweak: migration blocker naming applyTo and filter",
      code:
        SERVICE +
        `---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: hcm-idle-timeout
  namespace: istio-system
spec:
  configPatches:
  - applyTo: NETWORK_FILTER
    match:
      listener:
        filterChain:
          filter:
            name: "envoy.filters.network.http_connection_manager"
    patch:
      operation: MERGE
      value:
        typed_config:
          "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
          common_http_protocol_options:
            idle_timeout: 30s
`,
      output: null,
      errors: [
        {
          message:
            "EnvoyFilter istio-system/hcm-idle-timeout patches `NETWORK_FILTER` (`envoy.filters.network.http_connection_manager`) (line 20) in all sidecars, ignored in ambient with no replacement API.",
          line: 20,
          column: 5,
          suggestions: [{ messageId: "removeEnvoyFilter", output: SERVICE }],
        },
      ],
    },
    {
      name: "Lua and ext_authz in one filter: one report per class",
      code:
        SERVICE +
        `---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: both
  namespace: ns1
spec:
  configPatches:
  - applyTo: HTTP_FILTER
    patch:
      operation: ADD
      value:
        name: envoy.filters.http.ext_authz
  - applyTo: HTTP_FILTER
    patch:
      operation: ADD
      value:
        name: envoy.filters.http.lua
`,
      output: null,
      errors: [
        { messageId: "extAuthz", line: 20, suggestions: [{ messageId: "removeEnvoyFilter", output: SERVICE }] },
        { messageId: "lua", line: 25, suggestions: [{ messageId: "removeEnvoyFilter", output: SERVICE }] },
      ],
    },
    {
      name: "no configPatches: reported at kind",
      code: SERVICE + "---\napiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata:\n  name: nothing\n  namespace: ns1\nspec:\n  configPatches: []\n",
      output: null,
      errors: [
        {
          message: "EnvoyFilter ns1/nothing has no `configPatches`: it changes nothing, in sidecar or ambient mode. Delete it.",
          line: 14,
          column: 1,
          endColumn: 5,
          suggestions: [{ messageId: "removeEnvoyFilter", output: SERVICE }],
        },
      ],
    },
    {
      name: "context WAYPOINT: istiod has no implementation, reported at the context key",
      code:
        SERVICE +
        `---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: waypoint-cluster
  namespace: ns1
spec:
  configPatches:
    - applyTo: CLUSTER
      match:
        context: WAYPOINT
        waypoint: {}
      patch:
        operation: REMOVE
`,
      output: null,
      errors: [
        {
          message:
            "EnvoyFilter ns1/waypoint-cluster patches with `context: WAYPOINT` (line 22), a context istiod does not implement: this patch is applied to no proxy.",
          line: 22,
          column: 9,
          suggestions: [{ messageId: "removeEnvoyFilter", output: SERVICE }],
        },
      ],
    },
    {
      name: "context WAYPOINT with istioVersion 1.27",
      code: SERVICE + "---\napiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata:\n  name: w\nspec:\n  configPatches:\n  - applyTo: CLUSTER\n    match: {context: WAYPOINT}\n    patch: {operation: REMOVE}\n",
      output: null,
      settings: { "istio-ambient": { istioVersion: "1.27" } },
      errors: [
        {
          message:
            "EnvoyFilter w patches with `context: WAYPOINT` (line 20), a context Istio 1.27 does not have (1.28 adds it, unimplemented): this patch is applied to no proxy.",
          suggestions: [{ messageId: "removeEnvoyFilter", output: SERVICE }],
        },
      ],
    },
    {
      name: "targetRefs to the waypoint Gateway of the same file",
      code:
        WAYPOINT_GATEWAY +
        `---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: lua-on-waypoint
  namespace: bookinfo
spec:
  targetRefs:
  - kind: Gateway
    group: gateway.networking.k8s.io
    name: waypoint
  configPatches:
  - applyTo: HTTP_FILTER
    patch:
      operation: INSERT_FIRST
      value:
        name: envoy.filters.http.lua
`,
      output: null,
      errors: [
        {
          message:
            "EnvoyFilter bookinfo/lua-on-waypoint patches waypoint waypoint (line 20): applied since Istio 1.27 but unsupported, so it may break on upgrade.",
          line: 20,
          column: 5,
          suggestions: [{ messageId: "removeEnvoyFilter", output: WAYPOINT_GATEWAY }],
        },
      ],
    },
    {
      name: "targetRefs to the waypoint Gateway with istioVersion 1.26: not applied yet",
      code: WAYPOINT_GATEWAY + LUA_ON_WAYPOINT,
      output: null,
      settings: { "istio-ambient": { istioVersion: "1.26" } },
      errors: [
        {
          message:
            "EnvoyFilter bookinfo/lua-on-waypoint targets waypoint waypoint (line 20), but Istio 1.26 applies EnvoyFilters to waypoints only from 1.27: it is ignored.",
          suggestions: [{ messageId: "removeEnvoyFilter", output: WAYPOINT_GATEWAY }],
        },
      ],
    },
    {
      name: "targetRefs to a Service: EnvoyFilters never attach to Services",
      code: WAYPOINT_GATEWAY + LUA_ON_WAYPOINT.replace("kind: Gateway\n    group: gateway.networking.k8s.io\n    name: waypoint", "kind: Service\n    group: \"\"\n    name: reviews"),
      output: null,
      errors: [
        {
          message:
            "EnvoyFilter bookinfo/lua-on-waypoint targets Service reviews (line 20), but EnvoyFilter `targetRefs` take only Gateways and GatewayClass istio-waypoint: it is applied to no proxy.",
          suggestions: [{ messageId: "removeEnvoyFilter", output: WAYPOINT_GATEWAY }],
        },
      ],
    },
    {
      name: "targetRefs to GatewayClass istio-waypoint outside the root namespace: matches nothing",
      code: WAYPOINT_GATEWAY + LUA_ON_WAYPOINT.replace("kind: Gateway\n    group: gateway.networking.k8s.io\n    name: waypoint", "kind: GatewayClass\n    group: gateway.networking.k8s.io\n    name: istio-waypoint"),
      output: null,
      errors: [
        {
          message:
            "EnvoyFilter bookinfo/lua-on-waypoint targets GatewayClass istio-waypoint (line 20), but a GatewayClass target counts only on EnvoyFilters in the root namespace (istio-system): it is applied to no proxy.",
          suggestions: [{ messageId: "removeEnvoyFilter", output: WAYPOINT_GATEWAY }],
        },
      ],
    },
    {
      name: "targetRefs to GatewayClass istio-waypoint from the root namespace: every waypoint takes it",
      code: WAYPOINT_GATEWAY + LUA_ON_WAYPOINT.replace("namespace: bookinfo", "namespace: istio-system").replace("kind: Gateway\n    group: gateway.networking.k8s.io\n    name: waypoint", "kind: GatewayClass\n    group: gateway.networking.k8s.io\n    name: istio-waypoint"),
      output: null,
      errors: [{ messageId: "waypoint", suggestions: [{ messageId: "removeEnvoyFilter", output: WAYPOINT_GATEWAY }] }],
    },
    {
      name: "workloadSelector on the waypoint's pods (istio/istio#57350): waypoints ignore selectors",
      code:
        WAYPOINT_GATEWAY +
        `---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: productpage-local-ratelimit
  namespace: bookinfo
spec:
  workloadSelector:
    labels:
      gateway.networking.k8s.io/gateway-name: waypoint
  configPatches:
  - applyTo: HTTP_FILTER
    patch:
      operation: INSERT_BEFORE
      value:
        name: envoy.filters.http.local_ratelimit
`,
      output: null,
      errors: [
        {
          message:
            "EnvoyFilter bookinfo/productpage-local-ratelimit selects the pods of Gateway waypoint (line 19), but waypoints take EnvoyFilters only through `targetRefs`: it is not applied.",
          line: 19,
          suggestions: [{ messageId: "removeEnvoyFilter", output: WAYPOINT_GATEWAY }],
        },
      ],
    },
    {
      name: "kind: List: the suggestion removes the item",
      code: `apiVersion: v1
kind: List
items:
- apiVersion: networking.istio.io/v1alpha3
  kind: EnvoyFilter
  metadata:
    name: test-lua
    namespace: ns1
  spec:
    configPatches:
    - applyTo: HTTP_FILTER
      patch:
        operation: INSERT_BEFORE
        value:
          name: envoy.lua
- apiVersion: v1
  kind: Service
  metadata:
    name: app
    namespace: ns1
  spec:
    ports:
    - port: 80
`,
      output: null,
      errors: [
        {
          messageId: "lua",
          line: 11,
          suggestions: [
            {
              messageId: "removeEnvoyFilter",
              output: `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: app
    namespace: ns1
  spec:
    ports:
    - port: 80
`,
            },
          ],
        },
      ],
    },
    {
      name: "flow style document",
      code: SERVICE + "---\n{apiVersion: networking.istio.io/v1alpha3, kind: EnvoyFilter, metadata: {name: lua, namespace: ns1}, spec: {configPatches: [{applyTo: HTTP_FILTER, patch: {operation: ADD, value: {name: envoy.lua}}}]}}\n",
      output: null,
      errors: [{ messageId: "lua", line: 13, column: 125, suggestions: [{ messageId: "removeEnvoyFilter", output: SERVICE }] }],
    },
    // The remaining Service is written in jsonc-parser's own layout: lib/yaml/json-edit.ts removes a List item
    // with jsonc-parser's formatter, which re-lays out the neighbouring item (cosmetic; the output stays valid).
    {
      name: "JSON List: the suggestion removes the item and stays JSON",
      filename: "filters.json",
      code: `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {
      "apiVersion": "networking.istio.io/v1alpha3",
      "kind": "EnvoyFilter",
      "metadata": {"name": "authz", "namespace": "ns1"},
      "spec": {"configPatches": [{"applyTo": "HTTP_FILTER", "patch": {"operation": "ADD", "value": {"name": "envoy.filters.http.ext_authz"}}}]}
    },
    {
      "apiVersion": "v1",
      "kind": "Service",
      "metadata": {
        "name": "app",
        "namespace": "ns1"
      },
      "spec": {
        "ports": [
          {
            "port": 80
          }
        ]
      }
    }
  ]
}
`,
      output: null,
      errors: [
        {
          messageId: "extAuthz",
          line: 9,
          suggestions: [
            {
              messageId: "removeEnvoyFilter",
              output: `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {
      "apiVersion": "v1",
      "kind": "Service",
      "metadata": {
        "name": "app",
        "namespace": "ns1"
      },
      "spec": {
        "ports": [
          {
            "port": 80
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
  ],
};

ruleSuite("no-envoyfilter", rule, cases);
