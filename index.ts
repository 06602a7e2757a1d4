/**
 * eslint-plugin-istio-ambient: the plugin object (meta, the YAML language, rules, flat configs).
 *
 *   import istioAmbient from "eslint-plugin-istio-ambient";
 *   export default [istioAmbient.configs.recommended];
 */
import type { ESLint, Linter } from "eslint";
import { name, version, namespace } from "./lib/meta.js";
import { buildConfigs } from "./lib/configs.js";
import { yamlLanguage, type YamlLanguage } from "./lib/language.js";
import type { IstioAmbientRule } from "./lib/create-rule.js";
import authorizationpolicyTargetrefs from "./rules/authorizationpolicy-targetrefs.js";
import authorizationpolicyAuditDryRun from "./rules/authorizationpolicy-audit-dry-run.js";
import l4PolicyBehindWaypoint from "./rules/l4-policy-behind-waypoint.js";
import waypointPolicyTargetrefs from "./rules/waypoint-policy-targetrefs.js";
import noEnvoyfilter from "./rules/no-envoyfilter.js";
import preferHttproute from "./rules/prefer-httproute.js";
import noDestinationruleSubsets from "./rules/no-destinationrule-subsets.js";
import validPolicyTargetrefs from "./rules/valid-policy-targetrefs.js";
import httprouteServiceParentref from "./rules/httproute-service-parentref.js";
import peerauthenticationAmbient from "./rules/peerauthentication-ambient.js";
import noMixedRouteApis from "./rules/no-mixed-route-apis.js";
import requireBypassPrevention from "./rules/require-bypass-prevention.js";
import requireWaypoint from "./rules/require-waypoint.js";
import requireIngressUseWaypoint from "./rules/require-ingress-use-waypoint.js";
import namespaceDataplaneMode from "./rules/namespace-dataplane-mode.js";
import noSidecarAnnotations from "./rules/no-sidecar-annotations.js";
import noSidecarResource from "./rules/no-sidecar-resource.js";
import waypointGateway from "./rules/waypoint-gateway.js";
import ambientCapturesOptedOutPods from "./rules/ambient-captures-opted-out-pods.js";

export const rules: Record<string, IstioAmbientRule> = {
  "authorizationpolicy-targetrefs": authorizationpolicyTargetrefs,
  "authorizationpolicy-audit-dry-run": authorizationpolicyAuditDryRun,
  "l4-policy-behind-waypoint": l4PolicyBehindWaypoint,
  "waypoint-policy-targetrefs": waypointPolicyTargetrefs,
  "no-envoyfilter": noEnvoyfilter,
  "prefer-httproute": preferHttproute,
  "no-destinationrule-subsets": noDestinationruleSubsets,
  "valid-policy-targetrefs": validPolicyTargetrefs,
  "httproute-service-parentref": httprouteServiceParentref,
  "peerauthentication-ambient": peerauthenticationAmbient,
  "no-mixed-route-apis": noMixedRouteApis,
  "require-bypass-prevention": requireBypassPrevention,
  "require-waypoint": requireWaypoint,
  "require-ingress-use-waypoint": requireIngressUseWaypoint,
  "ambient-captures-opted-out-pods": ambientCapturesOptedOutPods,
  "no-sidecar-resource": noSidecarResource,
  "no-sidecar-annotations": noSidecarAnnotations,
  "waypoint-gateway": waypointGateway,
  "namespace-dataplane-mode": namespaceDataplaneMode,
};

const plugin = {
  meta: { name, version, namespace },
  /** `istio-ambient/yaml`, the configs' language (lib/language.ts). */
  languages: { yaml: yamlLanguage } as { yaml: YamlLanguage },
  rules,
  configs: {} as { recommended: Linter.Config; strict: Linter.Config },
} satisfies ESLint.Plugin;

Object.assign(plugin.configs, buildConfigs(plugin as unknown as ESLint.Plugin, rules));

export const configs = plugin.configs;
export default plugin;
