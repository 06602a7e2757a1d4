import path from "node:path";
import { createRule, type Suggestion } from "../lib/create-rule.js";
import { displayName, isIstioKind, isObject } from "../lib/k8s/resource.js";
import {
  convertVirtualService,
  isMeshVirtualService,
  unconvertibleFeatures,
  type ConvertProblem,
  type GatewayApiTarget,
} from "../lib/convert/virtualservice-to-httproute.js";
import { routeContext, sameServiceRoutes, serviceNamesOf } from "../lib/convert/route-context.js";
import type { EditOp } from "../lib/yaml/edit.js";

type MessageIds = "preferHttpRoute" | "notConvertible" | "noEquivalent" | "convert";

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
  "tcp-routes",
  "tls-routes",
  "cross-namespace",
  "unsupported-in-channel",
]);

const WHY =
  "VirtualService support on waypoints is Alpha and mixing it with HTTPRoute for the same Service is undefined behaviour: migrate it to an HTTPRoute with a Service parentRef";

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
      preferHttpRoute: `{{resource}} routes mesh traffic. ${WHY} (a suggestion converts it{{services}}).`,
      notConvertible: `{{resource}} routes mesh traffic. ${WHY}. It cannot be converted automatically: {{reason}} (line {{line}}).`,
      noEquivalent: "{{resource}}: `{{key}}` (line {{line}}) has no HTTPRoute equivalent: {{reason}}.",
      convert: "Replace with HTTPRoute {{route}}{{services}}{{reused}}{{keep}}, keeping the routing order and behaviour{{together}}.",
    },
  },
  defaultOptions: { acceptPathSegmentPrefix: false },
  check({ resources, options, settings, report, line, namespaceOf, repo, filename, eslint }) {
    const virtualServices = resources.filter((r) => isIstioKind(r, "VirtualService") && isMeshVirtualService(r.value));
    if (!virtualServices.length) return;
    const currentFile = path.resolve(eslint.cwd, eslint.physicalFilename ?? filename);
    for (const resource of virtualServices) {
      const namespace = namespaceOf(resource);
      const convertOptions = { gatewayApi: options.gatewayApi ?? settings.gatewayApi, acceptPathSegmentPrefix: options.acceptPathSegmentPrefix, ...(namespace ? { defaultNamespace: namespace } : {}) };
      const features = unconvertibleFeatures(resource.value, convertOptions).filter((f) => NO_EQUIVALENT.has(f.code));
      for (const f of features) {
        report({
          resource,
          path: f.path,
          messageId: "noEquivalent",
          data: { resource: displayName(resource, namespace), key: keyOf(f), line: line(resource, f.path), reason: f.message },
        });
      }
      // Only the Services and subsets this VirtualService names (the converter scans what it is given).
      const lineOfName = (r: (typeof resources)[number]) => line(r, ["metadata", "name"]);
      const context = routeContext(resources, namespaceOf, repo(), currentFile, serviceNamesOf(resource.value), lineOfName);
      const converted = convertVirtualService(resource.value, { ...context, ...convertOptions });
      const data = { resource: displayName(resource, namespace) };
      if (!converted.result) {
        // Features without an equivalent are reported at their own keys; say why no suggestion is offered.
        const other = converted.problems.filter((p) => !features.some((f) => f.code === p.code && samePath(f.path, p.path)));
        const first = other[0] ?? features[0];
        const reason = other.length ? first.message : `${features.length} feature(s) have no HTTPRoute equivalent (reported at their keys)`;
        if (first) report({ resource, path: ["kind"], messageId: "notConvertible", data: { ...data, reason, line: line(resource, first.path) } });
        continue;
      }
      const { httpRoutes, versionServices, remainingVirtualService } = converted.result;
      const added = versionServices as Record<string, unknown>[];
      const routes = httpRoutes as Record<string, unknown>[];
      const names = (list: Record<string, unknown>[]) => list.map((r) => (isObject(r.metadata) ? String(r.metadata.name) : "")).join(", ");
      const servicesText = added.length ? ` and version Service${added.length > 1 ? "s" : ""} ${names(added)}` : "";
      // Existing Services that stand in for subsets (any name, same selector): named with where they are.
      const reused = converted.result.reusedServices;
      const reusedText = reused.length
        ? `, reusing ${reused.map((u) => `Service ${u.name}${u.where ? ` (${u.where})` : ""} for subset ${u.subset}`).join(", ")}`
        : "";
      // Other mesh VirtualServices of the same Service would stay beside the HTTPRoute: name them.
      const others = sameServiceRoutes(resource, resources, namespaceOf, repo(), currentFile, lineOfName);
      const togetherText = others.length
        ? `; ${others.map((o) => `${o.label} (${o.where})`).join(", ")} also route${others.length === 1 ? "s" : ""} Service ${[...new Set(others.map((o) => o.service))].join(", ")}: convert ${others.length === 1 ? "it" : "them"} in the same change`
        : "";
      let ops: EditOp[];
      if (remainingVirtualService) {
        // Also bound to an ingress gateway: keep the VirtualService for it, without `mesh`.
        const gateways = isObject(resource.value.spec) && Array.isArray(resource.value.spec.gateways) ? resource.value.spec.gateways : [];
        const meshIndex = gateways.indexOf("mesh");
        ops = meshIndex >= 0 ? [{ op: "remove", path: ["spec", "gateways", meshIndex] }, { op: "addResourceAfter", value: [...routes, ...added] }] : [];
      } else {
        ops = [{ op: "replaceResource", value: [...routes, ...added] }];
      }
      const suggest: Suggestion<MessageIds>[] = ops.length
        ? [
            {
              messageId: "convert",
              data: {
                route: names(routes),
                services: servicesText,
                reused: reusedText,
                keep: remainingVirtualService ? " (the VirtualService stays for the ingress gateway, without `mesh`)" : "",
                together: togetherText,
              },
              ops,
            },
          ]
        : [];
      report({ resource, path: ["kind"], messageId: "preferHttpRoute", data: { ...data, services: servicesText ? ` to an HTTPRoute${servicesText}` : "" }, suggest });
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
