/**
 * DestinationRule subset → version-specific Service (the Istio sample pattern: `samples/bookinfo/networking/
 * destination-rule-all.yaml` → `samples/bookinfo/platform/kube/bookinfo-versions.yaml`).
 *
 * HTTPRoute cannot name a subset; it splits traffic between Services. Each subset becomes a Service
 * `<service>-<subset>` whose selector is the base Service's selector plus the subset's labels and whose ports
 * are the base Service's ports. Pure; shared by `no-destinationrule-subsets` and the VirtualService →
 * HTTPRoute conversion.
 */
import type { Labels } from "../k8s/selector.js";
import { groupedBy, labelsKey } from "../k8s/label-index.js";
import type { ServiceInfo, ServicePort } from "../k8s/service.js";
import { hostService, namespacesMatch } from "../k8s/hosts.js";

export interface SubsetSpec {
  name: string;
  labels: Labels;
}

/** The base Service; `type` (when known) lets ExternalName Services be refused. */
export type BaseService = ServiceInfo & { type?: string };

export type VersionServiceProblem =
  /** The base Service has no selector (ExternalName, or Endpoints managed by hand): no selector to extend. */
  | { code: "no-selector" }
  /** A subset label contradicts the base selector: the subset selects no endpoint of the Service. */
  | { code: "selector-conflict"; key: string; serviceValue: string; subsetValue: string }
  /** The subset's labels add nothing to the base selector: it selects every endpoint of the Service. */
  | { code: "whole-service" }
  /** `<service>-<subset>` is not a valid Service name (DNS-1035 label, at most 63 characters). */
  | { code: "invalid-name"; name: string }
  /** The base Service declares no ports. */
  | { code: "no-ports" };

export interface VersionService {
  /** `<service>-<subset>`, lower-cased and with characters outside `[a-z0-9-]` replaced by `-`. */
  name: string;
  namespace: string | undefined;
  /** Base selector ∪ subset labels (null when the base has no selector). */
  selector: Labels | null;
  /** The Service manifest, or null when a problem prevents it. */
  result: Record<string, unknown> | null;
  problems: VersionServiceProblem[];
}

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** `<service>-<subset>` as a Service name (DNS-1035 label), and whether it is valid. */
export function versionServiceName(serviceName: string, subsetName: string): { name: string; valid: boolean } {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/-+/g, "-")
      .replace(/^-|-$/g, "");
  const name = `${clean(serviceName)}-${clean(subsetName)}`.replace(/-+/g, "-").replace(/^-|-$/g, "");
  return { name, valid: name.length <= 63 && DNS_1035.test(name) };
}

/** Base selector ∪ subset labels, with the first conflicting key (if any). */
export function subsetSelector(base: Labels, labels: Labels): { selector: Labels; conflict: { key: string; serviceValue: string; subsetValue: string } | null } {
  let conflict: { key: string; serviceValue: string; subsetValue: string } | null = null;
  for (const [k, v] of Object.entries(labels)) {
    if (k in base && base[k] !== v && !conflict) conflict = { key: k, serviceValue: base[k], subsetValue: v };
  }
  return { selector: { ...base, ...labels }, conflict };
}

/** True when every subset label is already in the base selector (the subset is the whole Service). */
export function subsetIsWholeService(base: Labels, labels: Labels): boolean {
  return Object.entries(labels).every(([k, v]) => base[k] === v);
}

function copyPort(p: ServicePort): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (p.name !== undefined) out.name = p.name;
  out.port = p.port;
  if (p.targetPort !== undefined) out.targetPort = p.targetPort;
  if (p.protocol !== undefined) out.protocol = p.protocol;
  if (p.appProtocol !== undefined) out.appProtocol = p.appProtocol;
  return out;
}

