/**
 * prefer-httproute, progressive delivery: Flagger Canaries with the Istio provider and Argo Rollouts with
 * `trafficRouting.istio` rewrite VirtualServices at run time (messageId `progressiveDelivery`).
 *
 * Fixture shapes: argoproj/argo-rollouts test/e2e/istio/istio-host-split.yaml (Rollout with
 * `trafficRouting.istio.virtualService` over a mesh VirtualService; corpus
 * argoproj__argo-rollouts/test__e2e__istio__istio-host-split.yaml), stefanprodan/gitops-istio apps/backend/canary.yaml
 * (Flagger Canary of Deployment backend in prod; repos stefanprodan__gitops-istio), the Flagger Istio tutorial
 * (`provider: istio`, `service.gateways` with `mesh`).
 */
import rule from "../../rules/prefer-httproute.js";
import { ruleTester } from "../helpers/lint.js";

const ROLLOUT = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: istio-host-split
  namespace: shop
spec:
  strategy:
    canary:
      canaryService: istio-host-split-canary
      stableService: istio-host-split-stable
      trafficRouting:
        istio:
          virtualService:
            name: istio-host-split-vsvc
            routes:
            - primary
      steps:
      - setWeight: 10
      - pause: {}
  selector:
    matchLabels:
      app: istio-host-split
  template:
    metadata:
      labels:
        app: istio-host-split
    spec:
      containers:
      - name: istio-host-split
        image: nginx:1.19-alpine
`;

const VS = (gateways = "") => `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: istio-host-split-vsvc
  namespace: shop
spec:
${gateways}  hosts:
  - istio-host-split
  http:
  - name: primary
    route:
    - destination:
        host: istio-host-split-stable
      weight: 100
    - destination:
        host: istio-host-split-canary
      weight: 0
`;

const HTTPROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: istio-host-split
  namespace: shop
spec:
  parentRefs:
  - kind: Service
    group: ""
    name: istio-host-split
  rules:
  - backendRefs:
    - name: istio-host-split-stable
      port: 80
`;

const CANARY = (provider: string, service = "    port: 9898\n") => `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: backend
  namespace: prod
spec:
${provider}  # deployment reference
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: backend
  progressDeadlineSeconds: 120
  service:
    # container port
${service}  analysis:
    interval: 15s
    threshold: 10
    maxWeight: 50
    stepWeight: 5
`;

const ROLLOUT_MSG =
  "Rollout shop/istio-host-split: Argo Rollouts rewrites VirtualService istio-host-split-vsvc, also after a move to HTTPRoute; use its Gateway API plugin.";

const withFilename = <T extends object>(c: T): T & { filename: string } => ({ filename: "manifest.yaml", ...c });

// The new branch offers no fix or suggestion: RuleTester alone.
ruleTester().run("prefer-httproute (progressive delivery)", rule as never, {
  valid: [
    { name: "Canary with the Gateway API provider", code: CANARY("  provider: gatewayapi:v1\n") },
    { name: "Canary without provider or Istio fields (the install's default provider is unknown here)", code: CANARY("") },
    { name: "Canary for ingress gateways only", code: CANARY("  provider: istio\n", "    port: 9898\n    gateways:\n    - public-gateway.istio-system.svc.cluster.local\n") },
    { name: "Rollout whose VirtualService is ingress-only", code: ROLLOUT + "---\n" + VS("  gateways:\n  - istio-system/public-gateway\n") },
    {
      name: "Rollout with the Gateway API plugin",
      code: ROLLOUT.replace(
        "        istio:\n          virtualService:\n            name: istio-host-split-vsvc\n            routes:\n            - primary\n",
        "        plugins:\n          argoproj-labs/gatewayAPI:\n            httpRoute: istio-host-split\n            namespace: shop\n",
      ),
    },
    { name: "a Rollout kind of another group", code: ROLLOUT.replace("argoproj.io/v1alpha1", "example.com/v1") },
  ].map(withFilename),
  invalid: [
    {
      name: "Argo Rollouts istio-host-split: reported at trafficRouting.istio (the VirtualService is reported on its own)",
      code: ROLLOUT + "---\n" + VS(),
      errors: [
        { message: ROLLOUT_MSG, line: 12, column: 9 },
        { messageId: "notConvertible" },
      ],
    },
    {
      name: "Rollout and an HTTPRoute for the VirtualService's host: the mixing is named",
      code: ROLLOUT + "---\n" + VS() + "---\n" + HTTPROUTE,
      errors: [
        {
          message:
            "Rollout shop/istio-host-split: Argo Rollouts rewrites VirtualService istio-host-split-vsvc, also after a move to HTTPRoute (beside HTTPRoute istio-host-split: undefined mixing); use its Gateway API plugin.",
        },
        { messageId: "notConvertible" },
      ],
    },
    {
      name: "Rollout alone (its VirtualService lives elsewhere)",
      code: ROLLOUT,
      errors: [{ message: ROLLOUT_MSG }],
    },
    {
      name: "gitops-istio backend Canary with `provider: istio`",
      code: CANARY("  provider: istio\n"),
      errors: [
        {
          message:
            "Canary prod/backend: Flagger rewrites VirtualService backend, also after a move to HTTPRoute; use `provider: gatewayapi:v1`.",
          line: 7,
          column: 3,
        },
      ],
    },
    {
      name: "Canary without provider but with Istio-only `service.gateways` including mesh",
      code: CANARY("", "    port: 9898\n    gateways:\n    - public-gateway.istio-system.svc.cluster.local\n    - mesh\n"),
      errors: [{ messageId: "progressiveDelivery", line: 16 }],
    },
  ].map(withFilename),
});
