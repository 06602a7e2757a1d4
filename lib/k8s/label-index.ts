/**
 * Label lookups over one list (the workloads or Services of a namespace), made once per list: which items a
 * selector matches, and which items' selectors match a set of labels, without reading every item of the list for
 * every question. A namespace of thousands of apps asks once per policy; a scan per question made that quadratic.
 *
 * Answers are the same items, in the same (list) order, as the plain filters with `selectorMatches` give.
 * Lists are immutable for as long as they are asked about (the repository index hands out one array per snapshot
 * and question), so an index is cached per list and per labels accessor.
 */
import { selectorMatches, type Labels } from "./selector.js";

const PAIR = "\0";

export class LabelIndex<T> {
  /** Positions of the items whose labels hold each `key\0value` pair, ascending. */
  private readonly byPair = new Map<string, number[]>();
  /** Each item with labels under its rarest pair (`selecting`), and the items whose labels are empty. */
  private readonly byRarest = new Map<string, number[]>();
  private readonly empty: number[] = [];
  private readonly labels: (Labels | null)[];

  constructor(
    readonly items: readonly T[],
    labelsOf: (item: T) => Labels | null | undefined,
  ) {
    this.labels = items.map((item) => labelsOf(item) ?? null);
    this.labels.forEach((labels, i) => {
      if (!labels) return;
      for (const k in labels) {
        const key = k + PAIR + labels[k];
        const list = this.byPair.get(key);
        if (list) list.push(i);
        else this.byPair.set(key, [i]);
      }
    });
    this.labels.forEach((labels, i) => {
      if (!labels) return;
      let rarest: string | undefined;
      let count = Infinity;
      for (const k in labels) {
        const key = k + PAIR + labels[k];
        const n = this.byPair.get(key)!.length;
        if (n < count) (rarest = key), (count = n);
      }
      if (rarest === undefined) this.empty.push(i);
      else {
        const list = this.byRarest.get(rarest);
        if (list) list.push(i);
        else this.byRarest.set(rarest, [i]);
      }
    });
  }

  /** The items whose labels hold every label of `selector` (`selectorMatches(selector, labels)`), in list order. */
  matching(selector: Labels): T[] {
    let fewest: number[] | undefined;
    for (const k in selector) {
      const list = this.byPair.get(k + PAIR + selector[k]);
      if (!list) return [];
      if (!fewest || list.length < fewest.length) fewest = list;
    }
    if (!fewest) return this.items.slice();
    const out: T[] = [];
    for (const i of fewest) if (selectorMatches(selector, this.labels[i]!)) out.push(this.items[i]);
    return out;
  }

  /** The items whose labels all appear in `labels` (`selectorMatches(itemLabels, labels)`), in list order. */
  selecting(labels: Labels): T[] {
    // An item whose labels all appear in `labels` has its rarest pair there: the lists of those pairs hold it.
    const positions: number[] = [...this.empty];
    for (const k in labels) {
      const list = this.byRarest.get(k + PAIR + labels[k]);
      if (list) for (const i of list) if (selectorMatches(this.labels[i]!, labels)) positions.push(i);
    }
    positions.sort((a, b) => a - b);
    return positions.map((i) => this.items[i]);
  }

  /** The items of `chosen` (items of this list), every position they hold, in list order. */
  inListOrder(chosen: Iterable<T>): T[] {
    if (!this.positions) {
      this.positions = new Map();
      this.items.forEach((item, i) => {
        const list = this.positions!.get(item);
        if (list) list.push(i);
        else this.positions!.set(item, [i]);
      });
    }
    const positions: number[] = [];
    for (const item of new Set(chosen)) positions.push(...(this.positions.get(item) ?? []));
    positions.sort((a, b) => a - b);
    return positions.map((i) => this.items[i]);
  }
  private positions: Map<T, number[]> | undefined;
}

const indexes = new WeakMap<readonly unknown[], Map<(item: never) => unknown, LabelIndex<unknown>>>();

/** The index of `items` by `labelsOf` (pass a function defined once, not a new closure per call), made once per list. */
export function labelIndex<T>(items: readonly T[], labelsOf: (item: T) => Labels | null | undefined): LabelIndex<T> {
  let byAccessor = indexes.get(items);
  if (!byAccessor) indexes.set(items, (byAccessor = new Map()));
  let index = byAccessor.get(labelsOf as (item: never) => unknown) as LabelIndex<T> | undefined;
  if (!index) byAccessor.set(labelsOf as (item: never) => unknown, (index = new LabelIndex(items, labelsOf)));
  return index;
}

const groupings = new WeakMap<readonly unknown[], Map<(item: never) => unknown, Map<string, unknown[]>>>();

/**
 * The items of `items` grouped by `keyOf` (items without a key left out), each group in list order; made once per
 * list and accessor (pass a function defined once). For lookups by name or by selector over a whole namespace.
 */
export function groupedBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): ReadonlyMap<string, readonly T[]> {
  let byAccessor = groupings.get(items);
  if (!byAccessor) groupings.set(items, (byAccessor = new Map()));
  let groups = byAccessor.get(keyOf as (item: never) => unknown) as Map<string, T[]> | undefined;
  if (!groups) {
    groups = new Map();
    for (const item of items) {
      const key = keyOf(item);
      if (key === undefined) continue;
      const list = groups.get(key);
      if (list) list.push(item);
      else groups.set(key, [item]);
    }
    byAccessor.set(keyOf as (item: never) => unknown, groups as Map<string, unknown[]>);
  }
  return groups;
}

/** A key for a label set that is the same for equal sets (`sameLabels`), whatever the order of the keys. */
const labelsKeys = new WeakMap<Labels, string>();
export function labelsKey(labels: Labels): string {
  let key = labelsKeys.get(labels);
  if (key === undefined) labelsKeys.set(labels, (key = keyOfLabels(labels)));
  return key;
}
function keyOfLabels(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}
