import path from "node:path";
import { createRule, type CheckContext, type Suggestion } from "../lib/create-rule.js";
import { GATEWAY_API_GROUP, displayName, isIstioGroup, isIstioKind, isObject } from "../lib/k8s/resource.js";
import { workloadSelectorLabels, type Labels } from "../lib/k8s/selector.js";
import { actionOf, attachment, l7Attributes, ztunnelOutcome } from "../lib/istio/authorization.js";
import { appliesToServicePods, bypassDeny, exemptPrincipals, isDryRun, DRY_RUN_ANNOTATION } from "../lib/istio/bypass.js";
import { canonicalGroup, targetRefEntries } from "../lib/istio/targetrefs.js";
import {
  gatewayIdentity,
  knownWaypointPrincipals,
  namesWaypoint,
  principalOf,
  servesServices,
  serviceWaypointIdentity,
  type WaypointIdentity,
} from "../lib/istio/waypoint.js";
import { bypassPolicy, bypassPolicyName, freePolicyName } from "../lib/convert/bypass-prevention.js";
import type { RepoIndex, ResourceRecord, ServiceRecord } from "../lib/index/index.js";
import { fileScope } from "../lib/index/file-scope.js";
import { waypointState } from "../lib/istio/waypoint-binding.js";
import { waypointFor, type PluginSettings } from "../lib/settings.js";
import type { Resource } from "../lib/yaml/documents.js";

type MessageIds =
  | "missingBypass"
  | "bypassTargetRefs"
  | "bypassL7"
  | "leftoverPrincipal"
  | "addBypass"
  | "addBypassWithSidecars"
  | "removePrincipal";

interface Options {
  /** Principals of sidecar clients still migrating: the suggested policy lets them through too (the guide's option 2). */
  sidecarPrincipals: string[];
  /** Every caller runs in ambient mode: principals other than the waypoint's in a bypass DENY are leftovers. */
  migrationComplete: boolean;
}

/** Actions a waypoint enforces that bypassing traffic escapes (AUDIT only logs). */
const ENFORCING_ACTIONS = new Set(["ALLOW", "DENY", "CUSTOM"]);

/** A ztunnel-side view of an AuthorizationPolicy (from this file's text, or another file's index record). */
interface PolicyView {
  name: string;
  namespace: string | undefined;
  action: string;
  selector: Labels | null;
  targetRefs: boolean;
  dryRun: boolean;
  /** Principals the policy exempts (`notPrincipals`); undefined = not known (a record of another file). */
  exempt: string[] | undefined;
  /** ztunnel finds nothing enforceable in it once HTTP attributes are dropped. */
  noEffect: boolean;
}

