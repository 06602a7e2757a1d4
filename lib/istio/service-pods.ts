/**
 * The inputs of the enforcement model (./enforcement.ts) read from the repository: the AuthorizationPolicies the
 * repository holds, and the pods of a Service as the destination ztunnel sees them. Pure: reads the index only.
 */
import { isIstioGroup } from "../k8s/resource.js";
import { selectorMatches } from "../k8s/selector.js";
import type { RepoIndex } from "../index/repo-index.js";
import type { ResourceRecord } from "../index/types.js";
import { recordFacts, type PolicyFacts, type Pods } from "./enforcement.js";

/**
 * Every AuthorizationPolicy of the repository as the model reads it: the index records (patches aside) except
 * those of `ownFile`, whose policies the caller passes as `own` (read from the linted text).
 */
export function repositoryPolicyFacts(repo: RepoIndex, ownFile: string | undefined, own: readonly PolicyFacts[] = []): PolicyFacts[] {
  const out: PolicyFacts[] = [];
  for (const r of repo.byKind("AuthorizationPolicy")) {
    if (!isIstioGroup(r.group) || r.partial || (ownFile !== undefined && r.file === ownFile)) continue;
    out.push(recordFacts(r));
  }
  return [...out, ...own];
}

/**
 * The pods of a Service: one set per workload of the repository it selects in `namespace` (so that a policy that
 * selects some of them only is told apart), else the pods its selector stands for.
 */
export function servicePodSets(repo: RepoIndex, service: Pick<ResourceRecord, "selector">, namespace: string | undefined): Pods[] {
  const selector = service.selector ?? {};
  const known = repo.workloads(namespace).filter((w) => !w.partial && w.podLabels && selectorMatches(selector, w.podLabels));
  if (!known.length) return [{ namespace, labels: selector, workloads: [] }];
  return known.map((w) => ({ namespace, labels: w.podLabels, workloads: [w.podLabels] }));
}
