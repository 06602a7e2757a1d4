/**
 * The rule factory. A rule is a `check` over the Kubernetes resources of one file; the factory adds the
 * docs URL, option defaults, the YAML guard, precise report locations, fix/suggestion text edits in the
 * file's own style (jsonc-parser for JSON), and the promise that a rule never crashes a lint run.
 */
import type { Rule } from "eslint";
import { createRequire } from "node:module";
import path from "node:path";
import type { AST } from "yaml-eslint-parser";
import { resourcesOf, nodeFor, type Resource } from "./yaml/documents.js";
import { computeEdits, type EditOp, type EditableFile } from "./yaml/edit.js";
import type { Path } from "./yaml/ast.js";
import { readSettings, type PluginSettings } from "./settings.js";
import { DOCS_BASE } from "./meta.js";
import { isObject } from "./k8s/resource.js";
import { getIndex, singleFileIndex, type RepoIndex, type ResourceRecord } from "./index/index.js";
import { aboutTemplate, fileProblems, hasTemplates, UNREADABLE, UNREADABLE_MESSAGE } from "./yaml/file-problems.js";
import { scopedIndex } from "./index/scope.js";
import { firstToTell, ignoresOf, IGNORE_ANNOTATION, IGNORE_PATH } from "./ignore-annotation.js";

export type Severity = "error" | "warn";

/** One rule-option JSON Schema: ESLint's own type, so the shipped `.d.ts` needs no dev dependency. */
export type OptionSchema = Exclude<NonNullable<Rule.RuleMetaData["schema"]>, false | unknown[]>;

export interface RuleDocs {
  description: string;
  /** Severity in `configs.recommended`; `false` = only in `configs.strict`. */
  recommended: Severity | false;
}

export type MessageData = Record<string, string | number>;

export interface Suggestion<M extends string> {
  messageId: M;
  data?: MessageData;
  ops: EditOp[];
  /** Edits of other resources of this file made by the same suggestion (e.g. VirtualServices merged into one route). */
  also?: { resource: Resource; ops: EditOp[] }[];
}

export interface Report<M extends string> {
  resource: Resource;
  /** Path (inside the resource) of the key or entry to report; reported on the key itself. */
  path: Path;
  messageId: M;
  data?: MessageData;
  /** Operations of an `eslint --fix` edit; omitted when the change needs a human. */
  fix?: EditOp[] | null;
  suggest?: Suggestion<M>[];
  /** The resource (of this file) that `fix` and `suggest` edit, when not the reported one (a Service's label). */
  fixResource?: Resource;
}

export interface CheckContext<M extends string, O> {
  options: O;
  settings: PluginSettings;
  filename: string;
  resources: Resource[];
  /** The ESLint context, for the rare rule that needs more (cross-file rules). */
  eslint: Rule.RuleContext;
  report(report: Report<M>): void;
  /** 1-based line of the node at a path. */
  line(resource: Resource, path: Path): number;
  /**
   * The repository resource index (built once per process and settings; this file's unsaved text overlays
   * its disk copy). Cross-file rules and cross-file upgrades of single-file rules ask it.
   */
  repo(): RepoIndex;
  /** The index record of a resource of this file (namespace resolved through kustomization/settings), if indexed. */
  recordOf(resource: Resource): ResourceRecord | undefined;
  /** The namespace of a resource: metadata, else kustomization, else `defaultNamespace`; undefined = unknown. */
  namespaceOf(resource: Resource): string | undefined;
}

export interface RuleDefinition<M extends string, O extends object> {
  name: string;
  meta: {
    type: "problem" | "suggestion";
    docs: RuleDocs;
    messages: Record<M, string>;
    fixable?: "code";
    hasSuggestions?: boolean;
    schema?: OptionSchema[];
  };
  defaultOptions: O;
  check(context: CheckContext<M, O>): void;
}

export interface IstioAmbientRule extends Rule.RuleModule {
  meta: Rule.RuleMetaData & { docs: Rule.RuleMetaData["docs"] & RuleDocs & { url: string } };
}

/** Errors inside rules are swallowed for users (a rule must never break a lint run) but surface in our tests. */
const rethrow = () => !!process.env.VITEST || !!process.env.ISTIO_AMBIENT_DEBUG;

