import { describe, expect, it } from "vitest";
import { isClusterScoped } from "../../lib/k8s/namespace.js";

describe("namespace helpers", () => {
  it("cluster-scoped kinds", () => {
    expect(isClusterScoped("Namespace")).toBe(true);
    expect(isClusterScoped("GatewayClass")).toBe(true);
    expect(isClusterScoped("ClusterRole")).toBe(true);
    expect(isClusterScoped("Service")).toBe(false);
    expect(isClusterScoped("AuthorizationPolicy")).toBe(false);
  });
});
