/**
 * DestinationRule subsets and who uses them: VirtualService destinations, Argo Rollouts that manage a
 * DestinationRule's subsets, and the ServiceEntry hosts of a file. Pure functions over plain objects; every
 * finding carries its path inside the resource.
 */
import { asArray, isIstioKind, isObject, stringMap, type PlainObject, type ResourceHeader } from "../k8s/resource.js";
import type { Labels } from "../k8s/selector.js";
import type { Path } from "../yaml/ast.js";

export interface DrSubset {
  /** Index in `spec.subsets`. */
  index: number;
  name: string;
  labels: Labels;
  /** True when the subset has its own `trafficPolicy`. */
  hasTrafficPolicy: boolean;
  /** Path of the subset's `name` key. */
  path: Path;
}

/** `spec.subsets` entries that have a string `name` (others are skipped: the CRD rejects them anyway). */
export function destinationRuleSubsets(dr: PlainObject): DrSubset[] {
  const spec = isObject(dr.spec) ? dr.spec : {};
  const out: DrSubset[] = [];
  asArray(spec.subsets).forEach((s, index) => {
    if (!isObject(s) || typeof s.name !== "string" || !s.name) return;
    out.push({
      index,
      name: s.name,
      labels: stringMap(s.labels),
      hasTrafficPolicy: isObject(s.trafficPolicy) && Object.keys(s.trafficPolicy).length > 0,
      path: ["spec", "subsets", index, "name"],
    });
  });
  return out;
}

/** `spec.host` of a DestinationRule, or undefined. */
export function destinationRuleHost(dr: PlainObject): string | undefined {
  const spec = isObject(dr.spec) ? dr.spec : {};
  return typeof spec.host === "string" && spec.host ? spec.host : undefined;
}

/** True when the DestinationRule has a top-level `trafficPolicy`. */
export function hasTopLevelTrafficPolicy(dr: PlainObject): boolean {
  const spec = isObject(dr.spec) ? dr.spec : {};
  return isObject(spec.trafficPolicy) && Object.keys(spec.trafficPolicy).length > 0;
}

export interface SubsetUse {
  host: string;
  subset: string;
  /** Path of the `subset` key. */
  path: Path;
}

/**
 * Every `destination: {host, subset}` of a VirtualService: `http[].route[]`, `http[].mirror`,
 * `http[].mirrors[]`, `tcp[].route[]`, `tls[].route[]`.
 */
export function virtualServiceSubsetUses(vs: PlainObject): SubsetUse[] {
  const spec = isObject(vs.spec) ? vs.spec : {};
  const out: SubsetUse[] = [];
  const add = (destination: unknown, path: Path) => {
    if (!isObject(destination) || typeof destination.host !== "string" || typeof destination.subset !== "string" || !destination.subset) return;
    out.push({ host: destination.host, subset: destination.subset, path: [...path, "subset"] });
  };
  for (const section of ["http", "tcp", "tls"] as const) {
    asArray(spec[section]).forEach((rule, r) => {
      if (!isObject(rule)) return;
      asArray(rule.route).forEach((route, i) => {
        if (isObject(route)) add(route.destination, ["spec", section, r, "route", i, "destination"]);
      });
      if (section !== "http") return;
      add(rule.mirror, ["spec", section, r, "mirror"]);
      asArray(rule.mirrors).forEach((m, i) => {
        if (isObject(m)) add(m.destination, ["spec", section, r, "mirrors", i, "destination"]);
      });
    });
  }
  return out;
}

type Res = ResourceHeader & { value: PlainObject };

/** `spec.hosts` of every Istio ServiceEntry among the resources (hosts outside the Kubernetes Service registry). */
export function serviceEntryHosts(resources: readonly Res[]): string[] {
  const out: string[] = [];
  for (const r of resources) {
    if (!isIstioKind(r, "ServiceEntry")) continue;
    const spec = isObject(r.value.spec) ? r.value.spec : {};
    for (const h of asArray(spec.hosts)) if (typeof h === "string") out.push(h);
  }
  return out;
}

export interface RolloutRef {
  name: string;
  namespace: string | undefined;
}

/**
 * Argo Rollouts whose Istio subset-level traffic splitting manages this DestinationRule
 * (`spec.strategy.canary.trafficRouting.istio.destinationRule.name`). Argo rewrites the subsets' labels at
 * run time (`rollouts-pod-template-hash`), so their written labels say nothing about the pods.
 */
export function rolloutsManaging(resources: readonly Res[], drName: string | undefined, drNamespace: string | undefined): RolloutRef[] {
  if (!drName) return [];
  const out: RolloutRef[] = [];
  for (const r of resources) {
    if (r.kind !== "Rollout" || r.group !== "argoproj.io") continue;
    const spec = isObject(r.value.spec) ? r.value.spec : {};
    const strategy = isObject(spec.strategy) ? spec.strategy : {};
    const canary = isObject(strategy.canary) ? strategy.canary : {};
    const routing = isObject(canary.trafficRouting) ? canary.trafficRouting : {};
    const istio = isObject(routing.istio) ? routing.istio : {};
    const dr = isObject(istio.destinationRule) ? istio.destinationRule : {};
    if (dr.name !== drName) continue;
    if (r.namespace !== undefined && drNamespace !== undefined && r.namespace !== drNamespace) continue;
    out.push({ name: r.name ?? "(unnamed)", namespace: r.namespace });
  }
  return out;
}
