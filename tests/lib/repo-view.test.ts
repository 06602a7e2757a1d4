import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, it } from "vitest";
import { parseForESLint } from "yaml-eslint-parser";
import type { AST } from "yaml-eslint-parser";
import { clearIndexCache, getIndex } from "../../lib/index/index.js";
import { readSettings } from "../../lib/settings.js";
import { resourcesOf, type Resource } from "../../lib/yaml/documents.js";
import { inNamespaceOf, relativeTo, repoView, surelyInNamespaceOf, waypointNames, type ViewContext } from "../../lib/index/view.js";

const UPGRADES = fileURLToPath(new URL("../fixtures/repos/upgrades", import.meta.url));

/** A view of `text` linted as `file` with the index rooted at `root` (what `createRule` hands a rule). */
function view(text: string, file: string, root: string) {
  const settings = readSettings({ "istio-ambient": { root, revalidateMs: -1 } });
  const resources = resourcesOf(parseForESLint(text).ast as unknown as AST.YAMLProgram);
  const repo = () => getIndex({ filename: file, cwd: root, settings, currentText: text });
  const recordOf = (r: Resource) =>
    repo()
      .inFile(file)
      .find((x) => x.documentIndex === r.documentIndex && (x.listIndex ?? null) === r.listIndex);
  const ctx: ViewContext = { resources, repo, recordOf, namespaceOf: (r) => r.namespace ?? recordOf(r)?.namespace };
  return repoView(ctx);
}

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: local
  namespace: bookinfo
spec:
  selector:
    app: local
  ports:
    - port: 80
