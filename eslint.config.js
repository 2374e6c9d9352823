// Lint: the recommended JS and type-aware TypeScript rules; generated output is never linted.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import layers from "./scripts/lint/layers.js";

export default tseslint.config(
  { ignores: ["node_modules/", "reports/", "allure-results/", "allure-report/", ".runs/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
  // The layering (scripts/lint/layers.js): imports run down the layers, never up.
  { files: ["src/**/*.ts", "reporters/**/*.ts", "apis/**/*.ts", "sandbox/**/*.ts"], plugins: { project: layers }, rules: { "project/layers": "error" } },
);
