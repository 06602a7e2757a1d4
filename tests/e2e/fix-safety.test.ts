/**
 * Property-based fix and suggestion safety (issue 9): over every manifest of ../shared/corpus and over random
 * mutations of real shapes (the corpus' own policies, routes and filters, with Services that select their pods,
 * singular/namespaced/mis-grouped targetRefs, merge keys, anchors, comments everywhere, `...` end markers, comment
 * lines between documents, block scalars holding `---`, Lists, 2/4-space and unindented sequences, flow style,
 * CRLF), every fix and every suggestion applied alone must pass the checks of tests/helpers/fix-safety.ts.
 *
 * CI runs a few hundred cases (FIX_SAFETY_RUNS, default 150 generated + the corpus). A large run by hand:
 *   FIX_SAFETY_RUNS=3000 FIX_SAFETY_REPORT=1 npx vitest run tests/e2e/fix-safety.test.ts
 * prints how many fixes and suggestions were applied and every failure, instead of stopping at the first;
 * FIX_SAFETY_REPOS=1 adds every Istio file of ../shared/repos, linted inside its own repository.
 */
import fc from "fast-check";
import fs from "node:fs";
import path from "node:path";
import { Document, isScalar, parseAllDocuments, visit, type Node } from "yaml";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain JS helper shared with `npm run lint:corpus`
import { corpusFiles, CORPUS } from "../corpus/lint-corpus.mjs";
import { EMPTY_REPO } from "../helpers/lint.js";
import { checkFile, emptyTally } from "../helpers/fix-safety.js";

const RUNS = Number(process.env.FIX_SAFETY_RUNS ?? 150);
const REPORT = !!process.env.FIX_SAFETY_REPORT;
const SEED = Number(process.env.FIX_SAFETY_SEED ?? 20261202);
const SETTINGS = [{ "istio-ambient": { root: EMPTY_REPO } }, { "istio-ambient": { root: EMPTY_REPO, waypoint: "waypoint" } }];

const files: string[] = corpusFiles() ?? [];
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const KINDS = new Set([
  "AuthorizationPolicy", "RequestAuthentication", "WasmPlugin", "Telemetry", "EnvoyFilter", "VirtualService", "DestinationRule",
  "HTTPRoute", "GRPCRoute", "PeerAuthentication", "Gateway", "Namespace", "Deployment", "Service", "Sidecar",
]);

/** Real shapes: the corpus documents of the kinds that have fixes or suggestions. */
const SHAPES: Obj[] = files.flatMap((f) => {
  try {
    return parseAllDocuments(fs.readFileSync(path.join(CORPUS, f), "utf8"))
      .map((d) => d.toJS() as unknown)
      .filter((d): d is Obj => isObj(d) && typeof d.kind === "string" && typeof d.apiVersion === "string" && KINDS.has(d.kind));
  } catch {
    return [];
  }
});

function labelsOf(doc: Obj): Record<string, string> | null {
  const spec = isObj(doc.spec) ? doc.spec : {};
  const sel = isObj(spec.selector) ? spec.selector : isObj(spec.workloadSelector) ? spec.workloadSelector : null;
  const labels = sel && (isObj(sel.matchLabels) ? sel.matchLabels : isObj(sel.labels) ? sel.labels : null);
  return labels && Object.keys(labels).length ? (labels as Record<string, string>) : null;
}

/** A Service for what a document routes to or selects (so that fixes and conversions have something to point at). */
function companion(doc: Obj, i: number): Obj | null {
  const spec = isObj(doc.spec) ? doc.spec : {};
  const labels = labelsOf(doc);
  if (labels) return serviceFor(doc, labels, i ? `reviews-${i}` : "reviews");
  const host = Array.isArray(spec.hosts) ? spec.hosts[0] : spec.host;
  const ref = Array.isArray(spec.parentRefs) && isObj(spec.parentRefs[0]) ? spec.parentRefs[0].name : undefined;
  const name = typeof host === "string" ? host.split(".")[0] : typeof ref === "string" ? ref : undefined;
  if (!name || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) return null;
  return serviceFor(doc, { app: name }, name);
}

const serviceFor = (doc: Obj, labels: Record<string, string>, name: string): Obj => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, ...(isObj(doc.metadata) && doc.metadata.namespace ? { namespace: doc.metadata.namespace } : {}) },
  spec: { selector: { ...labels }, ports: [{ name: "http", port: 9080 }] },
});

