// The project's layering, kept by lint: every source file has a layer, and a value import may only reach a file of
// its own layer or a lower one. Type-only imports are erased at compile time and may name any layer's types. An API
// module (apis/<name>/) may not import another module, and nothing outside the modules imports one but src/apis.ts. README "Layout" draws the same picture.
import { dirname, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..", "..");

/** Lowest first. A file matches the first entry whose pattern it matches. */
export const LAYERS = [
  ["foundation", /^src\/(model|secrets|spine|fhir|template)\/|^src\/(project-root|nearest-names|files-under|api-module|tool-info|write-atomic|value-checks)\.ts$/],
  ["sandbox kit", /^sandbox\/(http|clock|directory|spine-outcome|store-cap|transport-variants)\.ts$/],
  ["API modules", /^apis\//],
  ["API list", /^src\/(apis|targets)\.ts$/],
  ["configuration and sandbox", /^src\/config\/|^sandbox\//],
  ["connect and suites", /^src\/(connect|suite)\//],
  ["plan", /^src\/plan\//],
  ["run", /^src\/run\//],
  ["judge", /^src\/judge\//],
  ["reporters", /^reporters\//],
  ["evidence", /^src\/evidence\//],
  ["client", /^src\/client\//],
  ["stages", /^src\/stages\//],
  ["self-test", /^src\/selftest\//],
  ["command line", /^src\/cli\//],
];

export function layerOf(path) {
  const i = LAYERS.findIndex(([, re]) => re.test(path));
  return i < 0 ? undefined : i;
}

const apiOf = (path) => /^apis\/([^/]+)\//.exec(path)?.[1];

const rule = {
  meta: { type: "problem", docs: { description: "imports run down the layers, never up, and API modules stand alone" }, schema: [] },
  create(context) {
    const from = relative(ROOT, context.filename).split("\\").join("/");
    const mine = layerOf(from);
    if (mine === undefined) return {};
    const check = (node, spec, typeOnly) => {
      if (typeOnly || typeof spec !== "string" || !spec.startsWith(".")) return;
      const to = relative(ROOT, resolve(dirname(context.filename), spec)).split("\\").join("/");
      const theirs = layerOf(to);
      if (apiOf(from) && apiOf(to) && apiOf(from) !== apiOf(to)) {
        context.report({ node, message: `API module ${apiOf(from)} imports module ${apiOf(to)} (${to}): a module stands alone; share through src/` });
      } else if (apiOf(to) && !apiOf(from) && from !== "src/apis.ts") {
        context.report({ node, message: `${from} imports ${to}: the engine and the sandbox reach an API module only through its entry in src/apis.ts` });
      } else if (theirs !== undefined && theirs > mine) {
        context.report({ node, message: `${from} (${LAYERS[mine][0]}) imports ${to} (${LAYERS[theirs][0]}), a higher layer: move what both need down, or invert the dependency` });
      }
    };
    const typeOnly = (node) => node.importKind === "type" || (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === "type" || s.exportKind === "type"));
    return {
      ImportDeclaration: (node) => check(node, node.source.value, typeOnly(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, node.exportKind === "type" || typeOnly(node)),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === "type"),
      ImportExpression: (node) => node.source.type === "Literal" && check(node, node.source.value, false),
    };
  },
};

export default { rules: { layers: rule } };
