/**
 * Fixture shapes: istio/istio tests/integration/ambient/testdata/beta-per-port-mtls.yaml (workload DISABLE with a
 * STRICT port; corpus istio__istio/tests__integration__ambient__testdata__beta-per-port-mtls.yaml),
 * redhat-scholars/istio-tutorial istiofiles/disable-mtls.yaml (namespace DISABLE; corpus
 * redhat-scholars__istio-tutorial/istiofiles__disable-mtls.yaml), the istio/api peer_authentication.proto examples
 * (STRICT with port 8080 DISABLE), pkg/config/validation/testdata/crds/peerauth-valid.yaml.
 * The rule offers no fix and no suggestion (see docs/rules/peerauthentication-ambient.md).
 */
import rule from "../../rules/peerauthentication-ambient.js";
import type { RuleTester } from "eslint";
import { ruleTester } from "../helpers/lint.js";

const PER_PORT = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: "per-port"
  annotations:
    test-suite: "beta-per-port-mtls"
spec:
  selector:
    matchLabels:
      app: b
  mtls:
    mode: DISABLE
  portLevelMtls:
    # 8090 is the targetPort for service http(80)
    8090:
      mode: STRICT
`;

const FINANCE = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: foo
spec:
  selector:
    matchLabels:
      app: finance
  mtls:
    mode: STRICT
  portLevelMtls:
    8080:
      mode: DISABLE
`;