const TARGETS = [
  { kind: "Service", name: "reviews" },
  { kind: "Service", group: "", name: "reviews", namespace: "bookinfo" },
  { kind: "Service", group: "core", name: "reviews" },
  { kind: "Gateway", group: "gateway.networking.k8s.io", name: "waypoint" },
  { kind: "Gateway", group: "networking.istio.io", name: "waypoint" },
  { kind: "service", group: "", name: "reviews" },
];

/** One mutation of a real document, chosen by the generator. */
type Mutation =
  | { m: "none" }
  | { m: "targetRef"; t: number }
  | { m: "targetRefs"; t: number }
  | { m: "selectorToMerge" }
  | { m: "parentRefNoGroup" }
  | { m: "sidecarAnnotation" }
  | { m: "sharedLabels" }
  | { m: "template"; at: number }
  | { m: "yaml11"; v: number };

const TEMPLATE_MARK = "TEMPLATE-MARK-0";
const YAML11 = ["on", "off", "yes", "no", "y", "n", "0777", "1_000"];

function scalarPaths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(v)) v.forEach((x, i) => scalarPaths(x, [...at, i], out));
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) scalarPaths(x, [...at, k], out);
  else if (typeof v === "string") out.push(at);
  return out;
}

function setAt(v: unknown, at: (string | number)[], value: unknown): void {
  let node = v as Record<string | number, unknown>;
  for (const seg of at.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  node[at[at.length - 1]] = value;
}

const POLICY_KINDS = new Set(["AuthorizationPolicy", "RequestAuthentication", "WasmPlugin", "Telemetry", "EnvoyFilter", "PeerAuthentication"]);

function mutate(doc: Obj, mutation: Mutation): Obj {
  const copy = structuredClone(doc);
  const spec = isObj(copy.spec) ? copy.spec : (copy.spec = {});
  // Attachment mutations only where attachment means something.
  if (!POLICY_KINDS.has(String(copy.kind)) && ["targetRef", "targetRefs", "selectorToMerge"].includes(mutation.m)) return copy;
  switch (mutation.m) {
    case "targetRef":
      delete spec.selector;
      spec.targetRef = { ...TARGETS[mutation.t % TARGETS.length] };
      break;
    case "targetRefs":
      spec.targetRefs = [{ ...TARGETS[mutation.t % TARGETS.length] }];
      break;
    case "selectorToMerge":
      if (isObj(spec.selector)) {
        const selector = spec.selector;
        delete spec.selector;
        copy.spec = { "<<": { selector }, ...spec };
      }
      break;
    case "parentRefNoGroup":
      if (Array.isArray(spec.parentRefs)) spec.parentRefs = spec.parentRefs.map((p) => (isObj(p) ? { ...p, kind: "Service", group: undefined } : p));
      break;
    case "sidecarAnnotation": {
      const meta = isObj(copy.metadata) ? copy.metadata : (copy.metadata = {});
      meta.annotations = { ...(isObj(meta.annotations) ? meta.annotations : {}), "sidecar.istio.io/inject": "true" };
      break;
    }
    case "sharedLabels": {
      // The selector's labels, written once with an anchor and used again as the resource's labels (an alias).
      const labels = labelsOf(copy);
      const meta = isObj(copy.metadata) ? copy.metadata : (copy.metadata = {});
      if (labels) meta.labels = labels;
      break;
    }
    case "template": {
      // A Helm-style template value (`{{ … }}`, a flow map to YAML) in place of one scalar; written in by render().
      const scalars = scalarPaths(copy).filter((p) => p[0] !== "apiVersion" && p[0] !== "kind");
      if (scalars.length) setAt(copy, scalars[mutation.at % scalars.length], TEMPLATE_MARK);
      break;
    }
    case "yaml11": {
      // Values that YAML 1.1 (kubectl) and 1.2 read differently, where rules read them: names and labels.
      const v = YAML11[mutation.v % YAML11.length];
      const labels = labelsOf(copy);
      if (labels) labels[Object.keys(labels)[0]] = v;
      const meta = isObj(copy.metadata) ? copy.metadata : (copy.metadata = {});
      if (mutation.v % 2) meta.name = v;
      break;
    }
    case "none":
      break;
  }
  return copy;
}

interface Layout {
  indent: 2 | 4;
  indentSeq: boolean;
  flowPick: number;
  comments: number[];
  anchors: boolean;
  crlf: boolean;
}

/** A document as text in a layout: comments on random nodes, some collections in flow style, shared labels as anchors. */
function render(value: Obj, layout: Layout, salt: number): string {
  const doc = new Document(value, { aliasDuplicateObjects: layout.anchors });
  let n = 0;
  visit(doc, {
    Pair(_, pair) {
      n++;
      if (layout.comments.includes(n % 17)) {
        const k = pair.key as Node;
        if (isScalar(k)) k.commentBefore = ` c${salt}-${n}`;
      }
      if (layout.comments.includes((n + 5) % 17) && isScalar(pair.value)) (pair.value as Node).comment = ` t${salt}-${n}`;
    },
    Map(_, map) {
      n++;
      if (layout.flowPick && n % layout.flowPick === 0 && map.items.length <= 3) map.flow = true;
    },
    Seq(_, seq) {
      n++;
      if (layout.flowPick && (n + 1) % layout.flowPick === 0 && seq.items.every((i) => isScalar(i))) seq.flow = true;
    },
  });
  const text = doc.toString({ indent: layout.indent, indentSeq: layout.indentSeq, lineWidth: 0 });
  return text.replaceAll(TEMPLATE_MARK, "{{ .Values.x }}");
}

const SEPARATORS = ["---\n", "# ---- next ----\n---\n", "...\n---\n", "--- # next\n", "\n---\n", "...\n"];
const CONFIGMAP = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: script\ndata:\n  doc: |\n    ---\n    # not a comment\n    ...\n`;

const layoutArb = fc.record({
  indent: fc.constantFrom(2 as const, 4 as const),
  indentSeq: fc.boolean(),
  flowPick: fc.constantFrom(0, 0, 3, 5),
  comments: fc.array(fc.nat(16), { maxLength: 4 }),
  anchors: fc.boolean(),
  crlf: fc.boolean(),
});

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant({ m: "none" as const }),
  fc.nat(20).map((t) => ({ m: "targetRef" as const, t })),
  fc.nat(20).map((t) => ({ m: "targetRefs" as const, t })),
  fc.constant({ m: "selectorToMerge" as const }),
  fc.constant({ m: "parentRefNoGroup" as const }),
  fc.constant({ m: "sidecarAnnotation" as const }),
  fc.constant({ m: "sharedLabels" as const }),
  fc.nat(50).map((at) => ({ m: "template" as const, at })),
  fc.nat(7).map((v) => ({ m: "yaml11" as const, v })),
);

