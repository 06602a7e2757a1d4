/**
 * The EnvoyFilter classifier and attachment logic, over plain objects. The corpus block at the end runs the
 * classifier over every EnvoyFilter of ../shared/corpus and pins what each one is classified as.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getStaticYAMLValue, parseForESLint } from "yaml-eslint-parser";
import {
  classifyPatch,
  envoyFilterFindings,
  patchContext,
  typeUrlOf,
  type EnvoyFilterContext,
} from "../../lib/istio/envoyfilter.js";

const CTX: EnvoyFilterContext = { rootNamespace: "istio-system", namespace: "bookinfo", waypointNames: ["waypoint"] };

function httpFilter(value: Record<string, unknown>, context = "SIDECAR_INBOUND") {
  return { applyTo: "HTTP_FILTER", match: { context }, patch: { operation: "INSERT_BEFORE", value } };
}

function filter(spec: Record<string, unknown>, namespace = "bookinfo") {
  return { apiVersion: "networking.istio.io/v1alpha3", kind: "EnvoyFilter", metadata: { name: "f", namespace }, spec };
}

describe("typeUrlOf", () => {
  it("reads @type, unwrapping TypedStruct (udpa and xds, snake and camel case)", () => {
    expect(typeUrlOf({ "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua" })).toBe("type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua");
    expect(typeUrlOf({ "@type": "type.googleapis.com/udpa.type.v1.TypedStruct", type_url: "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm" })).toBe(
      "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
    );
    expect(typeUrlOf({ "@type": "type.googleapis.com/xds.type.v3.TypedStruct", typeUrl: "type.googleapis.com/x.Y" })).toBe("type.googleapis.com/x.Y");
    expect(typeUrlOf(null)).toBeUndefined();
    expect(typeUrlOf({ "@type": 5 })).toBeUndefined();
  });
});

describe("classifyPatch", () => {
  it("Lua by @type and by (deprecated) name", () => {
    expect(classifyPatch(httpFilter({ name: "my-lua", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua" } }))).toEqual({ cls: "lua", subject: "my-lua" });
    expect(classifyPatch(httpFilter({ name: "envoy.lua" })).cls).toBe("lua");
    expect(classifyPatch(httpFilter({ name: "envoy.filters.http.lua" })).cls).toBe("lua");
  });

  it("ext_authz (http and network), by type or name", () => {
    expect(classifyPatch(httpFilter({ name: "envoy.filters.http.ext_authz", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz" } })).cls).toBe("ext-authz");
    expect(classifyPatch(httpFilter({ name: "authz", typedConfig: { "@type": "type.googleapis.com/envoy.extensions.filters.network.ext_authz.v3.ExtAuthz" } })).cls).toBe("ext-authz");
    expect(classifyPatch(httpFilter({ name: "envoy.ext_authz" })).cls).toBe("ext-authz");
  });

  it("local and global rate limits: filters, TypedStruct, route-level rate_limits and per-route configs", () => {
    expect(
      classifyPatch(
        httpFilter({
          name: "envoy.filters.http.local_ratelimit",
          typed_config: { "@type": "type.googleapis.com/udpa.type.v1.TypedStruct", type_url: "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit" },
        }),
      ),
    ).toEqual({ cls: "local-ratelimit", subject: "envoy.filters.http.local_ratelimit" });
    expect(classifyPatch(httpFilter({ name: "envoy.ratelimit", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit" } })).cls).toBe("ratelimit");
    expect(classifyPatch({ applyTo: "VIRTUAL_HOST", patch: { operation: "MERGE", value: { rate_limits: [{ actions: [] }] } } })).toEqual({ cls: "ratelimit", subject: "rate_limits" });
    expect(classifyPatch({ applyTo: "HTTP_ROUTE", patch: { operation: "MERGE", value: { route: { rate_limits: [] } } } }).cls).toBe("ratelimit");
    expect(
      classifyPatch({
        applyTo: "HTTP_ROUTE",
        patch: {
          operation: "MERGE",
          value: {
            typed_per_filter_config: {
              "envoy.filters.http.local_ratelimit": { "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit", stat_prefix: "x" },
            },
          },
        },
      }),
    ).toEqual({ cls: "local-ratelimit", subject: "envoy.filters.http.local_ratelimit" });
  });

  it("Wasm: by type (also in EXTENSION_CONFIG) and name; Istio's null-VM stats/metadata exchange are telemetry", () => {
    // corpus: istio__istio/pilot__pkg__xds__testdata__ecds.yaml
    expect(
      classifyPatch({
        applyTo: "EXTENSION_CONFIG",
        patch: {
          operation: "ADD",
          value: {
            name: "extension-config",
            typed_config: { "@type": "type.googleapis.com/udpa.type.v1.TypedStruct", type_url: "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm", value: { config: {} } },
          },
        },
      }),
    ).toEqual({ cls: "wasm", subject: "extension-config" });
    expect(classifyPatch(httpFilter({ name: "envoy.filters.http.wasm" })).cls).toBe("wasm");
    // corpus: istio-ecosystem__wasm-extensions/extensions__stats__testdata__istio__stats_filter.yaml
    const stats = httpFilter({
      name: "envoy.filters.http.wasm",
      config: { config: { root_id: "stats_outbound", vm_config: { runtime: "envoy.wasm.runtime.null", code: { local: { inline_string: "envoy.wasm.stats" } } } } },
    });
    expect(classifyPatch(stats)).toEqual({ cls: "istio-telemetry", subject: "envoy.wasm.stats" });
    expect(classifyPatch(httpFilter({ name: "istio.stats", typed_config: { "@type": "type.googleapis.com/stats.PluginConfig" } })).cls).toBe("istio-telemetry");
    // Another compiled-in extension: no WasmPlugin can load it.
    const attributegen = httpFilter({
      name: "istio.request_operation",
      typed_config: {
        "@type": "type.googleapis.com/udpa.type.v1.TypedStruct",
        type_url: "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
        value: { config: { vm_config: { runtime: "envoy.wasm.runtime.null", code: { local: { inline_string: "envoy.wasm.attributegen" } } } } },
      },
    });
    expect(classifyPatch(attributegen)).toEqual({ cls: "other", subject: "envoy.wasm.attributegen" });
  });

  it("a patch modifying an existing well-known filter (found by match) takes its class", () => {
    expect(
      classifyPatch({
        applyTo: "HTTP_FILTER",
        match: { context: "SIDECAR_INBOUND", listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager", subFilter: { name: "envoy.filters.http.ext_authz" } } } } },
        patch: { operation: "REMOVE" },
      }),
    ).toEqual({ cls: "ext-authz", subject: "envoy.filters.http.ext_authz" });
  });

  it("everything else is 'other', with the best subject: value name, matched filter, cluster", () => {
    expect(classifyPatch({ applyTo: "CLUSTER", patch: { operation: "ADD", value: { name: "lua_cluster" } } })).toEqual({ cls: "other", subject: "lua_cluster" });
    expect(
      classifyPatch({
        applyTo: "NETWORK_FILTER",
        match: { listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager" } } } },
        patch: { operation: "MERGE", value: { typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager" } } },
      }),
    ).toEqual({ cls: "other", subject: "envoy.filters.network.http_connection_manager" });
    expect(classifyPatch({ applyTo: "CLUSTER", match: { cluster: { service: "ratelimit.default.svc.cluster.local" } }, patch: { operation: "MERGE", value: {} } })).toEqual({
      cls: "other",
      subject: "ratelimit.default.svc.cluster.local",
    });
    expect(classifyPatch(httpFilter({ name: "envoy.filters.http.ext_proc" }))).toEqual({ cls: "other", subject: "envoy.filters.http.ext_proc" });
    expect(classifyPatch(null)).toEqual({ cls: "other", subject: "" });
    expect(classifyPatch({ patch: "x", match: 3 })).toEqual({ cls: "other", subject: "" });
  });
});

describe("patchContext", () => {
  it("defaults to ANY", () => {
    expect(patchContext({})).toBe("ANY");
    expect(patchContext({ match: { context: "GATEWAY" } })).toBe("GATEWAY");
    expect(patchContext(5)).toBe("ANY");
  });
});

describe("envoyFilterFindings", () => {
  const lua = httpFilter({ name: "envoy.lua" });
  const cluster = { applyTo: "CLUSTER", match: { context: "SIDECAR_OUTBOUND" }, patch: { operation: "ADD", value: { name: "lua_cluster" } } };

  it("selector on app pods: one finding per specific class; helper patches go with it", () => {
    const f = envoyFilterFindings(filter({ workloadSelector: { labels: { app: "reviews" } }, configPatches: [cluster, lua] }), CTX);
    expect(f).toEqual([{ kind: "sidecar", cls: "lua", scope: "selector", path: ["spec", "configPatches", 1], applyTo: "HTTP_FILTER", subject: "envoy.lua", patches: 1 }]);
  });

  it("only helper patches: reported as 'other' at the first one", () => {
    const f = envoyFilterFindings(filter({ configPatches: [cluster] }), CTX);
    expect(f).toEqual([{ kind: "sidecar", cls: "other", scope: "namespace", path: ["spec", "configPatches", 0], applyTo: "CLUSTER", subject: "lua_cluster", patches: 1 }]);
  });

  it("two specific classes: two findings in document order", () => {
    const authz = httpFilter({ name: "envoy.filters.http.ext_authz" });
    const f = envoyFilterFindings(filter({ configPatches: [authz, lua, lua] }), CTX);
    expect(f.map((x) => (x.kind === "sidecar" ? [x.cls, x.path[2], x.patches] : x.kind))).toEqual([
      ["ext-authz", 0, 1],
      ["lua", 1, 2],
    ]);
  });

  it("root namespace without selector is mesh-wide", () => {
    const f = envoyFilterFindings(filter({ configPatches: [lua] }, "istio-system"), CTX.rootNamespace === "istio-system" ? { ...CTX, namespace: "istio-system" } : CTX);
    expect(f[0]).toMatchObject({ kind: "sidecar", scope: "mesh" });
  });

  it("Envoy gateways keep their EnvoyFilters: gateway selectors, user-declared selectors, GATEWAY-only patches", () => {
    expect(envoyFilterFindings(filter({ workloadSelector: { labels: { istio: "ingressgateway" } }, configPatches: [lua] }), CTX)).toEqual([]);
    expect(envoyFilterFindings(filter({ workloadSelector: { labels: { role: "edge" } }, configPatches: [lua] }), { ...CTX, gatewaySelectors: [{ role: "edge" }] })).toEqual([]);
    expect(envoyFilterFindings(filter({ configPatches: [httpFilter({ name: "envoy.lua" }, "GATEWAY")] }), CTX)).toEqual([]);
  });

  it("GATEWAY patches are skipped, the others reported", () => {
    const f = envoyFilterFindings(filter({ configPatches: [httpFilter({ name: "envoy.lua" }, "GATEWAY"), httpFilter({ name: "envoy.lua" }, "SIDECAR_OUTBOUND")] }), CTX);
    expect(f).toHaveLength(1);
    expect(f[0].path).toEqual(["spec", "configPatches", 1]);
  });

  it("context WAYPOINT: the waypoint finding at the context key", () => {
    const f = envoyFilterFindings(filter({ configPatches: [{ applyTo: "CLUSTER", match: { context: "WAYPOINT", waypoint: {} }, patch: { operation: "REMOVE" } }] }), CTX);
    expect(f).toEqual([{ kind: "waypoint", how: "context", path: ["spec", "configPatches", 0, "match", "context"], target: "", applied: false }]);
  });

  it("targetRefs: a waypoint Gateway (and GatewayClass istio-waypoint from the root namespace) takes it from 1.27; Services never match", () => {
    const refs = (ref: Record<string, unknown>, ctx: EnvoyFilterContext = CTX) => envoyFilterFindings(filter({ targetRefs: [ref], configPatches: [lua] }), ctx);
    expect(refs({ kind: "Gateway", group: "gateway.networking.k8s.io", name: "waypoint" })).toEqual([
      { kind: "waypoint", how: "targetRefs", path: ["spec", "targetRefs", 0], target: "Gateway waypoint", applied: true },
    ]);
    expect(refs({ kind: "Gateway", group: "gateway.networking.k8s.io", name: "waypoint" }, { ...CTX, istioVersion: "1.26" })[0]).toMatchObject({ applied: false });
    expect(refs({ kind: "Gateway", group: "gateway.networking.k8s.io", name: "waypoint" }, { ...CTX, istioVersion: "1.27" })[0]).toMatchObject({ applied: true });
    const root = { ...CTX, namespace: "istio-system" };
    expect(refs({ kind: "GatewayClass", group: "gateway.networking.k8s.io", name: "istio-waypoint" }, root)[0]).toMatchObject({ kind: "waypoint", target: "GatewayClass istio-waypoint" });
    expect(refs({ kind: "GatewayClass", group: "gateway.networking.k8s.io", name: "istio-waypoint" })).toEqual([
      { kind: "unattached", path: ["spec", "targetRefs", 0], target: "GatewayClass istio-waypoint", reason: "gatewayClassNamespace" },
    ]);
    expect(refs({ kind: "Service", group: "", name: "reviews" })).toEqual([{ kind: "unattached", path: ["spec", "targetRefs", 0], target: "Service reviews", reason: "service" }]);
    expect(refs({ kind: "Gateway", group: "gateway.networking.k8s.io", name: "bookinfo-gateway" })).toEqual([]);
    // A Service next to an Envoy gateway: the gateway still takes it.
    expect(envoyFilterFindings(filter({ targetRefs: [{ kind: "Service", name: "r" }, { kind: "Gateway", name: "bookinfo-gateway" }], configPatches: [lua] }), CTX)).toEqual([]);
    expect(envoyFilterFindings(filter({ targetRef: { kind: "Gateway", name: "waypoint" }, configPatches: [lua] }), CTX)[0]).toMatchObject({ path: ["spec", "targetRef"] });
  });

  it("workloadSelector on waypoint pods: waypoints ignore it", () => {
    const f = envoyFilterFindings(filter({ workloadSelector: { labels: { "gateway.networking.k8s.io/gateway-name": "waypoint" } }, configPatches: [lua] }), CTX);
    expect(f).toEqual([{ kind: "waypoint-selector", path: ["spec", "workloadSelector"], target: "Gateway waypoint" }]);
    // A Gateway API ingress gateway selected the same way keeps working.
    expect(envoyFilterFindings(filter({ workloadSelector: { labels: { "gateway.networking.k8s.io/gateway-name": "bookinfo-gateway" } }, configPatches: [lua] }), CTX)).toEqual([]);
  });

  it("no configPatches: the 'empty' finding; malformed shapes yield nothing", () => {
    expect(envoyFilterFindings(filter({}), CTX)).toEqual([{ kind: "empty", path: ["kind"] }]);
    expect(envoyFilterFindings(filter({ configPatches: [] }), CTX)).toEqual([{ kind: "empty", path: ["kind"] }]);
    expect(envoyFilterFindings(filter({ configPatches: 3 }), CTX)).toEqual([]);
    expect(envoyFilterFindings(filter({ configPatches: [null, 1, "x"] }), CTX)).toEqual([]);
    expect(envoyFilterFindings({ spec: "x" }, CTX)).toEqual([{ kind: "empty", path: ["kind"] }]);
  });
});

// Every EnvoyFilter of the shared corpus, classified (regression pin; the corpus is read-only).
const CORPUS = path.resolve(import.meta.dirname, "../../../shared/corpus");

describe.skipIf(!fs.existsSync(CORPUS))("classifier over the corpus EnvoyFilters", () => {
  const found: string[] = [];
  for (const dir of fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).sort() : []) {
    const full = path.join(CORPUS, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    for (const file of fs.readdirSync(full).sort()) {
      const text = fs.readFileSync(path.join(full, file), "utf8");
      if (!text.includes("kind: EnvoyFilter")) continue;
      for (const doc of parseForESLint(text).ast.body) {
        const value = getStaticYAMLValue(doc) as Record<string, unknown> | null;
        if (!value || value.kind !== "EnvoyFilter") continue;
        const spec = (value.spec ?? {}) as Record<string, unknown>;
        const name = (value.metadata as Record<string, string>).name;
        const classes = ((spec.configPatches as unknown[]) ?? []).map((p) => `${patchContext(p)}:${classifyPatch(p).cls}`);
        const ns = (value.metadata as Record<string, string>).namespace;
        const findings = envoyFilterFindings(value, { ...CTX, namespace: ns }).map((f) => (f.kind === "sidecar" ? `${f.cls}@${f.path[2]}` : f.kind));
        found.push(`${dir}/${file} ${name}: [${classes.join(", ")}] → [${findings.join(", ")}]`);
      }
    }
  }

  it("classifies every patch as expected", () => {
    expect(found).toEqual([
      "istio-ecosystem__wasm-extensions/extensions__stats__testdata__istio__metadata-exchange_filter.yaml metadata-exchange: [ANY:istio-telemetry] → [istio-telemetry@0]",
      "istio-ecosystem__wasm-extensions/extensions__stats__testdata__istio__stats_filter.yaml stats-filter: [SIDECAR_OUTBOUND:istio-telemetry, SIDECAR_INBOUND:istio-telemetry, GATEWAY:istio-telemetry] → [istio-telemetry@0]",
      "istio__istio/pilot__pkg__xds__testdata__ecds.yaml test: [SIDECAR_INBOUND:wasm] → [wasm@0]",
      "istio__istio/pkg__config__analysis__analyzers__testdata__envoy-filter-replace-operation.yaml test-replace-1: [SIDECAR_OUTBOUND:other] → [other@0]",
      "istio__istio/pkg__config__analysis__analyzers__testdata__envoy-filter-replace-operation.yaml test-replace-2: [SIDECAR_INBOUND:lua] → [lua@0]",
      "istio__istio/pkg__config__analysis__analyzers__testdata__envoy-filter-replace-operation.yaml test-replace-3: [SIDECAR_OUTBOUND:lua, SIDECAR_INBOUND:lua, SIDECAR_OUTBOUND:other, SIDECAR_INBOUND:other] → [lua@0]",
      "istio__istio/pkg__config__validation__testdata__crds__envoyfilter-valid.yaml http-filter: [ANY:other] → [other@0]",
      "istio__istio/pkg__config__validation__testdata__crds__envoyfilter-valid.yaml waypoint-http-filter: [WAYPOINT:other] → [waypoint]",
      "istio__istio/pkg__config__validation__testdata__crds__envoyfilter-valid.yaml waypoint-cluster: [WAYPOINT:other] → [waypoint]",
      "istio__istio/pkg__config__validation__testdata__crds__envoyfilter-valid.yaml add-cluster: [ANY:other] → [other@0]",
      "istio__istio/pkg__config__validation__testdata__crds__envoyfilter-valid.yaml merge-and-replace-list: [ANY:other] → [other@0]",
      "istio__istio/samples__bookinfo__policy__productpage_envoy_ratelimit.yaml filter-ratelimit: [GATEWAY:ratelimit, ANY:other] → []",
      "istio__istio/samples__bookinfo__policy__productpage_envoy_ratelimit.yaml filter-ratelimit-svc: [GATEWAY:ratelimit] → []",
      "istio__istio/tests__integration__telemetry__policy__testdata__enable_envoy_local_ratelimit.yaml filter-local-ratelimit-svc: [ANY:local-ratelimit] → [local-ratelimit@0]",
      "istio__istio/tests__testdata__networking__envoyfilter-without-service__configs.yaml test-lua: [ANY:lua] → [lua@0]",
      "kyma-project__istio/internal__reconciliations__istioresources__proxy_protocol_envoy_filter.yaml proxy-protocol: [ANY:other] → []",
      "kyma-project__istio/internal__resources__test_files__resource_before_labels.yaml proxy-protocol: [ANY:other] → []",
    ]);
  });
});
