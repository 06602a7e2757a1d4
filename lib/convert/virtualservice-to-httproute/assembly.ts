/**
 * Assembly: from the analysis to the HTTPRoute — dead matches, parents and ports, backends and version Services,
 * rules (redirect, rewrite splits, names), the precedence check, the CRD limits, and the output.
 */

import { findVersionService, formatLabels, versionServiceName } from "../subset-to-service.js";
import { sameLabels } from "../../k8s/selector.js";
import { Analysis, type VersionServicePlan } from "./analysis.js";
import { featureRequirement, gatewayApiSupports, targetLabel } from "./gateway-api.js";
import { parseServiceHost, pathStr, ruleRef, sanitizeSectionName, type ServiceHostRef } from "./hosts.js";
import { checkHttpRouteLimits } from "./limits.js";
import { compareKeys, describeMatch, emitMatch, matchCovers, matchesMayOverlap, precedenceKey, whyOutranks, type MatchIR } from "./match.js";
import { isMeshVirtualService, versionServiceFor } from "./public.js";
import { clone, isObj, str, type ConvertContext, type ConvertOutput, type ConvertProblem, type ConvertResult, type Obj, type Path, type ServiceEntryInfo, type ServiceInfo } from "./types.js";

const nsMatches = (a: string | undefined, b: string | undefined) => a === undefined || b === undefined || a === b;

interface OutRule {
  vsRule: number;
  matches: MatchIR[];
  rule: Obj;
}

