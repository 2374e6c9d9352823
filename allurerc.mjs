// Allure 3 configuration for the assurance report: one self-contained HTML file, tests grouped
// API (epic) → interaction (feature) → requirement (story).
import { defineConfig } from "allure";

export default defineConfig({
  name: "Spine assurance report",
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
