/**
 * Progressive-delivery controllers that route through Istio VirtualServices: a Flagger `Canary` with the Istio
 * provider generates a VirtualService (and DestinationRules) for its Service and rewrites its weights during every
 * analysis; an Argo Rollout with `trafficRouting.istio` rewrites the weights (and DestinationRule subsets) of the
 * VirtualServices it names. Both keep writing VirtualServices after a move to HTTPRoute; both have Gateway API
 * support instead (Flagger `provider: gatewayapi:v1`, the Argo Rollouts Gateway API traffic-router plugin).
 * Pure: plain values in.
 */
import { asArray, asString, isObject, type PlainObject } from "../k8s/resource.js";
import type { Path } from "../yaml/ast.js";

export interface IstioTrafficRouting {
  controller: "Flagger" | "Argo Rollouts";
  /** Where the Istio routing is declared (reported there). */
  path: Path;
  /** Services whose traffic the controller shifts (Flagger: the generated apex Service; Argo: stable and canary). */
  services: string[];
  /** VirtualServices an Argo Rollout names (Flagger generates its own, named after the Service). */
  virtualServices: string[];
  /** False when the routing applies to ingress gateways only (Flagger `service.gateways` without `mesh`). */
  mesh: boolean;
}

function flagger(value: PlainObject): IstioTrafficRouting | null {
  const spec = isObject(value.spec) ? value.spec : {};
  const service = isObject(spec.service) ? spec.service : {};
  const provider = asString(spec.provider)?.trim();
  let path: Path;
  if (provider === "istio") path = ["spec", "provider"];
  else if (provider === undefined && service.gateways !== undefined) path = ["spec", "service", "gateways"];
  else if (provider === undefined && service.trafficPolicy !== undefined) path = ["spec", "service", "trafficPolicy"];
  else return null; // another provider, or the install's default mesh provider (unknown here)
  const gateways = asArray(service.gateways).filter((g): g is string => typeof g === "string");
  const mesh = gateways.length === 0 || gateways.includes("mesh");
  const targetRef = isObject(spec.targetRef) ? spec.targetRef : {};
  const name = asString(service.name) ?? asString(targetRef.name);
  return { controller: "Flagger", path, services: name ? [name] : [], virtualServices: name ? [name] : [], mesh };
}

function rollout(value: PlainObject): IstioTrafficRouting | null {
  const spec = isObject(value.spec) ? value.spec : {};
  const strategy = isObject(spec.strategy) ? spec.strategy : {};
  const canary = isObject(strategy.canary) ? strategy.canary : {};
  const routing = isObject(canary.trafficRouting) ? canary.trafficRouting : {};
  if (!isObject(routing.istio)) return null;
  const istio = routing.istio;
  const names: string[] = [];
  if (isObject(istio.virtualService) && typeof istio.virtualService.name === "string") names.push(istio.virtualService.name);
  for (const vs of asArray(istio.virtualServices)) if (isObject(vs) && typeof vs.name === "string") names.push(vs.name);
  const services = [canary.stableService, canary.canaryService].filter((s): s is string => typeof s === "string" && s !== "");
  return { controller: "Argo Rollouts", path: ["spec", "strategy", "canary", "trafficRouting", "istio"], services, virtualServices: names, mesh: true };
}

/** The Istio traffic routing of a Flagger Canary or an Argo Rollout, or null. */
export function istioTrafficRouting(resource: { kind: string; group: string; value: PlainObject }): IstioTrafficRouting | null {
  if (resource.kind === "Canary" && resource.group === "flagger.app") return flagger(resource.value);
  if (resource.kind === "Rollout" && resource.group === "argoproj.io") return rollout(resource.value);
  return null;
}
