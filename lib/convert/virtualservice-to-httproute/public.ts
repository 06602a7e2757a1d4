/** Public helpers besides the conversion itself: mesh test, feature check, version Services, manifest context. */

import { servicePorts } from "../../k8s/service.js";
import { versionService } from "../subset-to-service.js";
import { Analysis } from "./analysis.js";
import { isTcpOnly, tcpFeatures } from "./tcp-features.js";
import { isObj, type ConvertOptions, type ConvertProblem, type Obj, type ServiceEntryInfo, type ServiceInfo, type SubsetInfo } from "./types.js";

/** `spec.gateways` empty/absent or containing "mesh". */
export function isMeshVirtualService(vs: object): boolean {
  const spec = isObj(vs) && isObj((vs as Obj).spec) ? ((vs as Obj).spec as Obj) : undefined;
  const gateways = spec?.gateways;
  if (!Array.isArray(gateways) || gateways.length === 0) return true;
  return gateways.includes("mesh");
}

/**
 * Features of a (mesh) VirtualService that have no HTTPRoute equivalent — for the configured Gateway API
 * channel/version — each at its own key with the reason. Needs no Services or DestinationRules.
 */
export function unconvertibleFeatures(vs: object, options: ConvertOptions = {}): ConvertProblem[] {
  const a = new Analysis(vs as Obj, options);
  if (a.checkResource()) a.checkRules();
  return isTcpOnly(vs) ? [...a.feature, ...tcpFeatures(vs, options)] : a.feature;
}

/**
 * The version Service `<host>-<subset>` (lib/convert/subset-to-service.ts builds it, as the
 * no-destinationrule-subsets suggestion does): selector = base selector ∪ subset labels, ports copied,
 * labels = base labels ∪ subset labels. Null when no valid Service can be built (no selector or ports, …).
 */
export function versionServiceFor(base: ServiceInfo, subset: SubsetInfo, namespace?: string): Record<string, unknown> | null {
  return versionService(
    { name: base.name, namespace: namespace ?? base.namespace, selector: base.selector, labels: base.labels ?? {}, ports: base.ports, type: base.type },
    { name: subset.name, labels: subset.labels },
  ).result;
}

/** A ServiceEntry's hosts and ports as the converter reads them; null when `value` is no ServiceEntry with hosts. */
export function serviceEntryInfo(value: unknown, namespace?: string): ServiceEntryInfo | null {
  if (!isObj(value) || value.kind !== "ServiceEntry" || typeof value.apiVersion !== "string" || !value.apiVersion.startsWith("networking.istio.io/")) return null;
  const md = isObj(value.metadata) ? value.metadata : {};
  const spec = isObj(value.spec) ? value.spec : {};
  const hosts = Array.isArray(spec.hosts) ? spec.hosts.filter((h): h is string => typeof h === "string") : [];
  if (typeof md.name !== "string" || !hosts.length) return null;
  const ports = (Array.isArray(spec.ports) ? spec.ports : []).flatMap((p) => (isObj(p) && typeof p.number === "number" ? [p.number] : []));
  const info: ServiceEntryInfo = { name: md.name, hosts, ports };
  const ns = typeof md.namespace === "string" ? md.namespace : namespace;
  if (ns !== undefined) info.namespace = ns;
  if (spec.exportTo !== undefined) info.exportTo = spec.exportTo;
  return info;
}

/** Services, DestinationRule subsets and ServiceEntries found in a list of manifests (plain values; `kind: List` is unwrapped). */
export function contextFromManifests(docs: unknown[]): { services: ServiceInfo[]; subsets: SubsetInfo[]; serviceEntries: ServiceEntryInfo[] } {
  const services: ServiceInfo[] = [];
  const subsets: SubsetInfo[] = [];
  const serviceEntries: ServiceEntryInfo[] = [];
  const visit = (d: unknown) => {
    if (!isObj(d)) return;
    if (d.kind === "List" && Array.isArray(d.items)) return d.items.forEach(visit);
    const entry = serviceEntryInfo(d);
    if (entry) serviceEntries.push(entry);
    const md = isObj(d.metadata) ? d.metadata : {};
    const spec = isObj(d.spec) ? d.spec : {};
    if (d.apiVersion === "v1" && d.kind === "Service" && typeof md.name === "string") {
      const sel = isObj(spec.selector) ? (Object.fromEntries(Object.entries(spec.selector).map(([k, v]) => [k, String(v)])) as Record<string, string>) : null;
      const ports = servicePorts(spec);
      const info: ServiceInfo = { name: md.name, selector: sel && Object.keys(sel).length ? sel : null, ports };
      if (typeof md.namespace === "string") info.namespace = md.namespace;
      if (typeof spec.type === "string") info.type = spec.type;
      if (typeof spec.clusterIP === "string") info.clusterIP = spec.clusterIP;
      if (isObj(md.labels)) info.labels = Object.fromEntries(Object.entries(md.labels).map(([k, v]) => [k, String(v)]));
      services.push(info);
    }
    if (typeof d.apiVersion === "string" && d.apiVersion.startsWith("networking.istio.io/") && d.kind === "DestinationRule" && typeof spec.host === "string") {
      for (const s of Array.isArray(spec.subsets) ? spec.subsets : []) {
        if (!isObj(s) || typeof s.name !== "string") continue;
        const labels = isObj(s.labels) ? (Object.fromEntries(Object.entries(s.labels).map(([k, v]) => [k, String(v)])) as Record<string, string>) : {};
        const info: SubsetInfo = { host: spec.host, name: s.name, labels };
        if (typeof md.namespace === "string") info.namespace = md.namespace;
        if (s.trafficPolicy !== undefined) info.trafficPolicy = s.trafficPolicy;
        if (spec.trafficPolicy !== undefined) info.hostTrafficPolicy = spec.trafficPolicy;
        subsets.push(info);
      }
    }
  };
  docs.forEach(visit);
  return { services, subsets, serviceEntries };
}
