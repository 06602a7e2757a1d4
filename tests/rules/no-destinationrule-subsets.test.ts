/**
 * Fixture shapes: the bookinfo `reviews` Service (istio/istio samples/bookinfo/platform/kube/bookinfo.yaml),
 * its DestinationRule (corpus: istio__istio/samples__bookinfo__networking__destination-rule-all.yaml,
 * destination-rule-reviews.yaml), the version Services of samples/bookinfo/platform/kube/bookinfo-versions.yaml,
 * the egress-gateway subset of corpus kiali__demos/electronic-shop__bookstore-egress-service-entry.yaml and the
 * Argo Rollouts subset split of corpus argoproj__argo-rollouts/test__e2e__istio__istio-subset-split-single-route.yaml.
 */
import rule from "../../rules/no-destinationrule-subsets.js";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RuleTester } from "eslint";
import { ruleSuite, type InvalidCase } from "../helpers/rule-suite.js";
import { beforeEach } from "vitest";
import { clearIndexCache } from "../../lib/index/index.js";

// Each case starts from a fresh index: the index keeps the text of a linted file that is not on disk (an
// unsaved buffer) after the lint, so without this a case would see the files of the cases before it.
beforeEach(() => clearIndexCache());

const REVIEWS_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
  labels:
    app: reviews
    service: reviews
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: reviews
`;

const REVIEWS_DR = `# Subsets of the reviews Service (one per version).
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: bookinfo
spec:
  host: reviews
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2 # the new version
    labels:
      version: v2
`;

const REVIEWS_V1 = `apiVersion: v1
kind: Service
metadata:
  name: reviews-v1
  namespace: bookinfo
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: reviews
    version: v1
`;

/** The version Service the `addService` suggestion writes after the DestinationRule. */
const versionDoc = (v: string) => `---
apiVersion: v1
kind: Service
metadata:
  name: reviews-${v}
  namespace: bookinfo
  labels:
    app: reviews
    service: reviews
    version: ${v}
spec:
  selector:
    app: reviews
    version: ${v}
  ports:
  - name: http
    port: 9080
`;


const BASE_AND_DR = REVIEWS_SERVICE + "---\n" + REVIEWS_DR;

const VS_V1 = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: bookinfo
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews.bookinfo.svc.cluster.local
        subset: v1
`;