const cases: { valid: RuleTester.ValidTestCase[]; invalid: RuleTester.InvalidTestCase[] } = {
  valid: [
    { name: "namespace STRICT", code: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: foo\nspec:\n  mtls:\n    mode: STRICT\n" },
    { name: "mesh PERMISSIVE", code: "apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: PERMISSIVE\n" },
    {
      name: "workload policy with PERMISSIVE port (ztunnel supports portLevelMtls on selector policies)",
      code: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: workload\n  namespace: foo\nspec:\n  selector:\n    matchLabels:\n      app: a\n  portLevelMtls:\n    9090:\n      mode: PERMISSIVE\n",
    },
    {
      name: "empty selector in the root namespace is the mesh-wide policy",
      code: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: partial-selector\n  namespace: istio-system\nspec:\n  selector: {}\n  mtls: {mode: STRICT}\n",
    },
    {
      name: "root namespace follows settings.rootNamespace",
      code: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: ws\n  namespace: istio-system\nspec:\n  selector:\n    matchLabels:\n      app: a\n  mtls: {mode: STRICT}\n",
      settings: { "istio-ambient": { rootNamespace: "istio-config" } },
    },
    {
      name: "DISABLE on ingress gateway pods (not an ambient workload)",
      code: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: gw\n  namespace: istio-system\nspec:\n  selector:\n    matchLabels:\n      istio: ingressgateway\n  mtls: {mode: DISABLE}\n",
      settings: { "istio-ambient": { rootNamespace: "istio-config" } },
    },
    {
      name: "user-declared gateway selector",
      code: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: edge\n  namespace: edge\nspec:\n  selector:\n    matchLabels:\n      role: edge\n  mtls: {mode: DISABLE}\n",
      options: [{ gatewaySelectors: [{ role: "edge" }] }],
    },
    { name: "a PeerAuthentication kind from another group is not Istio's", code: "apiVersion: example.com/v1\nkind: PeerAuthentication\nmetadata:\n  name: x\nspec:\n  mtls: {mode: DISABLE}\n" },
    { name: "not a Kubernetes manifest", code: "mtls:\n  mode: DISABLE\n" },
    { name: "empty file", code: "" },
    {
      name: "odd shapes do not crash",
      code:
        "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nspec: 3\n---\n" +
        "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nspec:\n  mtls: DISABLE\n  portLevelMtls: [1]\n  selector: {matchLabels: 4}\n---\n" +
        "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nspec:\n  selector: {matchLabels: {a: b}}\n  portLevelMtls: {80: null, 81: {mode: 5}}\n",
    },
  ],
  invalid: [
    {
      name: "workload DISABLE (istio's ambient per-port test): reported at mode, the STRICT port is fine",
      code: PER_PORT,
      output: null,
      errors: [
        {
          message:
            "PeerAuthentication per-port sets mTLS DISABLE for its selected workloads, which ztunnel treats as PERMISSIVE: mesh traffic stays mTLS.",
          line: 12,
          column: 5,
          endLine: 12,
          endColumn: 9,
          suggestions: [],
        },
      ],
    },
    {
      name: "namespace DISABLE (istio-tutorial)",
      code: `apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata:
  name: "default"
  namespace: "tutorial"
spec:
  mtls:
    mode: DISABLE
`,
      output: null,
      errors: [
        {
          message:
            "PeerAuthentication tutorial/default sets mTLS DISABLE for its namespace, which ztunnel treats as PERMISSIVE: mesh traffic stays mTLS.",
          line: 8,
        },
      ],
    },
    {
      name: "mesh-wide DISABLE, with a custom root namespace",
      code: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-config\nspec:\n  mtls:\n    mode: DISABLE\n",
      output: null,
      settings: { "istio-ambient": { rootNamespace: "istio-config" } },
      errors: [{ messageId: "disable", data: { resource: "PeerAuthentication istio-config/default", scope: "mesh-wide" } }],
    },
    {
      name: "STRICT with port 8080 DISABLE (API example): reported at the port's mode",
      code: FINANCE,
      output: null,
      errors: [
        {
          message:
            "PeerAuthentication foo/default sets mTLS DISABLE for port 8080, which ztunnel treats as PERMISSIVE: mesh traffic stays mTLS.",
          line: 14,
          column: 7,
        },
      ],
    },
    {
      name: "portLevelMtls without a selector: one report at portLevelMtls",
      code: `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: foo
spec:
  mtls:
    mode: STRICT
  portLevelMtls:
    8080:
      mode: DISABLE
`,
      output: null,
      errors: [
        {
          message:
            "PeerAuthentication foo/default sets `portLevelMtls` without a workload selector (namespace-wide), so ztunnel ignores it (and the CRD rejects it).",
          line: 9,
          column: 3,
        },
      ],
    },
    {
      name: "selector policy in the root namespace: ignored entirely, one report at the selector",
      code: FINANCE.replace("namespace: foo", "namespace: istio-system"),
      output: null,
      errors: [
        {
          message:
            "PeerAuthentication istio-system/default has a workload selector in the root namespace istio-system, so Istio and ztunnel ignore all its settings, DISABLE included.",
          line: 7,
          column: 3,
        },
      ],
    },
    {
      name: "namespace from settings.defaultNamespace decides the root namespace",
      code: FINANCE.replace("  namespace: foo\n", "").replace("mode: DISABLE", "mode: STRICT"),
      output: null,
      settings: { "istio-ambient": { defaultNamespace: "istio-system" } },
      errors: [{ messageId: "rootSelector", data: { resource: "PeerAuthentication default", rootNamespace: "istio-system", ignored: "all its settings" } }],
    },
    {
      name: "multi-document file: each policy on its own key",
      code: FINANCE + "---\n" + PER_PORT,
      output: null,
      errors: [
        { messageId: "portDisable", line: 14 },
        { messageId: "disable", line: 27 },
      ],
    },
    {
      name: "kind: List and flow style",
      code: `apiVersion: v1
kind: List
items:
- {apiVersion: security.istio.io/v1, kind: PeerAuthentication, metadata: {name: a, namespace: foo}, spec: {mtls: {mode: DISABLE}}}
- apiVersion: security.istio.io/v1
  kind: PeerAuthentication
  metadata: {name: b, namespace: foo}
  spec:
    selector: {matchLabels: {app: b}}
    portLevelMtls: {"8080": {mode: DISABLE}, "9090": {mode: DISABLE}}
`,
      output: null,
      errors: [
        { messageId: "disable", line: 4, column: 115 },
        { messageId: "portDisable", data: { resource: "PeerAuthentication foo/b", port: "8080", line: 10 }, line: 10, column: 30 },
        { messageId: "portDisable", data: { resource: "PeerAuthentication foo/b", port: "9090", line: 10 }, line: 10, column: 55 },
      ],
    },
    {
      name: "JSON manifest",
      filename: "pa.json",
      code: `{
  "apiVersion": "security.istio.io/v1",
  "kind": "PeerAuthentication",
  "metadata": {"name": "default", "namespace": "foo"},
  "spec": {"mtls": {"mode": "DISABLE"}}
}
`,
      output: null,
      errors: [{ messageId: "disable", line: 5, column: 21 }],
    },
  ],
};

// No fix or suggestion to check for safety, so RuleTester alone (ruleSuite's safety block would be an empty suite).
const withFilename = <T extends { filename?: string }>(c: T): T => ({ filename: "manifest.yaml", ...c });
ruleTester().run("peerauthentication-ambient", rule as never, {
  valid: cases.valid.map(withFilename),
  invalid: cases.invalid.map(withFilename),
});
