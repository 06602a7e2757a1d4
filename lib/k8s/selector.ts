/**
 * Label selectors: equality-based `matchLabels` as used by Istio workload selectors and Service selectors.
 */
import { isObject, stringMap } from "./resource.js";

export type Labels = Record<string, string>;

/** True when every label of `selector` is present with the same value in `labels` (an empty selector matches all). */
export function selectorMatches(selector: Labels, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

export function sameLabels(a: Labels, b: Labels): boolean {
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(b).length) return false;
  return ak.every((k) => b[k] === a[k]);
}

/**
 * `spec.selector.matchLabels` of an Istio workload selector. Returns null when the field is absent,
 * `{}` when present but empty.
 */
export function workloadSelectorLabels(selector: unknown): Labels | null {
  if (!isObject(selector)) return null;
  return stringMap(selector.matchLabels);
}

/** Service `spec.selector` (a plain label map). Null when the Service has no selector (headless/external). */
export function serviceSelector(spec: unknown): Labels | null {
  if (!isObject(spec) || !isObject(spec.selector)) return null;
  const labels = stringMap(spec.selector);
  return Object.keys(labels).length ? labels : null;
}