export default createRule<MessageIds, Options>({
  name: "require-bypass-prevention",
  meta: {
    type: "problem",
    docs: {
      description:
        "Services protected by waypoint (targetRefs) AuthorizationPolicies need a ztunnel-enforced selector DENY that admits only the waypoint identity: traffic that bypasses the waypoint is not checked",
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
      missingBypass:
        "{{resource}} is enforced only by the waypoint {{waypoint}}: traffic to the pods of Service {{service}} that does not pass through it (sidecar clients, calls to pod IPs) is never checked. No selector DENY policy admits only the waypoint identity at ztunnel; add one with `notPrincipals: [\"{{principal}}\"]`.",
      bypassTargetRefs:
        "{{resource}} is a waypoint-bypass DENY (`notPrincipals` holds the waypoint identity `{{principal}}`) attached by `targetRefs`: the waypoint enforces it and sees the clients' identities, not its own, so it denies all traffic. Attach it with `selector` to the Service's pods so that ztunnel enforces it.",
      bypassL7:
        "{{resource}} is a waypoint-bypass DENY enforced by ztunnel, which cannot evaluate the HTTP attribute `{{attribute}}` (line {{line}}): {{effect}}. Keep this policy L4-only and put HTTP conditions in a `targetRefs` policy on the waypoint.",
      leftoverPrincipal:
        "{{resource}} still exempts `{{principal}}` from the waypoint-bypass DENY, but it is not a waypoint identity and `migrationComplete` is set: that caller can still reach the pods without passing through the waypoint and its L7 policies. Remove it.",
      addBypass: "Add AuthorizationPolicy {{name}}: a selector DENY that admits only the waypoint identity `{{principal}}`.",
      addBypassWithSidecars:
        "Add AuthorizationPolicy {{name}}: a selector DENY that admits the waypoint identity `{{principal}}` and the {{count}} sidecar principal(s) still migrating (`sidecarPrincipals`).",
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
      const name = displayName(resource, namespace);
      const waypoints = world.waypointPrincipals(namespace);
      const bypass = bypassDeny(policy, waypoints);
      const how = attachment(policy, ctx.settings.rootNamespace);

      if (how === "targetRefs") {
        if (bypass) {
          ctx.report({
            resource,
            path: targetRefsPath(policy),
            messageId: "bypassTargetRefs",
            data: { resource: name, principal: bypass.waypoint[0].value },
          });
          continue;
        }
        if (!ENFORCING_ACTIONS.has(actionOf(policy)) || isDryRun(policy)) continue;
        checkProtected(ctx, world, resource, namespace, name);
        continue;
      }

      if (!bypass) continue;
      // (c) HTTP attributes in a ztunnel-enforced bypass DENY.
      const outcome = ztunnelOutcome(policy);
      const effect =
        outcome?.kind === "deny-no-effect"
          ? "nothing enforceable is left, so this DENY has NO effect and the waypoint can be bypassed"
          : "ztunnel drops it and enforces the rest of the policy, which then denies more than written";
      for (const attr of l7Attributes(policy)) {
        ctx.report({
          resource,
          path: attr.path,
          messageId: "bypassL7",
          data: { resource: name, attribute: attr.attribute, line: ctx.line(resource, attr.path), effect },
        });
      }
      // (d) Sidecar principals left in the exception list once the migration is complete.
      if (ctx.options.migrationComplete) {
        for (const entry of bypass.others) {
          ctx.report({
            resource,
            path: entry.path,
            messageId: "leftoverPrincipal",
            data: { resource: name, principal: entry.value },
            suggest: [{ messageId: "removePrincipal", data: { principal: entry.value }, ops: [{ op: "remove", path: entry.path }] }],
          });
        }
      }
    }
  },
});

function targetRefsPath(policy: Record<string, unknown>): (string | number)[] {
  const spec = isObject(policy.spec) ? policy.spec : {};
  return Array.isArray(spec.targetRefs) && spec.targetRefs.length ? ["spec", "targetRefs"] : ["spec", "targetRef"];
}

