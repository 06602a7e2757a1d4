import path from "node:path";
import { createRule, type CheckContext } from "../lib/create-rule.js";
import { GATEWAY_API_GROUP, isIstioGroup, isIstioKind, isObject } from "../lib/k8s/resource.js";
import { fileScope } from "../lib/index/file-scope.js";
import type { RepoIndex, ResourceRecord } from "../lib/index/index.js";
import { actionOf } from "../lib/istio/authorization.js";
import { isDryRun } from "../lib/istio/bypass.js";
import { admitted, callerOf, identityConditions, INGRESS_USE_WAYPOINT, namesCaller, objectFacts, ztunnelPoliciesFor, type PolicyFacts } from "../lib/istio/enforcement.js";
import { ingressRoutesTo, ingressUseWaypoint, type IngressRoute } from "../lib/istio/ingress.js";
import { MIXED_ROUTE_KINDS, serviceLabel, serviceParents } from "../lib/istio/route-mix.js";
import { repositoryPolicyFacts, servicePodSets } from "../lib/istio/service-pods.js";
import { canonicalGroup, targetRefEntries } from "../lib/istio/targetrefs.js";
import { targetRecords, waypointState } from "../lib/istio/waypoint-binding.js";
import { gatewayIdentity } from "../lib/istio/waypoint.js";
import type { EditOp } from "../lib/yaml/edit.js";
import type { Resource } from "../lib/yaml/documents.js";
import type { Path } from "../lib/yaml/ast.js";

type MessageIds = "policySkipped" | "routeSkipped" | "addLabel";

type Options = Record<string, never>;

/** Istio policy kinds a waypoint applies through `targetRefs` (and that ingress traffic then skips). */
const POLICY_KINDS = new Set(["AuthorizationPolicy", "RequestAuthentication", "WasmPlugin", "TrafficExtension"]);

const LABEL_PATH: Path = ["metadata", "labels", INGRESS_USE_WAYPOINT];

export default createRule<MessageIds, Options>({
  name: "require-ingress-use-waypoint",
  meta: {
    type: "problem",
    docs: {
      description:
        "Services with waypoint policies or mesh routes that an ingress route reaches need `istio.io/ingress-use-waypoint: \"true\"`: ingress gateways skip the waypoint otherwise (cross-file)",
      recommended: "warn",
    },
    fixable: "code",
    hasSuggestions: true,
    messages: {
      policySkipped: "Ingress via {{gateway}} skips this policy: label Service {{service}} `istio.io/ingress-use-waypoint: \"true\"`.",
      routeSkipped: "Ingress via {{gateway}} skips this route: label Service {{service}} `istio.io/ingress-use-waypoint: \"true\"`.",
      addLabel: "Label Service {{service}} `istio.io/ingress-use-waypoint: \"true\"`.",
    },
  },
  defaultOptions: {},
  check(ctx) {
    const candidates = ctx.resources.filter(
      (r) => (isIstioGroup(r.group) && POLICY_KINDS.has(r.kind)) || (r.group === GATEWAY_API_GROUP && MIXED_ROUTE_KINDS.has(r.kind)),
    );
    if (!candidates.length) return;
    const scope = fileScope(ctx);
    const repo = scope.repo;
    let facts: PolicyFacts[] | undefined;
    const policyFacts = (): PolicyFacts[] => {
      if (facts) return facts;
      const file = path.resolve(ctx.eslint.cwd, ctx.eslint.physicalFilename);
      const own = ctx.resources
        .filter((r) => isIstioKind(r, "AuthorizationPolicy") && !ctx.recordOf(r)?.partial)
        .map((r) => objectFacts(r.value, ctx.namespaceOf(r), `${file}\0${r.documentIndex}\0${r.listIndex ?? ""}`));
      return (facts = repositoryPolicyFacts(repo, file, own));
    };

    for (const resource of candidates) {
      const self = scope.recordOf(resource);
      if (self?.partial) continue;
      const namespace = self ? self.namespace : ctx.namespaceOf(resource);
      const spec = isObject(resource.value.spec) ? resource.value.spec : {};

      if (isIstioGroup(resource.group)) {
        if (spec.selector !== undefined && spec.selector !== null) continue; // rejected at admission (valid-policy-targetrefs)
        if (resource.kind === "AuthorizationPolicy" && (isDryRun(resource.value) || !["ALLOW", "DENY", "CUSTOM"].includes(actionOf(resource.value)))) continue;
        const seen = new Set<ResourceRecord>();
        for (const entry of targetRefEntries(resource.value)) {
          const { ref } = entry;
          if (typeof ref.name !== "string" || !ref.name || (typeof ref.namespace === "string" && ref.namespace)) continue;
          const group = typeof ref.group === "string" ? ref.group : undefined;
          let services: ResourceRecord[] = [];
          if (ref.kind === "Service" && canonicalGroup(group) === "core") services = boundService(repo, ref.name, namespace);
          else if (ref.kind === "Gateway" && group === GATEWAY_API_GROUP) services = servicesOfWaypoint(repo, ref.name, namespace);
          for (const service of services) {
            if (seen.has(service)) continue;
            seen.add(service);
            check(ctx, scope.recordOf, policyFacts, { resource, path: entry.path, messageId: "policySkipped", service });
          }
        }
        continue;
      }

      // A mesh route (Service parentRef): ingress traffic does not pass the waypoint that applies it.
      for (const parent of serviceParents(spec.parentRefs, namespace)) {
        for (const service of boundService(repo, parent.name, parent.namespace)) {
          check(ctx, scope.recordOf, policyFacts, { resource, path: ["spec", "parentRefs", parent.index], messageId: "routeSkipped", service });
        }
      }
    }
  },
});

