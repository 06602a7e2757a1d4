/**
 * The Gateway API version gates: one table (GATEWAY_API_GATES), the documented table matches it, the default is
 * the current standard release, and the `gatewayApi` setting is read and validated.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_GATEWAY_API,
  GATEWAY_API_GATES,
  gatewayApiSupports,
  readGatewayApiTarget,
  type GatewayApiFeature,
} from "../../lib/convert/virtualservice-to-httproute.js";
import { readSettings } from "../../lib/settings.js";

const doc = readFileSync(new URL("../../docs/rules/prefer-httproute.md", import.meta.url), "utf8");

describe("Gateway API gates", () => {
  it("the docs table lists every gate with the same releases and GEP", () => {
    const section = doc.slice(doc.indexOf("### Gateway API versions"));
    const rows = section
      .split("\n")
      .filter((l) => /^\| `/.test(l))
      .map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
    const fromDoc = rows.map(([, , standard, experimental, gep]) => ({ standard, experimental, gep }));
    const fromTable = Object.values(GATEWAY_API_GATES).map((g) => ({
      standard: g.standard ? `v${g.standard.join(".")}` : "—",
      experimental: `v${g.experimental.join(".")}`,
      gep: g.gep,
    }));
    expect(fromDoc).toEqual(fromTable);
  });

  it("each gate opens exactly at its release, in each channel", () => {
    for (const [feature, g] of Object.entries(GATEWAY_API_GATES) as [GatewayApiFeature, (typeof GATEWAY_API_GATES)[GatewayApiFeature]][]) {
      const [maj, min] = g.experimental;
      expect(gatewayApiSupports({ channel: "experimental", version: `${maj}.${min}` }, feature), feature).toBe(true);
      if (min > 0) expect(gatewayApiSupports({ channel: "experimental", version: `v${maj}.${min - 1}.9` }, feature), feature).toBe(false);
      if (g.standard) {
        expect(gatewayApiSupports({ channel: "standard", version: `${g.standard[0]}.${g.standard[1]}` }, feature), feature).toBe(true);
        expect(gatewayApiSupports({ channel: "standard", version: `${g.standard[0]}.${g.standard[1] - 1}` }, feature), feature).toBe(false);
      } else {
        expect(gatewayApiSupports({ channel: "standard", version: "1.99" }, feature), feature).toBe(false);
      }
    }
  });

  it("default: standard v1.6 (CORS yes, retries no)", () => {
    expect(DEFAULT_GATEWAY_API).toEqual({ channel: "standard", version: "1.6" });
    expect(gatewayApiSupports(undefined, "cors")).toBe(true);
    expect(gatewayApiSupports(undefined, "retry")).toBe(false);
  });
});

describe("the gatewayApi setting", () => {
  it("defaults to the current standard release", () => {
    expect(readSettings({}).gatewayApi).toEqual(DEFAULT_GATEWAY_API);
  });
  it("reads channel and version", () => {
    expect(readSettings({ "istio-ambient": { gatewayApi: { channel: "experimental", version: "v1.3.0" } } }).gatewayApi).toEqual({
      channel: "experimental",
      version: "v1.3.0",
    });
  });
  it("falls back to the default for an unusable value (when settings validation does not reject it first)", () => {
    expect(readGatewayApiTarget({ channel: "beta", version: "1.4" })).toEqual(DEFAULT_GATEWAY_API);
    expect(readGatewayApiTarget({ channel: "standard", version: "latest" })).toEqual(DEFAULT_GATEWAY_API);
    expect(readGatewayApiTarget("1.5")).toEqual(DEFAULT_GATEWAY_API);
  });
});
