/**
 * Fixture shapes: GoogleCloudPlatform/anthos-service-mesh-samples docs/online-boutique-asm-manifests/base/all/namespace.yaml
 * (Namespace onlineboutique with `istio-injection: enabled` between region-tag comments; repos
 * GoogleCloudPlatform__anthos-service-mesh-samples), ricsanfre/pi-cluster kubernetes/platform/keycloak/operator/components/istio/namespace-labels.yaml
 * (a Namespace carrying only `istio.io/dataplane-mode: ambient`, with comments; repos ricsanfre__pi-cluster),
 * istio/istio samples/ambient-argo/application/reviews-waypoint.yaml (`istio.io/rev: rapid`).
 */
import rule from "../../rules/namespace-dataplane-mode.js";
import { ruleSuite } from "../helpers/rule-suite.js";
import { inFixtureRepo } from "../helpers/fixture-repo.js";

const BOUTIQUE = `# [START servicemesh_all_namespace_namespace_onlineboutique]
apiVersion: v1
kind: Namespace
metadata:
  name: onlineboutique
  labels:
    istio-injection: enabled
    istio.io/dataplane-mode: ambient
# [END servicemesh_all_namespace_namespace_onlineboutique]
`;

const BOUTIQUE_FIXED = `# [START servicemesh_all_namespace_namespace_onlineboutique]
apiVersion: v1
kind: Namespace
metadata:
  name: onlineboutique
  labels:
    istio.io/dataplane-mode: ambient
# [END servicemesh_all_namespace_namespace_onlineboutique]
`;

const KEYCLOAK = `# Add Istio ambient mesh label to the keycloak namespace.
# Enables ztunnel L4 traffic interception and transparent mTLS for this namespace.
apiVersion: v1
kind: Namespace
metadata:
  name: keycloak
  labels:
    istio.io/dataplane-mode: ambient
`;

const SIDECAR_ONLY = `apiVersion: v1
kind: Namespace
metadata:
  name: onlineboutique
  labels:
    istio-injection: enabled
`;

