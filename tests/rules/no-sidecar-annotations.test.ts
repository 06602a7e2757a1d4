/**
 * Fixture shapes: GoogleCloudPlatform/microservices-demo kustomize/base/loadgenerator.yaml (Deployment whose pod
 * template has `sidecar.istio.io/rewriteAppHTTPProbers: "true"`; repos GoogleCloudPlatform__microservices-demo),
 * didx-xyz/acapy-cloud helm/acapy-cloud/conf/dev/tails-server.yaml (pod annotations `sidecar.istio.io/proxyCPU` and a
 * folded `proxy.istio.io/config` beside a Datadog annotation; repos didx-xyz__acapy-cloud). Cross-file cases lint
 * files placed in tests/fixtures/repos/ambient-enable (Namespace `shop` ambient, `legacy` injected) and ambient-argo (Namespace
 * `webhooks` made ambient by Argo CD `managedNamespaceMetadata`).
 */
import rule from "../../rules/no-sidecar-annotations.js";
import { ruleSuite } from "../helpers/rule-suite.js";
import { inFixtureRepo } from "../helpers/fixture-repo.js";

const NS = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: boutique\n  labels:\n    istio.io/dataplane-mode: ambient\n---\n";

const LOADGEN = (annotations: string, namespace = "boutique") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: loadgenerator
  namespace: ${namespace}
  labels:
    app: loadgenerator
spec:
  selector:
    matchLabels:
      app: loadgenerator
  replicas: 1
  template:
    metadata:
      labels:
        app: loadgenerator
${annotations}    spec:
      serviceAccountName: loadgenerator
      containers:
      - name: main
        image: busybox
`;

const TAILS = `      annotations:
        sidecar.istio.io/proxyCPU: 10m
        ad.datadoghq.com/tails-server.logs: >-
          [{"source": "python.uvicorn", "service": "tails-server"}]
        proxy.istio.io/config: >-
          proxyMetadata:
            ISTIO_META_IDLE_TIMEOUT: 0s
          terminationDrainDuration: 35s
`;

const TAILS_FIXED = `      annotations:
        ad.datadoghq.com/tails-server.logs: >-
          [{"source": "python.uvicorn", "service": "tails-server"}]