let warnedNotYaml = false;

/** A rule run on a file some other parser or language read reports nothing: say so, once per process. */
function warnNotYamlOnce(context: Rule.RuleContext): void {
  if (warnedNotYaml) return;
  warnedNotYaml = true;
  process.emitWarning(
    `rule "${context.id}" ran on ${context.filename}, which was not parsed by yaml-eslint-parser, so the istio-ambient rules ` +
      "check nothing there. If a config after the istio-ambient one sets another parser or language for all files, " +
      "give that config `files` (e.g. [\"**/*.ts\"]) or put the istio-ambient config last.",
    { type: "IstioAmbientWarning", code: "ISTIO_AMBIENT_NOT_YAML" },
  );
}

/** ESLint's own message interpolation (`{{ name }}` from `data`; unknown placeholders stay). */
function interpolate(text: string, data: MessageData | undefined): string {
  if (!data) return text;
  return text.replace(/\{\{([^{}]+?)\}\}/g, (m, key: string) => (key.trim() in data ? String(data[key.trim()]) : m));
}

function mergeOptions<O extends object>(defaults: O, given: unknown): O {
  if (!isObject(given)) return defaults;
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(given)) {
    const d = out[k];
    out[k] = isObject(d) && isObject(v) ? mergeOptions(d, v) : v;
  }
  return out as O;
}

/** The key under which `TIMING=1`/`TIMING=all` shows the repository index's time (built once, shared by every rule). */
export const INDEX_TIMING_KEY = "istio-ambient (repository index)";

/** Time spent making the repository index and the one-file indexes, across the process: what the bench reports. */
const indexTime = { ms: 0, calls: 0 };

/** The index's own time since the module loaded (builds, revalidations, overlays of the linted text, one-file indexes). */
export function indexTiming(): { ms: number; calls: number } {
  return { ...indexTime };
}

/** The rule whose listener is running: the index's time is moved off it under `TIMING`. */
let runningRule: string | undefined;

type EslintTiming = { mergeData(data: Record<string, number>): void };
let eslintTiming: EslintTiming | null | undefined;
/**
 * ESLint's `TIMING` table (lib/linter/timing.js of the running ESLint) when `TIMING` is set, else null. Only a module
 * ESLint has already loaded is used: never a second copy (it would print a table of its own).
 */
function timingTable(): EslintTiming | null {
  if (eslintTiming !== undefined) return eslintTiming;
  eslintTiming = null;
  if (!process.env.TIMING) return null;
  try {
    const require = createRequire(import.meta.url);
    const file = path.join(path.dirname(require.resolve("eslint/package.json")), "lib", "linter", "timing.js");
    const loaded = require.cache[file]?.exports as Partial<EslintTiming> | undefined;
    if (loaded && typeof loaded.mergeData === "function") eslintTiming = loaded as EslintTiming;
  } catch {
    // Another ESLint layout: the index's time stays with the rule that asked first.
  }
  return eslintTiming;
}

/**
 * Makes an index, counting its time; under `TIMING` the time is charged to the index instead of to the rule whose
 * listener happened to ask first (ESLint times each rule's listeners, and adds the time after they return).
 */
function timedIndex(make: () => RepoIndex): RepoIndex {
  const start = performance.now();
  const index = make();
  const ms = performance.now() - start;
  indexTime.ms += ms;
  indexTime.calls++;
  const table = runningRule ? timingTable() : null;
  if (table) table.mergeData({ [runningRule!]: -ms, [INDEX_TIMING_KEY]: ms });
  return index;
}

/** What a rule reads of the repository for one unit: the index as the unit sees it, and this file's records in it. */
interface UnitView {
  repo: RepoIndex;
  recordOf(resource: Resource): ResourceRecord | undefined;
}

/**
 * What every rule of one lint of one file shares (made by the first rule to ask, once per parsed file): the
 * resolved path, the repository index, the file's instances and units, and each unit's view with its record map.
 */
