/**
 * The analysis of one VirtualService: resource-level checks (hosts, exportTo, routes kinds), then each http rule
 * read into a representation (matches, destinations, filters) with the problems that refuse its conversion.
 * Feature problems need nothing but the VirtualService; context problems need its Services and DestinationRules.
 */

import { checkCors, checkMirrors, checkRedirect, checkRetries, checkRewrite, checkTimeout, headerOperations } from "./filters.js";
import { DEFAULT_GATEWAY_API, featureRequirement, gatewayApiSupports, targetLabel, type GatewayApiFeature } from "./gateway-api.js";
import { parseServiceHost, pathStr, ruleRef, type ServiceHostRef } from "./hosts.js";
import { checkMatch } from "./match.js";
import type { MatchIR, RuleChecks, RuleIR } from "./ir.js";
import {
  isObj,
  str,
  type ConvertOptions,
  type ConvertProblem,
  type GatewayApiTarget,
  type Obj,
  type Path,
  type ProblemCode,
  type ServiceEntryInfo,
  type ServiceInfo,
} from "./types.js";

// ---------------------------------------------------------------------------------------------------------------
// Per-rule internal representation

export type { BackendIR, MirrorIR, RedirectIR, RuleIR } from "./ir.js";

const SPEC_KEYS = new Set(["hosts", "gateways", "http", "tcp", "tls", "exportTo"]);
const HTTP_KEYS = new Set([
  "name",
  "match",
  "route",
  "redirect",
  "directResponse",
  "delegate",
  "rewrite",
  "timeout",
  "retries",
  "fault",
  "mirror",
  "mirrors",
  "mirrorPercent",
  "mirrorPercentage",
  "corsPolicy",
  "headers",
]);

// ---------------------------------------------------------------------------------------------------------------
// The analysis

export interface Resolved {
  target: GatewayApiTarget;
  domainSuffix: string;
  acceptSegment: boolean;
  vsNs?: string;
  vsName?: string;
  label: string;
}

export interface VersionServicePlan {
  key: string;
  name: string;
  namespace?: string;
  manifest: Obj | null; // null when an existing Service is reused
  /** The existing Service reused for the subset (any name, same selector). */
  reused?: ServiceInfo;
}

export class Analysis implements RuleChecks {
  readonly feature: ConvertProblem[] = [];
  readonly context: ConvertProblem[] = [];
  readonly notes: string[] = [];
  readonly rules: RuleIR[] = [];
  /** The hosts: a Service (`ref`), or a ServiceEntry host (`entry`, with `ref.name` the host itself). */
  readonly parents: Array<{ ref: ServiceHostRef; path: Path; entry?: ServiceEntryInfo }> = [];
  readonly serviceEntries: ServiceEntryInfo[];
  readonly spec: Obj;
  readonly o: Resolved;
  meshOnly = true;

  constructor(
    readonly vs: Obj,
    opts: ConvertOptions,
  ) {
    this.spec = isObj(vs.spec) ? vs.spec : {};
    this.serviceEntries = (opts as { serviceEntries?: ServiceEntryInfo[] }).serviceEntries ?? [];
    const md = isObj(vs.metadata) ? vs.metadata : {};
    const vsNs = str(md.namespace) ?? opts.defaultNamespace;
    const vsName = str(md.name);
    this.o = {
      target: opts.gatewayApi ?? DEFAULT_GATEWAY_API,
      domainSuffix: opts.domainSuffix ?? "cluster.local",
      acceptSegment: opts.acceptPathSegmentPrefix === true,
      vsNs,
      vsName,
      label: `VirtualService ${vsNs ? `${vsNs}/` : ""}${vsName ?? "(unnamed)"}`,
    };
  }

  f(path: Path, code: ProblemCode, message: string): void {
    this.feature.push({ path, code, message });
  }

  c(path: Path, code: ProblemCode, message: string): void {
    this.context.push({ path, code, message });
  }

  supports(feature: GatewayApiFeature): boolean {
    return gatewayApiSupports(this.o.target, feature);
  }

  channelProblem(path: Path, feature: GatewayApiFeature, what: string): void {
    this.f(path, "unsupported-in-channel", `${what}: not in Gateway API ${targetLabel(this.o.target)} (${featureRequirement(feature)})`);
  }

  // --- resource level -----------------------------------------------------------------------------------------

