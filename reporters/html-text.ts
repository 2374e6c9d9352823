// Text for HTML the reporters write themselves: every value escaped (a target's diagnostics, a suite's text), and a
// rule's `code` in backticks shown as code, as the catalogues write it.
import { escapeXml } from "../src/fhir/xml-codec.ts";

export const esc = escapeXml;

/** A rule's text as the catalogues write it: `code` in backticks shown as code, everything else escaped. */
export function inlineCode(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}