`;

beforeEach(() => clearIndexCache());

describe("repoView", () => {
  it("in the repository: this file's resources first, then the other files' records, each once", () => {
    const file = path.join(UPGRADES, "apps/details/details.yaml");
    const v = view(SERVICE, file, UPGRADES);
    expect(v.inRepo).toBe(true);
    const names = v.services().map((s) => s.name);
    expect(names[0]).toBe("local");
    expect(names).not.toContain("details"); // the disk copy of this file is replaced by the text
    expect(names).toEqual(expect.arrayContaining(["productpage", "ratings", "reviews", "reviews-v1", "checkout"]));
    expect(v.services()[0].resource).toBeDefined();
    expect(v.where(v.services()[0], () => 3)).toBe("line 3");
    const ratings = v.services().find((s) => s.name === "ratings")!;
    expect(v.where(ratings, () => 0)).toBe("ratings.yaml:1");
    expect(v.waypoints().map((w) => w.name).sort()).toEqual(["bookinfo-waypoint", "checkout-orders-waypoint", "checkout-payments-waypoint"]);
    expect(v.patchedServices().map((p) => [p.name, p.namespace])).toEqual([["ratings", "bookinfo"]]);
    expect(v.virtualServicesElsewhere().map((r) => r.name)).toEqual(["reviews"]);
    expect(v.workloads().map((w) => w.name)).toContain("reviews-v3");
  });

  it("files without Services share one list of Service views per index list (the same answers as a file's own list)", () => {
    // Two files of one folder unit, linted with their disk text: the same snapshot, the same records.
    const fileA = path.join(UPGRADES, "routing/reviews-destinationrule.yaml");
    const fileB = path.join(UPGRADES, "routing/reviews-virtualservice.yaml");
    const a = view(fs.readFileSync(fileA, "utf8"), fileA, UPGRADES);
    const b = view(fs.readFileSync(fileB, "utf8"), fileB, UPGRADES);
    expect(a.services("bookinfo").length).toBeGreaterThan(0);
    expect(a.services("bookinfo")).toBe(b.services("bookinfo"));
    expect(a.servicesMayBeIn("bookinfo")).toBe(b.servicesMayBeIn("bookinfo"));
    expect(a.workloads("bookinfo")).toBe(b.workloads("bookinfo"));
    // The shared list holds what a file's own list holds of the others' records: the same views, in the same order.
    const fileC = path.join(UPGRADES, "routing/local-service.yaml");
    const own = view(SERVICE, fileC, UPGRADES).services("bookinfo");
    expect(own).not.toBe(a.services("bookinfo"));
    expect(own[0].name).toBe("local");
    expect(own.slice(1).map((s) => s.name)).toEqual(a.services("bookinfo").map((s) => s.name));
  });

  it("a patch is not a Service of its own", () => {
    const v = view(SERVICE, path.join(UPGRADES, "x.yaml"), UPGRADES);
    expect(v.services().filter((s) => s.name === "ratings")).toHaveLength(1);
  });

  it("outside the index root: this file only", () => {
    const v = view(SERVICE, path.join(UPGRADES, "apps/x.yaml"), path.join(UPGRADES, "routing"));
    expect(v.inRepo).toBe(false);
    expect(v.services().map((s) => s.name)).toEqual(["local"]);
    expect(v.waypoints()).toEqual([]);
    expect(v.workloads()).toEqual([]);
    expect(v.virtualServicesElsewhere()).toEqual([]);
  });

  it("assumeExists entries join the lists", () => {
    const settings = readSettings({ "istio-ambient": { root: UPGRADES, revalidateMs: -1, assumeExists: [{ kind: "Service", name: "payments", namespace: "bookinfo" }] } });
    const file = path.join(UPGRADES, "y.yaml");
    const resources = resourcesOf(parseForESLint(SERVICE).ast as unknown as AST.YAMLProgram);
    const repo = () => getIndex({ filename: file, cwd: UPGRADES, settings, currentText: SERVICE });
    const recordOf = (r: Resource) => repo().inFile(file).find((x) => x.documentIndex === r.documentIndex);
    const v = repoView({ resources, repo, recordOf, namespaceOf: (r) => r.namespace });
    const payments = v.services().find((s) => s.name === "payments")!;
    expect(payments.assumed).toBe(true);
    expect(v.where(payments, () => 0)).toBe("settings `assumeExists`");
  });
});

describe("namespace pairing", () => {
  it("inNamespaceOf: unknown objects pair with any policy; unknown policies only with unknown objects", () => {
    expect(inNamespaceOf(undefined, "a")).toBe(true);
    expect(inNamespaceOf("a", "a")).toBe(true);
    expect(inNamespaceOf("a", undefined)).toBe(false);
    expect(inNamespaceOf(undefined, undefined)).toBe(true);
  });

  it("surelyInNamespaceOf: another file's Service of unknown namespace is not sure", () => {
    expect(surelyInNamespaceOf({ namespace: undefined, assumed: false, record: {} as never }, "a")).toBe(false);
    expect(surelyInNamespaceOf({ namespace: undefined, assumed: false, resource: {} as never }, "a")).toBe(true);
    expect(surelyInNamespaceOf({ namespace: "a", assumed: false, record: {} as never }, "a")).toBe(true);
    expect(surelyInNamespaceOf({ namespace: undefined, assumed: false, record: {} as never }, undefined)).toBe(true);
  });

  it("waypointNames: same namespace, unknown namespace, never waypoint-for none", () => {
    const w = (name: string, namespace: string | undefined, waypointFor = "service") => ({ name, namespace, waypointFor, serviceAccount: name, assumed: false });
    const list = [w("a", "ns"), w("a", "ns"), w("b", undefined), w("c", "other"), w("d", "ns", "none")];
    expect(waypointNames(list, "ns")).toEqual({ same: ["a"], unknownNamespace: ["b"] });
    expect(waypointNames(list, undefined)).toEqual({ same: ["b"], unknownNamespace: [] });
  });

  it("relativeTo", () => {
    expect(relativeTo("/repo", "/repo/apps/a.yaml")).toBe("apps/a.yaml");
    expect(relativeTo("/repo", "/elsewhere/a.yaml")).toBe("/elsewhere/a.yaml");
    expect(relativeTo("", "/x.yaml")).toBe("/x.yaml");
  });
});