  checkResource(): boolean {
    const vs = this.vs;
    if (str(vs.kind) !== "VirtualService" || !isObj(vs.spec)) {
      this.f(isObj(vs.spec) ? ["kind"] : [], "invalid-resource", "not a VirtualService with a spec");
      return false;
    }
    const spec = this.spec;
    for (const key of Object.keys(spec)) {
      if (!SPEC_KEYS.has(key)) this.f(["spec", key], "unknown-field", `spec.${key} is not a VirtualService field this converter knows; it cannot tell what it does`);
    }
    const gateways = Array.isArray(spec.gateways) ? spec.gateways : [];
    this.meshOnly = gateways.length === 0 || gateways.every((g) => g === "mesh");

    // hosts → parents
    const hosts = spec.hosts;
    if (!Array.isArray(hosts) || hosts.length === 0) {
      this.f(["spec"], "no-hosts", "the VirtualService has no hosts (a delegate VirtualService): it has no Service to attach an HTTPRoute to");
    } else {
      hosts.forEach((h, k) => {
        if (typeof h !== "string") return this.f(["spec", "hosts", k], "invalid-value", "host must be a string");
        const parsed = parseServiceHost(h, this.o.domainSuffix);
        if (!parsed.ok) {
          const entry = this.serviceEntryOf(h, parsed.code);
          if (entry) return this.parents.push({ ref: { name: h.toLowerCase() }, path: ["spec", "hosts", k], entry });
          return this.f(["spec", "hosts", k], parsed.code, parsed.message);
        }
        this.parents.push({ ref: parsed.ref, path: ["spec", "hosts", k] });
      });
      // A ServiceEntry parentRef routes every host of the ServiceEntry (Istio writes one VirtualService per host
      // of it): each must be a host of this VirtualService.
      for (const entry of new Set(this.parents.flatMap((p) => (p.entry ? [p.entry] : [])))) {
        const own = new Set(hosts.filter((h): h is string => typeof h === "string").map((h) => h.toLowerCase()));
        const extra = entry.hosts.filter((h) => !own.has(h.toLowerCase()));
        const at = this.parents.find((p) => p.entry === entry)!.path;
        if (extra.length) this.c(at, "host-not-service", `ServiceEntry ${entry.name} also has host ${extra[0]}, which an HTTPRoute on it would route too`);
      }
    }
    this.checkExportTo();

    if (Array.isArray(spec.tcp) && spec.tcp.length > 0 && Array.isArray(spec.http) && spec.http.length > 0) {
      // tcp-only VirtualServices become a TCPRoute (tcp.ts); both kinds in one need an HTTPRoute and a TCPRoute.
      this.c(["spec", "tcp"], "tcp-routes", "http and tcp routes together need an HTTPRoute and a TCPRoute, which this converter does not split");
    }
    if (Array.isArray(spec.tls) && spec.tls.length > 0) {
      this.f(["spec", "tls"], "tls-routes", "mesh tls routes need a TLSRoute, which Istio waypoints do not serve (istio/istio#55198: TCPRoute only)");
    }
    if (!Array.isArray(spec.http) || spec.http.length === 0) {
      if (!(Array.isArray(spec.tcp) && spec.tcp.length) && !(Array.isArray(spec.tls) && spec.tls.length)) {
        this.f(["spec"], "no-http-routes", "the VirtualService has no http routes to convert");
      }
      return false;
    }
    return true;
  }

  /**
   * The one ServiceEntry (of the VirtualService's namespace) with host `host`, when `host` is no Kubernetes
   * Service host to Istio (it takes a name with a dot as written, and a ServiceEntry host is one).
   */
  serviceEntryOf(host: string, code: string): ServiceEntryInfo | undefined {
    if (code !== "host-not-service" || !host.includes(".")) return undefined;
    const h = host.toLowerCase();
    const vsNs = this.o.vsNs;
    // Visible in its own namespace (exportTo unset, "*", "." or that namespace), where the route is.
    const visible = (e: ServiceEntryInfo) =>
      e.exportTo === undefined || (Array.isArray(e.exportTo) && e.exportTo.some((x) => x === "*" || x === "." || (e.namespace !== undefined && x === e.namespace)));
    const found = this.serviceEntries.filter((e) => e.hosts.some((x) => x.toLowerCase() === h) && (e.namespace === undefined || vsNs === undefined || e.namespace === vsNs));
    return found.length === 1 && found[0].ports.length > 0 && visible(found[0]) ? found[0] : undefined;
  }

