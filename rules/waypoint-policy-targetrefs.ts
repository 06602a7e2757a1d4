import { createRule, type Suggestion } from "../lib/create-rule.js";
import { displayName, isIstioGroup, isObject } from "../lib/k8s/resource.js";
import { workloadSelectorLabels } from "../lib/k8s/selector.js";
import { inNamespaceOf, repoView, surelyInNamespaceOf, waypointNames, type RepoView, type ServiceView, type WorkloadView } from "../lib/index/view.js";
import type { Labels } from "../lib/k8s/selector.js";
import { labelIndex } from "../lib/k8s/label-index.js";
import { waypointState } from "../lib/istio/waypoint-binding.js";
import type { CheckContext } from "../lib/create-rule.js";
import { selectsGatewayPods, GATEWAY_SELECTORS_SCHEMA } from "../lib/istio/authorization.js";
import { hasTargetRefs } from "../lib/istio/targetrefs.js";
import {
  chooseWaypoint,
  classifyServices,
  gatewayRef,
  serviceRef,
  serviceSuggestions,
  toTargetRefs,
  waypointClassRef,
} from "../lib/convert/selector-to-targetrefs.js";
import { waypointFor } from "../lib/settings.js";
import type { EditOp } from "../lib/yaml/edit.js";

type MessageIds =
  | "selector"
  | "namespaceWide"
  | "meshWide"
  | "useWaypoint"
  | "useService"
  | "useServiceIn"
  | "useServiceSameWorkloads"
  | "useWiderService"
  | "useGuessedService"
  | "useWaypointClass";

/** Kinds this rule can check; the default is the first two (Telemetry and TrafficExtension are opt-in). */
export const WAYPOINT_POLICY_KINDS = ["RequestAuthentication", "WasmPlugin", "Telemetry", "TrafficExtension"] as const;

interface Options {
  kinds: string[];
  /** Extra label sets that select Envoy gateway pods (selectors on gateways keep working in ambient). */
  gatewaySelectors: Record<string, string>[];
}

/** What breaks, per kind, when neither waypoints nor ztunnel apply the policy (the why is in the docs page). */
const CONSEQUENCE: Record<string, string> = {
  RequestAuthentication: "no JWT is validated and `requestPrincipals` never match",
  WasmPlugin: "the plugin does not run",
  TrafficExtension: "the extension does not run",
  Telemetry: "its settings no longer apply",
};

const TEMPLATE = "{{resource}} ({{attached}}) is ignored in ambient without `targetRefs`: {{consequence}}.";

