/**
 * prefer-httproute across deployment units (fixture tests/fixtures/repos/conversion-copies): a VirtualService
 * whose Service and DestinationRule exist only as copies in other units. The index does not resolve copies
 * (they are ambiguous), but when every copy says the same about what the converter reads, the conversion does
 * not depend on which copy is deployed.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import rule from "../../rules/prefer-httproute.js";
import { applySuggestion, lint } from "../helpers/lint.js";

const REPO = fileURLToPath(new URL("../fixtures/repos/conversion-copies", import.meta.url));
const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts:
    - reviews
  http:
    - route:
        - destination:
            host: reviews
            subset: v1
          weight: 90
        - destination:
            host: reviews
            subset: v2
          weight: 10
`;
const filename = path.join(REPO, "routing/reviews.yaml");

describe("copies of the Service and DestinationRule outside the unit", () => {
  it("converts when every copy agrees: subset v1 from the only DestinationRule copy that defines it, v2 from both", () => {
    const messages = lint(VS, "prefer-httproute", rule, { filename, settings: { "istio-ambient": { root: REPO, exclude: ["stale/**"] } } });
    expect(messages.map((m) => m.messageId)).toEqual(["preferHttpRoute"]);
    const s = messages[0].suggestions![0];
    expect(s.desc).toContain("HTTPRoute reviews and version Services reviews-v1, reviews-v2");
    const out = applySuggestion(VS, messages[0]);
    expect(out).toContain("kind: HTTPRoute");
    // The version Services take the copies' selector, ports and namespace.
    expect(out).toMatch(/name: reviews-v1\n {2}namespace: shop[\s\S]*selector:\n {4}app: reviews\n {4}version: v1[\s\S]*port: 9080/);
    expect(out).toMatch(/name: reviews-v2\n {2}namespace: shop[\s\S]*version: v2/);
  });

  it("refuses when a copy of the Service disagrees (another selector): which copy is deployed changes the version Services", () => {
    const messages = lint(VS, "prefer-httproute", rule, { filename, settings: { "istio-ambient": { root: REPO } } });
    expect(messages.map((m) => m.messageId)).toEqual(["notConvertible"]);
    expect(messages[0].message).toContain("the 3 copies of Service reviews outside this unit differ, so version Service reviews-v1 cannot be built");
  });
});

describe("the other files of the unit (fixture tests/fixtures/repos/conversion-units)", () => {
  const UNIT = fileURLToPath(new URL("../fixtures/repos/conversion-units", import.meta.url));
  const at = (file: string) => ({ filename: path.join(UNIT, "shop", file), settings: { "istio-ambient": { root: UNIT } } });

  it("merges another file's VirtualService of the Service when no request matches both, naming it for deletion (not the older copy of this one)", () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: bookinfo
spec:
  hosts:
    - reviews
  http:
    - match:
        - uri:
            exact: /v1/reviews
      route:
        - destination:
            host: reviews
            port:
              number: 9080
`;
    const messages = lint(vs, "prefer-httproute", rule, at("reviews.yaml"));
    expect(messages.map((m) => m.messageId)).toEqual(["preferHttpRoute"]);
    expect(messages[0].message).toContain("merged with VirtualService bookinfo/reviews-v2 (shop/reviews-v2.yaml:1), deleting it in the same change");
    expect(messages[0].message).not.toContain("reviews-old");
    const out = applySuggestion(vs, messages[0]);
    expect(out).toMatch(/kind: HTTPRoute[\s\S]*value: \/v1\/reviews[\s\S]*value: \/v2\/reviews/);
  });

  it("a root converts with its delegate from another file of the unit", () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
  namespace: bookinfo
spec:
  hosts:
    - ratings
  http:
    - name: root
      delegate:
        name: ratings-api
`;
    const messages = lint(vs, "prefer-httproute", rule, at("ratings.yaml"));
    expect(messages.map((m) => m.messageId)).toEqual(["preferHttpRoute"]);
    expect(messages[0].suggestions![0].desc).toContain("expanding delegate ratings-api (shop/ratings-api.yaml:1)");
    const out = applySuggestion(vs, messages[0]);
    expect(out).toMatch(/kind: HTTPRoute[\s\S]*name: root-api[\s\S]*type: Exact\n\s+value: \/ratings[\s\S]*name: ratings\n\s+port: 9080/);
  });

  it("a root whose delegate is in no file of the unit is refused for that reason, not as a feature without equivalent", () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: orphan
  namespace: bookinfo
spec:
  hosts:
    - ratings
  http:
    - delegate:
        name: missing
`;
    const messages = lint(vs, "prefer-httproute", rule, at("orphan.yaml"));
    expect(messages.map((m) => m.messageId)).toEqual(["notConvertible"]);
    expect(messages[0].message).toContain("delegate VirtualService bookinfo/missing is not known");
  });

  it("a delegate whose mesh root is in another file: only its keys without an equivalent are reported", () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: details-api
  namespace: bookinfo
spec:
  http:
    - fault:
        abort:
          httpStatus: 503
          percentage:
            value: 10
      route:
        - destination:
            host: details
`;
    const messages = lint(vs, "prefer-httproute", rule, at("details-api.yaml"));
    expect(messages.map((m) => m.messageId)).toEqual(["noEquivalent"]);
    expect(messages[0].message).toContain("`fault`");
  });

  it("a delegate of an ingress-only root in another file is not a mesh VirtualService", () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web-api
  namespace: bookinfo
spec:
  http:
    - fault:
        abort:
          httpStatus: 503
          percentage:
            value: 10
      route:
        - destination:
            host: details
`;
    expect(lint(vs, "prefer-httproute", rule, at("web-api.yaml"))).toEqual([]);
  });
});