ruleSuite("namespace-dataplane-mode", rule, {
  valid: [
    { name: "ambient namespace (pi-cluster keycloak component)", code: KEYCLOAK },
    { name: "sidecar namespace without the target option", code: SIDECAR_ONLY },
    {
      name: "ambient with injection disabled",
      code: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    istio-injection: disabled\n    istio.io/dataplane-mode: ambient\n",
      options: [{ target: "ambient" }],
    },
    { name: "empty istio.io/rev is no revision", code: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    istio.io/rev: \"\"\n    istio.io/dataplane-mode: ambient\n" },
    { name: "dataplane-mode none with injection", code: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    istio-injection: enabled\n    istio.io/dataplane-mode: none\n" },
    { name: "a Namespace-like kind of another group", code: "apiVersion: example.com/v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    istio-injection: enabled\n    istio.io/dataplane-mode: ambient\n" },
    {
      name: "target ambient: an ingress gateway namespace keeps injection (anthos-service-mesh-samples asm-ingress with its gateway Deployment)",
      code:
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  labels:\n    istio-injection: enabled\n  name: asm-ingress\n---\n" +
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: asm-ingressgateway\n  namespace: asm-ingress\nspec:\n  selector:\n    matchLabels:\n      asm: ingressgateway\n  template:\n    metadata:\n      annotations:\n        # This is required to tell Anthos Service Mesh to inject the gateway with the\n        # required configuration.\n        inject.istio.io/templates: gateway\n      labels:\n        asm: ingressgateway\n    spec:\n      containers:\n      - name: istio-proxy\n        image: auto\n",
      options: [{ target: "ambient" }],
    },
    {
      name: "target ambient: the root namespace",
      code: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n  labels:\n    istio-injection: enabled\n",
      options: [{ target: "ambient" }],
    },
    { name: "no labels", code: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n", options: [{ target: "ambient" }] },
    { name: "odd shapes", code: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: [1]\n---\napiVersion: v1\nkind: Namespace\nmetadata: 3\n" },
  ],
  invalid: [
    {
      name: "injection and ambient (online-boutique namespace labelled for ambient): fix removes istio-injection, comments kept",
      code: BOUTIQUE,
      output: BOUTIQUE_FIXED,
      errors: [
        {
          message:
            "Namespace onlineboutique has `istio.io/dataplane-mode: ambient` and `istio-injection: enabled`: injected sidecars win, so new pods never run in ambient mode.",
          line: 7,
          column: 5,
          suggestions: [],
        },
      ],
    },
    {
      name: "istio.io/rev and ambient: a suggestion only (the revision may also pick the gateways' control plane)",
      code: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio.io/rev: rapid\n    istio.io/dataplane-mode: ambient\n",
      output: null,
      errors: [
        {
          messageId: "sidecarWins",
          data: { name: "bookinfo", label: "istio.io/rev: rapid" },
          suggestions: [
            {
              messageId: "removeLabel",
              data: { name: "bookinfo", label: "istio.io/rev: rapid" },
              output: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio.io/dataplane-mode: ambient\n",
            },
          ],
        },
      ],
    },
    {
      name: "both injection labels: the fix removes istio-injection, istio.io/rev stays reported",
      code: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio-injection: enabled\n    istio.io/rev: rapid\n    istio.io/dataplane-mode: ambient\n",
      output: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio.io/rev: rapid\n    istio.io/dataplane-mode: ambient\n",
      safe: { remaining: 1 },
      errors: [
        { messageId: "sidecarWins", line: 6 },
        {
          messageId: "sidecarWins",
          line: 7,
          suggestions: [
            {
              messageId: "removeLabel",
              output: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio-injection: enabled\n    istio.io/dataplane-mode: ambient\n",
            },
          ],
        },
      ],
      suggestionSafe: [{ remaining: 1 }],
    },
    {
      name: "a comment on the label's line stays, on its own line",
      code: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    istio-injection: enabled # remove after the restart\n    istio.io/dataplane-mode: ambient\n",
      output: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    # remove after the restart\n    istio.io/dataplane-mode: ambient\n",
      errors: [{ messageId: "sidecarWins", suggestions: [] }],
    },
    {
      name: "flow style labels",
      code: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: {istio-injection: enabled, istio.io/dataplane-mode: ambient}\n",
      output: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: {istio.io/dataplane-mode: ambient}\n",
      errors: [{ messageId: "sidecarWins", line: 5, column: 12 }],
    },
    {
      name: "target ambient: a namespace still labelled for injection, suggestion switches the label",
      code: `# [START servicemesh_all_namespace_namespace_onlineboutique]\n${SIDECAR_ONLY}`,
      output: null,
      options: [{ target: "ambient" }],
      errors: [
        {
          message:
            "Namespace onlineboutique is still labelled `istio-injection: enabled` for sidecar injection, so its pods stay in sidecar mode.",
          line: 7,
          suggestions: [
            {
              messageId: "switchToAmbient",
              output: `# [START servicemesh_all_namespace_namespace_onlineboutique]\n${SIDECAR_ONLY.replace("istio-injection: enabled", "istio.io/dataplane-mode: ambient")}`,
            },
          ],
        },
      ],
    },
    {
      name: "target ambient: rev and an explicit dataplane-mode none",
      code: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    istio.io/dataplane-mode: none\n    istio.io/rev: canary\n",
      output: null,
      options: [{ target: "ambient" }],
      errors: [
        {
          messageId: "injectionLeft",
          data: { name: "a", label: "istio.io/rev: canary", key: "istio.io/rev" },
          suggestions: [{ messageId: "switchToAmbient", output: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    istio.io/dataplane-mode: ambient\n" }],
        },
      ],
    },
    {
      name: "ambient label from Argo CD managedNamespaceMetadata (ambient-argo fixture), injection label in the app's Namespace manifest",
      ...inFixtureRepo("ambient-argo", "apps/webhooks/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: webhooks\n  labels:\n    istio-injection: enabled\n    team: platform\n"),
      output: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: webhooks\n  labels:\n    team: platform\n",
      errors: [{ messageId: "sidecarWins", data: { name: "webhooks", label: "istio-injection: enabled" } }],
    },
    {
      name: "JSON manifest",
      filename: "ns.json",
      code: '{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n  "metadata": {"name": "a", "labels": {"istio-injection": "enabled", "istio.io/dataplane-mode": "ambient"}}\n}\n',
      output: '{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n  "metadata": {"name": "a", "labels": {"istio.io/dataplane-mode": "ambient"}}\n}\n',
      errors: [{ messageId: "sidecarWins" }],
    },
  ],
});