export default createRule<MessageIds, Options>({
  name: "waypoint-policy-targetrefs",
  meta: {
    type: "problem",
    docs: {
      description:
        "RequestAuthentication and WasmPlugin (optionally Telemetry, TrafficExtension) must be attached to a waypoint with targetRefs: waypoints ignore selector and namespace-wide ones, and ztunnel never applies them",
      recommended: "error",
    },
    fixable: "code",
    hasSuggestions: true,
    schema: [
      {
        type: "object",
        properties: {
          kinds: { type: "array", items: { type: "string", enum: [...WAYPOINT_POLICY_KINDS] }, uniqueItems: true },
          gatewaySelectors: GATEWAY_SELECTORS_SCHEMA,
        },
        additionalProperties: false,
      },
    ],
    messages: {
      selector: TEMPLATE,
      namespaceWide: TEMPLATE,
      meshWide: TEMPLATE,
      useWaypoint: "Attach it to waypoint Gateway {{name}} (every Service using it).",
      useService: "Attach it with `targetRefs` to Service {{name}}.",
      useServiceIn: "Attach it with `targetRefs` to Service {{name}} ({{where}}).",
      useServiceSameWorkloads: "Target Service {{name}} ({{where}}): same pods ({{workloads}}), other selector.",
      useWiderService: "Target Service {{name}} ({{where}}): it also selects pods without {{missing}}.",
      useGuessedService: "Target Service {{name}} (guessed from label `app`: check its selector).",
      useWaypointClass: "Attach it to every waypoint (GatewayClass istio-waypoint).",
    },
  },
  defaultOptions: { kinds: ["RequestAuthentication", "WasmPlugin"], gatewaySelectors: [] },
  check(ctx) {
    const { resources, settings, options, report, line } = ctx;
    const kinds = new Set(Array.isArray(options.kinds) ? options.kinds : []);
    const gatewaySelectors = Array.isArray(options.gatewaySelectors) ? options.gatewaySelectors : [];
    let view: RepoView | undefined;
    const repo = () => (view ??= repoView(ctx));
    for (const resource of resources) {
      if (!isIstioGroup(resource.group) || !kinds.has(resource.kind) || !CONSEQUENCE[resource.kind]) continue;
      const policy = resource.value;
      if (hasTargetRefs(policy)) continue;
      const spec = isObject(policy.spec) ? policy.spec : {};
      // A RequestAuthentication without jwtRules validates nothing anywhere: nothing is lost.
      if (resource.kind === "RequestAuthentication" && !(Array.isArray(spec.jwtRules) && spec.jwtRules.length)) continue;
      const hasSelector = spec.selector !== undefined && spec.selector !== null;
      const matchLabels = hasSelector ? (workloadSelectorLabels(spec.selector) ?? {}) : {};
      // Ingress/egress gateways are Envoy proxies that keep honouring selectors.
      if (hasSelector && selectsGatewayPods(matchLabels, gatewaySelectors)) continue;
      // Namespace-wide and root-namespace Telemetry still reach waypoints.
      if (!hasSelector && resource.kind === "Telemetry") continue;
      // A Kustomize patch without `selector` is a fragment of a policy defined elsewhere: it is not namespace-wide.
      if (!hasSelector && ctx.recordOf(resource)?.partial) continue;

      const namespace = ctx.namespaceOf(resource);
      const inRoot = namespace === settings.rootNamespace;
      const suggest: Suggestion<MessageIds>[] = [];
      let fix: EditOp[] | null = null;
      const v = repo();

      // The waypoint: the one waypoint Gateway of this namespace (this file, the repository or assumeExists),
      // or among several the one named in settings; with none, the one named in settings.
      const names = waypointNames(v.waypoints(namespace), namespace);
      const choice = chooseWaypoint(names, waypointFor(settings, namespace));
      // A root-namespace policy applies to pods of every namespace: a waypoint of the root namespace is no
      // equivalent, so it is only ever suggested (and no name is made up there).
      const known = inRoot ? null : choice.fix;
      const candidates = inRoot ? names.same : choice.suggest;

      if (!hasSelector && inRoot) {
        suggest.push({ messageId: "useWaypointClass", ops: toTargetRefs(waypointClassRef(), false) });
      } else {
        // A Service that selects exactly these pods keeps the policy's reach; the waypoint widens it to every
        // Service behind the waypoint, so it is the fix only when no such Service is in the repository.
        const services = v.services(namespace);
        const where = (s: (typeof services)[number]) => v.where(s, (r) => line(r, ["metadata", "name"]));
        const found =
          hasSelector && !inRoot
            ? classifyServices(matchLabels, namespace, services, inNamespaceOf, v.workloads(namespace))
            : { exact: [], sameWorkloads: [], wider: [], selected: [] };
        const ops = (name: string) => toTargetRefs(serviceRef(name), true);
        // Which waypoints serve the Services that select these pods (as the repository shows them).
        const record = (sv: ServiceView) => sv.record ?? (sv.resource ? ctx.recordOf(sv.resource) : undefined);
        const podServices = inRoot ? [] : servicesOfPods(services, hasSelector ? matchLabels : null, namespace, v);
        const serving = podServices.map((sv) => ({ sv, state: record(sv) ? waypointState(ctx.repo(), record(sv)!) : ({ type: "unknown" } as const) }));
        const bindingsKnown = serving.length > 0 && serving.every((x) => x.state.type !== "unknown");
        const policyUnit = ctx.recordOf(resource)?.unit;
        if (found.exact.length === 1 && surelyInNamespaceOf(found.exact[0], namespace)) {
          // The Service must be served by a waypoint deployed with it, and be the only Service of those pods.
          const rec = record(found.exact[0]);
          const state = rec ? waypointState(ctx.repo(), rec) : undefined;
          const deployed = state?.type === "bound" && !state.gateway.assumed && state.gateway.unit !== undefined && state.gateway.unit === rec!.unit;
          if (deployed && podServices.length === 1) fix = ops(found.exact[0].name);
        } else if (known && bindingsKnown) {
          // The waypoint keeps the policy's reach only when it serves exactly the Services of these pods.
          const gateway = v.waypoints(namespace).find((g) => g.name === known);
          const gatewayUnit = gateway?.record?.unit ?? (gateway?.resource ? ctx.recordOf(gateway.resource)?.unit : undefined);
          const servesAll = serving.every((x) => x.state.type === "bound" && x.state.gateway.name === known);
          const servesOthers = servicesBoundTo(ctx, known, namespace).some((name) => !podServices.some((sv) => sv.name === name));
          if (gateway && !gateway.assumed && gatewayUnit !== undefined && gatewayUnit === policyUnit && servesAll && !servesOthers) fix = toTargetRefs(gatewayRef(known), hasSelector);
        }
        // Never a waypoint that serves none of the Services selecting those pods (when the repository shows them all).
        const boundNames = [...new Set(serving.flatMap((x) => (x.state.type === "bound" ? [x.state.gateway.name] : [])))];
        const offered = bindingsKnown ? boundNames : candidates;
        for (const name of offered) suggest.push({ messageId: "useWaypoint", data: { name }, ops: toTargetRefs(gatewayRef(name), hasSelector) });
        if (inRoot) suggest.push({ messageId: "useWaypointClass", ops: toTargetRefs(waypointClassRef(), true) });
        if (hasSelector) {
          // A root-namespace selector matches pods in every namespace: a Service name guessed from it would be
          // one of many.
          const opts = { namespace, services, sameNamespace: inNamespaceOf, where, guess: !inRoot };
          for (const x of serviceSuggestions(found, matchLabels, opts)) suggest.push({ messageId: x.messageId, data: x.data, ops: ops(x.name) });
        }
      }

      const messageId: MessageIds = hasSelector ? "selector" : inRoot ? "meshWide" : "namespaceWide";
      const attached = hasSelector ? (inRoot ? "selector, root namespace" : "selector") : inRoot ? "mesh-wide" : "namespace-wide";
      report({
        resource,
        path: hasSelector ? ["spec", "selector"] : ["spec"],
        messageId,
        data: { resource: displayName(resource), attached, consequence: CONSEQUENCE[resource.kind] },
        fix,
        suggest,
      });
    }
  },
});

