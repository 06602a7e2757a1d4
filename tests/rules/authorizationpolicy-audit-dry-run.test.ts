/**
 * Fixture shapes: the istio.io dry-run task (`deny-path-headers`, tasks/security/authorization/authz-dry-run) and an
 * AUDIT policy as in the AuthorizationPolicy reference (security/v1beta1/authorization_policy.proto, action AUDIT).
 */
import rule from "../../rules/authorizationpolicy-audit-dry-run.js";
import { ruleSuite } from "../helpers/rule-suite.js";
import { beforeEach } from "vitest";
import { clearIndexCache } from "../../lib/index/index.js";

beforeEach(() => clearIndexCache());

const DRY_RUN = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-path-headers
  namespace: foo
  annotations:
    "istio.io/dry-run": "true"
spec:
  selector:
    matchLabels:
      app: httpbin
  action: DENY
  rules:
  - to:
    - operation:
        paths: ["/headers"]
`;

const AUDIT = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: audit-admin
  namespace: shop
spec:
  action: AUDIT
  rules:
  - to:
    - operation:
        paths: ["/admin/*"]
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: httpbin
  namespace: foo
spec:
  selector:
    app: httpbin
  ports:
  - port: 8000
---
`;

const waypointRefs = "  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: waypoint\n";
const selector = "  selector:\n    matchLabels:\n      app: httpbin\n";

ruleSuite("authorizationpolicy-audit-dry-run", rule, {
  valid: [
    { name: "a dry-run policy already on the waypoint", code: DRY_RUN.replace(selector, waypointRefs) },
    { name: "AUDIT on the ingress gateway pods (Envoy keeps auditing)", code: AUDIT.replace("spec:\n", "spec:\n  selector:\n    matchLabels:\n      istio: ingressgateway\n") },
    { name: "dry-run \"false\" is a normal policy", code: DRY_RUN.replace('"istio.io/dry-run": "true"', '"istio.io/dry-run": "false"') },
    { name: "a plain ALLOW is not this rule's", code: AUDIT.replace("action: AUDIT", "action: ALLOW") },
  ],
  invalid: [
    {
      name: "dry-run DENY by selector: ztunnel never receives it; suggestions: the Service with the same selector, the waypoint",
      code: SERVICE + DRY_RUN,
      output: null,
      errors: [
        {
          message: "AuthorizationPolicy foo/deny-path-headers (selector) is dry-run: ztunnel never receives it, so nothing logs what it would do.",
          line: 18,
          suggestions: [
            { messageId: "useService", data: { name: "httpbin" }, output: SERVICE + DRY_RUN.replace(selector, '  targetRefs:\n  - kind: Service\n    group: ""\n    name: httpbin\n') },
            { messageId: "useWaypoint", data: { name: "waypoint" }, output: SERVICE + DRY_RUN.replace(selector, waypointRefs) },
          ],
        },
      ],
    },
    {
      name: "before Istio 1.25 ztunnel enforced dry-run policies as real ones",
      code: DRY_RUN,
      settings: { "istio-ambient": { istioVersion: "1.24" } },
      output: null,
      errors: [
        {
          message: "AuthorizationPolicy foo/deny-path-headers (selector) is dry-run, but before Istio 1.25 ztunnel enforces it as a real DENY.",
          suggestions: [{ messageId: "useWaypoint", data: { name: "waypoint" }, output: DRY_RUN.replace(selector, waypointRefs) }],
        },
      ],
    },
    {
      name: "namespace-wide AUDIT: no audit log any more; waypoint suggestion adds targetRefs",
      code: AUDIT,
      output: null,
      errors: [
        {
          message: "AuthorizationPolicy shop/audit-admin (namespace-wide): ztunnel does not support AUDIT, so these requests are no longer audit-logged.",
          line: 7,
          suggestions: [{ messageId: "useWaypoint", data: { name: "waypoint" }, output: AUDIT + "  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: waypoint\n" }],
        },
      ],
    },
    {
      name: "mesh-wide AUDIT in the root namespace: every waypoint",
      code: AUDIT.replace("namespace: shop", "namespace: istio-system"),
      output: null,
      errors: [
        {
          messageId: "audit",
          suggestions: [{ messageId: "useWaypointClass", output: AUDIT.replace("namespace: shop", "namespace: istio-system") + "  targetRefs:\n  - kind: GatewayClass\n    group: gateway.networking.k8s.io\n    name: istio-waypoint\n" }],
        },
      ],
    },
  ],
});