`;

const WHERE = "in ambient namespace boutique";

ruleSuite("no-sidecar-annotations", rule, {
  valid: [
    { name: "namespace not ambient (loadgenerator as in microservices-demo)", code: LOADGEN('      annotations:\n        sidecar.istio.io/rewriteAppHTTPProbers: "true"\n') },
    { name: "inject false is kept in an ambient namespace", code: NS + LOADGEN('      annotations:\n        sidecar.istio.io/inject: "false"\n') },
    { name: "pod opted out of ambient", code: NS + LOADGEN('      annotations:\n        sidecar.istio.io/proxyCPU: 10m\n').replace("        app: loadgenerator\n      annotations", "        app: loadgenerator\n        istio.io/dataplane-mode: none\n      annotations") },
    {
      name: "hostNetwork pods are never captured",
      code: NS + LOADGEN("      annotations:\n        sidecar.istio.io/proxyCPU: 10m\n").replace("      serviceAccountName", "      hostNetwork: true\n      serviceAccountName"),
    },
    {
      name: "ambient namespace that still injects: the annotations are live (namespace-dataplane-mode reports)",
      code: NS.replace("    istio.io/dataplane-mode", "    istio-injection: enabled\n    istio.io/dataplane-mode") + LOADGEN("      annotations:\n        sidecar.istio.io/proxyCPU: 10m\n"),
    },
    { name: "other annotations", code: NS + LOADGEN("      annotations:\n        prometheus.io/scrape: \"true\"\n        ambient.istio.io/bypass-inbound-capture: \"true\"\n") },
    { name: "unknown namespace", code: LOADGEN("      annotations:\n        sidecar.istio.io/proxyCPU: 10m\n").replace("  namespace: boutique\n", "") },
    { ...inFixtureRepo("ambient-enable", "legacy/app.yaml", LOADGEN("      annotations:\n        sidecar.istio.io/proxyCPU: 10m\n", "legacy")), name: "injected namespace of the repository" },
    { name: "odd shapes", code: NS + "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  namespace: boutique\nspec:\n  template: 3\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: boutique, annotations: [1]}\n" },
  ],
  invalid: [
    {
      name: "loadgenerator in an ambient namespace: the only annotation goes, and `annotations:` with it",
      code: NS + LOADGEN('      annotations:\n        sidecar.istio.io/rewriteAppHTTPProbers: "true"\n'),
      output: NS + LOADGEN(""),
      errors: [
        {
          message: `Deployment boutique/loadgenerator: \`sidecar.istio.io/rewriteAppHTTPProbers\` configures only the Istio sidecar, and its pods ${WHERE} run without one: it has no effect.`,
          line: 25,
          column: 9,
        },
      ],
    },
    {
      name: "tails-server pod annotations: sidecar ones removed, the Datadog one and its folded value stay",
      code: NS + LOADGEN(TAILS),
      output: NS + LOADGEN(TAILS_FIXED),
      errors: [
        { messageId: "sidecarOnly", data: { workload: "Deployment boutique/loadgenerator", key: "sidecar.istio.io/proxyCPU", where: WHERE, value: "10m" }, line: 25 },
        { messageId: "sidecarOnly", line: 28 },
      ],
    },
    {
      name: "excludeInboundPorts: its own message; namespace from the repository (Namespace shop)",
      ...inFixtureRepo(
        "ambient-enable",
        "shop/loadgenerator.yaml",
        LOADGEN('      annotations:\n        # metrics are scraped in plaintext\n        traffic.sidecar.istio.io/excludeInboundPorts: "9090"\n        prometheus.io/port: "9090"\n', "shop"),
      ),
      output: LOADGEN('      annotations:\n        # metrics are scraped in plaintext\n        prometheus.io/port: "9090"\n', "shop"),
      errors: [
        {
          message:
            'Deployment shop/loadgenerator: `traffic.sidecar.istio.io/excludeInboundPorts: "9090"` kept these ports out of the sidecar, but ztunnel captures every port in ambient namespace shop, so they get mTLS and L4 policy.',
        },
      ],
    },
    {
      name: "namespace from the Argo CD Application, ambient through managedNamespaceMetadata (ambient-argo fixture)",
      ...inFixtureRepo("ambient-argo", "apps/webhooks/loadgenerator.yaml", LOADGEN('      annotations:\n        sidecar.istio.io/rewriteAppHTTPProbers: "true"\n').replace("  namespace: boutique\n", "")),
      output: LOADGEN("").replace("  namespace: boutique\n", ""),
      errors: [{ messageId: "sidecarOnly", data: { workload: "Deployment webhooks/loadgenerator", key: "sidecar.istio.io/rewriteAppHTTPProbers", where: "in ambient namespace webhooks", value: "true" } }],
    },
    {
      name: "inject true: reported alone, removal is a suggestion (the owner may keep the sidecar on purpose)",
      code: NS + LOADGEN('      annotations:\n        sidecar.istio.io/inject: "true"\n        sidecar.istio.io/proxyCPU: 10m\n'),
      output: null,
      errors: [
        {
          message: `Deployment boutique/loadgenerator sets \`sidecar.istio.io/inject: "true"\` on pods ${WHERE}: the sidecar wins, so ztunnel does not capture them.`,
          suggestions: [{ messageId: "removeInject", output: NS + LOADGEN("      annotations:\n        sidecar.istio.io/proxyCPU: 10m\n") }],
        },
      ],
      // After the suggestion the pods are ambient, and proxyCPU is then reported.
      suggestionSafe: [{ remaining: 1 }],
    },
    {
      name: "inject true as a pod label, pod labelled ambient itself (namespace unknown)",
      code: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    istio.io/dataplane-mode: ambient\n    sidecar.istio.io/inject: \"true\"\nspec:\n  containers:\n  - name: c\n    image: busybox\n",
      output: null,
      errors: [
        {
          messageId: "injectTrue",
          data: { workload: "Pod p", where: "(labelled `istio.io/dataplane-mode: ambient`)" },
          line: 7,
          suggestions: [{ messageId: "removeInject", output: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    istio.io/dataplane-mode: ambient\nspec:\n  containers:\n  - name: c\n    image: busybox\n" }],
        },
      ],
    },
    {
      name: "a comment trailing the annotation stays, on its own line",
      code: NS + LOADGEN("      annotations:\n        sidecar.istio.io/proxyCPU: 10m # tuned for load tests\n        prometheus.io/scrape: \"true\"\n"),
      output: NS + LOADGEN("      annotations:\n        # tuned for load tests\n        prometheus.io/scrape: \"true\"\n"),
      errors: [{ messageId: "sidecarOnly" }],
    },
    {
      name: "every annotation goes with `annotations:`, and the comment among them stays",
      code: NS + LOADGEN("      annotations:\n        # sized for the sidecar\n        sidecar.istio.io/proxyMemory: 128Mi\n"),
      output: NS + LOADGEN("      # sized for the sidecar\n"),
      errors: [{ messageId: "sidecarOnly" }],
    },
    {
      name: "CronJob and Argo Rollout pod templates, readiness and status annotations",
      code:
        NS +
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: cleanup\n  namespace: boutique\nspec:\n  schedule: \"0 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          annotations:\n            status.sidecar.istio.io/port: \"0\"\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: c\n            image: busybox\n---\n" +
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\n  namespace: boutique\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n      annotations:\n        readiness.status.sidecar.istio.io/periodSeconds: \"5\"\n        app.kubernetes.io/owner: web-team\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
      output:
        NS +
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: cleanup\n  namespace: boutique\nspec:\n  schedule: \"0 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        metadata: {}\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: c\n            image: busybox\n---\n" +
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\n  namespace: boutique\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n      annotations:\n        app.kubernetes.io/owner: web-team\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
      errors: [
        { messageId: "sidecarOnly", data: { workload: "CronJob boutique/cleanup", key: "status.sidecar.istio.io/port", where: WHERE, value: "0" } },
        { messageId: "sidecarOnly", data: { workload: "Rollout boutique/web", key: "readiness.status.sidecar.istio.io/periodSeconds", where: WHERE, value: "5" } },
      ],
    },
    {
      name: "JSON List with the Namespace and a Pod",
      filename: "pod.json",
      code:
        '{"apiVersion": "v1", "kind": "List", "items": [\n' +
        '  {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "boutique", "labels": {"istio.io/dataplane-mode": "ambient"}}},\n' +
        '  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "boutique", "annotations": {"sidecar.istio.io/logLevel": "debug", "team": "a"}},\n' +
        '   "spec": {"containers": [{"name": "c", "image": "busybox"}]}}\n' +
        "]}\n",
      output:
        '{"apiVersion": "v1", "kind": "List", "items": [\n' +
        '  {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "boutique", "labels": {"istio.io/dataplane-mode": "ambient"}}},\n' +
        '  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "boutique", "annotations": {"team": "a"}},\n' +
        '   "spec": {"containers": [{"name": "c", "image": "busybox"}]}}\n' +
        "]}\n",
      errors: [{ messageId: "sidecarOnly", data: { workload: "Pod boutique/p", key: "sidecar.istio.io/logLevel", where: WHERE, value: "debug" } }],
    },
  ],
});