const caseArb = fc.record({
  docs: fc.array(fc.record({ shape: fc.nat(), mutation: mutationArb, service: fc.boolean() }), { minLength: 1, maxLength: 3 }),
  separators: fc.array(fc.nat(SEPARATORS.length - 1), { minLength: 4, maxLength: 4 }),
  configMap: fc.nat(4),
  list: fc.nat(6),
  layout: layoutArb,
  settings: fc.nat(1),
});

type Case = { docs: { shape: number; mutation: Mutation; service: boolean }[]; separators: number[]; configMap: number; list: number; layout: Layout };

function build(c: Case): string {
  const values: Obj[] = [];
  c.docs.forEach((d, i) => {
    const shape = SHAPES[d.shape % SHAPES.length];
    const value = mutate(shape, d.mutation);
    values.push(value);
    const service = d.service ? companion(shape, i) : null;
    if (service) values.push(service);
  });
  let texts = values.map((v, i) => render(v, c.layout, i));
  if (c.list === 0 && values.length > 1) texts = [render({ apiVersion: "v1", kind: "List", items: values }, c.layout, 99)];
  if (c.configMap % 2 === 0) texts.splice(c.configMap === 0 ? 0 : 1, 0, CONFIGMAP);
  let text = texts[0];
  for (let i = 1; i < texts.length; i++) {
    const sep = SEPARATORS[c.separators[i % c.separators.length]];
    text += (text.endsWith("\n") ? "" : "\n") + sep + texts[i];
  }
  return c.layout.crlf ? text.replace(/\r?\n/g, "\r\n") : text;
}

