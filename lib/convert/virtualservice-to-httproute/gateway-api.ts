/**
 * Gateway API channel / version gating (reference §1 and §3): every field the converter emits that not every
 * Gateway API release has, in one table, with the release that introduced it in each channel.
 *
 * Releases read (kubernetes-sigs/gateway-api CRDs `config/crd/{standard,experimental}` at tags v1.0.0 … v1.6.1):
 * v1.5.0 (2026-02-27) moved the CORS filter to the standard channel; v1.6.0 (2026-06-29; v1.6.1 the latest patch)
 * moved TCPRoute/UDPRoute to standard and kept HTTPRoute `retry` experimental. Retry's promotion to standard is
 * work in progress after v1.6 (gateway-api#4816; #5167 changes `backoff`) and no release has it yet, so no
 * standard release is listed for it: a target that names a later version still gets retries refused until the
 * table says which release has them and with which fields.
 */

import type { GatewayApiTarget } from "./types.js";

/** The current standard release: the default target (settings `gatewayApi`, rule option `gatewayApi`). */
export const DEFAULT_GATEWAY_API: GatewayApiTarget = { channel: "standard", version: "1.6" };

export type GatewayApiFeature = "parentRefPort" | "timeouts" | "ruleName" | "mirrorPercent" | "retry" | "cors" | "tcpRoute";

export interface GatewayApiGate {
  /** The HTTPRoute field. */
  what: string;
  /** First release whose standard CRD has the field; absent = none yet. */
  standard?: [number, number];
  /** First release whose experimental CRD has the field. */
  experimental: [number, number];
  /** The Gateway API enhancement proposal. */
  gep: string;
}

/** Every version gate of the converter (the docs table in docs/rules/prefer-httproute.md is checked against it). */
export const GATEWAY_API_GATES: Readonly<Record<GatewayApiFeature, GatewayApiGate>> = {
  parentRefPort: { what: "parentRefs[].port", standard: [1, 1], experimental: [1, 0], gep: "GEP-957" },
  timeouts: { what: "rules[].timeouts", standard: [1, 2], experimental: [1, 0], gep: "GEP-1742" },
  ruleName: { what: "rules[].name", standard: [1, 4], experimental: [1, 2], gep: "GEP-995" },
  mirrorPercent: { what: "RequestMirror percent/fraction", standard: [1, 3], experimental: [1, 2], gep: "GEP-3171" },
  retry: { what: "rules[].retry", experimental: [1, 2], gep: "GEP-1731" },
  cors: { what: "the CORS filter", standard: [1, 5], experimental: [1, 3], gep: "GEP-1767" },
  // A route kind rather than an HTTPRoute field: tcp-only VirtualServices (tcp.ts); `v1` in standard v1.6, `v1alpha2` before.
  tcpRoute: { what: "TCPRoute", standard: [1, 6], experimental: [1, 0], gep: "GEP-1426" },
};

/** `"1.6"`, `"v1.6.1"` → [1, 6]; null when not a version. */
export function parseVersion(v: string): [number, number] | null {
  const m = /^v?(\d+)\.(\d+)(\.\d+)?$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Whether the target channel/version has the field (by the gateway-api release that added it there). */
export function gatewayApiSupports(target: GatewayApiTarget | undefined, feature: GatewayApiFeature): boolean {
  const t = target ?? DEFAULT_GATEWAY_API;
  const since = GATEWAY_API_GATES[feature][t.channel];
  if (!since) return false;
  const parsed = parseVersion(t.version) ?? (parseVersion(DEFAULT_GATEWAY_API.version) as [number, number]);
  const [maj, min] = parsed;
  return maj > since[0] || (maj === since[0] && min >= since[1]);
}

export function featureRequirement(feature: GatewayApiFeature): string {
  const f = GATEWAY_API_GATES[feature];
  const parts: string[] = [];
  if (f.standard) parts.push(`standard channel >= v${f.standard.join(".")}`);
  parts.push(`experimental channel >= v${f.experimental.join(".")}`);
  return `${f.what} needs the Gateway API ${parts.join(" or ")}`;
}

export function targetLabel(t: GatewayApiTarget): string {
  return `${t.channel} v${t.version.replace(/^v/, "")}`;
}

/** Why a `gatewayApi` setting or option value is unusable; null when it is `{ channel, version }` with a known channel. */
export function gatewayApiTargetProblem(value: unknown): string | null {
  const ok =
    typeof value === "object" &&
    value !== null &&
    ((value as Record<string, unknown>).channel === "standard" || (value as Record<string, unknown>).channel === "experimental") &&
    typeof (value as Record<string, unknown>).version === "string" &&
    parseVersion((value as Record<string, string>).version) !== null;
  return ok ? null : '{ channel: "standard" | "experimental", version: "1.6" } (a Gateway API release)';
}

/** The `gatewayApi` setting normalised: the value when usable, else the current standard release. */
export function readGatewayApiTarget(value: unknown): GatewayApiTarget {
  if (gatewayApiTargetProblem(value) !== null) return DEFAULT_GATEWAY_API;
  const v = value as GatewayApiTarget;
  return { channel: v.channel, version: v.version };
}
