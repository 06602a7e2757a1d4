// eslint-doc-generator (`npm run docs`): the README rules table and the header of every docs/rules/*.md page
// (title, description, configs, fix/suggestion and type notices) come from the built plugin (dist/): each rule's
// meta and the recommended/strict configs. tests/docs/doc-generator.test.ts fails when they drift
// (`npm run docs:check`). Everything below a page's `<!-- end auto-generated rule header -->` is hand-written.
import plugin from "./dist/index.js";
import { REPOSITORY_URL } from "./dist/lib/meta.js";

/** @type {import("eslint-doc-generator").GenerateOptions} */
export default {
  configEmoji: [
    ["recommended", "✅"],
    ["strict", "🔒"],
  ],
  // The configs are described in the README's "Use it" section.
  urlConfigs: `${REPOSITORY_URL}#use-it`,
  ruleDocTitleFormat: "prefix-name",
  ruleDocNotices: ["description", "configs", "fixableAndHasSuggestions", "type"],
  // Rules without options keep a short "## Options" section saying so.
  ruleDocSectionOptions: false,
  ruleListColumns: ["name", "description", "configsError", "configsWarn", "fixable", "hasSuggestions", "type"],
  // The README links each rule to its `meta.docs.url` (what editors and SARIF show), rule pages link relatively.
  urlRuleDoc: (name, page) => (page === "README.md" ? plugin.rules[name]?.meta?.docs?.url : undefined),
};