/** The Services of the namespace that select some of the pods (`matchLabels`; every Service for a namespace-wide policy). */
function servicesOfPods(services: readonly ServiceView[], matchLabels: Labels | null, namespace: string | undefined, v: RepoView): ServiceView[] {
  const isCandidate = (s: ServiceView) => !!s.selector && Object.keys(s.selector).length > 0 && !s.assumed && inNamespaceOf(s.namespace, namespace);
  if (!matchLabels) return services.filter(isCandidate);
  // The Services whose selector holds or is held by the matchLabels, or selects one of the pods they select,
  // through label indexes of the two lists (made once per list), in list order.
  const byService = labelIndex(services, selectorOfService);
  const pods = labelIndex(v.workloads(namespace), podLabelsOfWorkload).matching(matchLabels);
  const chosen = [...byService.selecting(matchLabels), ...byService.matching(matchLabels), ...pods.flatMap((w) => byService.selecting(w.podLabels))];
  return byService.inListOrder(chosen).filter(isCandidate);
}
const selectorOfService = (s: ServiceView) => s.selector;
const podLabelsOfWorkload = (w: WorkloadView) => w.podLabels;

/** Names of the Services of `namespace` bound to the waypoint `name`. */
function servicesBoundTo(ctx: CheckContext<MessageIds, Options>, name: string, namespace: string | undefined): string[] {
  const repo = ctx.repo();
  return repo
    .services(namespace)
    .filter((s) => !s.assumed && inNamespaceOf(s.namespace, namespace))
    .filter((s) => {
      const state = waypointState(repo, s);
      return state.type === "bound" && state.gateway.name === name;
    })
    .map((s) => s.name);
}
