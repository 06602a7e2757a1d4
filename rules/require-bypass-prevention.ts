import path from "node:path";
import { createRule, type CheckContext, type Suggestion } from "../lib/create-rule.js";
import { GATEWAY_API_GROUP, isIstioKind } from "../lib/k8s/resource.js";
import type { Labels } from "../lib/k8s/selector.js";
import { actionOf, attachment, l7Attributes, ztunnelOutcome } from "../lib/istio/authorization.js";
import { bypassDeny, isDryRun } from "../lib/istio/bypass.js";
import { canonicalGroup, targetRefEntries } from "../lib/istio/targetrefs.js";
import {
  admitted,
  callerOf,
  identityConditions,
  objectFacts,
  ztunnelPoliciesFor,
  type Applied,
  type Caller,
  type PolicyFacts,
} from "../lib/istio/enforcement.js";
import { repositoryPolicyFacts, servicePodSets } from "../lib/istio/service-pods.js";
import { ingressGateways, ingressRoutesTo, ingressUseWaypoint, namesIngress, type IngressGateway } from "../lib/istio/ingress.js";
import {
  gatewayIdentity,
  knownWaypointPrincipals,
  principalOf,
  servesServices,
  serviceWaypointIdentity,
  type WaypointIdentity,
} from "../lib/istio/waypoint.js";
import { bypassPolicy, bypassPolicyName, freePolicyName, waypointAllowPolicy, waypointAllowPolicyName } from "../lib/convert/bypass-prevention.js";
import type { RepoIndex, ServiceRecord } from "../lib/index/index.js";
import { fileScope } from "../lib/index/file-scope.js";
import { waypointState } from "../lib/istio/waypoint-binding.js";
import { serviceLabel } from "../lib/istio/route-mix.js";
import { waypointFor, type PluginSettings } from "../lib/settings.js";
import type { Resource } from "../lib/yaml/documents.js";

type MessageIds =
  | "missingBypass"
  | "missingBypassIngress"
  | "waypointDenied"
  | "bypassTargetRefs"
  | "bypassL7"
  | "leftoverPrincipal"
  | "addBypass"
  | "addBypassWithIngress"
  | "addBypassWithSidecars"
  | "addWaypointAllow"
  | "removePrincipal";

interface Options {
  /** Principals of sidecar clients still migrating: the suggested policy lets them through too (the guide's option 2). */
  sidecarPrincipals: string[];
  /** Every caller runs in ambient mode: principals other than the waypoint's in a bypass DENY are leftovers. */
  migrationComplete: boolean;
}

/** Actions a waypoint enforces that bypassing traffic escapes (AUDIT only logs). */
const ENFORCING_ACTIONS = new Set(["ALLOW", "DENY", "CUSTOM"]);

/**
 * The in-mesh clients the rule asks ztunnel about: a service account no policy names, in the Service's namespace
 * and in another namespace. A Service is protected when ztunnel surely denies both (only the waypoint, and the
 * identities the policies name, get in).
 */
const PROBE_SERVICE_ACCOUNT = "zz-unnamed-client-0";
const PROBE_NAMESPACE = "zz-other-namespace-0";

