/** Durations: protobuf / Go durations of a VirtualService and the Gateway API Duration form (GEP-2257). */

/** Parses a protobuf / Go duration ("0.5s", "1m30s", "250ms") into nanoseconds; null when malformed. */
export function parseDuration(value: unknown): bigint | null {
  if (typeof value !== "string") return null;
  const s = value.trim();
  if (!/^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/.test(s)) return null;
  const unitNs: Record<string, bigint> = { h: 3600000000000n, m: 60000000000n, s: 1000000000n, ms: 1000000n, us: 1000n, µs: 1000n, ns: 1n };
  let total = 0n;
  for (const m of s.matchAll(/(\d+)(?:\.(\d+))?(h|ms|m|s|us|µs|ns)/g)) {
    const unit = unitNs[m[3]];
    total += BigInt(m[1]) * unit;
    if (m[2]) {
      const frac = m[2];
      const scale = 10n ** BigInt(frac.length);
      const part = BigInt(frac) * unit;
      if (part % scale !== 0n) return null; // finer than a nanosecond
      total += part / scale;
    }
  }
  return total;
}

/** Formats milliseconds in the Gateway API Duration form `^([0-9]{1,5}(h|m|s|ms)){1,4}$` (GEP-2257). */
export function formatGatewayDuration(ms: bigint): string | null {
  if (ms < 0n) return null;
  if (ms === 0n) return "0s";
  const parts: string[] = [];
  let rest = ms;
  const h = rest / 3600000n;
  rest -= h * 3600000n;
  const m = rest / 60000n;
  rest -= m * 60000n;
  const s = rest / 1000n;
  const milli = rest - s * 1000n;
  // Prefer the shortest form: whole seconds when they fit in 5 digits, else hours/minutes/seconds.
  const totalSeconds = ms / 1000n;
  if (totalSeconds <= 99999n) {
    if (totalSeconds > 0n) parts.push(`${totalSeconds}s`);
    if (milli > 0n) parts.push(`${milli}ms`);
    return parts.join("");
  }
  if (h > 99999n) return null;
  if (h > 0n) parts.push(`${h}h`);
  if (m > 0n) parts.push(`${m}m`);
  if (s > 0n) parts.push(`${s}s`);
  if (milli > 0n) parts.push(`${milli}ms`);
  return parts.join("");
}

/** Converts a VirtualService duration to the Gateway API form; null when impossible (malformed, sub-millisecond). */
export function toGatewayDuration(value: unknown): string | null {
  const ns = parseDuration(value);
  if (ns === null || ns % 1000000n !== 0n) return null;
  return formatGatewayDuration(ns / 1000000n);
}

export function gatewayDurationMs(value: unknown): bigint | null {
  if (typeof value !== "string" || !/^([0-9]{1,5}(h|m|s|ms)){1,4}$/.test(value)) return null;
  const ns = parseDuration(value);
  return ns === null ? null : ns / 1000000n;
}
