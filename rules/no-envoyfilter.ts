import { GATEWAY_SELECTORS_SCHEMA } from "../lib/istio/authorization.js";
import { createRule } from "../lib/create-rule.js";
import { isIstioKind, displayName } from "../lib/k8s/resource.js";
import { waypointsIn } from "../lib/k8s/service.js";
import { envoyFilterFindings, type EnvoyFilterFinding, type PatchClass } from "../lib/istio/envoyfilter.js";
import { ISTIO_VERSION_FACTS, istioHas, WAYPOINT_CLASS } from "../lib/versions.js";
import { waypointFor } from "../lib/settings.js";

type MessageIds =
  | "lua"
  | "extAuthz"
  | "rateLimit"
  | "wasm"
  | "istioTelemetry"
  | "other"
  | "empty"
  | "waypoint"
  | "waypointTooOld"
  | "waypointContext"
  | "unattached"
  | "waypointSelector"
  | "removeEnvoyFilter";

interface Options {
  /** Extra label sets that select Envoy gateway pods (EnvoyFilters on gateways keep working in ambient). */
  gatewaySelectors: Record<string, string>[];
}

/** What ambient does with an EnvoyFilter without `targetRefs` (the docs page says why). */
const IGNORED = "ignored in ambient";

const MESSAGE_BY_CLASS: Record<PatchClass, MessageIds> = {
  lua: "lua",
  "ext-authz": "extAuthz",
  "local-ratelimit": "rateLimit",
  ratelimit: "rateLimit",
  wasm: "wasm",
  "istio-telemetry": "istioTelemetry",
  other: "other",
};

const PROXIES = {
  selector: "selected sidecars",
  namespace: "namespace sidecars",
  mesh: "all sidecars",
};

export default createRule<MessageIds, Options>({
  name: "no-envoyfilter",
  meta: {
    type: "problem",
    docs: {
      description:
        "EnvoyFilters that patch sidecars are silently ignored in ambient mode (ztunnel never applies them, waypoints only through targetRefs); replace each with its ambient API or treat it as a migration blocker",
      recommended: "error",
    },
    hasSuggestions: true,
    schema: [
      {
        type: "object",
        properties: {
          gatewaySelectors: GATEWAY_SELECTORS_SCHEMA,
        },
        additionalProperties: false,
      },
    ],
    messages: {
      lua: `{{resource}} adds Lua filter \`{{subject}}\` (line {{line}}) to {{proxies}}, ${IGNORED}: {{luaAlternative}}.`,
      extAuthz: `{{resource}} adds ext_authz filter \`{{subject}}\` (line {{line}}) to {{proxies}}, ${IGNORED}: use a CUSTOM AuthorizationPolicy.`,
      rateLimit: `{{resource}} configures {{rateLimitKind}} (\`{{subject}}\`, line {{line}}) for {{proxies}}, ${IGNORED}, which has no rate-limit API.`,
      wasm: `{{resource}} adds Wasm filter \`{{subject}}\` (line {{line}}) to {{proxies}}, ${IGNORED}: {{wasmAlternative}}.`,
      istioTelemetry: `{{resource}} configures telemetry extension \`{{subject}}\` (line {{line}}) for {{proxies}}, ${IGNORED}: use the Telemetry API.`,
      other: `{{resource}} patches {{applyTo}}{{subjectSuffix}} (line {{line}}) in {{proxies}}, ${IGNORED} with no replacement API.`,
      empty: "{{resource}} has no `configPatches`: it changes nothing, in sidecar or ambient mode. Delete it.",
      waypoint:
        "{{resource}} patches waypoint {{target}} (line {{line}}): applied since Istio 1.27 but unsupported, so it may break on upgrade.",
      waypointTooOld:
        "{{resource}} targets waypoint {{target}} (line {{line}}), but Istio {{version}} applies EnvoyFilters to waypoints only from {{since}}: it is ignored.",
      waypointContext: "{{resource}} patches with `context: WAYPOINT` (line {{line}}), {{contextNote}}: this patch is applied to no proxy.",
      unattached: "{{resource}} targets {{target}} (line {{line}}), but {{why}}: it is applied to no proxy.",
      waypointSelector:
        "{{resource}} selects the pods of {{target}} (line {{line}}), but waypoints take EnvoyFilters only through `targetRefs`: it is not applied.",
      removeEnvoyFilter: "Delete EnvoyFilter {{name}} (after moving what it does to ambient).",
    },
  },
  defaultOptions: { gatewaySelectors: [] },
  check({ resources, settings, options, report, line }) {
    const version = settings.istioVersion;
    // EnvoyFilters patch Envoy: only the Envoy waypoint class (not agentgateway) takes them.
    const waypoints = waypointsIn(resources, version).filter((w) => w.gatewayClassName === WAYPOINT_CLASS);
    const hasTrafficExtension = istioHas(version, "trafficExtension");
    const trafficExtension = hasTrafficExtension ? ", TrafficExtension" : "";
    for (const resource of resources) {
      if (!isIstioKind(resource, "EnvoyFilter")) continue;
      const namespace = resource.namespace ?? settings.defaultNamespace;
      const inFile = waypoints.filter((w) => w.namespace === resource.namespace).map((w) => w.name);
      const waypointNames = [...new Set([...inFile, waypointFor(settings, namespace).name])];
      const findings = envoyFilterFindings(resource.value, {
        rootNamespace: settings.rootNamespace,
        namespace,
        waypointNames,
        gatewaySelectors: options.gatewaySelectors,
        istioVersion: version,
      });
      const suggest = [{ messageId: "removeEnvoyFilter" as const, data: { name: resource.name ?? "(unnamed)" }, ops: [{ op: "removeResource" as const }] }];
      for (const finding of findings) {
        report({
          resource,
          path: finding.path,
          messageId: messageIdOf(finding),
          data: {
            resource: displayName(resource),
            line: line(resource, finding.path),
            ...dataOf(finding, version, hasTrafficExtension, settings.rootNamespace),
            trafficExtension,
          },
          suggest,
        });
      }
    }
  },
});

