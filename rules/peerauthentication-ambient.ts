import { GATEWAY_SELECTORS_SCHEMA } from "../lib/istio/authorization.js";
import { createRule } from "../lib/create-rule.js";
import { isIstioKind, displayName } from "../lib/k8s/resource.js";
import { peerAuthenticationFindings, type PeerAuthnFinding } from "../lib/istio/peerauthentication.js";

type MessageIds = "disable" | "portDisable" | "portLevelWithoutSelector" | "rootSelector";

interface Options {
  /** Extra label sets that select Envoy gateway pods (not ambient workloads). */
  gatewaySelectors: Record<string, string>[];
}

const SCOPE = {
  workload: "for its selected workloads",
  namespace: "for its namespace",
  mesh: "mesh-wide",
};

export default createRule<MessageIds, Options>({
  name: "peerauthentication-ambient",
  meta: {
    type: "problem",
    docs: {
      description:
        "PeerAuthentication settings ambient mode does not honour: mTLS mode DISABLE (a documented migration blocker), portLevelMtls without a selector, selector policies in the root namespace",
      recommended: "error",
    },
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
      disable:
        "{{resource}} sets mTLS DISABLE {{scope}}, which ztunnel treats as PERMISSIVE: mesh traffic stays mTLS.",
      portDisable:
        "{{resource}} sets mTLS DISABLE for port {{port}}, which ztunnel treats as PERMISSIVE: mesh traffic stays mTLS.",
      portLevelWithoutSelector:
        "{{resource}} sets `portLevelMtls` without a workload selector {{where}}, so ztunnel ignores it (and the CRD rejects it).",
      rootSelector:
        "{{resource}} has a workload selector in the root namespace {{rootNamespace}}, so Istio and ztunnel ignore {{ignored}}.",
    },
  },
  defaultOptions: { gatewaySelectors: [] },
  check({ resources, settings, options, report }) {
    for (const resource of resources) {
      if (!isIstioKind(resource, "PeerAuthentication")) continue;
      const findings = peerAuthenticationFindings(resource.value, {
        rootNamespace: settings.rootNamespace,
        namespace: resource.namespace ?? settings.defaultNamespace,
        gatewaySelectors: options.gatewaySelectors,
      });
      for (const finding of findings) {
        report({
          resource,
          path: finding.path,
          messageId: messageIdOf(finding),
          data: { resource: displayName(resource), rootNamespace: settings.rootNamespace, ...dataOf(finding) },
        });
      }
    }
  },
});

function messageIdOf(finding: PeerAuthnFinding): MessageIds {
  switch (finding.kind) {
    case "disable":
      return "disable";
    case "port-disable":
      return "portDisable";
    case "port-level-without-selector":
      return "portLevelWithoutSelector";
    case "root-selector":
      return "rootSelector";
  }
}

function dataOf(finding: PeerAuthnFinding): Record<string, string> {
  switch (finding.kind) {
    case "disable":
      return { scope: SCOPE[finding.scope] };
    case "port-disable":
      return { port: finding.port };
    case "port-level-without-selector":
      return { where: finding.scope === "mesh" ? "(root namespace: mesh-wide)" : "(namespace-wide)" };
    case "root-selector":
      return { ignored: finding.hasDisable ? "all its settings, DISABLE included" : "all its settings" };
  }
}
