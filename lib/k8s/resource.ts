/**
 * Kubernetes resource headers over plain values. Pure: no AST, no ESLint.
 */

export interface ResourceHeader {
  apiVersion: string;
  /** API group: "" for the core group (`apiVersion: v1`). */
  group: string;
  version: string;
  kind: string;
  name: string | undefined;
  namespace: string | undefined;
}

export type PlainObject = Record<string, unknown>;

export function isObject(value: unknown): value is PlainObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Reads the header of a manifest; null when it is not a Kubernetes object (no apiVersion/kind strings). */
export function readHeader(value: unknown): ResourceHeader | null {
  if (!isObject(value)) return null;
  const apiVersion = asString(value.apiVersion);
  const kind = asString(value.kind);
  if (!apiVersion || !kind) return null;
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const name = asString(metadata.name);
  const namespace = asString(metadata.namespace);
  return { apiVersion, group, version, kind, name, namespace };
}

/** Istio's own API groups (`networking.istio.io`, `security.istio.io`, `extensions.istio.io`, `telemetry.istio.io`, …). */
export function isIstioGroup(group: string): boolean {
  return group === "istio.io" || group.endsWith(".istio.io");
}

export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";

export function isIstioKind(header: ResourceHeader | null, kind: string): boolean {
  return !!header && header.kind === kind && isIstioGroup(header.group);
}

/** `Kind namespace/name`, or `Kind name` when the namespace is not written in the manifest. */
export function displayName(header: ResourceHeader, namespace = header.namespace): string {
  const name = header.name ?? "(unnamed)";
  return `${header.kind} ${namespace ? `${namespace}/${name}` : name}`;
}

/** `metadata.labels` as a string map (non-string values are stringified as Kubernetes would reject them anyway). */
export function labelsOf(value: unknown): Record<string, string> {
  if (!isObject(value) || !isObject(value.metadata) || !isObject(value.metadata.labels)) return {};
  return stringMap(value.metadata.labels);
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    out[k] = String(v);
  }
  return out;
}
