/**
 * `settings["istio-ambient"]`, normalised with defaults. See README "Settings".
 */
import { isObject } from "./k8s/resource.js";
import { gatewayApiTargetProblem, readGatewayApiTarget } from "./convert/virtualservice-to-httproute/gateway-api.js";
import type { GatewayApiTarget } from "./convert/virtualservice-to-httproute/types.js";

export interface AssumedResource {
  kind: string;
  name: string;
  namespace?: string;
}

export interface PluginSettings {
  root: string | undefined;
  include: string[];
  exclude: string[];
  defaultNamespace: string | undefined;
  rootNamespace: string;
  trustDomain: string;
  /** Waypoint Gateway name: one for all namespaces, or per namespace (`"*"` as fallback key). */
  waypoint: string | Record<string, string>;
  /** True when the user named the waypoint (a fix may then target it without guessing). */
  waypointConfigured: boolean;
  istioVersion: string;
  /** Gateway API channel and release the clusters run (what HTTPRoute fields conversions may emit). */
  gatewayApi: GatewayApiTarget;
  assumeExists: AssumedResource[];
  revalidateMs: number;
  /**
   * Globs (root-relative) of directories that are deployment units of their own, for layouts that no
   * kustomization, Argo CD Application or Flux Kustomization describes (e.g. `["clusters/*", "apps/*"]`).
   */
  units: string[];
  /** At most this many files are walked by the index (then it stops with one note). */
  maxFiles: number;
  /** At most this many bytes are read by the index in all (then it stops with one note). */
  maxBytes: number;
  /** Files larger than this are skipped by the index (with a note). */
  maxFileBytes: number;
}

export const SETTINGS_KEY = "istio-ambient";
export const LATEST_ISTIO_VERSION = "1.30";

const cache = new WeakMap<object, PluginSettings>();
const NO_SETTINGS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

type Check = (value: unknown) => string | null;
const isString: Check = (v) => (typeof v === "string" ? null : "a string");
const isStringArray: Check = (v) => (Array.isArray(v) && v.every((x) => typeof x === "string") ? null : "an array of strings");
const isNumber: Check = (v) => (typeof v === "number" && Number.isFinite(v) ? null : "a number");
const isPositive: Check = (v) => (typeof v === "number" && v > 0 ? null : "a positive number");

/**
 * Every setting under `settings["istio-ambient"]` and what its value must be. This is the one list of known
 * keys: a new setting is one line here (plus its field in `PluginSettings` and in `readSettings`).
 */
export const SETTING_CHECKS: Record<string, Check> = {
  root: isString,
  include: isStringArray,
  exclude: isStringArray,
  defaultNamespace: isString,
  rootNamespace: isString,
  trustDomain: isString,
  waypoint: (v) =>
    typeof v === "string" || (isObject(v) && Object.values(v).every((x) => typeof x === "string"))
      ? null
      : 'a Gateway name or an object of namespace → Gateway name (`"*"` for any other namespace)',
  istioVersion: (v) => (typeof v === "string" && /^\d+\.\d+/.test(v) ? null : 'a version string such as "1.30"'),
  gatewayApi: gatewayApiTargetProblem,
  assumeExists: (v) =>
    Array.isArray(v) && v.every((a) => isObject(a) && typeof a.kind === "string" && typeof a.name === "string")
      ? null
      : "an array of { kind, name, namespace? } objects",
  revalidateMs: isNumber,
  units: isStringArray,
  maxFiles: isPositive,
  maxBytes: isPositive,
  maxFileBytes: isPositive,
};

/** A setting the plugin cannot use: thrown once, naming the key, so a typo is never silently ignored. */
export class SettingsError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`eslint-plugin-istio-ambient: settings["${SETTINGS_KEY}"]${key ? `.${key}` : ""} ${message}`);
    this.name = "SettingsError";
  }
}

/** Throws a SettingsError for the first unknown key or wrongly typed value (`undefined`/`null` = not set). */
export function validateSettings(raw: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(raw)) {
    const check = Object.hasOwn(SETTING_CHECKS, key) ? SETTING_CHECKS[key] : undefined;
    if (!check) {
      const near = closestKey(key);
      throw new SettingsError(
        key,
        `is not a known setting${near ? ` (did you mean "${near}"?)` : ""}. Known settings: ${Object.keys(SETTING_CHECKS).join(", ")}.`,
      );
    }
    if (value === undefined || value === null) continue;
    const expected = check(value);
    if (expected) throw new SettingsError(key, `must be ${expected}; got ${JSON.stringify(value) ?? String(value)}.`);
  }
}

function closestKey(key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const known of Object.keys(SETTING_CHECKS)) {
    const d = editDistance(key.toLowerCase(), known.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

export function readSettings(settings: unknown): PluginSettings {
  const given = isObject(settings) ? settings[SETTINGS_KEY] : undefined;
  if (given !== undefined && given !== null && !isObject(given)) {
    throw new SettingsError("", `must be an object; got ${JSON.stringify(given)}.`);
  }
  // One object for "no settings", so that the cache hits for every file of a run without settings.
  const raw = given ?? NO_SETTINGS;
  const cached = cache.get(raw);
  if (cached) return cached;
  validateSettings(raw);
  const strings = (v: unknown, d: string[]) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : d);
  const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  const waypointRaw = raw.waypoint;
  const waypoint =
    typeof waypointRaw === "string" && waypointRaw
      ? waypointRaw
      : isObject(waypointRaw)
        ? Object.fromEntries(Object.entries(waypointRaw).filter((e): e is [string, string] => typeof e[1] === "string"))
        : "waypoint";
  const out: PluginSettings = {
    root: str(raw.root),
    include: strings(raw.include, ["**/*.{yaml,yml,json}"]),
    exclude: strings(raw.exclude, []),
    defaultNamespace: str(raw.defaultNamespace),
    rootNamespace: str(raw.rootNamespace) ?? "istio-system",
    trustDomain: str(raw.trustDomain) ?? "cluster.local",
    waypoint,
    waypointConfigured: waypointRaw !== undefined && waypointRaw !== null,
    istioVersion: str(raw.istioVersion) ?? LATEST_ISTIO_VERSION,
    gatewayApi: readGatewayApiTarget(raw.gatewayApi),
    assumeExists: Array.isArray(raw.assumeExists)
      ? raw.assumeExists.filter(
          (a): a is AssumedResource => isObject(a) && typeof a.kind === "string" && typeof a.name === "string",
        )
      : [],
    revalidateMs: typeof raw.revalidateMs === "number" ? raw.revalidateMs : 1000,
    units: strings(raw.units, []),
    maxFiles: positive(raw.maxFiles, 50_000),
    maxBytes: positive(raw.maxBytes, 256 * 1024 * 1024),
    maxFileBytes: positive(raw.maxFileBytes, 8 * 1024 * 1024),
  };
  cache.set(raw, out);
  return out;
}

function positive(value: unknown, fallback: number): number {
  return typeof value === "number" && value > 0 ? value : fallback;
}

/** The configured waypoint name for a namespace, and whether the user configured it explicitly. */
export function waypointFor(settings: PluginSettings, namespace: string | undefined): { name: string; configured: boolean } {
  if (typeof settings.waypoint === "string") return { name: settings.waypoint, configured: settings.waypointConfigured };
  const byNs = (namespace && settings.waypoint[namespace]) || settings.waypoint["*"];
  return byNs ? { name: byNs, configured: true } : { name: "waypoint", configured: false };
}