const cases: { valid: RuleTester.ValidTestCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: "traffic policy only, no subsets",
      code: `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  trafficPolicy:
    loadBalancer:
      simple: RANDOM
`,
    },
    {
      name: "public DNS names and wildcards are not Kubernetes Services",
      code: `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: httpbin}
spec: {host: httpbin.org, subsets: [{name: v1, labels: {version: v1}}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api}
spec: {host: api.example.com, subsets: [{name: v1, labels: {version: v1}}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: all}
spec: {host: "*.bookinfo.svc.cluster.local", subsets: [{name: v1, labels: {version: v1}}]}
`,
    },
    {
      name: "a DestinationRule of another API group is not Istio's",
      code: `apiVersion: example.com/v1
kind: DestinationRule
metadata: {name: reviews}
spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}]}
`,
    },
    { name: "not a Kubernetes manifest", code: "foo: bar\n" },
    { name: "empty file", code: "" },
    {
      name: "odd shapes do not crash",
      code: `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: a}
spec: {host: reviews, subsets: 3}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: b}
spec: {host: reviews, subsets: [null, {labels: {a: b}}, {name: ""}, {name: 5}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: c}
spec: {host: 5, subsets: [{name: v1}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: d}
spec: null
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: e}
spec: {http: [null, {route: [{destination: null}], mirror: 3, mirrors: [null]}], tcp: 1}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: f}
spec: {strategy: {canary: null}}
`,
    },
  ],
  invalid: [
    {
      name: "base Service in the file: one report per subset, suggestion adds the version Service",
      code: BASE_AND_DR,
      output: null,
      errors: [
        {
          message: "DestinationRule bookinfo/reviews subset v1 is no HTTPRoute backend: use Service reviews-v1.",
          line: 25,
          column: 5,
          endLine: 25,
          endColumn: 9,
          suggestions: [
            {
              messageId: "addService",
              data: { service: "reviews-v1", selector: "app=reviews, version=v1", base: "reviews" },
              output: BASE_AND_DR + versionDoc("v1"),
            },
          ],
        },
        {
          messageId: "createService",
          data: { dr: "DestinationRule bookinfo/reviews", subset: "v2", line: 28, base: "reviews", service: "reviews-v2", selector: "app=reviews, version=v2", note: "" },
          line: 28,
          suggestions: [{ messageId: "addService", output: BASE_AND_DR + versionDoc("v2") }],
        },
      ],
      // After adding reviews-v1, subset v1 becomes "exists" (removal hint) and v2 is still reported.
      suggestionSafe: [{ remaining: 2 }],
    },
    {
      name: "base Service not in the file (bookinfo destination-rule-all, reviews document)",
      code: `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
`,
      output: null,
      errors: [
        {
          message: "DestinationRule reviews subset v1 is no HTTPRoute backend: use Service reviews-v1.",
          line: 8,
          column: 5,
          suggestions: [],
        },
        { messageId: "createServiceFromHost", data: { dr: "DestinationRule reviews", subset: "v2", line: 11, base: "reviews", service: "reviews-v2", labels: "version=v2", note: "" }, suggestions: [] },
      ],
    },
    {
      name: "version Service already in the file and no VirtualService uses the subset: removal suggestion",
      code: REVIEWS_SERVICE + "---\n" + REVIEWS_V1 + "---\n" + REVIEWS_DR.replace(/  - name: v2[^]*$/, ""),
      output: null,
      errors: [
        {
          message: "DestinationRule bookinfo/reviews subset v1 is no HTTPRoute backend and no route in the repository uses it; Service reviews-v1 (line 19) selects its pods.",
          line: 38,
          suggestions: [
            {
              messageId: "removeSubset",
              data: { subset: "v1" },
              output: REVIEWS_SERVICE + "---\n" + REVIEWS_V1 + "---\n" + REVIEWS_DR.replace(/  subsets:[^]*$/, ""),
            },
          ],
        },
      ],
    },
    {
      name: "version Service exists but a VirtualService in the file still routes to the subset (FQDN destination)",
      code: REVIEWS_SERVICE + "---\n" + REVIEWS_V1 + "---\n" + REVIEWS_DR.replace(/  - name: v2[^]*$/, "") + "---\n" + VS_V1,
      output: null,
      errors: [
        {
          message: "DestinationRule bookinfo/reviews subset v1 is no HTTPRoute backend, but VirtualService bookinfo/reviews (line 54) routes to it: route to Service reviews-v1 (line 19).",
          suggestions: [],
        },
      ],
    },
    {
      name: "a Service already has the version Service name but selects other pods",
      code: REVIEWS_SERVICE + "---\n" + REVIEWS_V1.replace("    app: reviews\n    version: v1\n", "    app: reviews-legacy\n") + "---\n" + REVIEWS_DR.replace(/  - name: v2[^]*$/, ""),
      output: null,
      errors: [
        {
          message: "DestinationRule bookinfo/reviews subset v1 is no HTTPRoute backend, and its version Service name reviews-v1 is taken by other pods (line 19).",
          suggestions: [],
        },
      ],
    },
    {
      name: "subset without labels that only carries a trafficPolicy (egress gateway pattern, kiali demo)",
      code: `apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata:
  name: dr-bookdepository
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets:
    - name: bookdepository
      trafficPolicy:
        portLevelSettings:
        - port:
            number: 80
          tls:
            mode: ISTIO_MUTUAL
            sni: www.bookdepository.com
`,
      output: null,
      errors: [
        {
          message:
            "DestinationRule dr-bookdepository subset bookdepository has no labels, so it is all of Service istio-system/istio-egressgateway: route HTTPRoutes to the Service and move its trafficPolicy to the top level.",
          line: 8,
          column: 7,
        },
      ],
    },
    {
      name: "subset labels that only repeat the Service selector",
      code: BASE_AND_DR.replace("  - name: v1\n    labels:\n      version: v1\n", "  - name: all\n    labels:\n      app: reviews\n").replace(/  - name: v2[^]*$/, ""),
      output: null,
      errors: [
        {
          message:
            "DestinationRule bookinfo/reviews subset all only repeats the Service's selector, so it is all of Service reviews: route HTTPRoutes to the Service.",
        },
      ],
    },
    {
      name: "subset labels that contradict the Service selector select nothing",
      code: BASE_AND_DR.replace("      version: v1\n", "      app: ratings\n").replace(/  - name: v2[^]*$/, ""),
      output: null,
      errors: [
        {
          message:
            "DestinationRule bookinfo/reviews subset v1: its label app=ratings contradicts Service reviews (app=reviews), so it has no endpoints.",
        },
      ],
    },
    {
      name: "subsets managed by an Argo Rollout in the same file",
      code: `apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata:
  name: istio-subset-split-single-route-destrule
spec:
  host: istio-subset-split-single-route
  subsets:
  - name: stable
    labels:
      app: istio-subset-split-single-route
  - name: canary
    labels:
      app: istio-subset-split-single-route
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: istio-subset-split-single-route
spec:
  strategy:
    canary:
      trafficRouting:
        istio:
          virtualService:
            name: istio-subset-split-single-route-vsvc
          destinationRule:
            name: istio-subset-split-single-route-destrule
            canarySubsetName: canary
            stableSubsetName: stable
`,
      output: null,
      errors: [
        {
          message:
            "DestinationRule istio-subset-split-single-route-destrule subset stable is no HTTPRoute backend, and Rollout istio-subset-split-single-route rewrites its labels at run time.",
        },
        { messageId: "rolloutManaged", line: 11 },
      ],
    },
    {
      name: "trafficPolicy notes: the subset's own policy, the DestinationRule's policy",
      code: `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  trafficPolicy:
    loadBalancer:
      simple: RANDOM
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
    trafficPolicy:
      loadBalancer:
        simple: ROUND_ROBIN
`,
      output: null,
      errors: [
        {
          message: "DestinationRule reviews subset v1 is no HTTPRoute backend: use Service reviews-v1; this trafficPolicy skips it.",
        },
        {
          message: "DestinationRule reviews subset v2 is no HTTPRoute backend: use Service reviews-v2, its trafficPolicy in a DestinationRule for reviews-v2.",
        },
      ],
    },
    {
      name: "FQDN host of a Service in another namespace (Service in the file)",
      code: `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: prod}
spec: {selector: {app: reviews}, ports: [{port: 9080}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: bookinfo}
spec:
  host: reviews.prod.svc.cluster.local
  subsets:
  - name: v1
    labels: {version: v1}
`,
      output: null,
      errors: [
        {
          messageId: "createService",
          data: { dr: "DestinationRule bookinfo/reviews", subset: "v1", line: 12, base: "prod/reviews", service: "reviews-v1", selector: "app=reviews, version=v1", note: "" },
          suggestions: [
            {
              messageId: "addService",
              data: { service: "reviews-v1", selector: "app=reviews, version=v1", base: "prod/reviews" },
              output: `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: prod}
spec: {selector: {app: reviews}, ports: [{port: 9080}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: bookinfo}
spec:
  host: reviews.prod.svc.cluster.local
  subsets:
  - name: v1
    labels: {version: v1}
---
apiVersion: v1
kind: Service
metadata:
  name: reviews-v1
  namespace: prod
  labels:
    version: v1
spec:
  selector:
    app: reviews
    version: v1
  ports:
  - port: 9080
`,
            },
          ],
        },
      ],
      suggestionSafe: [{ remaining: 1 }],
    },
    {
      name: "two-label host (name.namespace) still names the Service for the advice",
      code: REVIEWS_SERVICE + "---\n" + REVIEWS_DR.replace("host: reviews", "host: reviews.bookinfo").replace(/  - name: v2[^]*$/, ""),
      output: null,
      errors: [
        {
          messageId: "createService",
          suggestions: [{ messageId: "addService", output: REVIEWS_SERVICE + "---\n" + REVIEWS_DR.replace("host: reviews", "host: reviews.bookinfo").replace(/  - name: v2[^]*$/, "") + versionDoc("v1") }],
        },
      ],
      suggestionSafe: [{ remaining: 1 }],
    },
    {
      name: "kind: List with flow-style items: the suggestion adds a List item",
      code: `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Service, metadata: {name: reviews, namespace: bookinfo}, spec: {selector: {app: reviews}, ports: [{port: 9080, name: http}]}}
- apiVersion: networking.istio.io/v1
  kind: DestinationRule
  metadata: {name: reviews, namespace: bookinfo}
  spec:
    host: reviews.bookinfo.svc.cluster.local
    subsets: [{name: v1, labels: {version: v1}}]
`,
      output: null,
      errors: [
        {
          messageId: "createService",
          line: 10,
          column: 16,
          suggestions: [
            {
              messageId: "addService",
              output: `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Service, metadata: {name: reviews, namespace: bookinfo}, spec: {selector: {app: reviews}, ports: [{port: 9080, name: http}]}}
- apiVersion: networking.istio.io/v1
  kind: DestinationRule
  metadata: {name: reviews, namespace: bookinfo}
  spec:
    host: reviews.bookinfo.svc.cluster.local
    subsets: [{name: v1, labels: {version: v1}}]
- apiVersion: v1
  kind: Service
  metadata:
    name: reviews-v1
    namespace: bookinfo
    labels:
      version: v1
  spec:
    selector:
      app: reviews
      version: v1
    ports:
    - name: http
      port: 9080
`,
            },
          ],
        },
      ],
      suggestionSafe: [{ remaining: 1 }],
    },
    {
      name: "JSON List: the removal suggestion stays JSON",
      filename: "x.json",
      code: `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "reviews", "namespace": "bookinfo"}, "spec": {"selector": {"app": "reviews"}, "ports": [{"port": 9080, "name": "http"}]}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "reviews-v1", "namespace": "bookinfo"}, "spec": {"selector": {"app": "reviews", "version": "v1"}, "ports": [{"port": 9080, "name": "http"}]}},
    {
      "apiVersion": "networking.istio.io/v1",
      "kind": "DestinationRule",
      "metadata": {"name": "reviews", "namespace": "bookinfo"},
      "spec": {"host": "reviews", "subsets": [{"name": "v1", "labels": {"version": "v1"}}]}
    }
  ]
}
`,
      output: null,
      errors: [
        {
          messageId: "serviceExistsUnused",
          line: 11,
          column: 48,
          endColumn: 54,
          suggestions: [
            {
              messageId: "removeSubset",
              output: `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "reviews", "namespace": "bookinfo"}, "spec": {"selector": {"app": "reviews"}, "ports": [{"port": 9080, "name": "http"}]}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "reviews-v1", "namespace": "bookinfo"}, "spec": {"selector": {"app": "reviews", "version": "v1"}, "ports": [{"port": 9080, "name": "http"}]}},
    {
      "apiVersion": "networking.istio.io/v1",
      "kind": "DestinationRule",
      "metadata": {"name": "reviews", "namespace": "bookinfo"},
      "spec": {"host": "reviews"}
    }
  ]
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "JSON List: the added Service stays JSON",
      filename: "x.json",
      code: `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "reviews", "namespace": "bookinfo"}, "spec": {"selector": {"app": "reviews"}, "ports": [{"port": 9080, "name": "http"}]}},
    {
      "apiVersion": "networking.istio.io/v1",
      "kind": "DestinationRule",
      "metadata": {"name": "reviews", "namespace": "bookinfo"},
      "spec": {"host": "reviews", "subsets": [{"name": "v2", "labels": {"version": "v2"}}]}
    }
  ]
}
`,
      output: null,
      errors: [
        {
          messageId: "createService",
          suggestions: [
            {
              messageId: "addService",
              output: `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "reviews", "namespace": "bookinfo"}, "spec": {"selector": {"app": "reviews"}, "ports": [{"port": 9080, "name": "http"}]}},
    {
      "apiVersion": "networking.istio.io/v1",
      "kind": "DestinationRule",
      "metadata": {"name": "reviews", "namespace": "bookinfo"},
      "spec": {"host": "reviews", "subsets": [{"name": "v2", "labels": {"version": "v2"}}]}
    },
    {
      "apiVersion": "v1",
      "kind": "Service",
      "metadata": {
        "name": "reviews-v2",
        "namespace": "bookinfo",
        "labels": {
          "version": "v2"
        }
      },
      "spec": {
        "selector": {
          "app": "reviews",
          "version": "v2"
        },
        "ports": [
          {
            "name": "http",
            "port": 9080
          }
        ]
      }
    }
  ]
}
`,
            },
          ],
        },
      ],
      suggestionSafe: [{ remaining: 1 }],
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Cross-file: base and version Services, VirtualServices of the repository (tests/fixtures/repos/upgrades).

const UPGRADES = fileURLToPath(new URL("../fixtures/repos/upgrades", import.meta.url));
/** Lint `rel` inside the fixture repository (the file need not exist: the case's code overlays it). */
const inRepo = (rel: string, own: Record<string, unknown> = {}) => ({
  filename: path.join(UPGRADES, rel),
  settings: { "istio-ambient": { root: UPGRADES, ...own } },
});
const UPGRADES_DR = fs.readFileSync(path.join(UPGRADES, "routing/reviews-destinationrule.yaml"), "utf8");
const REVIEWS_V3_SERVICE = `---
apiVersion: v1
kind: Service
metadata:
  name: reviews-v3
  namespace: bookinfo
  labels:
    app: reviews
    service: reviews
    version: v3
