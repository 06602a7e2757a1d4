/**
 * `settings["istio-ambient"]`, normalised with defaults. See README "Settings".
 */
import { isObject } from "./k8s/resource.js";

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

export function readSettings(settings: unknown): PluginSettings {
  const raw = isObject(settings) && isObject(settings[SETTINGS_KEY]) ? settings[SETTINGS_KEY] : {};
  const cached = cache.get(raw);
  if (cached) return cached;
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
