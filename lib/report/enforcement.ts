/**
 * For the report: which proxy enforces each AuthorizationPolicy today (sidecar mode) and after the move to
 * ambient, and what that does to its rules (from lib/istio's attachment, ztunnel outcome and enforcement model). Pure.
 */
import { asArray, isIstioKind, isObject } from "../k8s/resource.js";
import { actionOf, attachment, ztunnelOutcome } from "../istio/authorization.js";
import { notSentToZtunnel, objectFacts, trustDomainUses } from "../istio/enforcement.js";
import type { Resource } from "../yaml/documents.js";
import { relativeFile, resourcesOfText, type FindingSources, type ResultLike } from "./findings.js";

export interface PolicyEnforcement {
  namespace: string | null;
  name: string | null;
  file: string;
  line: number;
  action: string;
  /** Who evaluates it in sidecar mode. */
  today: string;
  /** Who evaluates it in ambient mode, and how. */
  after: string;
  /** True when the move changes what the policy does (not only where it runs). */
  changes: boolean;
}

function targets(spec: Record<string, unknown>): string {
  const refs = [...asArray(spec.targetRefs), ...(isObject(spec.targetRef) ? [spec.targetRef] : [])].filter(isObject);
  const names = refs.map((r) => `${typeof r.kind === "string" ? r.kind : "?"} ${typeof r.name === "string" ? r.name : "?"}`);
  return names.length ? names.join(", ") : "its targets";
}

function selectorText(spec: Record<string, unknown>): string {
  const labels = isObject(spec.selector) && isObject(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${String(v)}`);
  return pairs.length ? pairs.join(", ") : "every workload";
}

export function enforcementOf(resource: Resource, file: string, line: number, namespace: string | undefined, rootNamespace: string): PolicyEnforcement | null {
  if (!isIstioKind(resource, "AuthorizationPolicy")) return null;
  const policy = resource.value;
  const spec = isObject(policy.spec) ? policy.spec : {};
  const action = actionOf(policy);
  const how = attachment(policy, rootNamespace);
  const base = { namespace: namespace ?? null, name: resource.name ?? null, file, line, action };
  if (how === "targetRefs") {
    const to = targets(spec);
    return {
      ...base,
      today: `the proxy of ${to} (sidecars ignore targetRefs policies)`,
      after: `the waypoint or gateway of ${to} (L7)`,
      changes: false,
    };
  }
  const scope =
    how === "selector" ? `the sidecars of pods with ${selectorText(spec)}` : how === "mesh" ? "every sidecar of the mesh" : "every sidecar of the namespace";
  const ztunnelScope = how === "selector" ? `ztunnel, for pods with ${selectorText(spec)}` : how === "mesh" ? "ztunnel, mesh-wide" : "ztunnel, namespace-wide";
  const facts = objectFacts(policy, namespace, "");
  const notSent = notSentToZtunnel(facts);
  if (notSent === "dry-run") return { ...base, today: `${scope} (dry-run: logged, not enforced)`, after: "nobody: ztunnel never receives dry-run policies (no dry-run log)", changes: true };
  if (notSent === "audit") return { ...base, today: `${scope} (audit log)`, after: "nobody: ztunnel has no AUDIT action (the audit log is lost)", changes: true };
  const outcome = ztunnelOutcome(policy);
  const trustDomains = outcome ? [] : trustDomainUses(facts.rules ?? []);
  let after: string;
  switch (outcome?.kind) {
    case undefined:
      after = trustDomains.length ? `${ztunnelScope}, without its trust domain conditions (ztunnel ignores them)` : `${ztunnelScope}, as written (L4 only)`;
      break;
    case "allow-dropped":
      after = `${ztunnelScope}: ${outcome.droppedRules} of ${outcome.totalRules} rules dropped (HTTP attributes), so what they allowed is denied`;
      break;
    case "deny-broader":
      after = `${ztunnelScope}: enforced without its HTTP conditions, so it denies more than intended`;
      break;
    case "deny-no-effect":
      after = `nobody: ztunnel drops its HTTP conditions and nothing is left (fail-open)`;
      break;
    case "unsupported-action":
      after = `nobody: ${outcome.action} policies never reach ztunnel (needs a waypoint with targetRefs)`;
      break;
  }
  return { ...base, today: scope, after, changes: outcome !== null || trustDomains.length > 0 };
}

/** The AuthorizationPolicies of every linted file (files that never mention the kind are not parsed). */
export function policiesOf(results: readonly ResultLike[], sources: FindingSources, rootNamespace: string): PolicyEnforcement[] {
  const out: PolicyEnforcement[] = [];
  for (const result of results) {
    const text = result.output ?? result.source ?? sources.readText(result.filePath);
    if (!text || !text.includes("AuthorizationPolicy")) continue;
    for (const resource of resourcesOfText(text)) {
      const namespace = sources.deployment?.(result.filePath, resource)?.namespace ?? resource.namespace;
      const e = enforcementOf(resource, relativeFile(sources.cwd, result.filePath), resource.node.loc.start.line, namespace, rootNamespace);
      if (e) out.push(e);
    }
  }
  return out.sort((a, b) => Number(b.changes) - Number(a.changes) || a.file.localeCompare(b.file) || a.line - b.line);
}
