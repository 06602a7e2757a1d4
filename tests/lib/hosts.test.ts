import { describe, expect, it } from "vitest";
import { hostNamesService, hostService, hostShortName, namespacesMatch, resolveHost, sameServiceHost, serviceHostname } from "../../lib/k8s/hosts.js";

describe("resolveHost", () => {
  it("short name: the Service in the context namespace, read exactly by Istio", () => {
    expect(resolveHost("reviews", "bookinfo")).toEqual({ kind: "service", name: "reviews", namespace: "bookinfo", form: "short", istioExact: true });
  });

  it("short name with an unknown context namespace keeps the namespace unknown", () => {
    expect(resolveHost("reviews", undefined)).toMatchObject({ kind: "service", name: "reviews", namespace: undefined });
  });

  it("name.namespace: the Service in that namespace, but Istio keeps it literally", () => {
    expect(resolveHost("reviews.prod", "bookinfo")).toEqual({ kind: "service", name: "reviews", namespace: "prod", form: "name.namespace", istioExact: false });
  });

  it("name.namespace.svc", () => {
    expect(resolveHost("reviews.prod.svc", "bookinfo")).toEqual({
      kind: "service",
      name: "reviews",
      namespace: "prod",
      form: "name.namespace.svc",
      istioExact: false,
    });
  });

  it("FQDN in the cluster domain (default cluster.local)", () => {
    expect(resolveHost("reviews.prod.svc.cluster.local", undefined)).toEqual({
      kind: "service",
      name: "reviews",
      namespace: "prod",
      form: "fqdn",
      domain: "cluster.local",
      istioExact: true,
    });
  });

  it("FQDN in a custom cluster domain", () => {
    expect(resolveHost("reviews.prod.svc.corp.example", undefined, { clusterDomain: "corp.example" })).toMatchObject({ domain: "corp.example", istioExact: true });
    expect(resolveHost("reviews.prod.svc.cluster.local", undefined, { clusterDomain: "corp.example" })).toMatchObject({
      kind: "service",
      istioExact: false,
    });
  });

  it("case and a trailing dot do not matter", () => {
    expect(resolveHost("Reviews.Prod.svc.cluster.local.", undefined)).toMatchObject({ kind: "service", name: "reviews", namespace: "prod" });
  });

  it("wildcards", () => {
    expect(resolveHost("*", "a").kind).toBe("wildcard");
    expect(resolveHost("*.example.com", "a").kind).toBe("wildcard");
    expect(resolveHost("*.prod.svc.cluster.local", "a").kind).toBe("wildcard");
  });

  it("IP addresses", () => {
    expect(resolveHost("10.0.0.1", "a").kind).toBe("ip");
    expect(resolveHost("2001:db8::1", "a").kind).toBe("ip");
  });

  it("external names: 3+ labels without .svc., public two-label domains, ServiceEntry hosts", () => {
    expect(resolveHost("api.example.com", "a").kind).toBe("external");
    expect(resolveHost("www.bookdepository.com", "a").kind).toBe("external");
    expect(resolveHost("httpbin.org", "a").kind).toBe("external");
    expect(resolveHost("mongo.prod", "a", { externalHosts: ["mongo.prod"] }).kind).toBe("external");
    expect(resolveHost("reviews", "a", { externalHosts: ["Reviews"] }).kind).toBe("external");
  });

  it("invalid values", () => {
    expect(resolveHost("", "a").kind).toBe("invalid");
    expect(resolveHost("  ", "a").kind).toBe("invalid");
    expect(resolveHost(42, "a").kind).toBe("invalid");
    expect(resolveHost(null, "a").kind).toBe("invalid");
    expect(resolveHost("a..b", "a").kind).toBe("invalid");
    expect(resolveHost("under_score", "a").kind).toBe("invalid");
  });
});

describe("host helpers", () => {
  it("hostService returns null for non-Service hosts", () => {
    expect(hostService("api.example.com", "a")).toBeNull();
    expect(hostService("reviews", "a")?.name).toBe("reviews");
  });

  it("sameServiceHost: the four spellings name the same Service; unknown namespaces match", () => {
    const spellings = ["reviews", "reviews.bookinfo", "reviews.bookinfo.svc", "reviews.bookinfo.svc.cluster.local"];
    for (const a of spellings) for (const b of spellings) expect(sameServiceHost(resolveHost(a, "bookinfo"), resolveHost(b, "bookinfo"))).toBe(true);
    expect(sameServiceHost(resolveHost("reviews", "bookinfo"), resolveHost("reviews.prod", "bookinfo"))).toBe(false);
    expect(sameServiceHost(resolveHost("reviews", undefined), resolveHost("reviews.prod", "x"))).toBe(true);
    expect(sameServiceHost(resolveHost("*", "a"), resolveHost("*", "a"))).toBe(false);
    expect(sameServiceHost(null, resolveHost("a", "a"))).toBe(false);
  });

  it("hostNamesService", () => {
    expect(hostNamesService("reviews.bookinfo.svc.cluster.local", "other", "reviews", "bookinfo")).toBe(true);
    expect(hostNamesService("reviews", "other", "reviews", "bookinfo")).toBe(false);
    expect(hostNamesService("ratings", "bookinfo", "reviews", "bookinfo")).toBe(false);
  });

  it("hostShortName, serviceHostname, namespacesMatch", () => {
    expect(hostShortName("reviews.bookinfo.svc.cluster.local")).toBe("reviews");
    expect(serviceHostname("reviews", "bookinfo")).toBe("reviews.bookinfo.svc.cluster.local");
    expect(serviceHostname("reviews", "bookinfo", "corp.example")).toBe("reviews.bookinfo.svc.corp.example");
    expect(namespacesMatch(undefined, "a")).toBe(true);
    expect(namespacesMatch("a", "b")).toBe(false);
  });
});
