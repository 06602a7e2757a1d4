/**
 * Schema validation of manifests with @kubernetes-models (Istio, Gateway API, Kubernetes core/apps).
 * Kinds without a model are skipped; a model's validation error is returned as a string.
 */
import * as yamlParser from "yaml-eslint-parser";

type Model = new (data: unknown) => { validate(): void };

const cache = new Map<string, Model | null>();

async function modelFor(apiVersion: string, kind: string): Promise<Model | null> {
  const key = `${apiVersion}/${kind}`;
  if (cache.has(key)) return cache.get(key)!;
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const candidates: string[] = [];
  if (group.endsWith("istio.io")) candidates.push(`@kubernetes-models/istio/${group}/${version}/${kind}`);
  else if (group.startsWith("gateway.networking")) candidates.push(`@kubernetes-models/gateway-api/${group}/${version}/${kind}`);
  else if (group === "") candidates.push(`kubernetes-models/${version}/${kind}`);
  else candidates.push(`kubernetes-models/${group}/${version}/${kind}`);
  let model: Model | null = null;
  for (const c of candidates) {
    try {
      const mod = (await import(c)) as Record<string, Model>;
      model = mod[kind] ?? null;
      if (model) break;
    } catch {
      // no model for this kind
    }
  }
  cache.set(key, model);
  return model;
}

export async function validateManifest(value: unknown): Promise<string[]> {
  if (typeof value !== "object" || value === null) return [];
  const v = value as Record<string, unknown>;
  if (v.kind === "List" && Array.isArray(v.items)) {
    return (await Promise.all(v.items.map(validateManifest))).flat();
  }
  if (typeof v.apiVersion !== "string" || typeof v.kind !== "string") return [];
  const model = await modelFor(v.apiVersion, v.kind);
  if (!model) return [];
  try {
    new model(v).validate();
    return [];
  } catch (error) {
    return [`${v.kind} ${String((v.metadata as Record<string, unknown> | undefined)?.name)}: ${(error as Error).message}`];
  }
}

export async function validateManifestText(text: string): Promise<string[]> {
  const ast = yamlParser.parseForESLint(text).ast;
  const out: string[] = [];
  for (const doc of ast.body) out.push(...(await validateManifest(yamlParser.getStaticYAMLValue(doc))));
  return out;
}
