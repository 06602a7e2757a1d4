/**
 * The converter's intermediate representation (matches and rules of a VirtualService as the analysis reads
 * them) and the interface through which match.ts and filters.ts report to the analysis. Types only: the
 * analysis imports the checks, the checks import these types, and nothing imports the analysis back.
 */

import type { GatewayApiFeature } from "./gateway-api.js";
import type { GatewayApiTarget, Obj, Path, ProblemCode } from "./types.js";

export type CondKind = "exact" | "prefix" | "regex" | "present";
export interface Cond {
  name: string;
  kind: CondKind;
  value: string;
}
export type PathKind = "exact" | "prefix" | "regex";
export interface MatchIR {
  rule: number;
  /** Index in `match[]`; null when the rule has no match list (catch-all). */
  index: number | null;
  path: Path;
  uri: { kind: PathKind; value: string; implicit: boolean; vsPrefix?: string };
  method?: string;
  headers: Cond[];
  query: Cond[];
  port?: number;
  /** False when a condition cannot be represented (the conversion is refused; analyses skip it). */
  ok: boolean;
  /** False when `match.gateways` leaves out `mesh`. */
  mesh: boolean;
}

export interface BackendIR {
  path: Path;
  dest: Obj;
  weight?: number;
  headers?: Obj;
}

export interface MirrorIR {
  path: Path;
  dest: Obj;
  /** Percentage (0–100) when written; undefined = 100. */
  percent?: number;
  percentPath?: Path;
}

export interface RedirectIR {
  path: Path;
  filter: Obj;
  /** FROM_REQUEST_PORT with a scheme: needs the listener port. */
  needsRequestPort: boolean;
}

export interface RuleIR {
  index: number;
  path: Path;
  name?: string;
  matches: MatchIR[];
  /** Rule-level filters that do not depend on the match or the context (header modifiers, CORS). */
  headerFilters: Obj[];
  corsFilter?: Obj;
  redirect?: RedirectIR;
  rewrite?: { uri?: string; fullPath?: string; authority?: string; path: Path };
  timeouts?: { request?: string; backendRequest?: string };
  retry?: Obj;
  mirrors: MirrorIR[];
  backends: BackendIR[];
  /** All matches leave out `mesh`: the rule does not apply to mesh traffic. */
  notForMesh: boolean;
}

/** What match.ts and filters.ts use of the analysis (`Analysis` in analysis.ts implements it). */
export interface RuleChecks {
  readonly o: { readonly target: GatewayApiTarget; readonly acceptSegment: boolean };
  readonly notes: string[];
  /** A feature problem (no HTTPRoute equivalent, or not in the target) at `path`. */
  f(path: Path, code: ProblemCode, message: string): void;
  supports(feature: GatewayApiFeature): boolean;
  channelProblem(path: Path, feature: GatewayApiFeature, what: string): void;
  checkDestination(d: Obj, path: Path): boolean;
}
