import path from "node:path";
import { createRule, type Suggestion } from "../lib/create-rule.js";
import { asArray, displayName, isIstioKind, isObject } from "../lib/k8s/resource.js";
import {
  convertVirtualService,
  convertWithDelegates,
  isMeshVirtualService,
  mergeVirtualServices,
  type MergeResult,
  serviceEntryInfo,
  unconvertibleFeatures,
  type ConvertProblem,
  type GatewayApiTarget,
} from "../lib/convert/virtualservice-to-httproute.js";
import { delegationIn, otherRoutesOfHosts, routeContext, sameServiceRoutes, serviceNamesOf } from "../lib/convert/route-context.js";
import { delegatesOf, delegatingRulePath, delegationAcross, delegateRefs, sameServiceAcross, type Delegate } from "../lib/convert/unit-routes.js";
import type { EditOp } from "../lib/yaml/edit.js";
import { istioTrafficRouting } from "../lib/istio/progressive-delivery.js";
import { hostShortName } from "../lib/k8s/hosts.js";
import { fileScope } from "../lib/index/file-scope.js";

type MessageIds = "preferHttpRoute" | "notConvertible" | "noEquivalent" | "convert" | "convertTcp" | "progressiveDelivery";

interface Options {
  /** Gateway API channel and version the clusters run (decides retries, CORS, mirror percent…); default: the `gatewayApi` setting. */
  gatewayApi?: GatewayApiTarget;
  /** Convert `uri.prefix` matches other than `/` to PathPrefix (segment semantics: `/api` no longer matches `/apix`). */
  acceptPathSegmentPrefix: boolean;
}

/**
 * Problems reported at their own key: what HTTPRoute cannot express at all (or not in the configured Gateway API
 * channel), and a VirtualService whose meaning changes with the move (cross-namespace). Other refusals (prefix
 * semantics, precedence, unknown Services…) are the converter's limits: they only explain the missing suggestion.
 */
const NO_EQUIVALENT = new Set<string>([
  "fault",
  "delegate",
  "direct-response",
  "source-labels",
  "source-namespace",
  "without-headers",
  "ignore-uri-case",
  "match-scheme",
  "match-authority",
  "jwt-claim-match",
  "tcp-match",
  "tls-routes",
  "cross-namespace",
  "unsupported-in-channel",
]);