/** The Service `name` in `namespace` when the repository holds exactly one and it is bound to a waypoint. */
function boundService(repo: RepoIndex, name: string, namespace: string | undefined): ResourceRecord[] {
  const records = targetRecords(repo, "Service", name, namespace).filter((r) => !r.assumed && !r.partial);
  return records.length === 1 && waypointState(repo, records[0]).type === "bound" ? records : [];
}

/** The Services bound to the waypoint Gateway `name` of `namespace`. */
function servicesOfWaypoint(repo: RepoIndex, name: string, namespace: string | undefined): ResourceRecord[] {
  const gateway = repo.waypoint(name, namespace);
  if (!gateway) return [];
  return repo.services().filter((s) => {
    if (s.assumed || s.partial) return false;
    const state = waypointState(repo, s);
    return state.type === "bound" && state.gateway === gateway;
  });
}

interface Finding {
  resource: Resource;
  path: Path;
  messageId: "policySkipped" | "routeSkipped";
  service: ResourceRecord;
}

function check(
  ctx: CheckContext<MessageIds, Options>,
  recordOf: (r: Resource) => ResourceRecord | undefined,
  policyFacts: () => PolicyFacts[],
  f: Finding,
): void {
  const repo = ctx.repo();
  // An explicit label (on the Service, else its Namespace) is the owner's choice; an unknown Namespace is not judged.
  const label = ingressUseWaypoint(repo, f.service);
  if (label.value !== false || label.holder) return;
  const routes = ingressRoutesTo(repo, { name: f.service.name, namespace: f.service.namespace }, ctx.settings.trustDomain);
  if (!routes.length) return;
  const service = serviceLabel(f.service.name, f.service.namespace);
  const data = { gateway: gatewayName(routes[0]), service };
  const target = ctx.resources.find((r) => recordOf(r) === f.service);
  const ops = target ? labelOps(target) : null;
  if (!target || !ops) {
    ctx.report({ resource: f.resource, path: f.path, messageId: f.messageId, data });
    return;
  }
  // Through the waypoint, ingress reaches the pods with the waypoint's identity: a fix only when ztunnel admits it there.
  // And the waypoint's ALLOW policies for the Service must admit the gateway, which they start to see.
  const safe = waypointAdmitted(ctx, repo, f.service, policyFacts) && waypointAdmitsIngress(repo, f.service, policyFacts(), routes);
  ctx.report({
    resource: f.resource,
    path: f.path,
    messageId: f.messageId,
    data,
    fix: safe ? ops : null,
    suggest: safe ? [] : [{ messageId: "addLabel", data: { service }, ops }],
    fixResource: target,
  });
}

function gatewayName(route: IngressRoute): string {
  return `Gateway ${serviceLabel(route.gateway.name, route.gateway.namespace)}`;
}

/** True when the destination ztunnel surely admits the Service's waypoint at every pod of the Service. */
function waypointAdmitted(ctx: CheckContext<MessageIds, Options>, repo: RepoIndex, service: ResourceRecord, policyFacts: () => PolicyFacts[]): boolean {
  const state = waypointState(repo, service);
  if (state.type !== "bound") return false;
  const principal = gatewayIdentity(state.gateway, ctx.settings.trustDomain, state.gateway.namespace ?? service.namespace).principal;
  if (!principal) return false;
  const waypoint = callerOf(principal);
  return servicePodSets(repo, service, service.namespace).every(
    (pods) => admitted(ztunnelPoliciesFor(policyFacts(), pods, ctx.settings.rootNamespace), waypoint).allowed === true,
  );
}

/**
 * True when no waypoint ALLOW policy targets the Service (or its waypoint), or one of them names every known
 * identity of the ingress gateways: otherwise the label would make the waypoint deny ingress (an outage).
 */
function waypointAdmitsIngress(repo: RepoIndex, service: ResourceRecord, facts: readonly PolicyFacts[], routes: readonly IngressRoute[]): boolean {
  const state = waypointState(repo, service);
  const gatewayName = state.type === "bound" ? state.gateway.name : undefined;
  const allows = facts.filter(
    (f) =>
      f.action === "ALLOW" &&
      !f.dryRun &&
      (f.namespace === undefined || f.namespace === service.namespace) &&
      f.targetRefs.some((t) => (t.kind === "Service" && t.name === service.name) || (t.kind === "Gateway" && t.name === gatewayName)),
  );
  if (!allows.length) return true;
  const callers = routes.flatMap((r) => r.identities).filter((g) => g.principal).map((g) => callerOf(g.principal!));
  if (!callers.length) return false;
  // A rule admits the gateway when it puts no condition on the caller, or names it (its HTTP conditions aside).
  const admits = (rules: readonly unknown[], c: ReturnType<typeof callerOf>) =>
    rules.some((_, i) => {
      const conds = identityConditions(rules).filter((x) => x.rule === i);
      return !conds.length || conds.some((cond) => !cond.field.startsWith("not") && !cond.field.endsWith("(notValues)") && cond.values.some((v) => v === "*" || namesCaller(cond.field, v, c)));
    });
  return callers.every((c) => allows.some((f) => admits(f.rules ?? [], c)));
}

/** Sets `metadata.labels["istio.io/ingress-use-waypoint"]: "true"` (creating `labels` when absent). */
function labelOps(resource: Resource): EditOp[] | null {
  const metadata = resource.value.metadata;
  if (!isObject(metadata)) return null;
  if (isObject(metadata.labels)) return [{ op: "set", path: LABEL_PATH, value: "true" }];
  if (metadata.labels !== undefined && metadata.labels !== null) return null;
  return [{ op: "set", path: ["metadata", "labels"], value: { [INGRESS_USE_WAYPOINT]: "true" } }];
}
