/**
 * prefer-httproute on a tcp-only mesh VirtualService (the shape of bank-of-anthos' accounts-db, in
 * ../shared/repos): the suggestion is a TCPRoute (Gateway API standard v1.6) with the version Service of the subset.
 */
import { describe, expect, it } from "vitest";
import rule from "../../rules/prefer-httproute.js";
import { applySuggestion, lint } from "../helpers/lint.js";

const FILE = `apiVersion: v1
kind: Service
metadata:
  name: accounts-db
spec:
  selector:
    app: accounts-db
  ports:
    - name: tcp
      port: 5432
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: accounts-db
spec:
  hosts:
  - accounts-db
  tcp:
  - route:
    - destination:
        host: accounts-db
        subset: v0-5-3
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata:
  name: accounts-db-destination
spec:
  host: accounts-db
  subsets:
  - name: v0-5-3
    labels:
      version: v0.5.3
`;

describe("tcp-only VirtualService", () => {
  it("is converted to a TCPRoute and a version Service", () => {
    const messages = lint(FILE, "prefer-httproute", rule);
    expect(messages.map((m) => m.messageId)).toEqual(["preferHttpRoute"]);
    expect(messages[0].message).toContain("migrate it to a TCPRoute");
    expect(messages[0].suggestions![0].desc).toBe("Replace with TCPRoute accounts-db and version Service accounts-db-v0-5-3.");
    const out = applySuggestion(FILE, messages[0]);
    expect(out).toContain(`apiVersion: gateway.networking.k8s.io/v1
kind: TCPRoute
metadata:
  name: accounts-db
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: accounts-db
    port: 5432
  rules:
  - backendRefs:
    - name: accounts-db-v0-5-3
      port: 5432
---
apiVersion: v1
kind: Service
metadata:
  name: accounts-db-v0-5-3`);
  });

  it("on a standard release before v1.6 (no TCPRoute) `tcp` is reported as having no equivalent", () => {
    const messages = lint(FILE, "prefer-httproute", rule, { settings: { "istio-ambient": { gatewayApi: { channel: "standard", version: "1.5" } } } });
    expect(messages.map((m) => m.messageId).sort()).toEqual(["noEquivalent", "notConvertible"]);
    expect(messages.find((m) => m.messageId === "noEquivalent")!.message).toContain("TCPRoute needs the Gateway API standard channel >= v1.6");
  });
});
