// A requirement's source as a reader can recognise it: the NHS repository, page and version it was read from, rather
// than the spec folder's own file name (seeds/004_….txt).
import type { RequirementVerdict } from "../src/model/run-result.ts";

export function sourceTitle(source: RequirementVerdict["source"]): string {
  const gh = source.url && /^https:\/\/github\.com\/([^/]+\/[^/]+)\/blob\/([^/]+)\/(.+)$/.exec(source.url);
  const page = gh ? `${gh[1]} ${gh[3]} (${/^[0-9a-f]{40}$/.test(gh[2]!) ? `commit ${gh[2]!.slice(0, 7)}` : gh[2]})` : source.url ?? source.file;
  return `${page} § ${source.section}`;
}

/** What the Basis column means (RULES.md, "Basis"). */
export const BASIS_LEGEND: Readonly<Record<string, string>> = {
  DOC: "a normative sentence of the NHS page",
  EX: "shown only in a documented example",
  INF: "our inference from the text",
  RI: "what the NHS reference implementation does where the text is silent or ambiguous",
};
