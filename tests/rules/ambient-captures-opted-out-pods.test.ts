/**
 * Fixture shapes: istio/istio samples/extauthz/ext-authz.yaml (Deployment ext-authz whose pod template opts out with
 * `sidecar.istio.io/inject: "false" # do not inject the sidecar`; corpus istio__istio/samples__extauthz__ext-authz.yaml),
 * didx-xyz/acapy-cloud helm/acapy-cloud/conf/minio.yaml (provisioning Job pods labelled `sidecar.istio.io/inject:
 * "false"`; repos didx-xyz__acapy-cloud). Cross-file cases lint files placed in tests/fixtures/repos/ambient-enable:
 * Namespace `shop` (ambient, `allow-nothing` AuthorizationPolicy, STRICT PeerAuthentication), `batch` (ambient, an
 * ALLOW policy for app=reports), `open` (ambient, no policy), `legacy` (sidecar); and in tests/fixtures/repos/ambient-argo,
 * where Argo CD's `managedNamespaceMetadata` makes Namespace `webhooks` ambient (no Namespace manifest).
 */
import rule from "../../rules/ambient-captures-opted-out-pods.js";
import { ruleSuite } from "../helpers/rule-suite.js";
import { inFixtureRepo } from "../helpers/fixture-repo.js";

const EXT_AUTHZ = (namespace: string, extraLabels = "") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ext-authz
  namespace: ${namespace}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ext-authz
  template:
    metadata:
      labels:
        app: ext-authz
        sidecar.istio.io/inject: "false" # do not inject the sidecar
${extraLabels}    spec:
      containers:
      - image: registry.istio.io/testing/ext-authz:latest
        imagePullPolicy: Always
        name: ext-authz
        ports:
        - containerPort: 8000
        - containerPort: 9000
`;

const PROVISIONING = `apiVersion: batch/v1
kind: Job
metadata:
  name: reports-provisioning
  namespace: batch
spec:
  template:
    metadata:
      labels:
        app: reports
      annotations:
        sidecar.istio.io/inject: "false"
    spec:
      restartPolicy: OnFailure
      containers:
      - name: mc
        image: minio/mc
