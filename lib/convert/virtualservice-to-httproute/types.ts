/** Public types of the VirtualService → HTTPRoute converter, its problem codes, and small shared helpers. */

import type { ServicePort } from "../../k8s/service.js";

/** A Service port as the converter reads it (the shape lib/k8s/service.ts extracts). */
export type ServicePortInfo = ServicePort;

export interface ServiceInfo {
  name: string;
  namespace?: string;
  selector: Record<string, string> | null;
  ports: ServicePortInfo[];
  /** `spec.type` when known (ExternalName Services cannot get version Services or be parents). */
  type?: string;
  /** `spec.clusterIP` when known (`None` = headless). */
  clusterIP?: string;
  /** `metadata.labels`, copied to version Services. */
  labels?: Record<string, string>;
  /** Where the Service is defined (e.g. `apps/reviews/versions.yaml:18`), for messages; optional. */
  where?: string;
  /**
   * Not a usable Service: copies of it outside the linted file's unit that differ (where each is), so which one
   * is deployed decides the conversion. The converter only names them in its refusal.
   */
  differingCopies?: string[];
}

/**
 * A ServiceEntry (its hosts and ports): an HTTPRoute attaches to it with a `ServiceEntry` parentRef and routes to
 * its hosts with `Hostname` backendRefs (group networking.istio.io), which Istio reads as the VirtualService hosts
 * and destinations they replace (pilot/pkg/config/kube/gateway/conversion.go).
 */
export interface ServiceEntryInfo {
  name: string;
  /** Namespace of the ServiceEntry; undefined = unknown (taken as the VirtualService's, like a short host). */
  namespace?: string;
  hosts: string[];
  ports: number[];
  /** `spec.exportTo` when set (the converter only uses ServiceEntries visible everywhere). */
  exportTo?: unknown;
}

/** A DestinationRule subset. */
export interface SubsetInfo {
  /** The DestinationRule's `spec.host` (short name, or FQDN). */
  host: string;
  name: string;
  labels: Record<string, string>;
  /** Namespace of the DestinationRule (short hosts resolve in it); undefined = unknown (matches any). */
  namespace?: string;
  /** The subset's own `trafficPolicy`, if any: it would not follow traffic to the version Service. */
  trafficPolicy?: unknown;
  /** The DestinationRule's top-level `trafficPolicy`, if any: it stays on the base host. */
  hostTrafficPolicy?: unknown;
}

export interface GatewayApiTarget {
  channel: "standard" | "experimental";
  /** e.g. "1.2", "v1.3.0". */
  version: string;
}

/** Options that change what can be converted (usable without Services/subsets, e.g. by a lint rule). */
export interface ConvertOptions {
  /** Gateway API channel/version the cluster runs; default DEFAULT_GATEWAY_API (standard 1.6, the current standard release). */
  gatewayApi?: GatewayApiTarget;
  /** Namespace of the VirtualService when `metadata.namespace` is absent (e.g. from kustomization.yaml). */
  defaultNamespace?: string;
  /** Cluster DNS domain; default `cluster.local`. */
  domainSuffix?: string;
  /**
   * Accept that a VirtualService `uri.prefix` other than `/` becomes a path-segment PathPrefix (`/api` no longer
   * matches `/apix`). Default false: such prefixes are refused. Each accepted prefix is listed in `notes`.
   */
  acceptPathSegmentPrefix?: boolean;
}

export interface ConvertContext extends ConvertOptions {
  /** Services known (same file, or the repo index later), looked up by short name + namespace. */
  services: ServiceInfo[];
  /** DestinationRule subsets known. */
  subsets: SubsetInfo[];
  /** ServiceEntries known (hosts that are not Kubernetes Services); optional. */
  serviceEntries?: ServiceEntryInfo[];
}

export interface ConvertProblem {
  /** Path inside the VirtualService object, e.g. ["spec","http",0,"fault"]. */
  path: (string | number)[];
  code: ProblemCode;
  message: string;
}

export interface ConvertOutput {
  httpRoutes: object[];
  /** The TCPRoute of a tcp-only VirtualService (then `httpRoutes` is empty). */
  tcpRoutes?: object[];
  /** Version Services to create (those no existing Service stands in for). */
  versionServices: object[];
  /** Existing Services reused as version Services (same selector as base selector + subset labels, any name). */
  reusedServices: Array<{ name: string; namespace?: string; where?: string; subset: string }>;
  /** The VirtualService left behind when it is also bound to an ingress gateway ("mesh" removed); null = delete it. */
  remainingVirtualService: object | null;
  notes: string[];
}

export interface ConvertResult {
  /** null when refused (problems non-empty). */
  result: null | ConvertOutput;
  problems: ConvertProblem[];
  /** Same notes as `result.notes`; also filled when the conversion is refused (e.g. unreachable rules). */
  notes: string[];
}

export const PROBLEM_CODES = [
  // resource level
  "invalid-resource",
  "not-mesh",
  "unknown-field",
  "invalid-value",
  "no-hosts",
  "host-wildcard",
  "host-ip",
  "host-not-service",
  "export-to",
  "cross-namespace",
  "namespace-unknown",
  "tcp-routes",
  "tcp-match",
  "tls-routes",
  "no-http-routes",
  // features without an HTTPRoute equivalent
  "fault",
  "delegate",
  "direct-response",
  "no-destination",
  "redirect-with-route",
  "source-labels",
  "source-namespace",
  "without-headers",
  "ignore-uri-case",
  "match-scheme",
  "match-authority",
  "method-match",
  "header-match",
  "query-match",
  "jwt-claim-match",
  "prefix-semantics",
  "invalid-path",
  "rewrite",
  "redirect",
  "duration",
  "retries-disabled",
  "retry",
  "cors",
  "header-modifier",
  "mirror",
  "unsupported-in-channel",
  // need the Services / DestinationRules
  "mixed-ports",
  "port-not-on-service",
  "backend-port",
  "unknown-service",
  "service-without-selector",
  "service-not-clusterip",
  "unknown-subset",
  "subset-traffic-policy",
  "subset-adds-no-labels",
  "selector-conflict",
  "version-service-name",
  "version-service-conflict",
  "weights",
  // whole-route checks
  "precedence",
  "limit",
  // merging several VirtualServices of one Service
  "merge-mismatch",
  "merge-order",
  // delegation (a root VirtualService and its delegates)
  "delegate-unknown",
  "delegate-unsupported",
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

export type Path = (string | number)[];
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
