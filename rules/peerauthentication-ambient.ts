import { GATEWAY_SELECTORS_SCHEMA } from "../lib/istio/authorization.js";
import { createRule } from "../lib/create-rule.js";
import { isIstioKind, displayName } from "../lib/k8s/resource.js";
import { peerAuthenticationFindings, type PeerAuthnFinding } from "../lib/istio/peerauthentication.js";

type MessageIds = "disable" | "portDisable" | "portLevelWithoutSelector" | "rootSelector";

interface Options {
  /** Extra label sets that select Envoy gateway pods (not ambient workloads). */
  gatewaySelectors: Record<string, string>[];
}

const DISABLE_EFFECT =
  "ztunnel does not support DISABLE and treats it like PERMISSIVE: traffic from mesh workloads stays mTLS (HBONE), plaintext is accepted only from clients outside the mesh";

const PORT_DISABLE_EFFECT =
  "ztunnel does not support DISABLE and treats the port like PERMISSIVE: traffic from mesh workloads stays mTLS (HBONE), plaintext is accepted only from clients outside the mesh";

const OUT_OF_MESH = "if a workload truly needs plaintext from mesh clients, keep its pods out of ambient with the pod label `istio.io/dataplane-mode: none`";

const SCOPE = {
  workload: "for the workloads its selector picks",
  namespace: "for its whole namespace",
  mesh: "mesh-wide (root namespace, no selector)",
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
        "{{resource}} sets mTLS mode DISABLE {{scope}} (line {{line}}). " +
        DISABLE_EFFECT +
        ". Remove DISABLE (use PERMISSIVE or STRICT) when these workloads move to ambient; " +
        OUT_OF_MESH +
        ".",
      portDisable:
        "{{resource}} sets mTLS mode DISABLE for port {{port}} (line {{line}}). " +
        PORT_DISABLE_EFFECT +
        ". Use PERMISSIVE for the port when these workloads move to ambient; " +
        OUT_OF_MESH +
        ".",
      portLevelWithoutSelector:
        "{{resource}} sets `portLevelMtls` without a workload selector {{where}} (line {{line}}). Port-level settings apply only to a policy with `selector.matchLabels`: ztunnel ignores them here (and the CRD rejects them). Move them to a PeerAuthentication that selects the workloads, outside the root namespace.",
      rootSelector:
        "{{resource}} has a workload selector in the root namespace {{rootNamespace}} (line {{line}}). Istio ignores selector PeerAuthentications in the root namespace, and so does ztunnel: {{ignored}}. Move it to the workloads' namespace, or drop the selector to make it mesh-wide.",
    },
  },
  defaultOptions: { gatewaySelectors: [] },
  check({ resources, settings, options, report, line }) {
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
          data: { resource: displayName(resource), line: line(resource, finding.path), rootNamespace: settings.rootNamespace, ...dataOf(finding) },
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
      return { ignored: finding.hasDisable ? "none of its settings, DISABLE included, apply" : "none of its settings apply" };
  }
}
