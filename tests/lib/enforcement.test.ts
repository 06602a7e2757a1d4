/**
 * The enforcement model against Istio's behaviour: each case cites the code path it mirrors
 * (istio/istio pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go; istio/ztunnel src/rbac.rs, src/state.rs).
 */
import { describe, expect, it } from "vitest";
import {
  admitted,
  appliesTo,
  atZtunnel,
  callerOf,
  decide,
  defaultDeny,
  identityConditions,
  matches,
  namesCaller,
  notSentToZtunnel,
  objectFacts,
  trustDomainUses,
  ztunnelPoliciesFor,
  type PolicyFacts,
} from "../../lib/istio/enforcement.js";

const ROOT = "istio-system";
const WAYPOINT = callerOf("cluster.local/ns/shop/sa/waypoint");
const FRONTEND = callerOf("cluster.local/ns/shop/sa/frontend");
const INGRESS = callerOf("cluster.local/ns/istio-ingress/sa/istio-ingressgateway");

function policy(spec: Record<string, unknown>, namespace = "shop", annotations: Record<string, string> = {}): PolicyFacts {
  return objectFacts({ apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: { name: "p", annotations }, spec }, namespace, `${namespace}/p`);
}

describe("what ztunnel receives (convertAuthorizationPolicy)", () => {
  it.each([
    ["targetRefs", { targetRefs: [{ kind: "Service", group: "", name: "cart" }] }, {}, "targetRefs"],
    ["CUSTOM", { action: "CUSTOM", provider: { name: "x" } }, {}, "custom"],
    ["AUDIT", { action: "AUDIT" }, {}, "audit"],
    ["dry-run (istio/istio#55414)", { action: "DENY" }, { "istio.io/dry-run": "true" }, "dry-run"],
    ["ALLOW", {}, {}, null],
    ["DENY", { action: "DENY" }, {}, null],
  ])("%s", (_name, spec, annotations, reason) => {
    expect(notSentToZtunnel(policy(spec, "shop", annotations as Record<string, string>))).toBe(reason);
  });

  it("scopes: selector = workload, none = namespace, root namespace = global", () => {
    expect(atZtunnel(policy({ selector: { matchLabels: { app: "a" } } }), ROOT)!.scope).toBe("workload");
    expect(atZtunnel(policy({}), ROOT)!.scope).toBe("namespace");
    expect(atZtunnel(policy({}, ROOT), ROOT)!.scope).toBe("global");
  });

  it("an ALLOW rule with an HTTP attribute is dropped whole (handleRule: rules = nil)", () => {
    const z = atZtunnel(policy({ rules: [{ from: [{ source: { principals: [FRONTEND.principal] } }], to: [{ operation: { methods: ["GET"] } }] }, { from: [{ source: { namespaces: ["shop"] } }] }] }), ROOT)!;
    expect(z.dropped).toEqual([0]);
    expect(z.rules!.map((r) => r.index)).toEqual([1]);
    expect(matches(z, FRONTEND)).toBe(true); // by rule 1 (namespace shop)
    expect(matches(z, INGRESS)).toBe(false);
  });

  it("a DENY keeps its L4 matches; a `to` holding only HTTP fields is an empty match that never matches (fail-open)", () => {
    const z = atZtunnel(policy({ action: "DENY", rules: [{ from: [{ source: { namespaces: ["istio-ingress"] } }], to: [{ operation: { paths: ["/admin"] } }] }] }), ROOT)!;
    expect(z.dropped).toEqual([]);
    expect(matches(z, INGRESS)).toBe(false);
  });

  it("a DENY with ports and an HTTP path is enforced on the whole port (more restrictive)", () => {
    const z = atZtunnel(policy({ action: "DENY", rules: [{ to: [{ operation: { ports: ["8080"], paths: ["/admin"] } }] }] }), ROOT)!;
    expect(matches(z, { ...FRONTEND, port: 8080 })).toBe(true);
    expect(matches(z, { ...FRONTEND, port: 9090 })).toBe(false);
    expect(matches(z, FRONTEND)).toBe("unknown");
  });

  it("rules: [{}] matches everything; no rules matches nothing (rbac.rs: empty rules → false)", () => {
    expect(matches(atZtunnel(policy({ rules: [{}] }), ROOT)!, FRONTEND)).toBe(true);
    expect(matches(atZtunnel(policy({}), ROOT)!, FRONTEND)).toBe(false);
  });

  it("trustDomains are not converted: alone they leave an empty match; with others they are ignored", () => {
    const alone = atZtunnel(policy({ rules: [{ from: [{ source: { trustDomains: ["cluster.local"] } }] }] }), ROOT)!;
    expect(matches(alone, FRONTEND)).toBe(false);
    const withNs = atZtunnel(policy({ rules: [{ from: [{ source: { namespaces: ["shop"], trustDomains: ["other.domain"] } }] }] }), ROOT)!;
    expect(matches(withNs, FRONTEND)).toBe(true); // widened: any trust domain
    expect(trustDomainUses([{ from: [{ source: { namespaces: ["shop"], trustDomains: ["x"] } }] }])[0]).toMatchObject({ withOthers: true, onlySource: true });
  });

  it("principals and namespaces use Istio's string match (exact, prefix*, *suffix, *)", () => {
    const z = atZtunnel(policy({ rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/*"] } }] }] }), ROOT)!;
    expect(matches(z, FRONTEND)).toBe(true);
    expect(matches(z, INGRESS)).toBe(false);
  });

  it("serviceAccounts without a namespace are in the policy's namespace (stringToServiceAccountMatch)", () => {
    const z = atZtunnel(policy({ rules: [{ from: [{ source: { serviceAccounts: ["frontend"] } }] }] }), ROOT)!;
    expect(matches(z, FRONTEND)).toBe(true);
    expect(matches(z, callerOf("cluster.local/ns/other/sa/frontend"))).toBe(false);
  });

  it("source.principal / destination.port conditions are L4 `when` keys", () => {
    const z = atZtunnel(policy({ rules: [{ when: [{ key: "source.principal", values: [WAYPOINT.principal] }] }] }), ROOT)!;
    expect(matches(z, WAYPOINT)).toBe(true);
    expect(matches(z, FRONTEND)).toBe(false);
  });
});

describe("the decision (DENY first, then the ALLOW union, default deny)", () => {
  const allowNothing = atZtunnel(policy({}, ROOT), ROOT)!;
  const allowWaypoint = atZtunnel(policy({ rules: [{ from: [{ source: { principals: [WAYPOINT.principal] } }] }] }), ROOT)!;
  const denyNotWaypoint = atZtunnel(policy({ action: "DENY", rules: [{ from: [{ source: { notPrincipals: [WAYPOINT.principal] } }] }] }), ROOT)!;

  it("no policy: everything admitted", () => {
    expect(decide([], FRONTEND).allowed).toBe(true);
  });
  it("root allow-nothing: everything denied", () => {
    expect(decide([allowNothing], FRONTEND).allowed).toBe(false);
  });
  it("allow-nothing plus an ALLOW for the waypoint: the union admits the waypoint only", () => {
    expect(decide([allowNothing, allowWaypoint], WAYPOINT).allowed).toBe(true);
    expect(decide([allowNothing, allowWaypoint], FRONTEND).allowed).toBe(false);
  });
  it("a DENY wins over any ALLOW", () => {
    expect(decide([allowWaypoint, denyNotWaypoint], FRONTEND).allowed).toBe(false);
    expect(decide([allowWaypoint, denyNotWaypoint], WAYPOINT).allowed).toBe(true);
  });
  it("an ALLOW whose rules were all dropped still makes the default deny", () => {
    const dropped = atZtunnel(policy({ rules: [{ to: [{ operation: { methods: ["GET"] } }] }] }), ROOT)!;
    expect(decide([dropped], FRONTEND).allowed).toBe(false);
  });
});

describe("which pods a policy applies to", () => {
  const pods = { namespace: "shop", labels: { app: "cart" }, workloads: [{ app: "cart", version: "v1" }] };
  it.each([
    ["namespace-wide", policy({}), true],
    ["root namespace", policy({}, ROOT), true],
    ["other namespace", policy({}, "other"), false],
    ["equal selector", policy({ selector: { matchLabels: { app: "cart" } } }), true],
    ["conflicting selector", policy({ selector: { matchLabels: { app: "web" } } }), false],
    ["narrower selector every known pod carries", policy({ selector: { matchLabels: { version: "v1" } } }), true],
    ["narrower selector no known pod carries", policy({ selector: { matchLabels: { version: "v2" } } }), false],
    ["unknown namespace", { ...policy({}), namespace: undefined }, "unknown"],
  ])("%s", (_n, f, expected) => {
    expect(appliesTo(f, pods, ROOT)).toBe(expected);
  });

  it("admitted(): policies that only maybe apply keep the answer unknown unless it does not change", () => {
    const applied = ztunnelPoliciesFor([policy({}, ROOT), policy({ selector: { matchLabels: { tier: "x" } }, rules: [{}] })], { namespace: "shop", labels: { app: "cart" } }, ROOT);
    expect(applied.map((a) => a.applies)).toEqual([true, "unknown"]);
    expect(admitted(applied, FRONTEND).allowed).toBe("unknown");
    expect(defaultDeny(applied)).toBe(true);
  });
});

describe("identity conditions", () => {
  it("lists principals, namespaces, serviceAccounts, ipBlocks and source.* when keys", () => {
    const found = identityConditions([
      { from: [{ source: { principals: ["a"], namespaces: ["b"] } }], when: [{ key: "source.ip", values: ["10.0.0.0/8"] }, { key: "request.headers[x]", values: ["y"] }] },
    ]);
    expect(found.map((c) => c.field)).toEqual(["principals", "namespaces", "source.ip"]);
  });
  it("namesCaller: a waypoint principal, a namespace, a bare service account", () => {
    expect(namesCaller("principals", "cluster.local/ns/shop/sa/waypoint", WAYPOINT)).toBe(true);
    expect(namesCaller("notPrincipals", "cluster.local/ns/shop/sa/*", WAYPOINT)).toBe(true);
    expect(namesCaller("namespaces", "istio-ingress", INGRESS)).toBe(true);
    expect(namesCaller("serviceAccounts", "waypoint", WAYPOINT)).toBe(true);
    expect(namesCaller("principals", "*", WAYPOINT)).toBe(false);
  });
});
