// The line each object of a loaded YAML document was written on. The YAML tree and the loaded value are walked side by
// side, following aliases and merge keys (<<:) to where the block was written, so a check shared by anchor reports
// the anchor's line: that is where a reader goes to change it.
import type { Document, LineCounter, Node } from "yaml";
import { yaml } from "./yaml.ts";

export function yamlLines(doc: Document, lines: LineCounter, value: unknown): WeakMap<object, number> {
  const { isAlias, isMap, isSeq, visit } = yaml();
  const out = new WeakMap<object, number>();
  // Anchors looked up once: yaml's own Alias.resolve searches the whole document at every use. An anchor defined
  // twice (YAML allows it; an alias means the latest one before it) is left to resolve().
  const anchors = new Map<string, Node | null>();
  visit(doc, { Node: (_key, node) => {
    if (node.anchor) anchors.set(node.anchor, anchors.has(node.anchor) ? null : node);
  } });
  const resolve = (node: unknown): unknown => (isAlias(node) ? (anchors.get(node.source) ?? node.resolve(doc)) : node);
  const walk = (nodeIn: unknown, v: unknown): void => {
    const node = resolve(nodeIn);
    // An object met again through an alias is the same object: its lines are already recorded.
    if (!v || typeof v !== "object" || !node || typeof node !== "object" || out.has(v)) return;
    const range = (node as Node).range;
    if (range) out.set(v, lines.linePos(range[0]).line);
    if (isSeq(node) && Array.isArray(v)) node.items.forEach((item, i) => walk(item, v[i]));
    else if (isMap(node)) {
      for (const [key, child] of mapEntries(node, resolve)) if (key in (v as object)) walk(child, (v as Record<string, unknown>)[key]);
    }
  };
  walk(doc.contents, value);
  return out;
}

/** A map's entries by key, merged blocks first so the map's own keys win, as YAML's merge does. */
function mapEntries(node: unknown, resolve: (n: unknown) => unknown): Map<string, unknown> {
  const { isMap, isScalar, isSeq } = yaml();
  const entries = new Map<string, unknown>();
  if (!isMap(node)) return entries;
  const own: [string, unknown][] = [];
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (key === "<<") {
      const sources = resolve(pair.value);
      for (const source of isSeq(sources) ? sources.items : [sources]) {
        for (const [k, child] of mapEntries(resolve(source), resolve)) if (!entries.has(k)) entries.set(k, child);
      }
    } else own.push([key, pair.value]);
  }
  for (const [k, child] of own) entries.set(k, child);
  return entries;
}