interface FileShared {
  filePath: string;
  base(): RepoIndex;
  units(): (string | undefined)[];
  /** The view of `unit` (a unit of `units()`), or of the file alone when the index does not hold it. */
  view(hasResources: boolean, unit: string | undefined): UnitView;
}

const sharedByProgram = new WeakMap<AST.YAMLProgram, { settings: PluginSettings; raw: unknown; cwd: string; physical: string; text: string; shared: FileShared }>();

function fileShared(program: AST.YAMLProgram, context: Rule.RuleContext, settings: PluginSettings): FileShared {
  const text = context.sourceCode.text;
  const known = sharedByProgram.get(program);
  if (known && known.settings === settings && known.raw === context.settings && known.cwd === context.cwd && known.physical === context.physicalFilename && known.text === text) {
    return known.shared;
  }
  const shared = makeFileShared(context.cwd, context.physicalFilename, text, settings);
  sharedByProgram.set(program, { settings, raw: context.settings, cwd: context.cwd, physical: context.physicalFilename, text, shared });
  return shared;
}

function makeFileShared(cwd: string, physicalFilename: string, text: string, settings: PluginSettings): FileShared {
  const filePath = path.resolve(cwd, physicalFilename);
  let base: RepoIndex | undefined;
  const baseIndex = (): RepoIndex => (base ??= timedIndex(() => getIndex({ filename: physicalFilename, cwd, settings, currentText: text })));
  let instances: ResourceRecord[] | undefined;
  const fileInstances = (): ResourceRecord[] => (instances ??= baseIndex().inFile(filePath).filter((r) => !r.synthetic));
  let fileUnits: (string | undefined)[] | undefined;
  const units = (): (string | undefined)[] => {
    if (!fileUnits) {
      const ids = [...new Set(fileInstances().filter((r) => r.unit).map((r) => r.unit))];
      fileUnits = ids.length ? ids : [undefined];
    }
    return fileUnits;
  };
  const views = new Map<RepoIndex, UnitView>();
  const viewOf = (repo: RepoIndex): UnitView => {
    let v = views.get(repo);
    if (!v) {
      // By document, then by List item (-1: the document itself).
      let ownRecords: Map<unknown, Map<number, ResourceRecord>> | undefined;
      v = {
        repo,
        recordOf: (resource) => {
          if (!ownRecords) {
            ownRecords = new Map();
            for (const r of repo.inFile(filePath)) {
              if (r.synthetic) continue;
              let items = ownRecords.get(r.documentIndex);
              if (!items) ownRecords.set(r.documentIndex, (items = new Map()));
              const item = r.listIndex ?? -1;
              if (!items.has(item)) items.set(item, r);
            }
          }
          return ownRecords.get(resource.documentIndex)?.get(resource.listIndex ?? -1);
        },
      };
      views.set(repo, v);
    }
    return v;
  };
  let single: RepoIndex | undefined;
  return {
    filePath,
    base: baseIndex,
    units,
    view(hasResources, unit) {
      const held = !hasResources || fileInstances().length > 0;
      return viewOf(held ? scopedIndex(baseIndex(), unit) : (single ??= timedIndex(() => singleFileIndex(filePath, text, settings))));
    },
  };
}

/** Names of the rules made by this factory (what an `istio-ambient.io/ignore` annotation may name). */
const RULE_NAMES = new Set<string>();

/** The file's `istio-ambient.io/ignore` annotations, read once per file (while no rule is added). */
const ignoresMemo = new WeakMap<readonly Resource[], { names: number; ignores: ReturnType<typeof ignoresOf> }>();
function fileIgnores(resources: readonly Resource[]): ReturnType<typeof ignoresOf> {
  const known = ignoresMemo.get(resources);
  if (known && known.names === RULE_NAMES.size) return known.ignores;
  const ignores = ignoresOf(resources, RULE_NAMES);
  ignoresMemo.set(resources, { names: RULE_NAMES.size, ignores });
  return ignores;
}