  checkExportTo(): void {
    const spec = this.spec;
    const vsNs = this.o.vsNs;
    let scope: "global" | "local" | "other" = "global";
    if (spec.exportTo !== undefined) {
      const list = Array.isArray(spec.exportTo) ? spec.exportTo : [];
      if (list.length === 0 || list.includes("*")) scope = "global";
      else if (list.every((e) => e === "." || (vsNs !== undefined && e === vsNs))) scope = "local";
      else {
        scope = "other";
        this.f(
          ["spec", "exportTo"],
          "export-to",
          `exportTo ${JSON.stringify(spec.exportTo)} has no Gateway API equivalent: an HTTPRoute applies either to every client (in the Service's namespace) or to clients in its own namespace`,
        );
      }
    }
    for (const p of this.parents) {
      const ns = p.ref.namespace;
      if (ns === undefined) {
        // short name: the Service is in the VirtualService's namespace (a producer route)
        if (scope === "local") this.producerWithLocalExport(p.path);
        continue;
      }
      if (vsNs === undefined) {
        this.f(
          p.path,
          "namespace-unknown",
          `namespace unknown (set metadata.namespace): it decides whether the route covers every client of ${p.ref.name}.${ns}`,
        );
        continue;
      }
      if (ns === vsNs) {
        if (scope === "local") this.producerWithLocalExport(p.path);
      } else if (scope === "global") {
        this.f(
          p.path,
          "cross-namespace",
          `in namespace ${vsNs}, it routes Service ${p.ref.name}.${ns} for every sidecar client (waypoints skip it unless ${vsNs} is theirs); an HTTPRoute in ${vsNs} reaches only ${vsNs} clients: move it to ${ns} or set exportTo: ["."]`,
        );
      }
    }
  }

  producerWithLocalExport(path: Path): void {
    this.f(
      ["spec", "exportTo"],
      "export-to",
      `exportTo: ["."] limits the VirtualService to clients in its own namespace, but an HTTPRoute in the Service's namespace (a producer route) applies to every client; remove exportTo or keep the VirtualService (host at ${pathStr(path)})`,
    );
  }

  // --- rules --------------------------------------------------------------------------------------------------

  checkRules(): void {
    const http = this.spec.http as unknown[];
    http.forEach((raw, i) => {
      const path: Path = ["spec", "http", i];
      if (!isObj(raw)) {
        this.f(path, "invalid-value", `${ruleRef(i)} must be an object`);
        return;
      }
      this.rules.push(this.checkRule(raw, i, path));
    });
  }

  checkRule(r: Obj, i: number, path: Path): RuleIR {
    const rule: RuleIR = { index: i, path, matches: [], headerFilters: [], mirrors: [], backends: [], notForMesh: false };
    // matches first: they decide whether the rule applies to mesh traffic at all
    const matchList = r.match;
    if (matchList !== undefined && !Array.isArray(matchList)) this.f([...path, "match"], "invalid-value", "match must be a list");
    if (Array.isArray(matchList) && matchList.length > 0) {
      matchList.forEach((m, k) => rule.matches.push(checkMatch(this, m, i, k, [...path, "match", k])));
    } else {
      rule.matches.push({ rule: i, index: null, path, uri: { kind: "prefix", value: "/", implicit: true }, headers: [], query: [], ok: true, mesh: true });
    }
    if (rule.matches.every((m) => !m.mesh)) {
      rule.notForMesh = true;
      this.notes.push(`${ruleRef(i)} applies only to gateways (every match lists gateways without "mesh"); it is left out of the HTTPRoute`);
      return rule;
    }
    for (const m of rule.matches) {
      if (!m.mesh) this.notes.push(`${pathStr(m.path)} applies only to gateways (its gateways leave out "mesh"); it is left out of the HTTPRoute`);
    }

    for (const key of Object.keys(r)) {
      if (!HTTP_KEYS.has(key)) this.f([...path, key], "unknown-field", `${ruleRef(i)}.${key} is not a field this converter knows; it cannot tell what it does`);
    }
    if (typeof r.name === "string") rule.name = r.name;

    if (r.fault !== undefined) {
      const kinds = isObj(r.fault) ? Object.keys(r.fault).filter((k) => k === "delay" || k === "abort") : [];
      this.f(
        [...path, "fault"],
        "fault",
        `fault injection (${kinds.join(" and ") || "fault"}) has no Gateway API filter; dropping it would silently stop it`,
      );
    }
    if (r.delegate !== undefined) {
      this.f([...path, "delegate"], "delegate", "delegation to another VirtualService has no Gateway API equivalent for mesh routes; convert the delegate's rules into this route by hand");
    }
    if (r.directResponse !== undefined) {
      this.f([...path, "directResponse"], "direct-response", "directResponse has no Gateway API filter (HTTPRoute can only redirect or forward)");
    }
    const hasRoute = Array.isArray(r.route) && r.route.length > 0;
    if (r.redirect !== undefined && hasRoute) {
      this.f([...path, "redirect"], "redirect-with-route", "a rule cannot both redirect and route (invalid in both APIs: the RequestRedirect filter must not be used with backendRefs)");
    }
    if (!hasRoute && r.redirect === undefined && r.directResponse === undefined && r.delegate === undefined) {
      this.f(path, "no-destination", `${ruleRef(i)} has no route, redirect, directResponse or delegate`);
    }

    if (hasRoute) this.checkRoutes(r.route as unknown[], rule, [...path, "route"]);
    if (r.redirect !== undefined) checkRedirect(this, r.redirect, rule, [...path, "redirect"]);
    if (r.rewrite !== undefined) checkRewrite(this, r.rewrite, rule, [...path, "rewrite"]);
    if (r.timeout !== undefined) checkTimeout(this, r.timeout, rule, [...path, "timeout"]);
    if (r.retries !== undefined) checkRetries(this, r.retries, rule, [...path, "retries"]);
    checkMirrors(this, r, rule, path);
    if (r.corsPolicy !== undefined) checkCors(this, r.corsPolicy, rule, [...path, "corsPolicy"]);
    if (r.headers !== undefined) {
      const filters = headerOperations(this, r.headers, [...path, "headers"]);
      if (filters) rule.headerFilters.push(...filters);
    }
    return rule;
  }


