/**
 * Rules never crash on YAML features (issue 9): random manifests of the kinds the rules read, written as text
 * with tags (`!!binary`, `!!str`, custom), merge keys, anchors and aliases, YAML 1.1 scalars (`on`, `yes`, `0777`),
 * non-string keys, templated values (`{{ … }}`), `...` end markers and scalars where maps are expected, are
 * linted with the strict config. Rules rethrow under vitest, so any exception fails the test.
 */
import fc from "fast-check";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../../index.js";
import { EMPTY_REPO } from "../helpers/lint.js";

const KINDS: [string, string][] = [
  ["security.istio.io/v1", "AuthorizationPolicy"],
  ["security.istio.io/v1", "RequestAuthentication"],
  ["security.istio.io/v1", "PeerAuthentication"],
  ["extensions.istio.io/v1alpha1", "WasmPlugin"],
  ["telemetry.istio.io/v1", "Telemetry"],
  ["networking.istio.io/v1", "VirtualService"],
  ["networking.istio.io/v1", "DestinationRule"],
  ["networking.istio.io/v1alpha3", "EnvoyFilter"],
  ["networking.istio.io/v1", "Sidecar"],
  ["gateway.networking.k8s.io/v1", "HTTPRoute"],
  ["gateway.networking.k8s.io/v1", "Gateway"],
  ["v1", "Service"],
  ["v1", "Namespace"],
  ["apps/v1", "Deployment"],
];

const KEYS = [
  "selector", "matchLabels", "targetRef", "targetRefs", "rules", "from", "to", "when", "source", "operation", "methods",
  "paths", "principals", "notPrincipals", "action", "http", "tcp", "match", "route", "destination", "host", "subset",
  "weight", "uri", "prefix", "hosts", "gateways", "subsets", "labels", "annotations", "name", "namespace", "kind", "group",
  "port", "ports", "parentRefs", "backendRefs", "configPatches", "patch", "value", "applyTo", "workloadSelector", "mtls",
  "mode", "portLevelMtls", "gatewayClassName", "listeners", "istio.io/use-waypoint", "template", "metadata", "spec",
];

type Tree = { t: "scalar"; s: string } | { t: "seq"; items: Tree[] } | { t: "map"; pairs: [string, Tree][]; merge: Tree | null; anchor: boolean };

const SCALARS = [
  "on", "off", "yes", "no", "y", "n", "0777", "0b101", "1_000", "~", "null", "true", "9080", "-1", "3.5", ".inf",
  '""', "GET", "/", "reviews", "v1", "mesh", "DISABLE", "Service", "DENY", "CUSTOM", "a.b.svc.cluster.local", "waypoint",
  "!!str 9080", "!custom reviews", "!!binary aGVsbG8=", '"{{ .Values.x }}"', "{{ .Values.x }}", "*ref", "!!int 5",
];

const { tree } = fc.letrec<{ tree: Tree; map: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...SCALARS).map((s): Tree => ({ t: "scalar", s })),
    fc.array(tie("tree"), { maxLength: 3 }).map((items): Tree => ({ t: "seq", items })),
    tie("map"),
  ),
  map: fc
    .record({
      pairs: fc.array(fc.tuple(fc.constantFrom(...KEYS, "1", "true", "on", "[a]", "null"), tie("tree")), { maxLength: 4 }),
      merge: fc.option(tie("map"), { freq: 4 }),
      anchor: fc.boolean(),
    })
    .map((m): Tree => ({ t: "map", ...m })),
}));

/** Flow-style text of a tree: anchors on maps (`&rN`), `*ref` scalars become aliases to the latest anchor. */
function write(node: Tree, state: { anchors: number }): string {
  switch (node.t) {
    case "scalar":
      if (node.s === "*ref") return state.anchors ? `*r${state.anchors - 1}` : "reviews";
      return node.s;
    case "seq":
      return `[${node.items.map((i) => write(i, state)).join(", ")}]`;
    case "map": {
      const anchor = node.anchor ? `&r${state.anchors++} ` : "";
      const parts = node.pairs.map(([k, v]) => `${k}: ${write(v, state)}`);
      if (node.merge) parts.unshift(`<<: ${write(node.merge, state)}`);
      return `${anchor}{${parts.join(", ")}}`;
    }
  }
}

const manifest = fc.record({
  kind: fc.constantFrom(...KINDS),
  name: fc.constantFrom("a", "reviews", "on", "0777", "{{ .Values.name }}"),
  namespace: fc.constantFrom(undefined, "bookinfo", "istio-system", "yes"),
  spec: tree,
  metadata: fc.option(tree, { freq: 3 }),
  separator: fc.constantFrom("---\n", "...\n---\n", "...\n", "--- !custom\n", "# ---- next ----\n---\n"),
});

describe("robustness: YAML features", () => {
  it("no rule throws on random manifests written with tags, merge keys, aliases, 1.1 scalars, odd keys and templates", () => {
    const linter = new Linter({ configType: "flat" });
    const config = [plugin.configs.strict, { settings: { "istio-ambient": { root: EMPTY_REPO } } }];
    let parsed = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.array(manifest, { minLength: 1, maxLength: 3 }), (docs) => {
        runs++;
        const state = { anchors: 0 };
        const text = docs
          .map((d, i) => {
            const meta = d.metadata ? `metadata: ${write(d.metadata, state)}\n` : `metadata:\n  name: ${d.name}\n${d.namespace ? `  namespace: ${d.namespace}\n` : ""}`;
            const doc = `apiVersion: ${d.kind[0]}\nkind: ${d.kind[1]}\n${meta}spec: ${write(d.spec, state)}\n`;
            state.anchors = 0; // anchors do not cross documents
            return (i ? d.separator : "") + doc;
          })
          .join("");
        const messages = linter.verify(text, config, `${EMPTY_REPO}/random.yaml`);
        if (!messages.some((m) => m.fatal)) parsed++;
      }),
      { numRuns: Number(process.env.ROBUST_RUNS ?? 150), seed: Number(process.env.ROBUST_SEED ?? 20261202) },
    );
    // The generator must mostly write YAML the parser accepts, or the test would prove little.
    expect(parsed / runs).toBeGreaterThan(0.5);
  });
});