describe("fix and suggestion safety (property-based)", () => {
  (files.length ? it : it.skip)("every corpus manifest: each fix and suggestion applied alone is safe", async () => {
    const tally = emptyTally();
    // Each file once, with the default settings or (every other file, and every file in a large run) a named
    // waypoint, which lets waypoint-policy-targetrefs fix instead of suggest.
    for (const [i, f] of files.entries()) {
      const text = fs.readFileSync(path.join(CORPUS, f), "utf8");
      for (const settings of REPORT ? SETTINGS : [SETTINGS[i % 2]]) {
        await checkFile(text, { filename: path.join(EMPTY_REPO, path.basename(f)), settings, label: f }, tally);
      }
    }
    if (REPORT) console.log(`corpus: ${tally.fixes} fixes, ${tally.suggestions} suggestions applied; ${tally.failures.length} failed\n${tally.failures.join("\n")}`);
    expect(tally.fixes + tally.suggestions).toBeGreaterThan(50);
    expect(tally.failures).toEqual([]);
  }, 120_000);

  // By hand (FIX_SAFETY_REPOS=1): every Istio/Gateway API file of ../shared/repos, linted inside its own repository
  // (the index sees the whole repository, so cross-file fixes happen too).
  const REPOS = path.resolve(CORPUS, "../repos");
  it.skipIf(!process.env.FIX_SAFETY_REPOS || !fs.existsSync(REPOS))("every manifest of ../shared/repos, in its repository", async () => {
    const tally = emptyTally();
    let count = 0;
    const walkDir = function* (dir: string): Generator<string> {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== ".git" && e.name !== "node_modules") yield* walkDir(p);
        } else if (/\.ya?ml$/.test(e.name)) yield p;
      }
    };
    for (const repo of fs.readdirSync(REPOS).map((r) => path.join(REPOS, r)).filter((r) => fs.statSync(r).isDirectory())) {
      for (const f of walkDir(repo)) {
        const text = fs.readFileSync(f, "utf8");
        if (!/istio|gateway\.networking/.test(text)) continue;
        count++;
        await checkFile(text, { filename: f, settings: { "istio-ambient": { root: repo } }, cwd: repo, label: path.relative(REPOS, f) }, tally);
      }
    }
    console.log(`repos: ${count} files, ${tally.fixes} fixes, ${tally.suggestions} suggestions applied; ${tally.failures.length} failed\n${tally.failures.join("\n")}`);
    expect(tally.failures).toEqual([]);
  }, 1_200_000);

  (SHAPES.length ? it : it.skip)("random mutations of real shapes: each fix and suggestion applied alone is safe", async () => {
    const tally = emptyTally();
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        cases++;
        const text = build(c);
        if (process.env.FIX_SAFETY_DUMP) fs.appendFileSync(process.env.FIX_SAFETY_DUMP, `=== case ${cases} settings ${c.settings}\n${text}\n`);
        const before = tally.failures.length;
        await checkFile(text, { filename: path.join(EMPTY_REPO, "generated.yaml"), settings: SETTINGS[c.settings], label: `case ${cases}` }, tally);
        if (REPORT) {
          if (tally.failures.length > before) console.log(`--- input of case ${cases}:\n${text}`);
          return true;
        }
        return tally.failures.length === before;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    if (REPORT) console.log(`generated: ${cases} files, ${tally.fixes} fixes, ${tally.suggestions} suggestions applied; ${tally.failures.length} failed\n${tally.failures.join("\n")}`);
    // The generator is worth its time only if it makes rules fix and suggest (about 0.13 fixes and 0.4 suggestions a case).
    expect(tally.fixes).toBeGreaterThan(RUNS / 20);
    expect(tally.suggestions).toBeGreaterThan(RUNS / 4);
    expect(tally.failures).toEqual([]);
  }, 300_000);
});

// Keep the generator honest: the layouts it writes are the shapes it claims.
describe("fix-safety generator", () => {
  it.skipIf(!files.length)("writes merge keys, anchors, end markers, Lists and CRLF that parse (its shapes come from ../shared/corpus)", () => {
    const sample = fc.sample(caseArb, { numRuns: 60, seed: SEED }).map((c) => build(c));
    for (const text of sample) expect(() => parseAllDocuments(text)).not.toThrow();
    const all = sample.join("\n");
    expect(all).toMatch(/<<:/);
    expect(all).toMatch(/&a\d/);
    expect(all).toMatch(/\n\.\.\.\r?\n---/);
    expect(all).toMatch(/kind: List/);
    expect(all).toMatch(/\r\n/);
    expect(all).toMatch(/: \{\{ \.Values\.x \}\}/);
    expect(all).toMatch(/: (?:on|off|yes|no|y|n|0777|1_000)\r?\n/);
  });
});
