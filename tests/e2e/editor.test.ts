/**
 * An editor-style session through ESLint's Node API in one long-lived process: lint file A, change, add,
 * rename and delete file B on disk (and edit A without saving), lint A again, and see the cross-file verdict
 * follow. The verdict used here: whether prefer-httproute can convert A's VirtualService, which needs the
 * Service and DestinationRule that live in B.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ESLint } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import plugin from "../../index.js";
import { clearIndexCache } from "../../lib/index/index.js";

const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: bookinfo
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
`;

const SERVICE_AND_DR = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: reviews
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: bookinfo
spec:
  host: reviews
  subsets:
  - name: v1
    labels:
      version: v1
`;

describe("editor session: cross-file verdicts follow the files on disk and the unsaved buffer", () => {
  let root: string;
  let eslint: ESLint;
  const a = () => path.join(root, "apps/bookinfo/routing.yaml");
  const b = (name = "service.yaml") => path.join(root, "apps/bookinfo", name);

  async function verdict(text?: string): Promise<string> {
    const results = text === undefined ? await eslint.lintFiles([a()]) : await eslint.lintText(text, { filePath: a() });
    const main = results[0].messages.find((m) => m.ruleId === "istio-ambient/prefer-httproute" && m.line === 2);
    if (!main) return "no report";
    if (main.suggestions?.length) return "convertible";
    return /not known|is unknown/.test(main.message) ? "service unknown" : /selector/.test(main.message) ? "no selector" : main.message;
  }

  beforeAll(() => {
    clearIndexCache();
    root = fs.mkdtempSync(path.join(os.tmpdir(), "istio-ambient-editor-"));
    fs.mkdirSync(path.join(root, ".git"));
    fs.mkdirSync(path.join(root, "apps/bookinfo"), { recursive: true });
    fs.writeFileSync(a(), VS);
    // revalidateMs: 0 = check the files on every lint, as an editor integration would configure it.
    eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [plugin.configs.recommended, { settings: { "istio-ambient": { revalidateMs: 0 } } }],
    });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("follows B being added, changed, renamed and deleted", async () => {
    expect(await verdict()).toBe("service unknown");

    fs.writeFileSync(b(), SERVICE_AND_DR);
    expect(await verdict()).toBe("convertible");

    fs.writeFileSync(b(), SERVICE_AND_DR.replace("  selector:\n    app: reviews\n", ""));
    expect(await verdict()).toBe("no selector");

    fs.writeFileSync(b(), SERVICE_AND_DR);
    fs.renameSync(b(), b("renamed.yaml"));
    expect(await verdict()).toBe("convertible");

    fs.rmSync(b("renamed.yaml"));
    expect(await verdict()).toBe("service unknown");
  });

  it("uses A's unsaved text: a Service typed into A's buffer counts before it is saved", async () => {
    const unsaved = SERVICE_AND_DR + "---\n" + VS;
    const results = await eslint.lintText(unsaved, { filePath: a() });
    const main = results[0].messages.find((m) => m.ruleId === "istio-ambient/prefer-httproute" && m.message.includes("routes mesh traffic"));
    expect(main?.suggestions?.length).toBe(1);
    // On disk A still has only the VirtualService.
    expect(await verdict()).toBe("service unknown");
  });
});