export default createRule<MessageIds, Options>({
  name: "require-bypass-prevention",
  meta: {
    type: "problem",
    docs: {
      description:
        "Services protected by waypoint (targetRefs) AuthorizationPolicies need ztunnel to admit only the waypoint (and ingress) identities at their pods: traffic that bypasses the waypoint is not checked",
      recommended: "warn",
    },
    hasSuggestions: true,
    schema: [
      {
        type: "object",
        properties: {
          sidecarPrincipals: { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true },
          migrationComplete: { type: "boolean" },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      missingBypass: "{{callers}} bypass waypoint {{waypoint}} to {{service}}: let ztunnel admit only the waypoint.",
      missingBypassIngress:
        "Ingress via {{gateway}} skips waypoint {{waypoint}} to reach {{service}}: its L7 policies do not apply to that traffic.",
      waypointDenied: "ztunnel at {{service}} denies its waypoint `{{principal}}` ({{reason}}): requests through it fail.",
      bypassTargetRefs:
        "This bypass DENY uses `targetRefs`: the waypoint sees client identities, not its own, so it denies every request.",
      bypassL7: "ztunnel ignores `{{attribute}}` (line {{line}}) in this waypoint-bypass DENY, so {{effect}}; keep it L4.",
      leftoverPrincipal: "`{{principal}}` is still exempt from this bypass DENY while `migrationComplete` is set: remove it.",
      addBypass: "Add DENY policy {{name}} admitting only the waypoint.",
      addBypassWithIngress: "Add DENY policy {{name}} admitting the waypoint and {{count}} ingress gateway(s).",
      addBypassWithSidecars: "Add DENY policy {{name}}, also admitting {{count}} migrating sidecar principal(s).",
      addWaypointAllow: "Add ALLOW policy {{name}} admitting the waypoint at the pods.",
      removePrincipal: "Remove `{{principal}}` from the exempted principals.",
    },
  },
  defaultOptions: { sidecarPrincipals: [], migrationComplete: false },
  check(ctx) {
    const policies = ctx.resources.filter((r) => isIstioKind(r, "AuthorizationPolicy"));
    if (!policies.length) return;
    const world = new World(ctx);
    for (const resource of policies) {
      if (ctx.recordOf(resource)?.partial) continue; // a Kustomize patch: its base is linted on its own
      const policy = resource.value;
      const namespace = ctx.namespaceOf(resource);
      const waypoints = world.waypointPrincipals(namespace);
      const bypass = bypassDeny(policy, waypoints);
      const how = attachment(policy, ctx.settings.rootNamespace);

      if (how === "targetRefs") {
        if (bypass) {
          ctx.report({ resource, path: targetRefsPath(policy), messageId: "bypassTargetRefs" });
          continue;
        }
        if (!ENFORCING_ACTIONS.has(actionOf(policy)) || isDryRun(policy)) continue;
        checkProtected(ctx, world, resource, namespace);
        continue;
      }

      if (!bypass) continue;
      // (c) HTTP attributes in a ztunnel-enforced bypass DENY.
      const outcome = ztunnelOutcome(policy);
      const effect =
        outcome?.kind === "deny-no-effect" ? "it has no effect" : "it denies more than written";
      for (const attr of l7Attributes(policy)) {
        ctx.report({ resource, path: attr.path, messageId: "bypassL7", data: { attribute: attr.attribute, line: ctx.line(resource, attr.path), effect } });
      }
      // (d) Sidecar principals left in the exception list once the migration is complete (ingress identities stay).
      if (ctx.options.migrationComplete) {
        for (const entry of bypass.others) {
          if (world.namesIngress(entry.value)) continue;
          ctx.report({
            resource,
            path: entry.path,
            messageId: "leftoverPrincipal",
            data: { principal: entry.value },
            suggest: [{ messageId: "removePrincipal", data: { principal: entry.value }, ops: [{ op: "remove", path: entry.path }] }],
          });
        }
      }
    }
  },
});

function targetRefsPath(policy: Record<string, unknown>): (string | number)[] {
  const spec = policy.spec !== null && typeof policy.spec === "object" ? (policy.spec as Record<string, unknown>) : {};
  return Array.isArray(spec.targetRefs) && spec.targetRefs.length ? ["spec", "targetRefs"] : ["spec", "targetRef"];
}

/** (a): every Service the targetRefs policy protects needs ztunnel to admit only its waypoint (and ingress). */
function checkProtected(ctx: CheckContext<MessageIds, Options>, world: World, resource: Resource, namespace: string | undefined): void {
  const seen = new Set<string>();
  for (const entry of targetRefEntries(resource.value)) {
    const ref = entry.ref;
    if (typeof ref.name !== "string" || !ref.name) continue;
    let protectedServices: { service: ServiceRecord; identity: WaypointIdentity }[] = [];
    if (ref.kind === "Service" && canonicalGroup(asGroup(ref.group)) === "core") {
      const found = world.service(ref.name, namespace);
      // A Service the repository shows bound to no waypoint: nothing enforces the policy (require-waypoint's finding).
      const state = found && waypointState(world.repo, found).type;
      if (state && state !== "bound" && state !== "unknown") continue;
      const identity = found && world.identityOf(found, namespace);
      if (found && identity) protectedServices = [{ service: found, identity }];
    } else if (ref.kind === "Gateway" && asGroup(ref.group) === GATEWAY_API_GROUP && namespace) {
      protectedServices = world.servicesBehind(ref.name, namespace);
    }
    for (const { service, identity } of protectedServices) {
      const serviceNamespace = service.namespace ?? namespace;
      const key = `${serviceNamespace}/${service.name}`;
      if (seen.has(key) || !identity.principal || !service.selector) continue;
      seen.add(key);
      const verdict = world.protects(service, serviceNamespace, identity.principal);
      if (verdict === true) continue;
      if (typeof verdict === "object") {
        const reason = verdict.by ? `DENY ${serviceLabel(verdict.by.name, verdict.by.namespace)}` : "no ALLOW admits it";
        // Under a default deny nothing admits the waypoint: an L4 ALLOW for it (a DENY that names it is the owner's to fix).
        const suggest = verdict.by ? [] : allowSuggestion(world, resource, namespace, service, serviceNamespace, identity.principal);
        ctx.report({ resource, path: entry.path, messageId: "waypointDenied", data: { principal: identity.principal, service: serviceLabel(service.name, serviceNamespace), reason }, suggest });
        continue;
      }
      const ingress = world.ingressFor(service, serviceNamespace, identity.principal);
      const data = {
        service: serviceLabel(service.name, serviceNamespace),
        waypoint: serviceLabel(identity.name, identity.namespace),
        // With `istio.io/ingress-use-waypoint: "true"` ingress passes the waypoint; without it, it skips it too.
        callers: ingress.viaWaypoint ? "Sidecar and pod-IP calls" : "Sidecar, pod-IP and ingress calls",
      };
      ctx.report({
        resource,
        path: entry.path,
        ...(ingress.unknownGateway
          ? { messageId: "missingBypassIngress" as const, data: { ...data, gateway: ingress.unknownGateway } }
          : { messageId: "missingBypass" as const, data }),
        suggest: suggestions(ctx, world, resource, namespace, service, serviceNamespace, identity.principal, ingress.principals),
      });
    }
  }
}

function suggestions(
  ctx: CheckContext<MessageIds, Options>,
  world: World,
  resource: Resource,
  namespace: string | undefined,
  service: ServiceRecord,
  serviceNamespace: string | undefined,
  principal: string,
  ingress: readonly string[],
): Suggestion<MessageIds>[] {
  const name = freePolicyName(bypassPolicyName(service.name), world.policyNames(serviceNamespace));
  // Write the namespace when the linted policy writes its own, or when the Service lives elsewhere
  // (a waypoint shared across namespaces); otherwise the new policy resolves like its neighbour.
  const writesNamespace = !!resource.namespace || (serviceNamespace !== undefined && serviceNamespace !== namespace);
  const base = {
    service: service.name,
    namespace: writesNamespace ? serviceNamespace : undefined,
    selector: service.selector,
    waypointPrincipal: principal,
    name,
    apiVersion: resource.apiVersion,
  };
  const out: Suggestion<MessageIds>[] = [];
  // The ingress gateways that reach the pods directly keep getting in: without them the DENY would cut off ingress.
  const only = bypassPolicy({ ...base, extraPrincipals: ingress });
  const ingressCount = only.principals.length - 1;
  if (only.result) {
    out.push(
      ingressCount
        ? { messageId: "addBypassWithIngress", data: { name, count: ingressCount }, ops: [{ op: "addResourceAfter", value: only.result }] }
        : { messageId: "addBypass", data: { name }, ops: [{ op: "addResourceAfter", value: only.result }] },
    );
  }
  const sidecars = ctx.options.migrationComplete ? [] : ctx.options.sidecarPrincipals.filter((p) => p.trim() && p.trim() !== principal && !ingress.includes(p.trim()));
  if (sidecars.length) {
    const withSidecars = bypassPolicy({ ...base, extraPrincipals: [...ingress, ...sidecars] });
    if (withSidecars.result) {
      out.push({
        messageId: "addBypassWithSidecars",
        data: { name, count: withSidecars.principals.length - 1 - ingressCount },
        ops: [{ op: "addResourceAfter", value: withSidecars.result }],
      });
    }
  }
  return out;
}

function allowSuggestion(
  world: World,
  resource: Resource,
  namespace: string | undefined,
  service: ServiceRecord,
  serviceNamespace: string | undefined,
  principal: string,
): Suggestion<MessageIds>[] {
  const name = freePolicyName(waypointAllowPolicyName(service.name), world.policyNames(serviceNamespace));
  const writesNamespace = !!resource.namespace || (serviceNamespace !== undefined && serviceNamespace !== namespace);
  const allow = waypointAllowPolicy({
    service: service.name,
    namespace: writesNamespace ? serviceNamespace : undefined,
    selector: service.selector,
    waypointPrincipal: principal,
    name,
    apiVersion: resource.apiVersion,
  });
  return allow.result ? [{ messageId: "addWaypointAllow", data: { name }, ops: [{ op: "addResourceAfter", value: allow.result }] }] : [];
}

function asGroup(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/**
 * What the rule knows about the repository: the index (with this file's text overlaid), or — when the file is
 * outside the index root — an index of this file alone. Policies of this file are read from its text, policies
 * of other files from their index records (which keep their rules); both go through the enforcement model.
 */
class World {
  readonly repo: RepoIndex;
  private readonly file: string;
  private facts: PolicyFacts[] | undefined;
  private gateways: IngressGateway[] | undefined;
  private readonly principalCache = new Map<string, string[]>();

  constructor(private readonly ctx: CheckContext<MessageIds, Options>) {
    const eslint = ctx.eslint;
    this.file = path.resolve(eslint.cwd, eslint.physicalFilename);
    this.repo = fileScope(ctx).repo;
  }

  private get settings(): PluginSettings {
    return this.ctx.settings;
  }

  /** The Service a policy in `namespace` targets by name; undefined when unknown, assumed, or ambiguous. */
  service(name: string, namespace: string | undefined): ServiceRecord | undefined {
    const found = this.repo.services(namespace).filter((s) => s.name === name && !s.assumed);
    const exact = found.filter((s) => s.namespace !== undefined && s.namespace === namespace);
    const candidates = exact.length ? exact : found;
    const distinct = new Map(candidates.map((s) => [`${s.namespace}\0${JSON.stringify(sortLabels(s.selector))}`, s]));
    return distinct.size === 1 ? candidates[0] : undefined;
  }

  /**
   * The waypoint identity of a Service: its binding (`istio.io/use-waypoint` on it or its Namespace); without one,
   * the `waypoint` setting when configured for the namespace, else the namespace's only waypoint Gateway that
   * serves Services, else (no waypoint in the namespace) the default name. Null when it uses none, or when the
   * namespace has several waypoints and nothing says which.
   */
  identityOf(service: ServiceRecord, policyNamespace: string | undefined): WaypointIdentity | null {
    const namespace = service.namespace ?? policyNamespace;
    const td = this.settings.trustDomain;
    const binding = this.repo.waypointBinding(service);
    const setting = waypointFor(this.settings, namespace);
    if (binding && (binding.optedOut || binding.name)) return serviceWaypointIdentity(binding, namespace, td, setting.name);
    const serving = namespace ? this.repo.waypoints(namespace).filter((g) => g.namespace === namespace && servesServices(g)) : [];
    if (setting.configured) {
      const gateway = serving.find((g) => g.name === setting.name);
      return gateway ? gatewayIdentity(gateway, td, namespace) : serviceWaypointIdentity(undefined, namespace, td, setting.name);
    }
    if (serving.length === 1) return gatewayIdentity(serving[0], td, namespace);
    return serving.length ? null : serviceWaypointIdentity(undefined, namespace, td, setting.name);
  }

  /** Services bound to the waypoint Gateway `name` in `namespace`, with its identity. */
  servicesBehind(name: string, namespace: string): { service: ServiceRecord; identity: WaypointIdentity }[] {
    const gateway = this.repo.waypoint(name, namespace);
    if (!gateway) {
      // A Gateway of another class (an ingress gateway): no Service sits behind it as a waypoint.
      const other = this.repo.byKind("Gateway", GATEWAY_API_GROUP).some((g) => g.name === name && (g.namespace === undefined || g.namespace === namespace));
      if (other) return [];
    } else if (!servesServices(gateway)) {
      return [];
    }
    const td = this.settings.trustDomain;
    const identity: WaypointIdentity = gateway
      ? gatewayIdentity(gateway, td, namespace)
      : { name, namespace, serviceAccount: name, principal: principalOf(td, namespace, name), source: "binding" };
    const out: { service: ServiceRecord; identity: WaypointIdentity }[] = [];
    for (const service of this.repo.services()) {
      if (service.assumed || !service.selector) continue;
      const binding = this.repo.waypointBinding(service);
      if (!binding || binding.optedOut || binding.name !== name) continue;
      if ((binding.namespace ?? namespace) !== namespace) continue;
      out.push({ service, identity });
    }
    return out;
  }

  /** The policies ztunnel enforces at each pod set of the Service. */
  private applied(service: ServiceRecord, namespace: string | undefined): Applied[][] {
    return servicePodSets(this.repo, service, namespace).map((pods) => ztunnelPoliciesFor(this.policyFacts(), pods, this.settings.rootNamespace));
  }

  /**
   * Bypass is prevented when ztunnel surely denies, at every pod of the Service, an in-mesh client that is neither
   * the waypoint nor a caller the policies name (from the Service's namespace and from another one) — a DENY with
   * `notPrincipals`, or ALLOW policies (with a default deny) that admit only the waypoint and the ingress gateways —
   * while it does not deny the waypoint itself. Returns true (prevented), false (clients get in), or the policy
   * facts behind a denied waypoint (`by` undefined: no ALLOW admits it).
   */
  protects(service: ServiceRecord, namespace: string | undefined, waypointPrincipal: string): true | false | { by?: PolicyFacts } {
    const td = this.settings.trustDomain;
    const probes: Caller[] = [
      callerOf(principalOf(td, namespace ?? PROBE_NAMESPACE, PROBE_SERVICE_ACCOUNT)),
      callerOf(principalOf(td, PROBE_NAMESPACE, PROBE_SERVICE_ACCOUNT)),
    ];
    const waypoint = callerOf(waypointPrincipal);
    let denied: { by?: PolicyFacts } | undefined;
    for (const applied of this.applied(service, namespace)) {
      if (!probes.every((c) => admitted(applied, c).allowed === false)) return false;
      const w = admitted(applied, waypoint);
      if (w.allowed === false) denied ??= { by: w.by?.facts };
    }
    return denied ?? true;
  }

  /**
   * The ingress gateways that reach the Service's pods directly (not through its waypoint): the principals a bypass
   * DENY must still admit — those of the gateways whose routes reach it, and the ingress identities the ALLOW
   * policies at its pods admit — and, when a route reaches it from a gateway whose identity is not known, that gateway.
   */
  ingressFor(
    service: ServiceRecord,
    namespace: string | undefined,
    waypointPrincipal: string,
  ): { principals: string[]; unknownGateway?: string; viaWaypoint?: boolean } {
    if (ingressUseWaypoint(this.repo, service).value === true) return { principals: [], viaWaypoint: true };
    const td = this.settings.trustDomain;
    const routes = ingressRoutesTo(this.repo, { name: service.name, namespace }, td);
    const principals = new Set<string>();
    for (const r of routes) for (const g of r.identities) if (g.principal) principals.add(g.principal);
    const waypoint = [callerOf(waypointPrincipal)];
    for (const applied of this.applied(service, namespace)) {
      for (const a of applied) {
        if (a.policy.action !== "ALLOW" || !a.policy.facts.rules) continue;
        for (const c of identityConditions(a.policy.facts.rules)) {
          if (c.field !== "principals" && c.field !== "source.principal") continue;
          for (const v of c.values) if (!v.includes("*") && namesIngress(c.field, v, this.ingressGateways(), this.settings.rootNamespace, waypoint)) principals.add(v);
        }
      }
    }
    principals.delete(waypointPrincipal);
    const unknown = !principals.size ? routes.find((r) => !r.identities.some((g) => g.principal)) : undefined;
    return unknown
      ? { principals: [], unknownGateway: `${unknown.gateway.kind} ${serviceLabel(unknown.gateway.name, unknown.gateway.namespace)}` }
      : { principals: [...principals] };
  }

  private ingressGateways(): IngressGateway[] {
    return (this.gateways ??= ingressGateways(this.repo, this.settings.trustDomain));
  }

  /** True when an exempted principal stands for an ingress gateway (the repository's, or a conventional name). */
  namesIngress(principal: string): boolean {
    return namesIngress("notPrincipals", principal, this.ingressGateways(), this.settings.rootNamespace);
  }

  /** Names of the AuthorizationPolicies in a namespace. */
  policyNames(namespace: string | undefined): Set<string> {
    return new Set(this.policyFacts().filter((p) => p.namespace === undefined || namespace === undefined || p.namespace === namespace).map((p) => p.name));
  }

  /**
   * Principals that identify a waypoint for a policy in `namespace`: every waypoint Gateway of the repository
   * (its service account), the waypoints named by `istio.io/use-waypoint` labels when their Gateway is not in
   * the repository, and the `waypoint` setting when the namespace has no waypoint Gateway in the repository.
   */
  waypointPrincipals(namespace: string | undefined): string[] {
    const key = namespace ?? "\0";
    let list = this.principalCache.get(key);
    if (!list) {
      list = knownWaypointPrincipals(this.repo, this.settings, namespace);
      this.principalCache.set(key, list);
    }
    return list;
  }

  /** Every AuthorizationPolicy of the repository as the enforcement model reads it (this file's from its text). */
  private policyFacts(): PolicyFacts[] {
    if (this.facts) return this.facts;
    const own: PolicyFacts[] = [];
    for (const resource of this.ctx.resources) {
      if (!isIstioKind(resource, "AuthorizationPolicy") || this.ctx.recordOf(resource)?.partial) continue;
      own.push(objectFacts(resource.value, this.ctx.namespaceOf(resource), `${this.file}\0${resource.documentIndex}\0${resource.listIndex ?? ""}`));
    }
    return (this.facts = repositoryPolicyFacts(this.repo, this.file, own));
  }
}

function sortLabels(labels: Labels | null): [string, string][] | null {
  return labels ? Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : null;
}
