import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LabelIndex, groupedBy, labelIndex, labelsKey } from "../../lib/k8s/label-index.js";
import { selectorMatches, type Labels } from "../../lib/k8s/selector.js";
import { classifyServices } from "../../lib/convert/selector-to-targetrefs.js";

interface Item {
  id: number;
  labels: Labels | null;
}

// Few keys and values, so that selectors, pods and Services overlap often (and some lists are long).
const labels = fc.dictionary(fc.constantFrom("app", "version", "team", "tier"), fc.constantFrom("a", "b", "c"), { maxKeys: 4 });
const items = fc.array(fc.option(labels, { nil: null, freq: 6 }), { maxLength: 40 }).map((list) => list.map((l, id): Item => ({ id, labels: l })));
const labelsOf = (i: Item) => i.labels;

describe("LabelIndex: the same items, in list order, as the plain filters", () => {
  it("matching(selector) = items whose labels hold the selector", () => {
    fc.assert(
      fc.property(items, labels, (list, selector) => {
        const plain = Object.keys(selector).length ? list.filter((i) => i.labels !== null && selectorMatches(selector, i.labels)) : list;
        expect(new LabelIndex(list, labelsOf).matching(selector)).toEqual(plain);
      }),
      { numRuns: 500 },
    );
  });

  it("selecting(labels) = items whose labels all appear in the labels", () => {
    fc.assert(
      fc.property(items, labels, (list, podLabels) => {
        const plain = list.filter((i) => i.labels !== null && selectorMatches(i.labels, podLabels));
        expect(new LabelIndex(list, labelsOf).selecting(podLabels)).toEqual(plain);
      }),
      { numRuns: 500 },
    );
  });

  it("inListOrder gives every position of the chosen items, in list order", () => {
    const a = { id: 1, labels: null };
    const b = { id: 2, labels: null };
    const c = { id: 3, labels: null };
    const index = new LabelIndex([a, b, a, c], labelsOf);
    expect(index.inListOrder([c, a, a])).toEqual([a, a, c]);
    expect(index.inListOrder([])).toEqual([]);
  });

  it("is made once per list and accessor", () => {
    const list: Item[] = [{ id: 0, labels: { app: "a" } }];
    expect(labelIndex(list, labelsOf)).toBe(labelIndex(list, labelsOf));
    expect(labelIndex([...list], labelsOf)).not.toBe(labelIndex(list, labelsOf));
  });
});

describe("groupedBy and labelsKey", () => {
  it("groups in list order, once per list and accessor", () => {
    const list = [{ n: "a", i: 1 }, { n: "b", i: 2 }, { n: "a", i: 3 }, { n: undefined, i: 4 }];
    const key = (x: { n: string | undefined }) => x.n;
    const groups = groupedBy(list, key);
    expect(groups.get("a")!.map((x) => x.i)).toEqual([1, 3]);
    expect(groups.get("b")!.map((x) => x.i)).toEqual([2]);
    expect([...groups.keys()]).toEqual(["a", "b"]);
    expect(groupedBy(list, key)).toBe(groups);
  });

  it("labelsKey is equal exactly for equal label sets, whatever the key order", () => {
    fc.assert(
      fc.property(labels, labels, (a, b) => {
        const same = Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => b[k] === a[k]);
        expect(labelsKey({ ...a }) === labelsKey(Object.fromEntries(Object.entries(b).reverse()))).toBe(same);
      }),
      { numRuns: 500 },
    );
    expect(labelsKey({ a: "b\u0000c" })).not.toBe(labelsKey({ a: "b", "\u0000c": "" }));
  });
});

// classifyServices as it was written before the label indexes (every Service and workload scanned): the reference.
function classifyPlain(matchLabels: Labels, services: { name: string; namespace: string | undefined; selector: Labels | null }[], workloads: { name: string; namespace: string | undefined; podLabels: Labels }[], namespace: string | undefined) {
  const same = (o: string | undefined, p: string | undefined) => (o ?? p) === p;
  const out = { exact: [] as typeof services, sameWorkloads: [] as typeof services, wider: [] as typeof services, selected: [] as string[] };
  if (!Object.keys(matchLabels).length) return out;
  const seen = new Set<string>();
  const candidates = services.filter((s) => s.selector && Object.keys(s.selector).length && same(s.namespace, namespace));
  const take = (list: typeof services, s: (typeof services)[number]) => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    list.push(s);
  };
  for (const s of candidates) if (Object.keys(s.selector!).length === Object.keys(matchLabels).length && selectorMatches(s.selector!, matchLabels)) take(out.exact, s);
  const pods = workloads.filter((w) => same(w.namespace, namespace));
  const wanted = pods.filter((w) => selectorMatches(matchLabels, w.podLabels));
  out.selected = [...new Set(wanted.map((w) => w.name))];
  if (wanted.length) {
    for (const s of candidates) {
      if (!selectorMatches(s.selector!, wanted[0].podLabels)) continue;
      const got = pods.filter((w) => selectorMatches(s.selector!, w.podLabels));
      if (got.length === wanted.length && got.every((w) => wanted.includes(w))) take(out.sameWorkloads, s);
    }
  }
  for (const s of candidates) if (selectorMatches(s.selector!, matchLabels)) take(out.wider, s);
  return out;
}

describe("classifyServices through label indexes", () => {
  it("classifies as the scan over every Service and workload did", () => {
    const ns = fc.constantFrom(undefined, "a", "b");
    const services = fc.array(fc.record({ name: fc.constantFrom("s1", "s2", "s3", "s4", "s5"), namespace: ns, selector: fc.option(labels, { nil: null }) }), { maxLength: 12 });
    const workloads = fc.array(fc.record({ name: fc.constantFrom("w1", "w2", "w3", "w4"), namespace: ns, podLabels: labels }), { maxLength: 12 });
    fc.assert(
      fc.property(labels, services, workloads, ns, (matchLabels, svc, wl, namespace) => {
        const same = (o: string | undefined, p: string | undefined) => (o ?? p) === p;
        expect(classifyServices(matchLabels, namespace, svc, same, wl)).toEqual(classifyPlain(matchLabels, svc, wl, namespace));
      }),
      { numRuns: 1000 },
    );
  });
});
