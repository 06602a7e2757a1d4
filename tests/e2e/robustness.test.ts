/**
 * Rules never crash: random manifests of the kinds the rules look at, with the keys they read holding values of
 * any shape (null, numbers, strings, lists, maps), are linted with the strict config. Rules rethrow under vitest,
 * so any exception fails this test (users get no report instead).
 */
import fc from "fast-check";
import { Linter } from "eslint";
import { parseAllDocuments, stringify } from "yaml";
import fs from "node:fs";
import path from "node:path";
// @ts-expect-error plain JS helper shared with `npm run lint:corpus`
import { corpusFiles, CORPUS } from "../corpus/lint-corpus.mjs";
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
  ["gateway.networking.k8s.io/v1", "HTTPRoute"],
  ["gateway.networking.k8s.io/v1", "Gateway"],
  ["v1", "Service"],
  ["v1", "Namespace"],
];

const KEYS = [
  "selector", "matchLabels", "targetRef", "targetRefs", "rules", "from", "to", "when", "source", "operation", "methods",
  "paths", "principals", "notPrincipals", "key", "values", "action", "provider", "http", "tcp", "tls", "match", "route",
  "destination", "host", "subset", "weight", "uri", "prefix", "exact", "headers", "fault", "hosts", "gateways", "subsets",
  "labels", "name", "namespace", "kind", "group", "port", "ports", "parentRefs", "backendRefs", "configPatches", "patch",
  "value", "applyTo", "context", "workloadSelector", "mtls", "mode", "portLevelMtls", "jwtRules", "gatewayClassName",
  "listeners", "istio.io/use-waypoint", "timeout", "retries", "mirror", "rewrite", "redirect",
];

const scalar = fc.oneof(fc.constant(null), fc.integer({ min: -2, max: 70000 }), fc.boolean(), fc.constantFrom("", "*", "GET", "/", "reviews", "v1", "mesh", "DISABLE", "Service", "DENY", "CUSTOM", "9080", "a.b.svc.cluster.local"), fc.string({ maxLength: 6 }));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, fc.array(tie("value"), { maxLength: 3 }), tie("map")),
  map: fc.dictionary(fc.constantFrom(...KEYS), tie("value"), { maxKeys: 4 }),
}));

const manifest = fc.record({
  kind: fc.constantFrom(...KINDS),
  metadata: fc.oneof(fc.constant(undefined), fc.record({ name: fc.constantFrom("a", "reviews"), namespace: fc.constantFrom(undefined, "bookinfo", "istio-system") }, { requiredKeys: ["name"] }), value),
  spec: value,
});

describe("robustness", () => {
  it("no rule throws on random manifests of the kinds they read", () => {
    const linter = new Linter({ configType: "flat" });
    const config = [plugin.configs.strict, { settings: { "istio-ambient": { root: EMPTY_REPO } } }];
    fc.assert(
      fc.property(fc.array(manifest, { minLength: 1, maxLength: 3 }), (docs) => {
        const text = docs
          .map((d) => stringify({ apiVersion: d.kind[0], kind: d.kind[1], metadata: d.metadata, spec: d.spec }))
          .join("---\n");
        const messages = linter.verify(text, config, `${EMPTY_REPO}/random.yaml`);
        expect(messages.filter((m) => m.fatal)).toEqual([]);
      }),
      { numRuns: Number(process.env.ROBUST_RUNS ?? 400), seed: Number(process.env.ROBUST_SEED ?? 20261126) },
    );
  });

  /** Real manifests of the corpus with random subtrees replaced by values of any shape. */
  const files: string[] | null = corpusFiles();
  const docs: unknown[] = (files ?? []).flatMap((f: string) => {
    try {
      return parseAllDocuments(fs.readFileSync(path.join(CORPUS, f), "utf8")).map((d) => d.toJS()).filter((d) => d && typeof d === "object");
    } catch {
      return [];
    }
  });

  function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
    out.push(prefix);
    if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
    return out;
  }

  function replaced(doc: unknown, at: (string | number)[], by: unknown): unknown {
    if (!at.length) return by;
    const copy = (Array.isArray(doc) ? [...doc] : { ...(doc as object) }) as Record<string | number, unknown>;
    copy[at[0]] = replaced(copy[at[0]], at.slice(1), by);
    return copy;
  }

  (docs.length ? it : it.skip)("no rule throws on corpus manifests with random subtrees replaced", () => {
    const linter = new Linter({ configType: "flat" });
    const config = [plugin.configs.strict, { settings: { "istio-ambient": { root: EMPTY_REPO } } }];
    fc.assert(
      fc.property(fc.nat(docs.length - 1), fc.array(fc.tuple(fc.nat(), value), { minLength: 1, maxLength: 3 }), (i, edits) => {
        let doc = docs[i];
        for (const [pick, by] of edits) {
          const all = paths(doc).filter((p) => p.length > 0 && p[0] !== "apiVersion" && p[0] !== "kind");
          if (!all.length) break;
          doc = replaced(doc, all[pick % all.length], by);
        }
        const messages = linter.verify(stringify(doc), config, `${EMPTY_REPO}/mutated.yaml`);
        expect(messages.filter((m) => m.fatal)).toEqual([]);
      }),
      { numRuns: Number(process.env.ROBUST_RUNS ?? 400), seed: Number(process.env.ROBUST_SEED ?? 20261126) },
    );
  });
});