function messageIdOf(finding: EnvoyFilterFinding): MessageIds {
  switch (finding.kind) {
    case "sidecar":
      return MESSAGE_BY_CLASS[finding.cls];
    case "empty":
      return "empty";
    case "waypoint":
      return finding.how === "context" ? "waypointContext" : finding.applied ? "waypoint" : "waypointTooOld";
    case "unattached":
      return "unattached";
    case "waypoint-selector":
      return "waypointSelector";
  }
}

function dataOf(finding: EnvoyFilterFinding, version: string, hasTrafficExtension: boolean, rootNamespace: string): Record<string, string> {
  switch (finding.kind) {
    case "sidecar":
      return {
        proxies: PROXIES[finding.scope],
        subject: finding.subject,
        applyTo: `\`${finding.applyTo}\``,
        subjectSuffix: finding.subject ? ` (\`${finding.subject}\`)` : "",
        rateLimitKind: finding.cls === "local-ratelimit" ? "local rate limiting" : "global rate limiting",
        wasmAlternative: hasTrafficExtension ? "use a WasmPlugin or TrafficExtension" : "use a WasmPlugin",
        luaAlternative: hasTrafficExtension
          ? "use a TrafficExtension or WasmPlugin"
          : `use a WasmPlugin (Lua TrafficExtension needs Istio 1.30, not ${version})`,
      };
    case "empty":
      return {};
    case "waypoint":
      return {
        target: finding.target.replace(/^Gateway /, ""),
        version,
        since: ISTIO_VERSION_FACTS.envoyFilterOnWaypoints.since,
        contextNote: istioHas(version, "envoyFilterWaypointContext")
          ? "a context istiod does not implement"
          : `a context Istio ${version} does not have (${ISTIO_VERSION_FACTS.envoyFilterWaypointContext.since} adds it, unimplemented)`,
      };
    case "unattached":
      return {
        target: finding.target,
        why:
          finding.reason === "service"
            ? "EnvoyFilter `targetRefs` take only Gateways and GatewayClass istio-waypoint"
            : `a GatewayClass target counts only on EnvoyFilters in the root namespace (${rootNamespace})`,
      };
    case "waypoint-selector":
      return { target: finding.target };
  }
}