export function createRule<M extends string, O extends object>(def: RuleDefinition<M, O>): IstioAmbientRule {
  RULE_NAMES.add(def.name);
  // Options objects are the same for every file a config applies to: merged with the defaults once.
  const merged = new WeakMap<object, O>();
  const optionsOf = (given: unknown): O => {
    if (!isObject(given)) return mergeOptions(def.defaultOptions, given);
    let o = merged.get(given);
    if (!o) merged.set(given, (o = mergeOptions(def.defaultOptions, given)));
    return o;
  };
  const meta = {
    ...def.meta,
    docs: { ...def.meta.docs, url: `${DOCS_BASE}${def.name}.md` },
    // File-level messages (not UTF-8 text, a document not read): said once per file, by the first rule to run.
    messages: { ...def.meta.messages, [UNREADABLE]: UNREADABLE_MESSAGE },
    schema: (def.meta.schema ?? []) as Rule.RuleMetaData["schema"],
    // ESLint validates defaultOptions against the schema: only rules with options declare them.
    ...(def.meta.schema?.length ? { defaultOptions: [def.defaultOptions] } : {}),
  };
  return {
    meta,
    create(context: Rule.RuleContext): Rule.RuleListener {
      const sourceCode = context.sourceCode;
      if (!(sourceCode.parserServices as { isYAML?: boolean } | undefined)?.isYAML) {
        warnNotYamlOnce(context);
        return {};
      }
      return {
        Program(node) {
          // Every listener of this factory says that it runs (the index's time is moved off it under `TIMING`).
          runningRule = context.id;
          const program = node as unknown as AST.YAMLProgram;
          const problems = fileProblems(program, sourceCode.text);
          for (const p of problems.reports) context.report({ loc: p.loc, messageId: UNREADABLE, data: { message: p.message } });
          if (problems.skip) return;
          let file: EditableFile | undefined;
          const editable = (): EditableFile =>
            (file ??= {
              text: sourceCode.text,
              program,
              comments: sourceCode.ast.comments as unknown as AST.Comment[],
              isJson: /\.json$/i.test(context.filename),
            });
          const options = optionsOf(context.options[0]);
          const settings = readSettings(context.settings);
          const shared = fileShared(program, context, settings);
          const { filePath } = shared;
          const resources = resourcesOf(program);
          const baseIndex = (): RepoIndex => shared.base();
          const unitsOfFile = (): (string | undefined)[] => shared.units();
          let asked = false;
          const runs: { unit: string | undefined; reports: Report<M>[] }[] = [];
          const contextFor = (pick: () => string | undefined, sink: Report<M>[]): CheckContext<M, O> => {
            let view: UnitView | undefined;
            // The one repository a rule reads: its unit's view of the index, or — when the index does not hold this
            // file (outside the root, excluded, applied by no unit) — an index of the file alone.
            const unitView = (): UnitView => (view ??= shared.view(resources.length > 0, pick()));
            const repo = (): RepoIndex => {
              asked = true;
              return unitView().repo;
            };
            // This file's records by document (and List item): the first one of each, as a search in file order finds it.
            const recordOf = (resource: Resource): ResourceRecord | undefined => {
              asked = true;
              return unitView().recordOf(resource);
            };
            return {
              options,
              settings,
              repo,
              recordOf,
              // The unit's namespace wins over `metadata.namespace` (Kustomize `namespace`, Flux `targetNamespace`).
              namespaceOf: (resource) => {
                const rec = recordOf(resource);
                return rec ? rec.namespace : (resource.namespace ?? settings.defaultNamespace);
              },
              filename: context.filename,
              resources,
              eslint: context,
              line: (resource, path) => nodeFor(resource, path).loc.start.line,
              report: (r) => void sink.push(r),
            };
          };
          const run = (pick: () => string | undefined) => {
            const reports: Report<M>[] = [];
            const entry = { unit: undefined as string | undefined, reports };
            try {
              def.check(contextFor(() => (entry.unit = pick()), reports));
            } catch (error) {
              if (rethrow()) throw error;
            }
            runs.push(entry);
          };
          run(() => unitsOfFile()[0]);
          if (asked) for (const unit of unitsOfFile().slice(1)) run(() => unit);

          // `istio-ambient.io/ignore: "<rule>[, <rule>]: <reason>"` on a resource suppresses these rules there.
          const ignores = fileIgnores(resources);
          if (firstToTell(program)) {
            for (const p of ignores.problems) {
              context.report({ loc: nodeFor(p.resource, IGNORE_PATH).loc, messageId: UNREADABLE, data: { message: p.message } });
            }
          }
          const suppressed = new Set<Resource>();
          let sources: { at: number; file: string }[] | undefined;
          const renderedFrom = (resource: Resource): string | undefined => {
            sources ??= (sourceCode.ast.comments as unknown as AST.Comment[]).flatMap((c) => {
              // `helm template` writes `# Source: <chart>/templates/<file>` before each document.
              const m = /^\s*Source:\s*(\S+\/templates\/\S+)\s*$/.exec(c.value);
              return m ? [{ at: c.range[0], file: m[1] }] : [];
            });
            if (!sources.length) return undefined;
            const [start, end] = [resource.document.range[0], resource.node.range[0]];
            return sources.filter((x) => x.at >= start && x.at < end).pop()?.file;
          };
          const emit = (r: Report<M>, units: string | null) => {
            if (ignores.entries.get(r.resource)?.rules.includes(def.name)) return void suppressed.add(r.resource);
            const target = nodeFor(r.resource, r.path);
            const edited = r.fixResource ?? r.resource;
            // Templated values (`{{ … }}`) are unknown: no finding about them, no edit of a resource holding one.
            if (aboutTemplate(r.resource, r.path)) return;
            const frozen = hasTemplates(edited) || hasTemplates(r.resource);
            // A fix edits every unit that applies the file: only a finding that holds in all of them may fix.
            const edits = r.fix && units === null && !frozen ? computeEdits(editable(), edited, r.fix) : null;
            const suggest = (frozen ? [] : (r.suggest ?? [])).flatMap((s) => {
              const main = computeEdits(editable(), edited, s.ops);
              const others = (s.also ?? []).map((x) => (hasTemplates(x.resource) ? null : computeEdits(editable(), x.resource, x.ops)));
              const e = main && others.every((x) => x !== null) ? [...main, ...others.flatMap((x) => x ?? [])] : null;
              return e ? [{ messageId: s.messageId, data: s.data, fix: (f: Rule.RuleFixer) => e.map((x) => f.replaceTextRange(x.range, x.text)) }] : [];
            });
            const fix = edits ? (f: Rule.RuleFixer) => edits.map((x) => f.replaceTextRange(x.range, x.text)) : null;
            // Rendered output (`helm template`): the `# Source:` comment of the document names the template.
            const source = renderedFrom(r.resource);
            const where = [units && `in ${units}`, source && `from ${source}`].filter(Boolean).join(", ");
            if (!where) context.report({ loc: target.loc, messageId: r.messageId, data: r.data, fix, suggest });
            else context.report({ loc: target.loc, message: `${interpolate(def.meta.messages[r.messageId], r.data)} (${where})`, fix, suggest });
          };
          if (runs.length === 1) {
            for (const r of runs[0].reports) emit(r, null);
          } else {
            const labelOf = (id: string | undefined) => (id ? (baseIndex().units.find((u) => u.id === id)?.label ?? id) : "the repository");
            const seen = new Map<string, { report: Report<M>; units: string[] }>();
            for (const { unit, reports } of runs) {
              for (const r of reports) {
                const target = nodeFor(r.resource, r.path);
                const key = `${target.range[0]}\0${r.messageId}\0${JSON.stringify(r.data ?? {})}`;
                const found = seen.get(key);
                if (!found) seen.set(key, { report: r, units: [labelOf(unit)] });
                else if (!found.units.includes(labelOf(unit))) found.units.push(labelOf(unit));
              }
            }
            for (const { report, units } of seen.values()) emit(report, units.length === runs.length ? null : units.join(", "));
          }
          for (const [resource, entry] of ignores.entries) {
            if (!entry.rules.includes(def.name) || suppressed.has(resource)) continue;
            const what = `${resource.kind} ${resource.name ?? "(unnamed)"}`;
            const message = `${IGNORE_ANNOTATION} on ${what} lists ${def.name}, which reports nothing here: remove it from the annotation.`;
            context.report({ loc: nodeFor(resource, IGNORE_PATH).loc, message });
          }
        },
      };
    },
  };
}
