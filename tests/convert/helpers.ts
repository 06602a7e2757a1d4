/**
 * Test helpers for the VirtualService → HTTPRoute converter: YAML loading and output validation
 * (Gateway API / Kubernetes JSON schemas via @kubernetes-models, plus the CEL rules in checkHttpRouteLimits).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import { TCPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1alpha2/TCPRoute";
import { Service } from "kubernetes-models/v1/Service";
import * as yamlParser from "yaml-eslint-parser";
import {
  checkHttpRouteLimits,
  contextFromManifests,
  type ConvertContext,
  type ConvertResult,
  type GatewayApiTarget,
} from "../../lib/convert/virtualservice-to-httproute.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(here, "../fixtures/convert");

/** Plain values of every document of a YAML text (`kind: List` items unwrapped); throws on a syntax error. */
export function parseManifests(text: string): unknown[] {
  const ast = yamlParser.parseForESLint(text).ast;
  const out: unknown[] = [];
  for (const doc of ast.body) {
    const v = yamlParser.getStaticYAMLValue(doc) as unknown;
    if (v && typeof v === "object" && (v as Record<string, unknown>).kind === "List" && Array.isArray((v as Record<string, unknown>).items)) {
      out.push(...((v as Record<string, unknown>).items as unknown[]));
    } else if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

export function loadFixture(name: string): { docs: unknown[]; vs: Record<string, unknown>; ctx: ConvertContext } {
  const docs = parseManifests(readFileSync(path.join(FIXTURES, name), "utf8"));
  const vs = docs.find((d) => (d as Record<string, unknown>).kind === "VirtualService") as Record<string, unknown>;
  return { docs, vs, ctx: { ...contextFromManifests(docs) } };
}

/** Schema + CEL validation of a conversion's output; [] when everything is valid. */
export function validateOutput(res: ConvertResult, target?: GatewayApiTarget): string[] {
  const errors: string[] = [];
  if (!res.result) return errors;
  for (const route of res.result.httpRoutes) {
    try {
      new HTTPRoute(route as never).validate();
    } catch (e) {
      errors.push(`HTTPRoute schema: ${(e as Error).message}`);
    }
    for (const v of checkHttpRouteLimits(route, target)) errors.push(`HTTPRoute CEL: ${v.path.join(".")} ${v.message}`);
  }
  for (const route of res.result.tcpRoutes ?? []) {
    // The models package has the v1alpha2 TCPRoute schema; v1 keeps its spec and allows one rule.
    try {
      new TCPRoute({ ...(route as object), apiVersion: "gateway.networking.k8s.io/v1alpha2" } as never).validate();
    } catch (e) {
      errors.push(`TCPRoute schema: ${(e as Error).message}`);
    }
    const rules = ((route as { spec?: { rules?: unknown[] } }).spec?.rules ?? []).length;
    if (rules !== 1) errors.push(`TCPRoute CEL: spec.rules must hold exactly one rule (has ${rules})`);
  }
  for (const svc of res.result.versionServices) {
    try {
      new Service(svc as never).validate();
    } catch (e) {
      errors.push(`Service schema: ${(e as Error).message}`);
    }
  }
  return errors;
}

/** Value at a path inside an object (undefined when absent). */
export function getIn(obj: unknown, p: (string | number)[]): unknown {
  let cur: unknown = obj;
  for (const k of p) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}