  checkRoutes(routes: unknown[], rule: RuleIR, path: Path): void {
    if (routes.length > 16) this.f(path, "limit", `${routes.length} destinations; an HTTPRoute rule allows at most 16 backendRefs`);
    routes.forEach((d, j) => {
      const p: Path = [...path, j];
      if (!isObj(d)) return this.f(p, "invalid-value", "a route destination must be an object");
      for (const key of Object.keys(d)) {
        if (!["destination", "weight", "headers"].includes(key)) this.f([...p, key], "unknown-field", `route field ${key} is not known to this converter`);
      }
      if (!isObj(d.destination)) return this.f(p, "invalid-value", "destination is required");
      if (!this.checkDestination(d.destination, [...p, "destination"])) return;
      let weight: number | undefined;
      if (d.weight !== undefined) {
        if (typeof d.weight !== "number" || !Number.isInteger(d.weight) || d.weight < 0) return this.f([...p, "weight"], "invalid-value", "weight must be a non-negative integer");
        if (d.weight > 1000000) return this.f([...p, "weight"], "limit", "weight is above 1,000,000 (the HTTPRoute maximum)");
        weight = d.weight;
      }
      let headers: Obj | undefined;
      if (d.headers !== undefined) {
        const filters = headerOperations(this, d.headers, [...p, "headers"]);
        if (filters === null) return;
        if (filters.length) headers = { filters };
      }
      rule.backends.push({ path: p, dest: d.destination, weight, headers });
    });
    if (rule.backends.length > 1 && rule.backends.length === routes.length) {
      const sum = rule.backends.reduce((s, b) => s + (b.weight ?? 0), 0);
      if (sum === 0) this.f(path, "weights", "all destinations have weight 0 (or none), so the VirtualService routes nothing here; an HTTPRoute with all weights 0 returns 500");
    }
  }

  checkDestination(d: Obj, path: Path): boolean {
    let ok = true;
    for (const key of Object.keys(d)) {
      if (!["host", "subset", "port"].includes(key)) {
        this.f([...path, key], "unknown-field", `destination field ${key} is not known to this converter`);
        ok = false;
      }
    }
    if (typeof d.host !== "string") {
      this.f(path, "invalid-value", "destination.host is required");
      return false;
    }
    const parsed = parseServiceHost(d.host, this.o.domainSuffix);
    if (!parsed.ok && !this.serviceEntryOf(d.host, parsed.code)) {
      this.f([...path, "host"], parsed.code, `destination ${parsed.message}`);
      ok = false;
    }
    if (d.subset !== undefined && typeof d.subset !== "string") {
      this.f([...path, "subset"], "invalid-value", "subset must be a string");
      ok = false;
    }
    if (d.port !== undefined) {
      const n = isObj(d.port) ? d.port.number : undefined;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 65535) {
        this.f([...path, "port"], "invalid-value", "destination.port.number must be 1–65535");
        ok = false;
      }
    }
    return ok;
  }

}
