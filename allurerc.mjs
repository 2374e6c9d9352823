/* global process */
// Allure 3 configuration for the assurance report: one self-contained HTML file, tests grouped
// API (epic) → interaction (feature) → requirement (story), with categories an assurance reader cares about.
// The CLI passes SPINE_ASSURE_ALLURE_HISTORY so trends build up across runs. The report's title is the gate decision, so
// the first thing read is the verdict that matters: the generator sets it once the gate is known.
// A plain object, not `defineConfig` (which only types it): importing the `allure` package runs Allure's command line,
// and the generator (reporters/allure-generate.mjs) loads this file in a process of its own.

/** @type {import("@allurereport/plugin-api").Config} */
export default {
  // Titled by the generator when it writes the report (reporters/allure-generate.mjs); this is the title without one.
  name: "Spine assurance report",
  historyPath: process.env.SPINE_ASSURE_ALLURE_HISTORY || undefined,
  // Grouped by requirement (story) and the kind of check that failed (ids, times and ports normalised out), never by
  // the raw message: one rule failing in ten cases is one group, not one per pointer id.
  categories: [
    { name: "MUST failures", matchers: { statuses: ["failed"], labels: { level: "MUST" } }, groupBy: [{ label: "story" }, { label: "failed check" }], groupByMessage: false },
    { name: "SHOULD warnings", matchers: { statuses: ["failed"], labels: { level: "SHOULD" } }, groupBy: [{ label: "story" }, { label: "failed check" }], groupByMessage: false },
    { name: "Broken: transport errors, or test data unsuitable for the rule", matchers: { statuses: ["broken"] }, groupBy: [{ label: "story" }, { label: "failed check" }], groupByMessage: false },
  ],
  plugins: {
    awesome: {
      options: {
        singleFile: true,
        reportLanguage: "en",
        groupBy: ["epic", "feature", "story"],
      },
    },
  },
};