spec:
  selector:
    app: reviews
    version: v3
  ports:
    - name: http
      port: 9080
`;
const withoutSubset = (code: string, version: string) => code.replace(`    - name: ${version}\n      labels:\n        version: ${version}\n`, "");
const RATINGS_DR_PROD = `# No namespace: the overlay's kustomization gives it (bookinfo).
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ratings
spec:
  host: ratings
  subsets:
    - name: v1
      labels:
        version: v1
`;

cases.invalid.push(
  {
    name: "cross-file: version Services in apps/, a VirtualService in routing/ still using v2, v3 still to create from the base Service in apps/ (outputs re-linted in the next two cases)",
    code: UPGRADES_DR,
    ...inRepo("routing/reviews-destinationrule.yaml"),
    output: null,
    errors: [
      {
        message: "DestinationRule bookinfo/reviews subset v1 is no HTTPRoute backend and no route in the repository uses it; Service reviews-v1 (versions.yaml:2) selects its pods.",
        line: 9,
        column: 7,
        suggestions: [{ messageId: "removeSubset", data: { subset: "v1" }, output: withoutSubset(UPGRADES_DR, "v1") }],
      },
      {
        message: "DestinationRule bookinfo/reviews subset v2 is no HTTPRoute backend, but VirtualService bookinfo/reviews (reviews-virtualservice.yaml:2) routes to it: route to Service reviews-v2 (versions.yaml:18).",
        line: 12,
        suggestions: [],
      },
      {
        message: "DestinationRule bookinfo/reviews subset v3 is no HTTPRoute backend: use Service reviews-v3.",
        line: 15,
        suggestions: [
          {
            messageId: "addService",
            data: { service: "reviews-v3", selector: "app=reviews, version=v3", base: "reviews" },
            output: UPGRADES_DR + REVIEWS_V3_SERVICE,
          },
        ],
      },
    ],
    // Suggestion 0 of v1 (removal) and of v3 (add the Service) leave different reports: checked one by one below.
    suggestionSafe: [{ skip: true }],
  },
  {
    name: "cross-file: removing the subset no route uses",
    code: withoutSubset(withoutSubset(UPGRADES_DR, "v2"), "v3"),
    ...inRepo("routing/reviews-destinationrule.yaml"),
    output: null,
    errors: [{ messageId: "serviceExistsUnused", suggestions: [{ messageId: "removeSubset", output: UPGRADES_DR.replace(/  subsets:\n[^]*$/, "") }] }],
  },
  {
    name: "cross-file: adding the version Service built from the base Service of another file",
    code: withoutSubset(withoutSubset(UPGRADES_DR, "v1"), "v2"),
    ...inRepo("routing/reviews-destinationrule.yaml"),
    output: null,
    errors: [{ messageId: "createService", suggestions: [{ messageId: "addService", output: withoutSubset(withoutSubset(UPGRADES_DR, "v1"), "v2") + REVIEWS_V3_SERVICE }] }],
    // Once added, Service reviews-v3 is in the file and no route uses v3: the removal hint remains.
    suggestionSafe: [{ remaining: 1 }],
  },
  {
    name: "cross-file: a version Service assumed to exist (assumeExists) counts; the subset no route uses gets the removal hint",
    code: UPGRADES_DR,
    ...inRepo("routing/reviews-destinationrule.yaml", { assumeExists: [{ kind: "Service", name: "reviews-v3", namespace: "bookinfo" }] }),
    output: null,
    errors: [
      { messageId: "serviceExistsUnused", line: 9, suggestions: [{ messageId: "removeSubset", output: withoutSubset(UPGRADES_DR, "v1") }] },
      { messageId: "serviceExistsUsed", line: 12, suggestions: [] },
      {
        message: "DestinationRule bookinfo/reviews subset v3 is no HTTPRoute backend and no route in the repository uses it; Service reviews-v3 (settings `assumeExists`) is assumed to select its pods.",
        suggestions: [{ messageId: "removeSubset", data: { subset: "v3" }, output: withoutSubset(UPGRADES_DR, "v3") }],
      },
    ],
    suggestionSafe: [{ remaining: 2 }],
  },
  {
    // Not on disk and not listed by the overlay's kustomization: a unit of its own (as stdin text is), so the
    // version Service goes wherever the DestinationRule goes (no namespace written); the base Service is unique.
    name: "cross-file: a DestinationRule next to an overlay but not in it, base Service in apps/ (unique in the repository; the prod patch adds its grpc port)",
    code: RATINGS_DR_PROD,
    ...inRepo("overlays/prod/ratings-destinationrule.yaml"),
    output: null,
    errors: [
      {
        message: "DestinationRule ratings subset v1 is no HTTPRoute backend: use Service ratings-v1.",
        suggestions: [
          {
            messageId: "addService",
            output:
              RATINGS_DR_PROD +
              "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ratings-v1\n  labels:\n    app: ratings\n    version: v1\nspec:\n  selector:\n    app: ratings\n    version: v1\n  ports:\n    - name: http\n      port: 9080\n    - name: grpc\n      port: 9090\n",
          },
        ],
      },
    ],
    suggestionSafe: [{ remaining: 1 }],
  },
  {
    name: "outside the index root: single-file behaviour (base Service unknown, no suggestion)",
    code: UPGRADES_DR,
    filename: path.join(UPGRADES, "routing/reviews-destinationrule.yaml"),
    output: null,
    errors: ["v1", "v2", "v3"].map((v) => ({ messageId: "createServiceFromHost", data: { dr: "DestinationRule bookinfo/reviews", subset: v, line: v === "v1" ? 9 : v === "v2" ? 12 : 15, base: "reviews", service: `reviews-${v}`, labels: `version=${v}`, note: "" }, suggestions: [] })),
  },
);

// ---------------------------------------------------------------------------------------------------------
// ServiceEntry hosts: no version Service of a base Service; one ServiceEntry (or Service) per version instead.

const SE_SAME_FILE = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: api
spec:
  hosts: [api.internal]
  resolution: DNS
  ports: [{number: 443, name: https, protocol: TLS}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: api
spec:
  host: api.internal
  subsets:
  - name: eu
    labels: {region: eu}
`;
const SE_REPO = fileURLToPath(new URL("../fixtures/repos/service-entries", import.meta.url));
const PAYMENTS_DR = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: payments-api
  namespace: payments