/** (a): every Service the targetRefs policy protects needs a ztunnel DENY that admits only its waypoint. */
function checkProtected(ctx: CheckContext<MessageIds, Options>, world: World, resource: Resource, namespace: string | undefined, name: string): void {
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
      if (world.protects(service, serviceNamespace, identity.principal)) continue;
      ctx.report({
        resource,
        path: entry.path,
        messageId: "missingBypass",
        data: {
          resource: name,
          waypoint: identity.namespace ? `${identity.namespace}/${identity.name}` : identity.name,
          service: serviceNamespace ? `${serviceNamespace}/${service.name}` : service.name,
          principal: identity.principal,
        },
        suggest: suggestions(ctx, world, resource, namespace, service, serviceNamespace, identity.principal),
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
  const only = bypassPolicy(base);
  if (only.result) out.push({ messageId: "addBypass", data: { name, principal }, ops: [{ op: "addResourceAfter", value: only.result }] });
  const sidecars = ctx.options.migrationComplete ? [] : ctx.options.sidecarPrincipals.filter((p) => p.trim() && p.trim() !== principal);
  if (sidecars.length) {
    const withSidecars = bypassPolicy({ ...base, extraPrincipals: sidecars });
    if (withSidecars.result) {
      out.push({
        messageId: "addBypassWithSidecars",
        data: { name, principal, count: withSidecars.principals.length - 1 },
        ops: [{ op: "addResourceAfter", value: withSidecars.result }],
      });
    }
  }
  return out;
}

function asGroup(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/**
 * What the rule knows about the repository: the index (with this file's text overlaid), or — when the
 * file is outside the index root — an index of this file alone. Policies of this file are read from its
 * text (exact `notPrincipals`); policies of other files from their index records.
 */
class World {
  readonly repo: RepoIndex;
  private readonly file: string;
  private views: PolicyView[] | undefined;
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

  /** The waypoint identity of a Service (binding, else the `waypoint` setting); null when it uses none. */
  identityOf(service: ServiceRecord, policyNamespace: string | undefined): WaypointIdentity | null {
    const namespace = service.namespace ?? policyNamespace;
    return serviceWaypointIdentity(this.repo.waypointBinding(service), namespace, this.settings.trustDomain, waypointFor(this.settings, namespace).name);
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

  /** Is there a ztunnel-enforced DENY on every pod of the Service that exempts the waypoint principal? */
  protects(service: ServiceRecord, namespace: string | undefined, principal: string): boolean {
    const pods = {
      namespace,
      selector: service.selector ?? {},
      workloads: this.repo.workloads(namespace).map((w) => w.podLabels),
    };
    return this.policyViews().some(
      (p) =>
        p.action === "DENY" &&
        !p.targetRefs &&
        !p.dryRun &&
        !p.noEffect &&
        appliesToServicePods(p, pods, this.settings.rootNamespace) &&
        // Another file's policy: its rules are not in the index, so a DENY on these pods is given the benefit of the doubt.
        (p.exempt === undefined || p.exempt.some((e) => namesWaypoint(e, [principal]))),
    );
  }

  /** Names of the AuthorizationPolicies in a namespace. */
  policyNames(namespace: string | undefined): Set<string> {
    return new Set(this.policyViews().filter((p) => p.namespace === undefined || namespace === undefined || p.namespace === namespace).map((p) => p.name));
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

  private policyViews(): PolicyView[] {
    if (this.views) return this.views;
    const views: PolicyView[] = [];
    for (const r of this.repo.byKind("AuthorizationPolicy")) {
      if (!isIstioGroup(r.group) || r.partial || r.file === this.file) continue;
      views.push(recordView(r));
    }
    for (const resource of this.ctx.resources) {
      if (!isIstioKind(resource, "AuthorizationPolicy") || this.ctx.recordOf(resource)?.partial) continue;
      views.push(resourceView(resource, this.ctx.namespaceOf(resource), this.settings.rootNamespace));
    }
    this.views = views;
    return views;
  }
}

function recordView(r: ResourceRecord): PolicyView {
  const known = (r as ResourceRecord & { notPrincipals?: unknown }).notPrincipals;
  return {
    name: r.name,
    namespace: r.namespace,
    action: r.action ?? "ALLOW",
    selector: r.selector ?? null,
    targetRefs: (r.targetRefs ?? []).length > 0,
    dryRun: (r.annotations[DRY_RUN_ANNOTATION] ?? "").trim().toLowerCase() === "true",
    // Forward-compatible: an index that records `notPrincipals` makes other files' policies exact too.
    exempt: Array.isArray(known) ? known.filter((p): p is string => typeof p === "string") : undefined,
    noEffect: false,
  };
}

function resourceView(resource: Resource, namespace: string | undefined, rootNamespace: string): PolicyView {
  const policy = resource.value;
  const spec = isObject(policy.spec) ? policy.spec : {};
  return {
    name: resource.name ?? "",
    namespace,
    action: actionOf(policy),
    selector: workloadSelectorLabels(spec.selector),
    targetRefs: attachment(policy, rootNamespace) === "targetRefs",
    dryRun: isDryRun(policy),
    exempt: exemptPrincipals(policy).map((e) => e.value),
    noEffect: ztunnelOutcome(policy)?.kind === "deny-no-effect",
  };
}

function sortLabels(labels: Labels | null): [string, string][] | null {
  return labels ? Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : null;
}