export function convertVirtualService(vs: object, ctx: ConvertContext): ConvertResult {
  const a = new Analysis(vs as Obj, ctx);
  const problems = (): ConvertProblem[] => [...a.feature, ...a.context];
  const refused = (): ConvertResult => ({ result: null, problems: problems(), notes: a.notes });

  if (!isObj(vs)) return { result: null, problems: [{ path: [], code: "invalid-resource", message: "not an object" }], notes: [] };
  if (!isMeshVirtualService(vs)) {
    a.c(["spec", "gateways"], "not-mesh", `spec.gateways does not contain "mesh": this VirtualService configures ingress/egress gateways, not mesh traffic (use ingress2gateway for gateway routes)`);
  }
  if (!a.checkResource()) return refused();
  a.checkRules();

  const vsNs = a.o.vsNs;
  const domain = a.o.domainSuffix;
  const services = (ctx.services ?? []).filter((s) => !s.differingCopies);
  const differing = (name: string, ns: string | undefined) => (ctx.services ?? []).find((s) => s.differingCopies && s.name === name && nsMatches(s.namespace, ns));
  const subsets = ctx.subsets ?? [];

  const findService = (name: string, ns: string | undefined): ServiceInfo | undefined => {
    const candidates = services.filter((s) => s.name === name && nsMatches(s.namespace, ns));
    return candidates.find((s) => s.namespace === ns) ?? candidates[0];
  };
  const resolveNs = (ref: ServiceHostRef) => ref.namespace ?? vsNs;

  // --- rules that take part, dead matches --------------------------------------------------------------------
  const live = a.rules.filter((r) => !r.notForMesh);
  for (const r of live) r.matches = r.matches.filter((m) => m.mesh);
  const seen: MatchIR[] = [];
  for (const r of live) {
    const kept: MatchIR[] = [];
    const dead: Array<{ m: MatchIR; by: MatchIR }> = [];
    for (const m of r.matches) {
      const by = m.ok ? seen.find((s) => s.ok && matchCovers(s, m)) ?? kept.find((s) => s.ok && matchCovers(s, m)) : undefined;
      if (by) dead.push({ m, by });
      else kept.push(m);
    }
    if (kept.length === 0) {
      const by = dead[0].by;
      a.notes.push(
        `${ruleRef(r.index)} is unreachable: every request it matches is taken first by ${by.index === null ? ruleRef(by.rule) : `${ruleRef(by.rule)}.match[${by.index}]`} (${describeMatch(by)}); it is dropped (in an HTTPRoute it could win by precedence)`,
      );
    } else {
      for (const d of dead) {
        a.notes.push(
          `${pathStr(d.m.path)} is unreachable: every request it matches is taken first by ${d.by.index === null ? ruleRef(d.by.rule) : `${ruleRef(d.by.rule)}.match[${d.by.index}]`}; it is dropped`,
        );
      }
    }
    r.matches = kept;
    seen.push(...kept);
  }
  const active = live.filter((r) => r.matches.length > 0);
  if (active.length === 0 && a.feature.length === 0) {
    a.c(["spec", "http"], "no-http-routes", "no http rule applies to mesh traffic");
  }

  // --- parents and ports ----------------------------------------------------------------------------------------
  // A ServiceEntry parent reads like a Service with the ServiceEntry's ports (for parentRef.port and backend ports).
  const parentServices = a.parents.map((p) =>
    p.entry ? ({ name: p.entry.name, selector: null, ports: p.entry.ports.map((port) => ({ port })) } as ServiceInfo) : findService(p.ref.name, resolveNs(p.ref)),
  );
  a.parents.forEach((p, k) => {
    const svc = parentServices[k];
    if (svc && (svc.type === "ExternalName" || svc.clusterIP === "None")) {
      a.c(p.path, "service-not-clusterip", `Service ${svc.name} is ${svc.type === "ExternalName" ? "an ExternalName Service" : "headless"}; GAMMA parents must be ClusterIP Services`);
    }
  });
  const allMatches = active.flatMap((r) => r.matches);
  const explicitPorts = [...new Set(allMatches.filter((m) => m.port !== undefined).map((m) => m.port as number))];
  const parentPorts: Array<number | undefined> = a.parents.map(() => undefined);
  let portFromMatch = false;
  if (explicitPorts.length > 1) {
    const m = allMatches.find((x) => x.port !== undefined && x.port !== explicitPorts[0]) as MatchIR;
    a.c([...m.path, "port"], "mixed-ports", `matches use ports ${explicitPorts.join(" and ")}; one HTTPRoute attaches to one parentRef port (parentRef.port applies to every rule), so mixed ports cannot be kept in one route`);
  } else if (explicitPorts.length === 1) {
    const P = explicitPorts[0];
    const withoutPort = allMatches.filter((m) => m.port === undefined);
    if (withoutPort.length > 0) {
      const allSinglePortP = a.parents.every((_, k) => parentServices[k]?.ports.length === 1 && parentServices[k]?.ports[0].port === P);
      if (!allSinglePortP) {
        const w = withoutPort[0];
        a.c(
          w.path,
          "mixed-ports",
          `${w.index === null ? ruleRef(w.rule) : pathStr(w.path)} applies to every port while other matches are limited to port ${P}; one HTTPRoute attaches to one parentRef port, so both cannot be kept`,
        );
      }
    }
    a.parents.forEach((p, k) => {
      parentPorts[k] = P;
      const svc = parentServices[k];
      if (svc && svc.ports.length > 0 && !svc.ports.some((sp) => sp.port === P)) {
        const m = allMatches.find((x) => x.port === P) as MatchIR;
        a.c([...m.path, "port"], "port-not-on-service", `port ${P} is not a port of Service ${svc.name}`);
      }
    });
    portFromMatch = true;
  } else {
    a.parents.forEach((_, k) => {
      const svc = parentServices[k];
      if (svc && svc.ports.length === 1) parentPorts[k] = svc.ports[0].port;
    });
  }
  if (!a.supports("parentRefPort")) {
    if (portFromMatch && parentPorts.some((p) => p !== undefined)) {
      const m = allMatches.find((x) => x.port !== undefined) as MatchIR;
      a.c([...m.path, "port"], "unsupported-in-channel", `a port match: not in Gateway API ${targetLabel(a.o.target)} (${featureRequirement("parentRefPort")})`);
    }
    parentPorts.fill(undefined);
  }
  const distinctParentPorts = [...new Set(parentPorts)];
  const listenerPort = distinctParentPorts.length === 1 ? distinctParentPorts[0] : undefined;

  // --- backends ----------------------------------------------------------------------------------------------
  const versionServices = new Map<string, VersionServicePlan>();
  const versionNames = new Map<string, string>(); // name/ns → key
  const hostPolicyNoted = new Set<string>();

  // A ServiceEntry host: a `Hostname` backendRef (group networking.istio.io), which Istio turns into the
  // destination `{host, port}` (pilot/pkg/config/kube/gateway/conversion.go); it needs a port and no namespace.
  const hostnameBackendRef = (dest: Obj, path: Path, entry: ServiceEntryInfo): Obj | null => {
    const host = String(dest.host).toLowerCase();
    if (dest.subset !== undefined) {
      a.c([...path, "subset"], "unknown-subset", `subset ${String(dest.subset)} of ServiceEntry host ${host}: a backendRef names a host, not a subset`);
      return null;
    }
    let port = isObj(dest.port) && typeof dest.port.number === "number" ? dest.port.number : undefined;
    if (port === undefined) {
      if (entry.ports.length === 1) port = entry.ports[0];
      else if (listenerPort !== undefined && entry.ports.includes(listenerPort) && a.parents.some((p) => p.entry === entry)) port = listenerPort;
    }
    if (port === undefined) {
      a.c(path, "backend-port", `destination ${host} has no port and ServiceEntry ${entry.name} has ${entry.ports.length} (a backendRef needs one)`);
      return null;
    }
    if (!entry.ports.includes(port)) {
      a.c(isObj(dest.port) ? [...path, "port"] : path, "port-not-on-service", `port ${port} is not a port of ServiceEntry ${entry.name}`);
      return null;
    }
    return { group: "networking.istio.io", kind: "Hostname", name: host, port };
  };

  const backendRef = (dest: Obj, path: Path): Obj | null => {
    const parsed = parseServiceHost(String(dest.host), domain);
    if (!parsed.ok) {
      const entry = a.serviceEntryOf(String(dest.host), parsed.code);
      return entry ? hostnameBackendRef(dest, path, entry) : null; // else reported by the feature checks
    }
    const ref = parsed.ref;
    const ns = resolveNs(ref);
    const svc = findService(ref.name, ns);
    const destPort = isObj(dest.port) && typeof dest.port.number === "number" ? dest.port.number : undefined;
    let name = ref.name;
    const subsetName = typeof dest.subset === "string" ? dest.subset : undefined;
    let ok = true;

    if (subsetName !== undefined) {
      const subset = subsets.find((s) => {
        if (s.name !== subsetName) return false;
        const sp = parseServiceHost(s.host, domain);
        return sp.ok && sp.ref.name === ref.name && nsMatches(sp.ref.namespace ?? s.namespace, ns);
      });
      const sp: Path = [...path, "subset"];
      if (!svc) {
        ok = false;
        const copies = differing(ref.name, ns);
        a.c(
          sp,
          "unknown-service",
          copies
            ? `the ${copies.differingCopies!.length} copies of Service ${ref.name} outside this unit differ, so version Service ${versionServiceName(ref.name, subsetName).name} cannot be built`
            : `Service ${ref.name}${ns ? ` in namespace ${ns}` : ""} is unknown (needed for version Service ${versionServiceName(ref.name, subsetName).name})`,
        );
      } else if (!svc.selector || Object.keys(svc.selector).length === 0) {
        ok = false;
        a.c(sp, "service-without-selector", `Service ${svc.name} has no selector, so a version Service for subset ${subsetName} cannot select its pods`);
      } else if (svc.type === "ExternalName" || svc.clusterIP === "None") {
        ok = false;
        a.c(sp, "service-not-clusterip", `Service ${svc.name} is ${svc.type === "ExternalName" ? "an ExternalName Service" : "headless"}; a version Service cannot be derived from it`);
      }
      if (!subset) {
        ok = false;
        a.c(sp, "unknown-subset", `subset ${subsetName} of ${dest.host} is not defined in any known DestinationRule, so its labels are unknown`);
      } else if (subset.trafficPolicy !== undefined) {
        ok = false;
        a.c(sp, "subset-traffic-policy", `subset ${subsetName} has its own trafficPolicy, which would not follow traffic to the version Service; move it to a DestinationRule for the version Service first`);
      }
      const vname = versionServiceName(ref.name, subsetName);
      const vns = svc?.namespace ?? ref.namespace;
      const identity = `${ref.name}/${ns ?? ""}/${subsetName}`;
      // A Service of any name that already selects exactly the base selector plus the subset's labels (and has
      // the base's ports) stands in for the subset: it is reused, and nothing is generated for it.
      const reusable = svc && subset && svc.selector ? reusableVersionService(services, svc, { ...svc.selector, ...subset.labels }, subset.labels, vname.name, vns) : undefined;
      if (!vname.valid && !reusable) {
        ok = false;
        a.c(sp, "version-service-name", `version Service name "${vname.name}" is ${vname.name.length > 63 ? "over 63 characters" : "no DNS-1035 label"}`);
      }
      if (ok && svc && subset && svc.selector && Object.entries(subset.labels).every(([k, v]) => svc.selector?.[k] === v)) {
        ok = false;
        a.c(
          sp,
          "subset-adds-no-labels",
          `subset ${subsetName} adds no label to Service ${svc.name}'s selector (labels set at run time, e.g. by Argo Rollouts)`,
        );
      }
      if (ok && svc && subset) {
        for (const [k, v] of Object.entries(subset.labels)) {
          if (svc.selector && k in svc.selector && svc.selector[k] !== v) {
            ok = false;
            a.c(sp, "selector-conflict", `subset ${subsetName} label ${k}=${v} contradicts Service ${svc.name} selector ${k}=${svc.selector[k]}: the subset selects no pod of the Service`);
          }
        }
      }
      if (ok && svc && subset) {
        let plan = versionServices.get(identity);
        if (!plan) {
          const wantSelector = { ...(svc.selector ?? {}), ...subset.labels };
          if (reusable) {
            plan = { key: identity, name: reusable.name, namespace: vns, manifest: null, reused: reusable };
            a.notes.push(
              `Service ${reusable.name}${reusable.where ? ` (${reusable.where})` : ""} already selects ${formatLabels(wantSelector)}; it is reused for subset ${subsetName} of ${ref.name}`,
            );
          } else {
            const taken = services.find((s) => s.name === vname.name && nsMatches(s.namespace, vns));
            if (taken) {
              ok = false;
              a.c(
                sp,
                "version-service-conflict",
                sameSelector(taken.selector, wantSelector)
                  ? `Service ${vname.name} already exists but lacks ports of Service ${svc.name}`
                  : `Service ${vname.name} already exists but does not select ${JSON.stringify(wantSelector)}; it cannot stand in for subset ${subsetName}`,
              );
            } else {
              const manifest = versionServiceFor(svc, subset, vns);
              if (manifest) plan = { key: identity, name: vname.name, namespace: vns, manifest };
              else {
                ok = false;
                a.c(sp, "service-without-selector", `a version Service for subset ${subsetName} cannot be built from Service ${svc.name} (it needs a selector and ports)`);
              }
            }
          }
          if (plan) {
            const nameKey = `${vns ?? ""}/${plan.name}`;
            const other = versionNames.get(nameKey);
            if (other !== undefined && other !== identity && plan.manifest) {
              ok = false;
              a.c(sp, "version-service-conflict", `version Service ${plan.name} would be generated for two different subsets`);
              plan = undefined;
            } else {
              versionNames.set(nameKey, identity);
              versionServices.set(identity, plan);
            }
          }
        }
        if (subset.hostTrafficPolicy !== undefined && !hostPolicyNoted.has(`${ref.name}/${ns ?? ""}`)) {
          hostPolicyNoted.add(`${ref.name}/${ns ?? ""}`);
          a.notes.push(
            `the DestinationRule for ${ref.name} has a trafficPolicy; it applies to host ${ref.name} only, not to the version Services that now receive the traffic — add DestinationRules for them or accept the change`,
          );
        }
        if (plan) name = plan.name;
      }
    }
    // port (Istio GetDestinationCluster: destination.port, else the Service's only port, else the listener port)
    let port: number | undefined = destPort;
    if (subsetName !== undefined && !svc) return null; // unknown-service already says the Service is missing
    if (port === undefined) {
      if (svc && svc.ports.length === 1) port = svc.ports[0].port;
      else if (svc && listenerPort !== undefined && svc.ports.some((p) => p.port === listenerPort)) port = listenerPort;
      else if (!svc && listenerPort !== undefined && a.parents.some((p) => p.ref.name === ref.name && resolveNs(p.ref) === ns)) port = listenerPort;
    }
    if (port === undefined) {
      ok = false;
      a.c(
        path,
        "backend-port",
        svc
          ? `destination ${dest.host} has no port and Service ${svc.name} has ${svc.ports.length} (a backendRef needs one)`
          : `destination ${dest.host} needs a port (Service ${ref.name} is unknown)`,
      );
    } else if (svc && svc.ports.length > 0 && !svc.ports.some((p) => p.port === port)) {
      ok = false;
      a.c(destPort !== undefined ? [...path, "port"] : path, "port-not-on-service", `port ${port} is not a port of Service ${svc.name}`);
    }

    if (!ok || port === undefined) return null;
    const out: Obj = { name };
    if (ref.namespace !== undefined && ref.namespace !== vsNs) out.namespace = ref.namespace;
    out.port = port;
    return out;
  };

  // --- assemble rules ------------------------------------------------------------------------------------------
  const outRules: OutRule[] = [];
  for (const r of active) {
    const backendRefs: Obj[] = [];
    let backendsOk = true;
    for (const b of r.backends) {
      const ref = backendRef(b.dest, [...b.path, "destination"]);
      if (!ref) {
        backendsOk = false;
        continue;
      }
      if (r.backends.length > 1) ref.weight = b.weight ?? 0;
      if (b.headers) Object.assign(ref, b.headers);
      backendRefs.push(ref);
    }
    const mirrorFilters: Obj[] = [];
    for (const m of r.mirrors) {
      const ref = backendRef(m.dest, m.path);
      if (!ref) continue;
      const mirror: Obj = { backendRef: ref };
      if (m.percent !== undefined && gatewayApiSupports(a.o.target, "mirrorPercent")) {
        if (Number.isInteger(m.percent)) mirror.percent = m.percent;
        else {
          let k = 1;
          while (k <= 6 && Math.abs(m.percent * 10 ** k - Math.round(m.percent * 10 ** k)) > 1e-9) k++;
          if (k > 6) {
            a.c(m.percentPath ?? m.path, "mirror", `mirror percentage ${m.percent} has more than 6 decimals`);
            continue;
          }
          mirror.fraction = { numerator: Math.round(m.percent * 10 ** k), denominator: 100 * 10 ** k };
        }
      }
      mirrorFilters.push({ type: "RequestMirror", requestMirror: mirror });
    }
    if (!backendsOk) continue;

    let redirectFilter: Obj | undefined;
    if (r.redirect) {
      redirectFilter = clone(r.redirect.filter);
      if (r.redirect.needsRequestPort) {
        if (listenerPort === undefined) {
          a.c([...r.redirect.path, "derivePort"], "redirect", "derivePort FROM_REQUEST_PORT with a scheme needs the request port, which is not a single known port here");
        } else redirectFilter.port = listenerPort;
      }
    }

    const common = (filters: Obj[]): Obj => {
      const rule: Obj = {};
      const all = [...r.headerFilters, ...filters, ...mirrorFilters];
      if (r.corsFilter) all.push(r.corsFilter);
      if (all.length) rule.filters = all;
      if (!redirectFilter && backendRefs.length) rule.backendRefs = clone(backendRefs);
      if (r.timeouts) rule.timeouts = { ...r.timeouts };
      if (r.retry) rule.retry = clone(r.retry);
      return rule;
    };
    const withMatches = (ms: MatchIR[], rule: Obj): Obj => {
      const isCatchAll = ms.length === 1 && ms[0].uri.implicit && !ms[0].method && !ms[0].headers.length && !ms[0].query.length;
      return isCatchAll ? rule : { matches: ms.map(emitMatch), ...rule };
    };

    const urlRewriteBase: Obj = {};
    if (r.rewrite?.authority) urlRewriteBase.hostname = r.rewrite.authority;
    if (redirectFilter) {
      outRules.push({ vsRule: r.index, matches: r.matches, rule: withMatches(r.matches, common([{ type: "RequestRedirect", requestRedirect: redirectFilter }])) });
    } else if (r.rewrite?.uri !== undefined) {
      // ReplacePrefixMatch needs exactly one PathPrefix match per rule: split, keeping match order.
      const groups: Array<{ prefix: boolean; ms: MatchIR[] }> = [];
      for (const m of r.matches) {
        const isPrefix = m.uri.kind === "prefix" && !m.uri.implicit && m.uri.value !== "/";
        if (isPrefix || groups.length === 0 || groups[groups.length - 1].prefix) groups.push({ prefix: isPrefix, ms: [m] });
        else groups[groups.length - 1].ms.push(m);
      }
      let firstFull = true;
      for (const g of groups) {
        const rw = {
          ...urlRewriteBase,
          path: g.prefix ? { type: "ReplacePrefixMatch", replacePrefixMatch: r.rewrite.uri } : { type: "ReplaceFullPath", replaceFullPath: r.rewrite.uri },
        };
        const rule = withMatches(g.ms, common([{ type: "URLRewrite", urlRewrite: rw }]));
        let suffix: string | null = null;
        if (g.prefix) suffix = `prefix-${g.ms[0].index ?? 0}`;
        else if (!firstFull) suffix = String(g.ms[0].index ?? 0);
        if (!g.prefix) firstFull = false;
        outRules.push({ vsRule: r.index, matches: g.ms, rule: Object.assign(rule, { __nameSuffix: suffix }) });
      }
      if (groups.length > 1) a.notes.push(`${ruleRef(r.index)} is split into ${groups.length} rules: a ReplacePrefixMatch rewrite needs exactly one PathPrefix match per rule`);
    } else {
      const filters: Obj[] = [];
      if (r.rewrite?.fullPath !== undefined || r.rewrite?.authority !== undefined) {
        const rw: Obj = { ...urlRewriteBase };
        if (r.rewrite.fullPath !== undefined) rw.path = { type: "ReplaceFullPath", replaceFullPath: r.rewrite.fullPath };
        filters.push({ type: "URLRewrite", urlRewrite: rw });
      }
      outRules.push({ vsRule: r.index, matches: r.matches, rule: withMatches(r.matches, common(filters)) });
    }
  }

  // rule names
  const names = new Set<string>();
  let namesDropped = false;
  for (const o of outRules) {
    const suffix = o.rule.__nameSuffix as string | null | undefined;
    delete o.rule.__nameSuffix;
    const vsName = a.rules.find((r) => r.index === o.vsRule)?.name;
    if (vsName === undefined) continue;
    if (!a.supports("ruleName")) {
      namesDropped = true;
      continue;
    }
    let base = sanitizeSectionName(suffix ? `${vsName}-${suffix}` : vsName);
    if (!base) {
      a.notes.push(`${ruleRef(o.vsRule)}.name "${vsName}" cannot be made a valid rule name; it is dropped`);
      continue;
    }
    if (base !== (suffix ? `${vsName}-${suffix}` : vsName)) a.notes.push(`${ruleRef(o.vsRule)}.name "${vsName}" becomes rule name "${base}"`);
    let n = base;
    for (let k = 2; names.has(n); k++) n = `${base}-${k}`.slice(0, 253);
    names.add(n);
    base = n;
    o.rule = { name: base, ...o.rule };
  }
  if (namesDropped) a.notes.push(`rule names are dropped: ${featureRequirement("ruleName")} (target ${targetLabel(a.o.target)})`);

  // --- precedence ------------------------------------------------------------------------------------------------
  const flat = outRules.flatMap((o, oi) => o.matches.map((m) => ({ m, oi })));
  const action = (oi: number) => {
    const { matches: _m, name: _n, ...rest } = outRules[oi].rule as Obj;
    return JSON.stringify(rest);
  };
  const reported = new Set<string>();
  for (let q = 0; q < flat.length; q++) {
    for (let p = 0; p < q; p++) {
      const A = flat[p];
      const B = flat[q];
      if (A.oi === B.oi || !A.m.ok || !B.m.ok) continue;
      if (compareKeys(precedenceKey(B.m), precedenceKey(A.m)) <= 0) continue;
      if (!matchesMayOverlap(A.m, B.m)) continue;
      if (action(A.oi) === action(B.oi)) continue;
      const pairKey = `${A.m.rule}:${A.m.index}/${B.m.rule}:${B.m.index}`;
      if (reported.has(pairKey)) continue;
      reported.add(pairKey);
      const earlier = A.m.index === null ? ruleRef(A.m.rule) : `${ruleRef(A.m.rule)}.match[${A.m.index}]`;
      const later = B.m.index === null ? ruleRef(B.m.rule) : `${ruleRef(B.m.rule)}.match[${B.m.index}]`;
      a.c(
        B.m.path,
        "precedence",
        `${earlier} (${describeMatch(A.m)}) and ${later} (${describeMatch(B.m)}) can both match a request; the VirtualService uses ${earlier} (first match wins) but HTTPRoute precedence would pick ${later} because ${whyOutranks(B.m, A.m)}`,
      );
    }
  }

  if (a.feature.length || a.context.length) return refused();

  // --- the route ---------------------------------------------------------------------------------------------------
  const md = isObj((vs as Obj).metadata) ? ((vs as Obj).metadata as Obj) : {};
  const metadata: Obj = { name: str(md.name) ?? "virtualservice" };
  if (typeof md.namespace === "string") metadata.namespace = md.namespace;
  const parentRefs: Obj[] = [];
  const parentKeys = new Set<string>();
  a.parents.forEach((p, k) => {
    const key = p.entry ? `ServiceEntry/${p.entry.name}/${parentPorts[k] ?? ""}` : `${p.ref.name}/${resolveNs(p.ref) ?? ""}/${parentPorts[k] ?? ""}`;
    if (parentKeys.has(key)) return;
    parentKeys.add(key);
    // A ServiceEntry of the VirtualService's namespace: the parentRef needs none.
    const ref: Obj = p.entry ? { group: "networking.istio.io", kind: "ServiceEntry", name: p.entry.name } : { group: "", kind: "Service", name: p.ref.name };
    if (!p.entry && p.ref.namespace !== undefined && p.ref.namespace !== vsNs) ref.namespace = p.ref.namespace;
    if (parentPorts[k] !== undefined) ref.port = parentPorts[k];
    parentRefs.push(ref);
  });
  const route = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata,
    spec: { parentRefs, rules: outRules.map((o) => o.rule) },
  };
  for (const v of checkHttpRouteLimits(route, a.o.target)) {
    const ruleIdx = v.path[0] === "spec" && v.path[1] === "rules" && typeof v.path[2] === "number" ? outRules[v.path[2]]?.vsRule : undefined;
    a.c(ruleIdx !== undefined ? ["spec", "http", ruleIdx] : ["spec", "http"], "limit", `the HTTPRoute would be invalid: ${pathStr(v.path)} ${v.message}`);
  }
  if (a.context.length) return refused();

  const gens = [...versionServices.values()].filter((v) => v.manifest);
  if (gens.length) {
    a.notes.push(`telemetry now reports destination_service=${gens.map((g) => g.name).join(", ")} instead of the base Service for subset traffic`);
  }
  let remaining: Obj | null = null;
  if (!a.meshOnly) {
    remaining = clone(vs as Obj);
    const spec = remaining.spec as Obj;
    spec.gateways = (spec.gateways as unknown[]).filter((g) => g !== "mesh");
    a.notes.push(`the VirtualService is also bound to ${(spec.gateways as unknown[]).join(", ")}: keep it with "mesh" removed from spec.gateways for that traffic`);
  }
  const output: ConvertOutput = {
    httpRoutes: [route],
    versionServices: gens.map((g) => g.manifest as object),
    reusedServices: [...versionServices.values()].flatMap((v) =>
      v.reused ? [{ name: v.reused.name, ...(v.namespace ? { namespace: v.namespace } : {}), ...(v.reused.where ? { where: v.reused.where } : {}), subset: v.key.split("/")[2] }] : [],
    ),
    remainingVirtualService: remaining,
    notes: a.notes,
  };
  return { result: output, problems: [], notes: a.notes };
}

function sameSelector(a: Record<string, string> | null, b: Record<string, string>): boolean {
  return a !== null && sameLabels(a, b);
}

/**
 * An existing Service that can stand in for a subset, found as no-destinationrule-subsets finds it
 * (`findVersionService`: any name but the base's, the version Service's namespace or unknown, exactly `selector`,
 * the one named `<host>-<subset>` first, else the first found), among the ClusterIP Services that have every
 * port of the base (a Service whose ports are unknown counts).
 */
function reusableVersionService(
  services: readonly ServiceInfo[],
  base: ServiceInfo,
  selector: Record<string, string>,
  subsetLabels: Record<string, string>,
  preferredName: string,
  namespace: string | undefined,
): ServiceInfo | undefined {
  const usable = services
    .filter(
      (s) =>
      s.type !== "ExternalName" &&
      s.clusterIP !== "None" &&
      (s.ports.length === 0 || base.ports.every((bp) => s.ports.some((p) => p.port === bp.port))),
    )
    .map((s) => ({ ...s, namespace: s.namespace }));
  const match = findVersionService(usable, { baseName: base.name, namespace, expectedName: preferredName, expectedSelector: selector, subsetLabels });
  return match.status === "exists" ? match.service : undefined;
}