spec:
  host: payments.internal.example
  subsets:
    - name: eu
      labels:
        region: eu
    - name: all
`;

cases.invalid.push(
  {
    name: "subset of a ServiceEntry host in the same file: its own advice (one ServiceEntry or Service per version, or keep the VirtualService)",
    code: SE_SAME_FILE,
    output: null,
    errors: [
      {
        message:
          "DestinationRule api subset eu (region=eu) is no HTTPRoute backend: split ServiceEntry api (line 4) per version or keep api.internal on a VirtualService.",
        line: 17,
        suggestions: [],
      },
    ],
  },
  {
    name: "cross-file: the ServiceEntry is in another file of the repository (named with file:line); a label-less subset is the whole host",
    code: PAYMENTS_DR,
    filename: path.join(SE_REPO, "routing/payments-destinationrule.yaml"),
    settings: { "istio-ambient": { root: SE_REPO } },
    output: null,
    errors: [
      {
        message:
          "DestinationRule payments/payments-api subset eu (region=eu) is no HTTPRoute backend: split ServiceEntry payments/payments-api (payments-api.yaml:2) per version or keep payments.internal.example on a VirtualService.",
        line: 9,
      },
      {
        message: "DestinationRule payments/payments-api subset all has no labels, so it is all of ServiceEntry payments/payments-api (payments-api.yaml:2): route to host payments.internal.example itself.",
        line: 12,
      },
    ],
  },
);

ruleSuite("no-destinationrule-subsets", rule, cases);