export default createRule<MessageIds, Options>({
  name: "prefer-httproute",
  meta: {
    type: "suggestion",
    docs: {
      description: "Mesh VirtualServices should become Gateway API HTTPRoutes (VirtualService on waypoints is Alpha); features with no HTTPRoute equivalent are reported at their keys",
      recommended: "warn",
    },
    hasSuggestions: true,
    schema: [
      {
        type: "object",
        properties: {
          gatewayApi: {
            type: "object",
            properties: { channel: { type: "string", enum: ["standard", "experimental"] }, version: { type: "string" } },
            required: ["channel", "version"],
            additionalProperties: false,
          },
          acceptPathSegmentPrefix: { type: "boolean" },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      preferHttpRoute: "{{resource}} routes mesh traffic, which waypoints support only in Alpha: migrate it{{others}}.",
      notConvertible: "{{resource}} needs a manual move to HTTPRoute: {{reason}} (line {{line}}).",
      noEquivalent: "{{resource}}: `{{key}}` (line {{line}}): {{reason}}.",
      progressiveDelivery:
        "{{resource}}: {{controller}} rewrites VirtualService{{vs}}, also after a move to HTTPRoute{{mixing}}; use {{alternative}}.",
      convert: "Replace with HTTPRoute {{route}}{{services}}{{reused}}{{keep}}{{together}}.",
      convertTcp: "Replace with TCPRoute {{route}}{{services}}{{reused}}{{keep}}{{together}}.",
    },
  },
  defaultOptions: { acceptPathSegmentPrefix: false },
  check(ctx) {
    const { resources, options, settings, report, line, namespaceOf, repo, filename, eslint } = ctx;
    // Flagger Canaries and Argo Rollouts that route with VirtualServices (lib/istio/progressive-delivery.ts).
    for (const resource of resources) {
      const routing = istioTrafficRouting(resource);
      if (!routing || !routing.mesh) continue;
      const namespace = namespaceOf(resource);
      const index = fileScope(ctx).repo;
      const known =
        routing.controller === "Argo Rollouts"
          ? routing.virtualServices.map((n) => index.byKind("VirtualService").find((v) => v.name === n && (!namespace || !v.namespace || v.namespace === namespace)))
          : [];
      if (known.length && known.every((v) => v && !v.mesh)) continue; // ingress-only VirtualServices are fine
      // The Services it routes: Flagger's apex Service; an Argo Rollout's stable/canary Services and its VirtualServices' hosts.
      const services = new Set([...routing.services, ...known.flatMap((v) => (v?.hosts ?? []).filter((h) => !h.includes("*")).map(hostShortName))]);
      const httpRoutes = [...services].flatMap((svc) => index.routesFor(svc, namespace).filter((r) => r.kind === "HTTPRoute" || r.kind === "GRPCRoute"));
      const vsNames = routing.virtualServices;
      report({
        resource,
        path: routing.path,
        messageId: "progressiveDelivery",
        data: {
          resource: displayName(resource, namespace),
          vs: vsNames.length === 1 ? ` ${vsNames[0]}` : vsNames.length ? `s ${vsNames.join(", ")}` : "s",
          controller: routing.controller,
          mixing: httpRoutes.length ? ` (beside ${httpRoutes[0].kind} ${httpRoutes[0].name}: undefined mixing)` : "",
          alternative: routing.controller === "Flagger" ? "`provider: gatewayapi:v1`" : "its Gateway API plugin",
        },
      });
    }
    const virtualServices = resources.filter((r) => isIstioKind(r, "VirtualService") && isMeshVirtualService(r.value));
    if (!virtualServices.length) return;
    const currentFile = path.resolve(eslint.cwd, eslint.physicalFilename ?? filename);
    // This file's ServiceEntries: their hosts are HTTPRoute parents and Hostname backends.
    const serviceEntries = resources.flatMap((r) => serviceEntryInfo(r.value, namespaceOf(r)) ?? []);
    const localVirtualService = (ref: { name: string; namespace: string | undefined }) =>
      resources.find((r) => isIstioKind(r, "VirtualService") && r.name === ref.name && namespaceOf(r) === ref.namespace);
    for (const resource of virtualServices) {
      const namespace = namespaceOf(resource);
      const convertOptions = { gatewayApi: options.gatewayApi ?? settings.gatewayApi, acceptPathSegmentPrefix: options.acceptPathSegmentPrefix, ...(namespace ? { defaultNamespace: namespace } : {}) };
      // Delegation: a delegate goes with its root (mesh or not as the root is; only its keys without an
      // equivalent are reported here); a root converts with its delegates, found in this file or in other files
      // of its unit (a delegate that is not found refuses the conversion).
      const self = { name: resource.name ?? "", namespace, value: resource.value };
      const inFile = delegationIn(resource, resources, namespaceOf);
      const across = inFile.root || inFile.delegates ? {} : delegationAcross(self, (ref) => localVirtualService(ref), repo(), currentFile);
      const root = inFile.root?.value ?? across.roots?.[0]?.value;
      if (root && !isMeshVirtualService(root)) continue;
      const isRoot = delegateRefs(resource.value.spec, namespace).length > 0 && !root;
      // Every delegate of a root, this file's and other files' (as far as found), in the order the root names them.
      const delegates: Delegate<(typeof resources)[number]>[] | undefined = inFile.delegates
        ? inFile.delegates.map((d) => ({ value: d.value, namespace: namespaceOf(d), name: d.name ?? "", label: displayName(d, namespaceOf(d)), resource: d }))
        : isRoot
          ? delegatesOf(resource.value, namespace, (ref) => localVirtualService(ref), across.delegates)
          : undefined;
      const features = unconvertibleFeatures(resource.value, convertOptions).filter((f) => NO_EQUIVALENT.has(f.code) && !(delegates && f.code === "delegate"));
      for (const f of features) {
        report({
          resource,
          path: f.path,
          messageId: "noEquivalent",
          data: { resource: displayName(resource, namespace), key: keyOf(f), line: line(resource, f.path), reason: f.message },
        });
      }
      if (root) continue; // converted (or refused) with its root
      // Only the Services and subsets this VirtualService (and its delegates) name (the converter scans what it is given).
      const lineOfName = (r: (typeof resources)[number]) => line(r, ["metadata", "name"]);
      const named = new Set([resource.value, ...(delegates ?? []).map((d) => d.value)].flatMap((v) => [...serviceNamesOf(v)]));
      const context = { ...routeContext(resources, namespaceOf, repo(), currentFile, named, lineOfName), serviceEntries };
      const converted = delegates
        ? convertWithDelegates(resource.value, delegates.map((d) => ({ vs: d.value, namespace: d.namespace })), { ...context, ...convertOptions })
        : convertVirtualService(resource.value, { ...context, ...convertOptions });
      const delegateOf = (p: { input?: number }) => (delegates && p.input ? delegates[p.input - 1] : undefined);
      const data = { resource: displayName(resource, namespace) };
      if (!converted.result) {
        // Features without an equivalent are reported at their own keys; say why no suggestion is offered.
        const other = converted.problems.filter((p: { input?: number } & ConvertProblem) => delegateOf(p) || !features.some((f) => f.code === p.code && samePath(f.path, p.path)));
        const first: ({ input?: number } & ConvertProblem) | undefined = other[0] ?? features[0];
        const from = first ? delegateOf(first) : undefined;
        const reason = other.length
          ? from
            ? `${from.label}${from.where ? ` (${from.where})` : ""}: ${first.message}`
            : first.message
          : features.length === 1 ? "1 key has no HTTPRoute equivalent (reported there)" : `${features.length} keys have no HTTPRoute equivalent (reported there)`;
        // A key of a delegate in another file: the line of the root's rule that delegates to it.
        const at = !from ? line(resource, first.path) : from.resource ? line(from.resource, first.path) : line(resource, delegatingRulePath(resource.value, from.name));
        if (first) report({ resource, path: ["kind"], messageId: "notConvertible", data: { ...data, reason, line: at } });
        continue;
      }
      // ServiceEntry hosts routed by another mesh VirtualService too: not merged here (one would stay beside the
      // HTTPRoute, mixed route APIs for one host).
      const hostsOfEntries = asArray(isObject(resource.value.spec) ? resource.value.spec.hosts : undefined).filter(
        (h): h is string => typeof h === "string" && serviceEntries.some((e) => e.hosts.some((x) => x.toLowerCase() === h.toLowerCase())),
      );
      const sharing = otherRoutesOfHosts(resource, hostsOfEntries, resources, namespaceOf, repo(), currentFile, lineOfName);
      if (sharing) {
        const reason = `${sharing.label} (${sharing.where}) also routes ${sharing.host}; convert them together by hand`;
        report({ resource, path: ["kind"], messageId: "notConvertible", data: { ...data, reason, line: line(resource, ["spec", "hosts"]) } });
        continue;
      }
      // Other mesh VirtualServices of the same Service would stay beside the HTTPRoute. They are merged into one
      // HTTPRoute when Istio's merge order (creation time) cannot matter: those of this file are removed by the
      // suggestion, those of other files of the unit are named for deletion in the same change. Another copy of
      // this VirtualService (same name and namespace, elsewhere) replaces it when applied: it is not another one.
      const foreignOthers = sameServiceAcross(self, repo(), currentFile);
      const others = sameServiceRoutes(resource, resources, namespaceOf, repo(), currentFile, lineOfName).filter(
        (o) => o.resource || foreignOthers.some((f) => f.where === o.where) || o.label !== displayName(resource, namespace),
      );
      const foreignOf = (o: (typeof others)[number]) => (o.resource ? undefined : foreignOthers.find((f) => f.where === o.where));
      // (A TCPRoute is not merged: the merge is of http rules.)
      const group = !converted.result.tcpRoutes?.length && others.length && others.every((o) => o.resource || foreignOf(o)) ? others : [];
      const inFileGroup = group.flatMap((o) => (o.resource ? [o.resource] : []));
      const foreignGroup = group.flatMap((o) => (o.resource ? [] : [foreignOf(o)!]));
      let merged: MergeResult | null = null;
      if (group.length) {
        const members = [resource, ...inFileGroup].sort((x, y) => x.documentIndex - y.documentIndex || (x.listIndex ?? 0) - (y.listIndex ?? 0));
        const inputs = [
          ...members.map((m) => ({ vs: m.value, namespace: namespaceOf(m), label: displayName(m, namespaceOf(m)) })),
          ...foreignGroup.map((f) => ({ vs: f.value, namespace: f.namespace, label: f.label })),
        ];
        const hostNames = new Set(inputs.flatMap((m) => [...serviceNamesOf(m.vs as typeof resource.value)]));
        const mergeContext = { ...routeContext(resources, namespaceOf, repo(), currentFile, hostNames, lineOfName), serviceEntries };
        merged = mergeVirtualServices(inputs, { ...mergeContext, ...convertOptions });
      }
      const outcome = merged?.result ?? converted.result;
      const { httpRoutes, tcpRoutes, versionServices, remainingVirtualService } = outcome;
      const added = versionServices as Record<string, unknown>[];
      // An HTTPRoute, or the TCPRoute of a tcp-only VirtualService.
      const routes = [...httpRoutes, ...(tcpRoutes ?? [])] as Record<string, unknown>[];
      const kind = tcpRoutes?.length ? "TCPRoute" : "HTTPRoute";
      const aRoute = kind === "TCPRoute" ? "a TCPRoute" : "an HTTPRoute";
      const names = (list: Record<string, unknown>[]) => list.map((r) => (isObject(r.metadata) ? String(r.metadata.name) : "")).join(", ");
      const servicesText = added.length ? ` and version Service${added.length > 1 ? "s" : ""} ${names(added)}` : "";
      // Existing Services that stand in for subsets (any name, same selector): named with where they are.
      const reused = outcome.reusedServices;
      const reusedText = reused.length
        ? `, reusing ${reused.map((u) => `Service ${u.name} for subset ${u.subset}`).join(", ")}`
        : "";
      // In the message: one other VirtualService by name (and location when short), several by count.
      const list = !others.length
        ? ""
        : others.length === 1
          ? `${others[0].label}${others[0].where.length <= 50 ? ` (${others[0].where})` : ""}`
          : `${others.length} other VirtualServices (${others[0].where}, …)`;
      const delegatesText = delegates?.length
        ? `, expanding delegate${delegates.length > 1 ? "s" : ""} ${delegates.map((d) => `${d.name} (${d.resource ? `line ${lineOfName(d.resource)}` : d.where})`).join(", ")}`
        : "";
      // Merged VirtualServices of this file are named in the title (they are removed); others that stay are in the message.
      const togetherText = merged?.result ? `, merging ${others.map((o) => o.label).join(", ")}` : "";
      const servicesOfOthers = [...new Set(others.map((o) => o.service))].join(", ");
      const othersText = merged?.result
        ? foreignGroup.length
          ? ` to ${aRoute} merged with ${foreignGroup.map((f) => `${f.label} (${f.where})`).join(", ")}, deleting ${foreignGroup.length > 1 ? "them" : "it"} in the same change`
          : ` to ${aRoute}`
        : !others.length
          ? ` to ${aRoute}`
        : merged?.problems[0]?.code === "merge-order"
          ? ` and ${list} to ${kind}s, choosing the order: rules of both match one request, and Istio's creation-time order decides`
          : ` to ${aRoute} together with ${list} (also on Service ${servicesOfOthers})`;
      let ops: EditOp[];
      if (remainingVirtualService) {
        // Also bound to an ingress gateway: keep the VirtualService for it, without `mesh`.
        const gateways = isObject(resource.value.spec) && Array.isArray(resource.value.spec.gateways) ? resource.value.spec.gateways : [];
        const meshIndex = gateways.indexOf("mesh");
        ops = meshIndex >= 0 ? [{ op: "remove", path: ["spec", "gateways", meshIndex] }, { op: "addResourceAfter", value: [...routes, ...added] }] : [];
      } else {
        ops = [{ op: "replaceResource", value: [...routes, ...added] }];
      }
      // The title stays within 100 characters: lists that do not fit become counts (the message and the
      // suggested manifests name everything).
      const title = {
        route: names(routes),
        services: servicesText,
        reused: reusedText,
        keep: remainingVirtualService ? ", keeping the VirtualService for ingress" : "",
        together: delegatesText + togetherText,
      };
      const titleLength = () => `Replace with ${kind} .`.length + Object.values(title).join("").length;
      // 1. several added Services by number; 2. reused Services and merged VirtualServices in a compact form;
      // 3. then by number (the merged VirtualServices, which the suggestion removes, move to the message).
      if (titleLength() > 100 && added.length > 1) title.services = ` and ${added.length} version Services`;
      if (titleLength() > 100 && reused.length) title.reused = `, reusing ${reused.map((u) => `${u.name} (${u.subset})`).join(", ")}`;
      const mergedLabels = merged?.result ? others.map((o) => o.label) : [];
      if (titleLength() > 100 && togetherText) title.together = title.together.replace(togetherText, `, merging ${mergedLabels.map((l) => l.replace(/^VirtualService /, "")).join(", ")}`);
      if (titleLength() > 100 && reused.length) title.reused = `, reusing ${reused.length} Service${reused.length > 1 ? "s" : ""}`;
      if (titleLength() > 100 && delegates?.length) title.together = title.together.replace(delegatesText, `, expanding ${delegates.length} delegate${delegates.length > 1 ? "s" : ""}`);
      let message = othersText;
      if (titleLength() > 100 && togetherText) {
        title.together = title.together.replace(/, merging .*$/, `, merging ${mergedLabels.length} VirtualService${mergedLabels.length > 1 ? "s" : ""}`);
        if (!foreignGroup.length) message = ` to ${aRoute} merged with ${mergedLabels.join(", ")}`;
      }
      const suggest: Suggestion<MessageIds>[] = ops.length
        ? [
            {
              messageId: kind === "TCPRoute" ? "convertTcp" : "convert",
              data: title,
              ops,
              ...(merged?.result && inFileGroup.length ? { also: inFileGroup.map((r) => ({ resource: r, ops: [{ op: "removeResource" as const }] })) } : {}),
            },
          ]
        : [];
      report({ resource, path: ["kind"], messageId: "preferHttpRoute", data: { ...data, others: message }, suggest });
    }
  },
});

function keyOf(problem: ConvertProblem): string {
  const last = [...problem.path].reverse().find((p) => typeof p === "string");
  return typeof last === "string" ? last : "spec";
}

function samePath(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

