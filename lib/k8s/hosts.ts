/**
 * Host names → Kubernetes Services. Pure: no AST, no ESLint.
 *
 * Istio and Kubernetes read the same host differently, and a linter must know both:
 *
 * - Kubernetes DNS (through the pod's search path) resolves `reviews`, `reviews.bookinfo`,
 *   `reviews.bookinfo.svc` and `reviews.bookinfo.svc.cluster.local` to Service `reviews` in `bookinfo`
 *   (a short name in the caller's namespace).
 * - Istio expands only names **without a dot**: `ResolveShortnameToFQDN` appends `.<namespace>.svc.<domain>`
 *   to `reviews` and keeps every other host literally (istio/istio `pkg/config/model.go`). So in a
 *   DestinationRule or VirtualService, `reviews` and `reviews.bookinfo.svc.cluster.local` name the Service,
 *   while `reviews.bookinfo` and `reviews.bookinfo.svc` are literal hosts that match no Service FQDN.
 *
 * `resolveHost` returns what the author meant (the Service), with `istioExact` telling whether Istio itself
 * will read it that way.
 */

export type HostForm = "short" | "name.namespace" | "name.namespace.svc" | "fqdn";

export interface ServiceHost {
  kind: "service";
  /** Service name (lower case). */
  name: string;
  /** Namespace: from the host, else the context namespace (the resource that holds the host); undefined = unknown. */
  namespace: string | undefined;
  form: HostForm;
  /** The domain after `.svc.` (form `fqdn` only). */
  domain?: string;
  /**
   * True when Istio reads the host as this Service's FQDN: short names (expanded with the resource's
   * namespace) and `name.ns.svc.<cluster domain>`. False for `name.ns` / `name.ns.svc` (Istio keeps them
   * literally) and for an FQDN under another domain.
   */
  istioExact: boolean;
}

export interface NonServiceHost {
  /**
   * - `wildcard`: `*`, `*.example.com`, `*.bookinfo.svc.cluster.local`;
   * - `ip`: an IPv4/IPv6 address;
   * - `external`: a DNS name outside the cluster (declared by a ServiceEntry, a public domain, or 3+ labels
   *   without `.svc.`);
   * - `invalid`: empty, not a string, or not a DNS name.
   */
  kind: "wildcard" | "ip" | "external" | "invalid";
  host: string;
}

export type HostRef = ServiceHost | NonServiceHost;

export interface HostOptions {
  /** Cluster DNS domain (default `cluster.local`; the `trustDomain` setting is usually the same). */
  clusterDomain?: string;
  /** Hosts known to be outside the cluster (e.g. the `spec.hosts` of ServiceEntries in the same file). */
  externalHosts?: Iterable<string>;
}

export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";

/**
 * Second labels that make a two-label host a public DNS name rather than `service.namespace`
 * (`httpbin.org`, `example.com`). A namespace with one of these names would be extraordinary.
 */
const PUBLIC_SUFFIXES = new Set(["com", "org", "net", "io", "dev", "app", "ai", "co", "edu", "gov", "info", "biz", "cloud"]);

/** Namespace equality where `undefined` (unknown) matches anything. */
export function namespacesMatch(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function normalise(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, "");
}

/** Resolves a host as written in a resource of `contextNamespace`. Never throws. */
export function resolveHost(host: unknown, contextNamespace: string | undefined, options: HostOptions = {}): HostRef {
  if (typeof host !== "string") return { kind: "invalid", host: String(host) };
  const h = normalise(host);
  if (!h) return { kind: "invalid", host };
  if (h.includes("*")) return { kind: "wildcard", host };
  if (IPV4.test(h) || h.includes(":")) return { kind: "ip", host };
  if (options.externalHosts) {
    for (const e of options.externalHosts) if (typeof e === "string" && normalise(e) === h) return { kind: "external", host };
  }
  const labels = h.split(".");
  if (!labels.every((l) => DNS_LABEL.test(l))) return { kind: "invalid", host };
  const domain = normalise(options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN);
  const [name, namespace, svc, ...rest] = labels;
  if (labels.length === 1) return { kind: "service", name, namespace: contextNamespace, form: "short", istioExact: true };
  if (labels.length === 2) {
    if (PUBLIC_SUFFIXES.has(namespace)) return { kind: "external", host };
    return { kind: "service", name, namespace, form: "name.namespace", istioExact: false };
  }
  if (svc !== "svc") return { kind: "external", host };
  if (labels.length === 3) return { kind: "service", name, namespace, form: "name.namespace.svc", istioExact: false };
  const written = rest.join(".");
  return { kind: "service", name, namespace, form: "fqdn", domain: written, istioExact: written === domain };
}

/** The Service a host names, or null when it names none. */
export function hostService(host: unknown, contextNamespace: string | undefined, options: HostOptions = {}): ServiceHost | null {
  const ref = resolveHost(host, contextNamespace, options);
  return ref.kind === "service" ? ref : null;
}

/** True when two hosts (each resolved in its own resource's namespace) name the same Service. */
export function sameServiceHost(a: HostRef | null, b: HostRef | null): boolean {
  return !!a && !!b && a.kind === "service" && b.kind === "service" && a.name === b.name && namespacesMatch(a.namespace, b.namespace);
}

/** True when `host` (written in a resource of `contextNamespace`) names Service `name` in `namespace`. */
export function hostNamesService(
  host: unknown,
  contextNamespace: string | undefined,
  name: string,
  namespace: string | undefined,
  options: HostOptions = {},
): boolean {
  const ref = hostService(host, contextNamespace, options);
  return !!ref && ref.name === name.toLowerCase() && namespacesMatch(ref.namespace, namespace);
}

/** The first label of a host (`reviews` for `reviews.bookinfo.svc.cluster.local`). */
export function hostShortName(host: string): string {
  return normalise(host).split(".")[0] ?? "";
}

/** `name.namespace.svc.<domain>`. */
export function serviceHostname(name: string, namespace: string, domain = DEFAULT_CLUSTER_DOMAIN): string {
  return `${name}.${namespace}.svc.${domain}`;
}