/**
 * The version Service replacing `subset` of the DestinationRule for `host` (as written in the DestinationRule;
 * its first label names the Service, its namespace part is used when the base Service has no namespace).
 *
 * `metadata.labels` = base labels ∪ subset labels (so `app`, `istio.io/use-waypoint`, … carry over);
 * `spec.selector` = base selector ∪ subset labels; `spec.ports` = the base ports (name, port, targetPort,
 * protocol, appProtocol). `clusterIP`, `type`, `nodePort`, annotations are not copied.
 */
export function versionService(base: BaseService, subset: SubsetSpec, host?: string): VersionService {
  const ref = host === undefined ? null : hostService(host, base.namespace);
  const serviceName = ref?.name ?? base.name;
  const namespace = base.namespace ?? ref?.namespace;
  const { name, valid } = versionServiceName(serviceName, subset.name);
  const problems: VersionServiceProblem[] = [];
  let selector: Labels | null = null;
  if (!base.selector || base.type === "ExternalName") {
    problems.push({ code: "no-selector" });
  } else {
    const merged = subsetSelector(base.selector, subset.labels);
    selector = merged.selector;
    if (merged.conflict) problems.push({ code: "selector-conflict", ...merged.conflict });
    else if (subsetIsWholeService(base.selector, subset.labels)) problems.push({ code: "whole-service" });
  }
  if (!valid) problems.push({ code: "invalid-name", name });
  if (!base.ports.length) problems.push({ code: "no-ports" });
  if (problems.length || !selector) return { name, namespace, selector, result: null, problems };

  const metadata: Record<string, unknown> = { name };
  if (namespace) metadata.namespace = namespace;
  const labels = { ...base.labels, ...subset.labels };
  if (Object.keys(labels).length) metadata.labels = labels;
  const result = {
    apiVersion: "v1",
    kind: "Service",
    metadata,
    spec: { selector, ports: base.ports.map(copyPort) },
  };
  return { name, namespace, selector, result, problems };
}

export interface ServiceLike {
  name: string;
  namespace: string | undefined;
  selector: Labels | null;
}

export type VersionServiceMatch<S extends ServiceLike> =
  /** A Service already selects the subset's pods (by equal selector, or by the expected name). */
  | { status: "exists"; service: S; by: "selector" | "name" }
  /** A Service has the expected name but selects other pods. */
  | { status: "name-taken"; service: S }
  | { status: "missing" };

/**
 * Looks for the version Service among `services`: any Service (other than the base) in the namespace whose
 * selector equals `expectedSelector`, else one named `expectedName`. Without an expected selector (base
 * Service unknown), a Service with the expected name counts when its selector holds the subset's labels.
 */
export function findVersionService<S extends ServiceLike>(
  services: readonly S[],
  opts: { baseName: string; namespace: string | undefined; expectedName: string; expectedSelector: Labels | null; subsetLabels: Labels },
): VersionServiceMatch<S> {
  // Lookups by name and by selector over the list's groups (made once per list), in list order.
  const candidate = (s: S) => s.name !== opts.baseName && namespacesMatch(s.namespace, opts.namespace);
  const byName = (groupedBy(services, nameOf).get(opts.expectedName) ?? []).find(candidate);
  if (opts.expectedSelector) {
    const expected = opts.expectedSelector;
    const bySelector = (groupedBy(services, selectorKeyOf).get(labelsKey(expected)) ?? []).filter(candidate);
    if (bySelector.length) {
      const named = bySelector.find((s) => s.name === opts.expectedName);
      return { status: "exists", service: named ?? bySelector[0], by: named ? "name" : "selector" };
    }
    return byName ? { status: "name-taken", service: byName } : { status: "missing" };
  }
  if (!byName) return { status: "missing" };
  const holds = !!byName.selector && Object.entries(opts.subsetLabels).every(([k, v]) => byName.selector![k] === v);
  return holds ? { status: "exists", service: byName, by: "name" } : { status: "name-taken", service: byName };
}

const nameOf = (s: ServiceLike) => s.name;
const selectorKeyOf = (s: ServiceLike) => (s.selector ? labelsKey(s.selector) : undefined);

/** `app=reviews, version=v1`. */
export function formatLabels(labels: Labels): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}