`;

const SHOP_POLICIES = "AuthorizationPolicy shop/allow-nothing, PeerAuthentication shop/default (STRICT)";

ruleSuite("ambient-captures-opted-out-pods", rule, {
  valid: [
    { ...inFixtureRepo("ambient-enable", "legacy/ext-authz.yaml", EXT_AUTHZ("legacy")), name: "sidecar namespace: the opt-out keeps the pods out of the mesh" },
    { ...inFixtureRepo("ambient-enable", "open/ext-authz.yaml", EXT_AUTHZ("open")), name: "ambient namespace without policies: capture changes nothing that refuses callers" },
    {
      ...inFixtureRepo("ambient-enable", "shop/ext-authz.yaml", EXT_AUTHZ("shop", "        istio.io/dataplane-mode: none\n")),
      name: "pods already opted out of ambient",
    },
    {
      ...inFixtureRepo("ambient-enable", "shop/ext-authz.yaml", EXT_AUTHZ("shop").replace("    spec:\n      containers", "    spec:\n      hostNetwork: true\n      containers")),
      name: "host-network pods are never captured",
    },
    {
      ...inFixtureRepo(
        "ambient-enable",
        "batch/job.yaml",
        PROVISIONING +
          "---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: reports-allow-all\n  namespace: batch\nspec:\n  selector:\n    matchLabels:\n      app: reports\n  action: ALLOW\n  rules:\n  - {}\n",
      ),
      name: "only ALLOW policies, one of which admits everyone",
    },
    { name: "no namespace known", code: EXT_AUTHZ("x").replace("  namespace: x\n", "") },
    { name: "inject true is another rule's", code: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    istio.io/dataplane-mode: ambient\n---\n" + EXT_AUTHZ("a").replace('"false"', '"true"') },
  ],
  invalid: [
    {
      name: "ext-authz sample in ambient namespace shop: default deny and STRICT now apply; suggestion opts the pods out",
      ...inFixtureRepo("ambient-enable", "shop/ext-authz.yaml", EXT_AUTHZ("shop")),
      output: null,
      errors: [
        {
          message:
            "Deployment shop/ext-authz opted out of the sidecar, but ztunnel captures it in ambient namespace shop: AuthorizationPolicy shop/allow-nothing, PeerAuthentication shop/default (STRICT) now apply, refusing plaintext.",
          line: 15,
          column: 9,
          suggestions: [
            {
              messageId: "optOut",
              output: EXT_AUTHZ("shop", "        istio.io/dataplane-mode: none\n"),
            },
          ],
        },
      ],
    },
    {
      name: "provisioning Job (annotation) in batch: only an ALLOW applies, so an allow-callers policy is suggested too",
      ...inFixtureRepo("ambient-enable", "batch/job.yaml", PROVISIONING),
      output: null,
      errors: [
        {
          messageId: "captured",
          data: {
            workload: "Job batch/reports-provisioning",
            where: "in ambient namespace batch",
            policies: "AuthorizationPolicy batch/frontend-only",
            verb: "applies",
            callers: "; non-mesh callers match no identity",
          },
          line: 12,
          suggestions: [
            { messageId: "optOut", output: PROVISIONING.replace("        app: reports\n", "        app: reports\n        istio.io/dataplane-mode: none\n") },
            {
              messageId: "allowCallers",
              data: { name: "reports-provisioning-allow-callers" },
              output:
                PROVISIONING +
                "---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: reports-provisioning-allow-callers\n  namespace: batch\nspec:\n  selector:\n    matchLabels:\n      app: reports\n  action: ALLOW\n  rules:\n  - {}\n",
            },
          ],
        },
      ],
    },
    {
      name: "namespace made ambient by Argo CD managedNamespaceMetadata (no Namespace manifest): mesh-wide STRICT applies",
      ...inFixtureRepo("ambient-argo", "apps/webhooks/deployment.yaml", EXT_AUTHZ("webhooks").replace("  namespace: webhooks\n", "")),
      output: null,
      errors: [
        {
          messageId: "captured",
          data: {
            workload: "Deployment webhooks/ext-authz",
            where: "in ambient namespace webhooks",
            policies: "PeerAuthentication istio-system/default (STRICT)",
            verb: "applies",
            callers: ", refusing plaintext",
          },
          suggestions: [{ messageId: "optOut", output: EXT_AUTHZ("webhooks", "        istio.io/dataplane-mode: none\n").replace("  namespace: webhooks\n", "") }],
        },
      ],
    },
    {
      name: "pod labelled ambient itself, Namespace in the same file with a namespace-wide DENY",
      code:
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tools\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: deny-other-namespaces\n  namespace: tools\nspec:\n  action: DENY\n  rules:\n  - from:\n    - source:\n        notNamespaces: [\"tools\"]\n---\n" +
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\n  namespace: tools\n  labels:\n    istio.io/dataplane-mode: ambient\n  annotations:\n    sidecar.istio.io/inject: \"false\"\nspec:\n  containers:\n  - name: c\n    image: busybox\n",
      output: null,
      errors: [
        {
          messageId: "captured",
          data: {
            workload: "Pod tools/debug",
            where: "(labelled `istio.io/dataplane-mode: ambient`)",
            policies: "AuthorizationPolicy tools/deny-other-namespaces (DENY)",
            verb: "applies",
            callers: "; non-mesh callers match no identity",
          },
          suggestions: [
            {
              messageId: "optOut",
              output:
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tools\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: deny-other-namespaces\n  namespace: tools\nspec:\n  action: DENY\n  rules:\n  - from:\n    - source:\n        notNamespaces: [\"tools\"]\n---\n" +
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\n  namespace: tools\n  labels:\n    istio.io/dataplane-mode: none\n  annotations:\n    sidecar.istio.io/inject: \"false\"\nspec:\n  containers:\n  - name: c\n    image: busybox\n",
            },
          ],
        },
      ],
    },
  ],
});
