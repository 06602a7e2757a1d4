/**
 * Fixture shapes: stefanprodan/gitops-istio apps/sidecar/default.yaml (namespace-wide Sidecar limiting egress to
 * `prod/*` and `istio-system/*`; repos stefanprodan__gitops-istio), istio/istio
 * pkg/config/analysis/analyzers/testdata/sidecar-selector.yaml (Sidecar `workloadSelector` on Pod productpage; corpus
 * istio__istio/pkg__config__analysis__analyzers__testdata__sidecar-selector.yaml), the REGISTRY_ONLY Sidecar of the
 * Sidecar reference (istio.io docs/reference/config/networking/sidecar). Cross-file cases lint files placed in
 * tests/fixtures/repos/ambient-enable (Namespace `shop` ambient, `legacy` injected).
 */
import rule from "../../rules/no-sidecar-resource.js";
import { ruleSuite } from "../helpers/rule-suite.js";
import { inFixtureRepo } from "../helpers/fixture-repo.js";

const PROD_NS = (labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels:\n${labels}---\n`;
const AMBIENT = "    istio.io/dataplane-mode: ambient\n";

// stefanprodan/gitops-istio apps/sidecar/default.yaml
const GITOPS_SIDECAR = `apiVersion: networking.istio.io/v1alpha3
kind: Sidecar
metadata:
  name: default
  namespace: prod
spec:
  egress:
    - hosts:
        - "prod/*"
        - "istio-system/*"
`;

const REGISTRY_ONLY = (namespace: string) => `# Only registered hosts may be called from ${namespace}.
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: ${namespace}
spec:
  outboundTrafficPolicy:
    mode: REGISTRY_ONLY
  egress:
  - hosts:
    - "./*"
`;

const PRODUCTPAGE = (labels = "") => `apiVersion: v1
kind: Pod
metadata:
  labels:
    app: productpage
${labels}  name: productpage
  namespace: default
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: maps-correctly-no-conflicts
  namespace: default
spec:
  workloadSelector:
    labels:
      app: productpage # Maps to an existing workload without conflicts in the same ns, no error
  egress:
  - hosts:
    - "./*"
`;

const DELETE = (resource: string) => `Delete ${resource} (restrict egress with an egress gateway or waypoint and AuthorizationPolicy instead).`;

ruleSuite("no-sidecar-resource", rule, {
  valid: [
    { name: "gitops-istio default Sidecar in a sidecar namespace", code: PROD_NS("    istio-injection: enabled\n") + GITOPS_SIDECAR },
    { name: "namespace labelled ambient that still injects (namespace-dataplane-mode reports)", code: PROD_NS("    istio-injection: enabled\n" + AMBIENT) + GITOPS_SIDECAR },
    { name: "namespace unknown to the repository", code: GITOPS_SIDECAR },
    { name: "root namespace default: still configures the remaining sidecars", code: REGISTRY_ONLY("istio-system") },
    { name: "analyzer testdata: selected pod not in ambient", code: PRODUCTPAGE() },
    {
      name: "ambient namespace, but the selected pods keep a sidecar (inject true)",
      code: PROD_NS(AMBIENT) + PRODUCTPAGE('    sidecar.istio.io/inject: "true"\n').replaceAll("namespace: default", "namespace: prod"),
    },
    { ...inFixtureRepo("ambient-enable", "legacy/sidecar.yaml", REGISTRY_ONLY("legacy")), name: "injected namespace of the repository" },
    { name: "a Sidecar kind of another group", code: PROD_NS(AMBIENT) + GITOPS_SIDECAR.replace("networking.istio.io/v1alpha3", "example.com/v1") },
  ],
  invalid: [
    {
      name: "gitops-istio default Sidecar once prod is ambient: egress hosts stop applying; suggestion deletes it",
      code: PROD_NS(AMBIENT) + GITOPS_SIDECAR,
      output: null,
      errors: [
        {
          message:
            "Sidecar prod/default selects every pod of ambient namespace prod, which have no sidecar: ztunnel and waypoints ignore it, so its egress hosts (line 14) no longer limit what the pods reach.",
          line: 9,
          column: 1,
          suggestions: [{ desc: DELETE("Sidecar prod/default"), output: PROD_NS(AMBIENT).replace(/---\n$/, "") }],
        },
      ],
      // The Namespace alone remains.
      suggestionSafe: [{ remaining: 0 }],
    },
    {
      name: "REGISTRY_ONLY in the ambient namespace shop of the repository: the egress block silently stops (the file's only document: no deletion suggestion, that would delete the file)",
      ...inFixtureRepo("ambient-enable", "shop/sidecar.yaml", REGISTRY_ONLY("shop")),
      output: null,
      errors: [
        {
          message:
            "Sidecar shop/default selects every pod of ambient namespace shop, which have no sidecar: ztunnel and waypoints ignore it, so its `REGISTRY_ONLY` (line 9) no longer blocks unregistered hosts.",
          suggestions: [],
        },
      ],
    },
    {
      name: "analyzer testdata: Sidecar selecting a pod labelled ambient itself (deleting it drops its own inline comment: safety check skipped)",
      code: PRODUCTPAGE("    istio.io/dataplane-mode: ambient\n"),
      output: null,
      errors: [
        {
          messageId: "ineffective",
          data: {
            resource: "Sidecar default/maps-correctly-no-conflicts",
            scope: "ambient-labelled pods (app=productpage)",
            effect: "its egress hosts (line 19) no longer limit what the pods reach",
          },
          suggestions: [{ messageId: "deleteSidecar", output: PRODUCTPAGE("    istio.io/dataplane-mode: ambient\n").split("---\n")[0] }],
        },
      ],
      suggestionSafe: [{ skip: true }],
    },
  ],
});
