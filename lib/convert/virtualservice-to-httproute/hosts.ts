/** Hosts, names and path values: how Istio reads a VirtualService host, and the Gateway API validation patterns. */

import type { Path } from "./types.js";

export const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const PRECISE_HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const SECTION_NAME = PRECISE_HOSTNAME;
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
export const EXPERIMENTAL_HEADER_VALUE = /^[!-~]+([\t ]?[!-~]+)*$/;
export const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;
export const CORS_ORIGIN = /(^\*$)|(^(http(s)?):\/\/(((\*\.)?([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+|\*)(:([0-9]{1,5}))?)$)/;
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"] as const;

export interface ServiceHostRef {
  name: string;
  /** Namespace written in the host (FQDN); undefined for a short name (= the VirtualService's namespace). */
  namespace?: string;
}

export type HostParse =
  | { ok: true; ref: ServiceHostRef }
  | { ok: false; code: "host-wildcard" | "host-ip" | "host-not-service"; message: string };

/** How Istio reads a VirtualService host: short names expand in the VS namespace; only `<svc>.<ns>.svc.<domain>` is an FQDN. */
export function parseServiceHost(host: string, domainSuffix = "cluster.local"): HostParse {
  const h = host.toLowerCase();
  if (h.includes("*")) {
    return { ok: false, code: "host-wildcard", message: `wildcard host "${host}" matches many Services; an HTTPRoute attaches to one Service per parentRef` };
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.includes(":")) {
    return { ok: false, code: "host-ip", message: `"${host}" is an IP address, not a Service; an HTTPRoute can only attach to a Service` };
  }
  if (!h.includes(".")) {
    if (h.length <= 63 && DNS_1035.test(h)) return { ok: true, ref: { name: h } };
    return { ok: false, code: "host-not-service", message: `"${host}" is not a valid Service name` };
  }
  const labels = h.split(".");
  if (labels.length >= 4 && labels[2] === "svc") {
    const domain = labels.slice(3).join(".");
    if (domain !== domainSuffix.toLowerCase()) {
      return {
        ok: false,
        code: "host-not-service",
        message: `"${host}" is not under the cluster domain "${domainSuffix}" (set domainSuffix if the cluster uses "${domain}")`,
      };
    }
    if (!DNS_1035.test(labels[0]) || labels[0].length > 63 || !DNS_1123_LABEL.test(labels[1])) {
      return { ok: false, code: "host-not-service", message: `"${host}" does not name a valid Service` };
    }
    return { ok: true, ref: { name: labels[0], namespace: labels[1] } };
  }
  if (labels.length === 2 || (labels.length === 3 && labels[2] === "svc")) {
    return {
      ok: false,
      code: "host-not-service",
      message: `"${host}" is no Service host to Istio (for Service ${labels[0]} in namespace ${labels[1]}, write "${labels[0]}.${labels[1]}.svc.${domainSuffix}")`,
    };
  }
  return {
    ok: false,
    code: "host-not-service",
    message: `"${host}" is not a Kubernetes Service, which a mesh HTTPRoute needs`,
  };
}

/** Go's regexp.QuoteMeta: escapes `\.+*?()|[]{}^$`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

export function sanitizeSectionName(name: string): string | null {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/\.+/g, ".")
    .replace(/(^[-.]+)|([-.]+$)/g, "")
    .replace(/-\./g, ".")
    .replace(/\.-/g, ".")
    .slice(0, 253)
    .replace(/[-.]+$/g, "");
  return s && SECTION_NAME.test(s) ? s : null;
}

/** The HTTPPathMatch CEL rules for Exact / PathPrefix values; null when valid, else the reason. */
export function pathValueProblem(value: string): string | null {
  if (!value.startsWith("/")) return "must start with '/'";
  if (value.length > 1024) return "must be at most 1024 characters";
  for (const bad of ["//", "/./", "/../", "%2f", "%2F", "#"]) if (value.includes(bad)) return `must not contain '${bad}'`;
  if (value.endsWith("/..") || value.endsWith("/.")) return "must not end with '/..' or '/.'";
  if (!PATH_CHARS.test(value)) return "contains characters that are not allowed in a path";
  return null;
}

export function pathStr(path: Path): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

export function ruleRef(i: number): string {
  return `http[${i}]`;
}
