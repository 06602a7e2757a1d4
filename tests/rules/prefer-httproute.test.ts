/**
 * Fixtures: the converter's reference cases (tests/fixtures/convert, each with its source noted), and small
 * bookinfo-shaped variants written here.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RuleTester } from "eslint";
import rule from "../../rules/prefer-httproute.js";
import { ruleSuite, type InvalidCase } from "../helpers/rule-suite.js";
import { applySuggestion, lint } from "../helpers/lint.js";
import noMixedRouteApis from "../../rules/no-mixed-route-apis.js";
import { describe, expect, it } from "vitest";

const fixture = (name: string) => fs.readFileSync(new URL(`../fixtures/convert/${name}`, import.meta.url), "utf8");

const TC1 = fixture("tc1-reviews-all-v1.yaml");
const TC1_VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
`;
const TC1_CONVERTED = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: reviews
    port: 9080
  rules:
  - backendRefs:
    - name: reviews-v1
      port: 9080
---
apiVersion: v1
kind: Service
metadata:
  name: reviews-v1
  labels:
    app: reviews
    service: reviews
    version: v1
spec:
  selector:
    app: reviews
    version: v1
  ports:
  - name: http
    port: 9080
`;

const REVIEWS_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: reviews
`;

const BOTH_GATEWAYS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: bookinfo
spec:
  hosts:
  - reviews
  gateways:
  - mesh
  - bookinfo-gateway
  http:
  - route:
    - destination:
        host: reviews
`;

const cases: { valid: RuleTester.ValidTestCase[]; invalid: InvalidCase[] } = {
  valid: [
    { name: "ingress-only VirtualService (bound to a Gateway, no mesh) keeps working", code: fixture("tc6-i2gw-virtualservice-http.yaml") },
    { name: "HTTPRoute already", code: TC1_CONVERTED },
    {
      name: "a VirtualService of another API group is not Istio's",
      code: "apiVersion: example.com/v1\nkind: VirtualService\nmetadata:\n  name: x\nspec:\n  hosts: [x]\n",
    },
  ],
  invalid: [
    {
      name: "TC1: convertible; the suggestion replaces the VirtualService by an HTTPRoute and the version Service",
      code: TC1,
      output: null,
      errors: [
        {
          message:
            "VirtualService reviews routes mesh traffic, which waypoints support only in Alpha: migrate it to an HTTPRoute.",
          line: 5,
          column: 1,
          endLine: 5,
          endColumn: 5,
          suggestions: [
            {
              messageId: "convert",
              data: { route: "reviews", services: " and version Service reviews-v1", reused: "", keep: "", together: "" },
              output: TC1.replace(TC1_VS, TC1_CONVERTED),
            },
          ],
        },
      ],
    },
    {
      name: "TC4: fault injection has no equivalent: reported at `fault`, no suggestion",
      code: fixture("tc4-ratings-test-delay.yaml"),
      output: null,
      errors: [
        { messageId: "notConvertible", line: 5 },
        {
          message:
            "VirtualService ratings: `fault` (line 16): fault injection (delay) has no Gateway API filter; dropping it would silently stop it.",
          line: 16,
          column: 5,
        },
      ],
    },
    {
      name: "TC8: an earlier rule could be overtaken under HTTPRoute precedence: refused with the reason",
      code: fixture("tc8-precedence-inversion.yaml"),
      options: [{ acceptPathSegmentPrefix: true }],
      output: null,
      errors: [{ messageId: "notConvertible" }],
    },
    {
      name: "bound to mesh and an ingress gateway: the suggestion removes `mesh` and adds the HTTPRoute",
      code: REVIEWS_SERVICE + "---\n" + BOTH_GATEWAYS,
      output: null,
      errors: [
        {
          messageId: "preferHttpRoute",
          suggestions: [
            {
              messageId: "convert",
              output:
                REVIEWS_SERVICE +
                "---\n" +
                BOTH_GATEWAYS.replace("  - mesh\n", "") +
                `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
  namespace: bookinfo
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: reviews
    port: 9080
  rules:
  - backendRefs:
    - name: reviews
      port: 9080
`,
            },
          ],
        },
      ],
    },
    {
      name: "a VirtualService in another namespace than the Service changes meaning: reported at the host",
      code: `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-from-frontend
  namespace: frontend
spec:
  hosts:
  - reviews.bookinfo.svc.cluster.local
  http:
  - route:
    - destination:
        host: reviews.bookinfo.svc.cluster.local
`,
      output: null,
      errors: [{ messageId: "notConvertible" }, { messageId: "noEquivalent", line: 8 }],
    },
    {
      name: "JSON List: the suggestion replaces the item and stays JSON",
      filename: "routes.json",
      code: `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ratings", "namespace": "bookinfo"}, "spec": {"selector": {"app": "ratings"}, "ports": [{"name": "http", "port": 9080}]}},
    {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": {"name": "ratings", "namespace": "bookinfo"}, "spec": {"hosts": ["ratings"], "http": [{"timeout": "0.5s", "route": [{"destination": {"host": "ratings"}}]}]}}
  ]
}
`,
      output: null,
      errors: [
        {
          messageId: "preferHttpRoute",
          suggestions: [
            {
              messageId: "convert",
              output: `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ratings", "namespace": "bookinfo"}, "spec": {"selector": {"app": "ratings"}, "ports": [{"name": "http", "port": 9080}]}},
    {
      "apiVersion": "gateway.networking.k8s.io/v1",
      "kind": "HTTPRoute",
      "metadata": {
        "name": "ratings",
        "namespace": "bookinfo"
      },
      "spec": {
        "parentRefs": [
          {
            "group": "",
            "kind": "Service",
            "name": "ratings",
            "port": 9080
          }
        ],
        "rules": [
          {
            "backendRefs": [
              {
                "name": "ratings",
                "port": 9080
              }
            ],
            "timeouts": {
              "request": "500ms"
            }
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
    },
  ],
};

ruleSuite("prefer-httproute", rule, cases);

describe("converted output", () => {
  it("re-lints clean for prefer-httproute and no-mixed-route-apis (the VirtualService is gone, one API remains)", () => {
    const output = TC1.replace(TC1_VS, TC1_CONVERTED);
    expect(lint(output, "prefer-httproute", rule)).toEqual([]);
    expect(lint(output, "no-mixed-route-apis", noMixedRouteApis)).toEqual([]);
    // Before the conversion, adding the HTTPRoute next to the VirtualService is exactly what the other rule reports.
    const both = TC1 + "---\n" + TC1_CONVERTED.split("---\n")[0];
    expect(lint(both, "no-mixed-route-apis", noMixedRouteApis).length).toBeGreaterThan(0);
  });
});

describe("Gateway API target: the `gatewayApi` setting, overridden by the rule option", () => {
  const CORS = `${REVIEWS_SERVICE}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: bookinfo
spec:
  hosts:
  - reviews
  http:
  - corsPolicy:
      allowOrigins:
      - exact: https://example.com
      maxAge: 24h
    route:
    - destination:
        host: reviews
`;
  const ids = (messages: { messageId?: string }[]) => messages.map((m) => m.messageId);

  it("default (standard v1.6, the current standard release): CORS converts", () => {
    const messages = lint(CORS, "prefer-httproute", rule);
    expect(ids(messages)).toEqual(["preferHttpRoute"]);
    expect(applySuggestion(CORS, messages[0])).toContain("type: CORS");
  });

  it("a setting for an older standard release refuses CORS at its key, naming the release that has it", () => {
    const settings = { "istio-ambient": { gatewayApi: { channel: "standard", version: "1.4" } } };
    const messages = lint(CORS, "prefer-httproute", rule, { settings });
    expect(ids(messages)).toEqual(["notConvertible", "noEquivalent"]);
    expect(messages[1].message).toContain("standard channel >= v1.5 or experimental channel >= v1.3");
    expect(messages[1].line).toBe(CORS.split("\n").findIndex((l) => l.includes("corsPolicy")) + 1);
  });

  it("the rule option wins over the setting", () => {
    const settings = { "istio-ambient": { gatewayApi: { channel: "standard", version: "1.4" } } };
    const messages = lint(CORS, "prefer-httproute", rule, { settings, options: [{ gatewayApi: { channel: "experimental", version: "1.3" } }] });
    expect(ids(messages)).toEqual(["preferHttpRoute"]);
  });

  it("retries stay refused on every standard release read so far (experimental only through v1.6)", () => {
    const retries = CORS.replace(/  - corsPolicy:\n(.*\n){2}      maxAge: 24h\n    route:/, "  - retries:\n      attempts: 3\n    route:");
    expect(retries).toContain("retries:");
    expect(ids(lint(retries, "prefer-httproute", rule))).toEqual(["notConvertible", "noEquivalent"]);
    const experimental = { "istio-ambient": { gatewayApi: { channel: "experimental", version: "1.6" } } };
    expect(ids(lint(retries, "prefer-httproute", rule, { settings: experimental }))).toEqual(["preferHttpRoute"]);
  });
});

describe("across the repository: reused version Services and the other VirtualServices of the Service", () => {
  const REPO = fileURLToPath(new URL("../fixtures/repos/conversions", import.meta.url));
  const VS = `apiVersion: networking.istio.io/v1
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
            host: reviews
            subset: v1
          weight: 80
        - destination:
            host: reviews
            subset: v2
          weight: 20
`;
  const opts = { filename: path.join(REPO, "routing/reviews-virtualservice.yaml"), settings: { "istio-ambient": { root: REPO } } };

  it("reuses reviews-stable for v1, creates only reviews-v2, and names the other VirtualService of Service reviews", () => {
    const messages = lint(VS, "prefer-httproute", rule, opts);
    expect(messages.map((m) => m.messageId)).toEqual(["preferHttpRoute"]);
    expect(messages[0].message).toBe(
      // The other file's VirtualService is in the same unit: merging is tried, and its header rule overlaps this catch-all.
      "VirtualService bookinfo/reviews routes mesh traffic, which waypoints support only in Alpha: migrate it and VirtualService bookinfo/reviews-canary (routing/reviews-canary.yaml:1) to HTTPRoutes, choosing the order: rules of both match one request, and Istio's creation-time order decides.",
    );
    const s = messages[0].suggestions![0];
    expect(s.desc).toBe("Replace with HTTPRoute reviews and version Service reviews-v2, reusing reviews-stable (v1).");
    expect(applySuggestion(VS, messages[0])).toBe(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
  namespace: bookinfo
spec:
  parentRefs:
    - group: ""
      kind: Service
      name: reviews
      port: 9080
  rules:
    - backendRefs:
        - name: reviews-stable
          port: 9080
          weight: 80
        - name: reviews-v2
          port: 9080
          weight: 20
---
apiVersion: v1
kind: Service
metadata:
  name: reviews-v2
  namespace: bookinfo
  labels:
    app: reviews
    version: v2
spec:
  selector:
    app: reviews
    version: v2
  ports:
    - name: http
      port: 9080
`);
  });
});

describe("several VirtualServices of one Service in the file", () => {
  const SVC = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
spec:
  selector:
    app: reviews
  ports:
  - name: http
    port: 9080
---
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
  - name: v2
    labels:
      version: v2
`;
  const vsText = (name: string, match: string, subset: string) => `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: bookinfo
spec:
  hosts:
  - reviews
  http:
  - ${match}route:
    - destination:
        host: reviews
        subset: ${subset}
`;

  it("merges them into one HTTPRoute when the order cannot matter: the suggestion removes the other VirtualService", () => {
    const code = SVC + vsText("reviews-api", "match:\n    - uri:\n        exact: /api\n    ", "v2") + vsText("reviews-web", "match:\n    - uri:\n        exact: /web\n    ", "v1");
    const messages = lint(code, "prefer-httproute", rule);
    expect(messages.map((m) => m.messageId)).toEqual(["preferHttpRoute", "preferHttpRoute"]);
    expect(messages[0].suggestions![0].desc).toBe(
      "Replace with HTTPRoute reviews-api and 2 version Services, merging bookinfo/reviews-web.",
    );
    expect(messages[0].message).toBe("VirtualService bookinfo/reviews-api routes mesh traffic, which waypoints support only in Alpha: migrate it to an HTTPRoute.");
    const output = applySuggestion(code, messages[0]);
    expect(output).not.toContain("kind: VirtualService");
    expect(output.match(/^kind: HTTPRoute$/gm)).toHaveLength(1);
    expect(output).toContain("        value: /api\n    backendRefs:\n    - name: reviews-v2\n");
    expect(output).toContain("        value: /web\n    backendRefs:\n    - name: reviews-v1\n");
    // The other VirtualService's suggestion makes the same route in its place.
    const fromOther = applySuggestion(code, messages[1]);
    expect(fromOther.match(/^kind: HTTPRoute$/gm)).toHaveLength(1);
    expect(fromOther).not.toContain("kind: VirtualService");
    // Merged output re-lints clean.
    expect(lint(output, "prefer-httproute", rule)).toEqual([]);
  });

  it("when the creation-time order decides, says so and why, and converts only this one", () => {
    const code = SVC + vsText("reviews", "", "v1") + vsText("reviews-canary", "match:\n    - headers:\n        end-user:\n          exact: jason\n    ", "v2");
    const messages = lint(code, "prefer-httproute", rule);
    expect(messages.map((m) => m.messageId)).toEqual(["preferHttpRoute", "preferHttpRoute"]);
    expect(messages[0].suggestions![0].desc).toBe(
      "Replace with HTTPRoute reviews and version Service reviews-v1.",
    );
    expect(messages[0].message).toBe(
      "VirtualService bookinfo/reviews routes mesh traffic, which waypoints support only in Alpha: migrate it and VirtualService bookinfo/reviews-canary (line 45) to HTTPRoutes, choosing the order: rules of both match one request, and Istio's creation-time order decides.",
    );
    expect(applySuggestion(code, messages[0])).toContain("name: reviews-canary");
  });
});

describe("delegation in the file", () => {
  const SVC = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
spec:
  selector:
    app: reviews
  ports:
  - name: http
    port: 9080
`;
  const ROOT = (gateways: string) => `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: bookinfo
spec:
  hosts:
  - reviews
${gateways}  http:
  - match:
    - uri:
        exact: /api
    delegate:
      name: reviews-api
  - route:
    - destination:
        host: reviews
`;
  const DELEGATE = `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-api
  namespace: bookinfo
spec:
  http:
  - route:
    - destination:
        host: reviews
    timeout: 2s
`;

  it("the root converts with its delegate expanded; the delegate itself is not reported again", () => {
    const code = SVC + ROOT("") + DELEGATE;
    const messages = lint(code, "prefer-httproute", rule);
    expect(messages.map((m) => m.messageId)).toEqual(["preferHttpRoute"]);
    expect(messages[0].line).toBe(14);
    expect(messages[0].suggestions![0].desc).toBe(
      "Replace with HTTPRoute reviews, expanding delegate reviews-api (line 34).",
    );
    const output = applySuggestion(code, messages[0]);
    expect(output).toContain("  rules:\n  - matches:\n    - path:\n        type: Exact\n        value: /api\n    backendRefs:\n    - name: reviews\n      port: 9080\n    timeouts:\n      request: 2s\n  - backendRefs:\n");
    expect(output).toContain("name: reviews-api"); // the delegate stays until the user deletes it
  });

  it("a delegate of an ingress-only root is not a mesh VirtualService", () => {
    const code = SVC + ROOT("  gateways:\n  - istio-system/ingress\n") + DELEGATE;
    expect(lint(code, "prefer-httproute", rule)).toEqual([]);
  });

  it("a delegate whose root is elsewhere is still reported on its own", () => {
    expect(lint(SVC + DELEGATE, "prefer-httproute", rule).map((m) => m.messageId)).toEqual(["notConvertible"]);
  });
});

describe("a VirtualService on the host of a ServiceEntry of the file", () => {
  // Istio's egress sample (samples/bookinfo/networking/egress-rule-google-apis.yaml), port 80 sent to 443.
  const SE = (hosts: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: googleapis
spec:
  hosts: [${hosts}]
  ports:
  - number: 80
    name: http
    protocol: HTTP
  - number: 443
    name: https
    protocol: HTTPS
  resolution: DNS
---
`;
  const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: rewrite-port-for-googleapis
spec:
  hosts:
  - www.googleapis.com
  http:
  - match:
    - port: 80
    route:
    - destination:
        host: www.googleapis.com
        port:
          number: 443
`;

  it("converts to an HTTPRoute on the ServiceEntry with a Hostname backendRef", () => {
    const code = SE("www.googleapis.com") + VS;
    const messages = lint(code, "prefer-httproute", rule);
    expect(messages.map((m) => m.messageId)).toEqual(["preferHttpRoute"]);
    expect(messages[0].suggestions![0].desc).toBe("Replace with HTTPRoute rewrite-port-for-googleapis.");
    const output = applySuggestion(code, messages[0]);
    expect(output).toContain(`kind: HTTPRoute
metadata:
  name: rewrite-port-for-googleapis
spec:
  parentRefs:
  - group: networking.istio.io
    kind: ServiceEntry
    name: googleapis
    port: 80
  rules:
  - backendRefs:
    - group: networking.istio.io
      kind: Hostname
      name: www.googleapis.com
      port: 443
`);
    expect(lint(output, "prefer-httproute", rule)).toEqual([]);
  });

  it("refused when another VirtualService routes the same ServiceEntry host (not merged: one would stay beside the HTTPRoute)", () => {
    const other = `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: googleapis-timeout
spec:
  hosts:
  - www.googleapis.com
  http:
  - route:
    - destination:
        host: www.googleapis.com
        port:
          number: 443
    timeout: 5s
`;
    const messages = lint(SE("www.googleapis.com") + VS + other, "prefer-httproute", rule);
    expect(messages.map((m) => m.messageId)).toEqual(["notConvertible", "notConvertible"]);
    expect(messages[0].message).toBe(
      "VirtualService rewrite-port-for-googleapis needs a manual move to HTTPRoute: VirtualService googleapis-timeout (line 35) also routes www.googleapis.com; convert them together by hand (line 21).",
    );
  });

  it("refused when the ServiceEntry has a host the VirtualService does not route", () => {
    const messages = lint(SE("www.googleapis.com, storage.googleapis.com") + VS, "prefer-httproute", rule);
    expect(messages.map((m) => m.messageId)).toEqual(["notConvertible"]);
    expect(messages[0].message).toContain("ServiceEntry googleapis also has host storage.googleapis.com");
  });
});
