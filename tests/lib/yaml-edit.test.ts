import { describe, expect, it } from "vitest";
import { edit, parseValues } from "../helpers/edits.js";

const POLICY = `# header comment
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-get
  namespace: bookinfo
spec:
  # which pods
  selector:
    matchLabels:
      app: reviews # the reviews pods
  action: ALLOW
  rules:
  - to:
    - operation:
        methods: ["GET"]
`;

describe("computeEdits (YAML)", () => {
  it("replaces a pair in place, keeps comments (moving inner ones above) and the sequence style", () => {
    const out = edit(POLICY, [{ op: "replacePair", path: ["spec", "selector"], key: "targetRefs", value: [{ kind: "Service", group: "", name: "reviews" }] }]);
    expect(out).toBe(`# header comment
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-get
  namespace: bookinfo
spec:
  # which pods
  # the reviews pods
  targetRefs:
  - kind: Service
    group: ""
    name: reviews
  action: ALLOW
  rules:
  - to:
    - operation:
        methods: ["GET"]
`);
  });

  it("follows a file that indents sequences and uses 4 spaces", () => {
    const text = `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n    name: a\nspec:\n    selector:\n        matchLabels:\n            app: x\n    rules:\n        - {}\n`;
    const out = edit(text, [{ op: "replacePair", path: ["spec", "selector"], key: "targetRefs", value: [{ kind: "Service", group: "", name: "x" }] }]);
    expect(out).toContain(`    targetRefs:\n        - kind: Service\n          group: ""\n          name: x\n    rules:`);
  });

  it("writes flow text inside flow mappings", () => {
    const text = `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: a}\nspec: {selector: {matchLabels: {app: x}}, action: DENY}\n`;
    const out = edit(text, [{ op: "replacePair", path: ["spec", "selector"], key: "targetRefs", value: [{ kind: "Service", group: "", name: "x" }] }]);
    expect(out).toContain(`spec: {targetRefs: [{kind: Service, group: "", name: x}], action: DENY}`);
  });

  it("inserts, removes, and keeps other documents intact", () => {
    const text = `apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n  host: r\n  subsets:\n  - name: v1\n    labels:\n      version: v1\n  - name: v2\n    labels:\n      version: v2\n`;
    const removed = edit(text, [{ op: "remove", path: ["spec", "subsets", 0] }], 1)!;
    expect(parseValues(removed)[1]).toMatchObject({ spec: { subsets: [{ name: "v2" }] } });
    const set = edit(text, [{ op: "set", path: ["metadata", "namespace"], value: "bookinfo" }], 0)!;
    expect(parseValues(set)[0]).toMatchObject({ metadata: { name: "a", namespace: "bookinfo" } });
    const gone = edit(text, [{ op: "removeResource" }], 1)!;
    expect(parseValues(gone)).toHaveLength(1);
    const gone0 = edit(text, [{ op: "removeResource" }], 0)!;
    expect(parseValues(gone0)).toMatchObject([{ kind: "DestinationRule" }]);
    const added = edit(text, [{ op: "addResourceAfter", value: { apiVersion: "v1", kind: "Service", metadata: { name: "r-v1" }, spec: { selector: { app: "r", version: "v1" } } } }], 1)!;
    expect(parseValues(added)).toHaveLength(3);
    expect(parseValues(added)[2]).toMatchObject({ metadata: { name: "r-v1" } });
  });

  it("removes the first key of a sequence entry by pulling up the next", () => {
    const text = `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: a\nspec:\n  targetRefs:\n  - namespace: x\n    kind: Service\n    name: s\n`;
    const out = edit(text, [{ op: "remove", path: ["spec", "targetRefs", 0, "namespace"] }])!;
    expect(out).toContain(`  - kind: Service\n    name: s\n`);
  });

  it("works on List items", () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: security.istio.io/v1\n  kind: AuthorizationPolicy\n  metadata:\n    name: a\n  spec:\n    selector:\n      matchLabels:\n        app: x\n`;
    const out = edit(text, [{ op: "replacePair", path: ["spec", "selector"], key: "targetRefs", value: [{ kind: "Service", group: "", name: "x" }] }])!;
    expect(parseValues(out)[0]).toMatchObject({ items: [{ spec: { targetRefs: [{ kind: "Service", group: "", name: "x" }] } }] });
  });

  it("refuses edits over anchors or aliases", () => {
    const text = `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: a\n  labels: &l\n    app: x\nspec:\n  selector:\n    matchLabels: *l\n`;
    expect(edit(text, [{ op: "replacePair", path: ["spec", "selector"], key: "targetRefs", value: [] }])).toBeNull();
  });

  it("edits JSON manifests as JSON", () => {
    const text = `{\n    "apiVersion": "security.istio.io/v1",\n    "kind": "AuthorizationPolicy",\n    "metadata": {"name": "a"},\n    "spec": {\n        "selector": {"matchLabels": {"app": "x"}}\n    }\n}\n`;
    const out = edit(text, [{ op: "replacePair", path: ["spec", "selector"], key: "targetRefs", value: [{ kind: "Service", group: "", name: "x" }] }], 0, true)!;
    expect(JSON.parse(out)).toMatchObject({ spec: { targetRefs: [{ kind: "Service", group: "", name: "x" }] } });
    expect(JSON.parse(out).spec.selector).toBeUndefined();
  });

  it("removing the only entry of a list written at its key's indentation leaves `key: []`", () => {
    const text = `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n  host: r\n  subsets:\n  - name: v1\n    labels:\n      version: v1\n  trafficPolicy: {}\n`;
    const out = edit(text, [{ op: "remove", path: ["spec", "subsets", 0] }])!;
    expect(out).toContain("  subsets: []\n  trafficPolicy: {}\n");
    expect(parseValues(out)[0]).toMatchObject({ spec: { subsets: [], trafficPolicy: {} } });
  });

  it("removing the only key of a mapping leaves `key: {}`", () => {
    const text = `apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels:\n    app: a\nspec: {}\n`;
    const out = edit(text, [{ op: "remove", path: ["metadata", "labels", "app"] }])!;
    expect(parseValues(out)[0]).toMatchObject({ metadata: { name: "a", labels: {} } });
  });

  it("replaces a resource by several documents, moving its inner comments above", () => {
    const text = `# keep me\napiVersion: v1\nkind: Service\nmetadata:\n  name: a # inner\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n`;
    const out = edit(text, [{ op: "replaceResource", value: [{ apiVersion: "v1", kind: "Service", metadata: { name: "b" } }, { apiVersion: "v1", kind: "Service", metadata: { name: "b2" } }] }])!;
    expect(out.startsWith("# keep me\n# inner\napiVersion: v1\n")).toBe(true);
    expect(parseValues(out).map((v) => (v as { metadata: { name: string } }).metadata.name)).toEqual(["b", "b2", "c"]);
  });

  it("replaces a List item by several items and adds several after one", () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata:\n      name: a\n  - apiVersion: v1\n    kind: Service\n    metadata:\n      name: z\n`;
    const replaced = edit(text, [{ op: "replaceResource", value: [{ apiVersion: "v1", kind: "Service", metadata: { name: "b" } }, { apiVersion: "v1", kind: "Service", metadata: { name: "c" } }] }])!;
    expect((parseValues(replaced)[0] as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name)).toEqual(["b", "c", "z"]);
    const added = edit(text, [{ op: "addResourceAfter", value: [{ apiVersion: "v1", kind: "Service", metadata: { name: "b" } }, { apiVersion: "v1", kind: "Service", metadata: { name: "c" } }] }])!;
    expect((parseValues(added)[0] as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name)).toEqual(["a", "b", "c", "z"]);
    expect(added).toContain("\n  - apiVersion: v1\n    kind: Service\n    metadata:\n      name: b\n");
  });

  it("replaces a JSON List item and refuses to put two resources in a single-resource JSON file", () => {
    const list = `{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}}]}\n`;
    const out = edit(list, [{ op: "replaceResource", value: [{ apiVersion: "v1", kind: "Service", metadata: { name: "b" } }, { apiVersion: "v1", kind: "Service", metadata: { name: "c" } }] }], 0, true)!;
    expect(JSON.parse(out).items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(["b", "c"]);
    const single = `{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}}\n`;
    expect(edit(single, [{ op: "replaceResource", value: [{ a: 1 }, { b: 2 }] }], 0, true)).toBeNull();
    expect(JSON.parse(edit(single, [{ op: "replaceResource", value: [{ apiVersion: "v1", kind: "Service", metadata: { name: "b" } }] }], 0, true)!)).toMatchObject({ metadata: { name: "b" } });
  });
});
