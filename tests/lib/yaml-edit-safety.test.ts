/**
 * Regression tests for the fix-safety defects of issue 9: document removal by AST range (`...` end markers, block
 * scalars holding `---`, comment lines between documents), comments of removed keys and entries kept, merge keys
 * and anchors never edited through.
 */
import { describe, expect, it } from "vitest";
import { edit, parseValues } from "../helpers/edits.js";

const EF = `apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata:\n  name: lua\nspec:\n  configPatches: []\n`;
const SVC = `apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\nspec:\n  ports:\n  - port: 9080\n`;
const CM = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  doc: |\n    ---\n    title: not a document boundary\n    ---\n`;

const kinds = (text: string) => parseValues(text).map((v) => (v as { kind?: string } | null)?.kind ?? null);

describe("removing a document", () => {
  it("after a `...` end marker: the following Service stays", () => {
    const text = `${EF}...\n---\n${SVC}`;
    const out = edit(text, [{ op: "removeResource" }], 0)!;
    expect(kinds(out)).toEqual(["Service"]);
    expect(parseValues(out)[0]).toEqual(parseValues(SVC)[0]);
  });

  it("a document ended by `...` and followed by one without a marker", () => {
    const text = `${EF}...\n${SVC}`;
    expect(kinds(edit(text, [{ op: "removeResource" }], 0)!)).toEqual(["Service"]);
    const second = edit(`${SVC}...\n${EF}...\n---\n${CM}`, [{ op: "removeResource" }], 1)!;
    expect(kinds(second)).toEqual(["Service", "ConfigMap"]);
  });

  it("a document with `---` and `...` whose next document has no `---`: the marker stays for the next one", () => {
    const text = `${CM}---\n${EF}...\n${SVC}`;
    const out = edit(text, [{ op: "removeResource" }], 1)!;
    expect(out).toBe(`${CM}---\n${SVC}`);
    expect(parseValues(out)).toEqual([parseValues(CM)[0], parseValues(SVC)[0]]);
    const crlf = text.replace(/\n/g, "\r\n");
    expect(parseValues(edit(crlf, [{ op: "removeResource" }], 1)!)).toEqual([parseValues(CM)[0], parseValues(SVC)[0]]);
  });

  it("never cuts inside a block scalar holding `---`", () => {
    const before = `${EF}---\n${CM}`;
    const out = edit(before, [{ op: "removeResource" }], 0)!;
    expect(parseValues(out)).toEqual([parseValues(CM)[0]]);
    const after = `${CM}---\n${EF}---\n${SVC}`;
    const out2 = edit(after, [{ op: "removeResource" }], 1)!;
    expect(parseValues(out2)).toEqual([parseValues(CM)[0], parseValues(SVC)[0]]);
  });

  it("the first document: its leading comment and the comment line before the next `---` stay", () => {
    const text = `# file header\n${EF}# ---- next ----\n---\n${SVC}`;
    const out = edit(text, [{ op: "removeResource" }], 0)!;
    expect(out).toBe(`# file header\n# ---- next ----\n---\n${SVC}`);
    expect(kinds(out)).toEqual(["Service"]);
  });

  it("a middle or last document with directives and a marker comment goes with them", () => {
    const text = `${SVC}---\n${EF}...\n# between\n%YAML 1.1\n---\n${CM}`;
    const out = edit(text, [{ op: "removeResource" }], 2)!;
    expect(out).toBe(`${SVC}---\n${EF}...\n# between\n`);
    expect(kinds(out)).toEqual(["Service", "EnvoyFilter"]);
    const last = edit(`${SVC}--- # the filter\n${EF}`, [{ op: "removeResource" }], 1)!;
    expect(last).toBe(SVC);
  });
});

describe("removals keep comments", () => {
  it("the first key after `- ` keeps its trailing comment", () => {
    const text = `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n  host: r\n  subsets:\n  - name: v1 # canary\n    labels:\n      version: v1\n`;
    const out = edit(text, [{ op: "remove", path: ["spec", "subsets", 0, "name"] }])!;
    expect(out).toContain(`  - # canary\n    labels:\n      version: v1\n`);
    expect((parseValues(out)[0] as { spec: { subsets: unknown[] } }).spec.subsets).toEqual([{ labels: { version: "v1" } }]);
  });

  it("a removed pair's own comments stay, at its indentation", () => {
    const text = `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: a\nspec:\n  selector: # old attachment\n    matchLabels:\n      app: x # the pods\n  targetRefs:\n  - {kind: Service, group: "", name: x}\n`;
    const out = edit(text, [{ op: "remove", path: ["spec", "selector"] }])!;
    expect(out).toContain(`spec:\n  # old attachment\n  # the pods\n  targetRefs:\n`);
    expect((parseValues(out)[0] as { spec: object }).spec).toEqual({ targetRefs: [{ kind: "Service", group: "", name: "x" }] });
  });

  it("a removed block entry's comments stay; a comment after the last pair of a mapping made empty refuses", () => {
    const text = `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n  subsets:\n  - name: v1 # first\n  - name: v2\n`;
    const out = edit(text, [{ op: "remove", path: ["spec", "subsets", 0] }])!;
    expect(out).toContain(`  subsets:\n  # first\n  - name: v2\n`);
    const single = `apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels:\n    app: x # keep me\n`;
    expect(edit(single, [{ op: "remove", path: ["metadata", "labels", "app"] }])).toBeNull();
  });

  it("a comment inside a flow collection refuses the removal", () => {
    const text = `apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels: {a: x, # note\n    b: y}\n`;
    expect(edit(text, [{ op: "remove", path: ["metadata", "labels", "a"] }])).toBeNull();
  });
});

describe("merge keys and anchors are never edited through", () => {
  const merged = `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: a\nspec:\n  <<: {selector: {matchLabels: {app: x}}}\n  action: DENY\n  selector:\n    matchLabels: {app: y}\n`;

  it("refuses to remove or replace a key of a mapping with `<<` (the merged key would show through)", () => {
    expect(edit(merged, [{ op: "remove", path: ["spec", "selector"] }])).toBeNull();
    expect(edit(merged, [{ op: "replacePair", path: ["spec", "selector"], key: "targetRefs", value: [] }])).toBeNull();
    expect(edit(merged, [{ op: "set", path: ["spec", "action"], value: "ALLOW" }])).toBeNull();
  });

  it("a merged key is not an explicit key: edits of it are refused", () => {
    const text = `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: a\nspec:\n  <<: {selector: {matchLabels: {app: x}}}\n  action: DENY\n`;
    expect(edit(text, [{ op: "replacePair", path: ["spec", "selector"], key: "targetRefs", value: [{ kind: "Service", group: "", name: "x" }] }])).toBeNull();
  });

  it("refuses edits inside an anchored node (its aliases would change too)", () => {
    const text = `apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels: &l\n    app: x\n    tier: web\nspec:\n  selector: *l\n`;
    expect(edit(text, [{ op: "remove", path: ["metadata", "labels", "tier"] }])).toBeNull();
    expect(edit(text, [{ op: "set", path: ["metadata", "labels", "new"], value: "1" }])).toBeNull();
  });
});
