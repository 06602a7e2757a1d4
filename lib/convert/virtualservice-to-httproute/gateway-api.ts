/** Gateway API channel / version gating (reference §1 and §3). */

import type { GatewayApiTarget } from "./types.js";

export const DEFAULT_GATEWAY_API: GatewayApiTarget = { channel: "standard", version: "1.3" };

export type GatewayApiFeature = "parentRefPort" | "timeouts" | "ruleName" | "mirrorPercent" | "retry" | "cors";

const FEATURE_SINCE: Record<GatewayApiFeature, { standard?: [number, number]; experimental: [number, number]; what: string }> = {
  parentRefPort: { standard: [1, 1], experimental: [1, 0], what: "parentRefs[].port" },
  timeouts: { standard: [1, 2], experimental: [1, 0], what: "rules[].timeouts" },
  ruleName: { standard: [1, 4], experimental: [1, 2], what: "rules[].name" },
  mirrorPercent: { standard: [1, 3], experimental: [1, 2], what: "RequestMirror percent/fraction" },
  retry: { experimental: [1, 2], what: "rules[].retry" },
  cors: { standard: [1, 5], experimental: [1, 3], what: "the CORS filter" },
};

export function parseVersion(v: string): [number, number] {
  const m = /^v?(\d+)\.(\d+)/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2])] : [1, 3];
}

/** Whether the target channel/version has the field (by the gateway-api release that added it there). */
export function gatewayApiSupports(target: GatewayApiTarget | undefined, feature: GatewayApiFeature): boolean {
  const t = target ?? DEFAULT_GATEWAY_API;
  const since = FEATURE_SINCE[feature][t.channel];
  if (!since) return false;
  const [maj, min] = parseVersion(t.version);
  return maj > since[0] || (maj === since[0] && min >= since[1]);
}

export function featureRequirement(feature: GatewayApiFeature): string {
  const f = FEATURE_SINCE[feature];
  const parts: string[] = [];
  if (f.standard) parts.push(`standard channel >= v${f.standard.join(".")}`);
  parts.push(`experimental channel >= v${f.experimental.join(".")}`);
  return `${f.what} needs the Gateway API ${parts.join(" or ")}`;
}

export function targetLabel(t: GatewayApiTarget): string {
  return `${t.channel} v${t.version.replace(/^v/, "")}`;
}
