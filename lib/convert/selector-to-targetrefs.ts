/**
 * selector → targetRefs: which targets a selector-attached policy can move to, and the edit that does it.
 * Pure; the rule decides between fix (one unambiguous Service) and suggestions.
 */
import type { Labels } from "../k8s/selector.js";
import { sameLabels } from "../k8s/selector.js";
import { labelIndex } from "../k8s/label-index.js";
import { GATEWAY_API_GROUP } from "../k8s/resource.js";
import type { EditOp } from "../yaml/edit.js";
import { formatLabels } from "./subset-to-service.js";

export interface ServiceCandidate {
  name: string;
  namespace: string | undefined;
  selector: Labels | null;
}

export interface TargetRef {
  group: string;
  kind: string;
  name: string;
}

export function serviceRef(name: string): TargetRef {
  return { kind: "Service", group: "", name };
}

export function gatewayRef(name: string): TargetRef {
  return { kind: "Gateway", group: GATEWAY_API_GROUP, name };
}

export function waypointClassRef(): TargetRef {
  return { kind: "GatewayClass", group: GATEWAY_API_GROUP, name: "istio-waypoint" };
}

export interface WorkloadCandidate {
  name: string;
  namespace: string | undefined;
  podLabels: Labels;
}

export interface ServiceMatches<S extends ServiceCandidate> {
  /** `spec.selector` equals the matchLabels: the same pods wherever they are defined (a fix may use these). */
  exact: S[];
  /**
   * Another selector that selects the same non-empty set of workloads of the repository: the same pods today,
   * but only as far as the repository shows (pods created elsewhere may carry one label set and not the other).
   */
  sameWorkloads: S[];
  /** The selector is a strict subset of the matchLabels: the Service selects these pods and others. */
  wider: S[];
  /** Names of the workloads the matchLabels select (when workloads were given). */
  selected: string[];
}

/**
 * Sorts the Services of the policy's namespace by how well they stand for the pods of `matchLabels`. Each name
 * appears once, in the first class it fits. Services without a selector (or `assumeExists` ones, whose selector
 * is unknown) fit none. `workloads` (the repository's) enable `sameWorkloads`; without them it stays empty.
 * `sameNamespace(service, policy)` decides namespace pairing.
 */
export function classifyServices<S extends ServiceCandidate>(
  matchLabels: Labels,
  namespace: string | undefined,
  services: readonly S[],
  sameNamespace: (objectNamespace: string | undefined, policyNamespace: string | undefined) => boolean,
  workloads: readonly WorkloadCandidate[] = [],
): ServiceMatches<S> {
  const out: ServiceMatches<S> = { exact: [], sameWorkloads: [], wider: [], selected: [] };
  if (!Object.keys(matchLabels).length) return out;
  const seen = new Set<string>();
  // Lookups through label indexes of the two lists (made once per list), in list order: the Services and workloads
  // a plain scan of every one would keep.
  const isCandidate = (s: S) => !!s.selector && Object.keys(s.selector).length > 0 && sameNamespace(s.namespace, namespace);
  const byService = labelIndex(services, serviceSelectorOf);
  const byWorkload = labelIndex(workloads, podLabelsOf);
  const take = (list: S[], s: S) => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    list.push(s);
  };
  for (const s of byService.matching(matchLabels)) if (isCandidate(s) && sameLabels(s.selector!, matchLabels)) take(out.exact, s);
  const inNamespace = (w: WorkloadCandidate) => sameNamespace(w.namespace, namespace);
  const wanted = byWorkload.matching(matchLabels).filter(inNamespace);
  out.selected = [...new Set(wanted.map((w) => w.name))];
  if (wanted.length) {
    // Selecting the same workloads means selecting the first of them: only those Services are looked at.
    for (const s of byService.selecting(wanted[0].podLabels)) {
      if (!isCandidate(s)) continue;
      const got = byWorkload.matching(s.selector!).filter(inNamespace);
      if (got.length === wanted.length && got.every((w) => wanted.includes(w))) take(out.sameWorkloads, s);
    }
  }
  for (const s of byService.selecting(matchLabels)) if (isCandidate(s)) take(out.wider, s);
  return out;
}

const serviceSelectorOf = (s: ServiceCandidate) => s.selector;
const podLabelsOf = (w: WorkloadCandidate) => w.podLabels;

/** The labels of `matchLabels` that `selector` does not require (what a wider Service leaves out). */
export function missingLabels(selector: Labels, matchLabels: Labels): Labels {
  return Object.fromEntries(Object.entries(matchLabels).filter(([k, v]) => selector[k] !== v));
}

