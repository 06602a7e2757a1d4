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
    expect(messages[0].message).toContain("Service reviews in namespace shop is not known");
  });
});
