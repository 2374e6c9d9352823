/* global process */
// Allure 3 configuration for the assurance report: one self-contained HTML file, tests grouped
// API (epic) → interaction (feature) → requirement (story), with categories an assurance reader cares about.
// The CLI passes SPINE_ASSURE_ALLURE_HISTORY so trends build up across runs.
import { defineConfig } from "allure";

export default defineConfig({
  name: "Spine assurance report",
  historyPath: process.env.SPINE_ASSURE_ALLURE_HISTORY || undefined,
  categories: [
    { name: "MUST failures", matchers: { statuses: ["failed"], labels: { level: "MUST" } } },
    { name: "SHOULD warnings", matchers: { statuses: ["failed"], labels: { level: "SHOULD" } } },
    { name: "Transport errors (target unreachable, timed out, reset, TLS)", matchers: { statuses: ["broken"] } },
  ],
  plugins: {
    awesome: {
      options: {
        singleFile: true,
        reportLanguage: "en",
        groupBy: ["epic", "feature", "story"],
        reportName: "Spine assurance report",
      },
    },
  },
});
