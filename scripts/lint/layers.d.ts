// Types of the layering lint (layers.js), for the test that runs it.
import type { ESLint } from "eslint";

export const LAYERS: [string, RegExp][];
export function layerOf(path: string): number | undefined;
declare const plugin: ESLint.Plugin;
export default plugin;