/** Message ids shared by the rules that move a selector to `targetRefs` (each rule words its own messages). */
export type ServiceSuggestionId = "useService" | "useServiceIn" | "useServiceSameWorkloads" | "useWiderService" | "useGuessedService";

export interface ServiceSuggestion {
  messageId: ServiceSuggestionId;
  /** Data of the message: `name`, and per id `where`, `selector`, `workloads`, `missing`. */
  data: Record<string, string>;
  /** The Service to target. */
  name: string;
}

/**
 * The Service suggestions for a selector, in order: each exact match (`useService` when it is in the linted
 * file, i.e. has a `resource`; `useServiceIn` with its location otherwise), each same-workloads match; only
 * when there is neither, each wider Service and the Service guessed from the `app` label (`guess: false` turns
 * the guess off; no guess either when a known Service of the namespace has that name: it was offered, or it
 * selects other pods).
 */
export function serviceSuggestions<S extends ServiceCandidate & { resource?: unknown; assumed?: boolean }>(
  found: ServiceMatches<S>,
  matchLabels: Labels,
  opts: {
    namespace: string | undefined;
    services: readonly S[];
    sameNamespace: (objectNamespace: string | undefined, policyNamespace: string | undefined) => boolean;
    where: (service: S) => string;
    guess: boolean;
  },
): ServiceSuggestion[] {
  const out: ServiceSuggestion[] = [];
  for (const s of found.exact) {
    out.push(
      s.resource !== undefined
        ? { messageId: "useService", data: { name: s.name }, name: s.name }
        : { messageId: "useServiceIn", data: { name: s.name, where: opts.where(s) }, name: s.name },
    );
  }
  for (const s of found.sameWorkloads) {
    const data = { name: s.name, where: opts.where(s), selector: formatLabels(s.selector!), workloads: found.selected.join(", ") };
    out.push({ messageId: "useServiceSameWorkloads", data, name: s.name });
  }
  if (found.exact.length || found.sameWorkloads.length) return out;
  for (const s of found.wider) {
    const data = { name: s.name, where: opts.where(s), selector: formatLabels(s.selector!), missing: formatLabels(missingLabels(s.selector!, matchLabels)) };
    out.push({ messageId: "useWiderService", data, name: s.name });
  }
  const guess = opts.guess ? guessServiceName(matchLabels) : null;
  const known = !!guess && opts.services.some((s) => s.name === guess && !s.assumed && opts.sameNamespace(s.namespace, opts.namespace));
  if (guess && !known) out.push({ messageId: "useGuessedService", data: { name: guess }, name: guess });
  return out;
}

export interface WaypointChoice {
  /** The waypoint a fix may target, or null when it takes a human choice. */
  fix: string | null;
  /** The waypoints to suggest, in order. */
  suggest: string[];
}

/**
 * Which waypoint Gateway a policy moves to. `names.same`: waypoints of the policy's namespace;
 * `names.unknownNamespace`: waypoints whose namespace is unknown; `configured`: the `waypoint` setting for the
 * namespace (`configured: false` = the default name). One waypoint of the namespace is the fix; among several,
 * the configured one, else each is a suggestion; with none, the configured name is the fix, else the waypoints
 * of unknown namespace (or the default name) are suggestions.
 */
export function chooseWaypoint(
  names: { same: readonly string[]; unknownNamespace: readonly string[] },
  configured: { name: string; configured: boolean },
): WaypointChoice {
  const { same, unknownNamespace } = names;
  if (same.length === 1) return { fix: same[0], suggest: [same[0]] };
  if (same.length > 1) {
    return configured.configured && same.includes(configured.name) ? { fix: configured.name, suggest: [configured.name] } : { fix: null, suggest: [...same] };
  }
  if (configured.configured) return { fix: configured.name, suggest: [configured.name] };
  return { fix: null, suggest: unknownNamespace.length ? [...unknownNamespace] : [configured.name] };
}

/** The Service name a reader would guess from the workload's `app` (or `app.kubernetes.io/name`) label. */
export function guessServiceName(matchLabels: Labels): string | null {
  return matchLabels.app ?? matchLabels["app.kubernetes.io/name"] ?? null;
}

/** Edit: replace `spec.selector` (or add to a namespace-wide policy) `targetRefs: [ref]`. */
export function toTargetRefs(ref: TargetRef, hasSelector: boolean): EditOp[] {
  const value = [{ ...ref }];
  return hasSelector
    ? [{ op: "replacePair", path: ["spec", "selector"], key: "targetRefs", value }]
    : [{ op: "set", path: ["spec", "targetRefs"], value }];
}
