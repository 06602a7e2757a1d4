import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readSettings, type PluginSettings } from "../../lib/settings.js";
import { getIndex, type RepoIndex } from "../../lib/index/index.js";

export const REPOS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/repos");

export function repo(name: string): string {
  return path.join(REPOS, name);
}

/** Normalised plugin settings from a raw `settings["istio-ambient"]` object. */
export function settings(raw: Record<string, unknown> = {}): PluginSettings {
  return readSettings({ "istio-ambient": raw });
}

/** Settings of the external-waypoint fixture: the waypoints live outside the repository. */
export const EXTERNAL_WAYPOINT_SETTINGS = {
  assumeExists: [
    { kind: "Gateway", name: "waypoint", namespace: "orders" },
    { kind: "Gateway", name: "shared", namespace: "istio-waypoints", serviceAccount: "shared-waypoint" },
    { kind: "Service", name: "payments-*", namespace: "payments" },
    { kind: "Service", name: "ledger", namespace: "billing" },
  ],
};

/** The index of a fixture repository (root passed explicitly: the fixtures sit inside this repo's .git). */
export function fixtureIndex(name: string, raw: Record<string, unknown> = {}, file = "x.yaml"): RepoIndex {
  const root = repo(name);
  return getIndex({ filename: path.join(root, file), cwd: root, settings: settings({ root, revalidateMs: -1, ...raw }) });
}

export function tmpDir(prefix = "istio-ambient-index-"): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** Writes files (relative path → text) below a directory, creating parents. */
export function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  }
}

export function service(name: string, namespace?: string, selector: Record<string, string> = { app: name }): string {
  const ns = namespace ? `\n  namespace: ${namespace}` : "";
  const sel = Object.entries(selector)
    .map(([k, v]) => `\n    ${k}: ${v}`)
    .join("");
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}${ns}\nspec:\n  selector:${sel}\n  ports:\n    - port: 80\n`;
}

export function names(records: readonly { name: string }[]): string[] {
  return records.map((r) => r.name).sort();
}
