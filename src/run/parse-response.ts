// What came back, parsed by its Content-Type: JSON as is, FHIR XML through the STU3 codec, so every check works on
// the same JSON whichever format the target answered in.
import { formatOfContentType, type FhirFormat } from "../fhir/media-types.ts";
import { fhirXmlToJson } from "../fhir/xml-codec.ts";
import type { Exchange } from "./http-client.ts";

export interface ParsedResponse {
  status: number;
  /** Lower-case name → values. */
  headers: Map<string, string[]>;
  text: string;
  contentType?: string;
  /** The format the Content-Type names. */
  format?: FhirFormat;
  /** The body as JSON (XML converted), when it parsed. */
  body?: unknown;
  /** Why the body could not be parsed (empty bodies have neither body nor parseError). */
  parseError?: string;
}

export function parseResponse(response: NonNullable<Exchange["response"]>): ParsedResponse {
  const headers = new Map<string, string[]>();
  for (const [name, value] of response.headers) {
    const key = name.toLowerCase();
    headers.set(key, [...(headers.get(key) ?? []), value]);
  }
  const contentType = headers.get("content-type")?.[0];
  const format = formatOfContentType(contentType);
  const parsed: ParsedResponse = { status: response.status, headers, text: response.body, contentType, format };
  if (response.body.length === 0) return parsed;
  if (!format) {
    parsed.parseError = `Content-Type ${contentType ? `"${contentType}"` : "is missing, so the body"} is neither JSON nor XML`;
    return parsed;
  }
  try {
    // A JSON body may start with a UTF-8 byte order mark (RULES.md revision 2): it is not part of the JSON.
    parsed.body = format === "json" ? (JSON.parse(response.body.replace(/^\uFEFF/, "")) as unknown) : fhirXmlToJson(response.body, { ignoreUnknownElements: true, ignoreElementOrder: true });
  } catch (e) {
    parsed.parseError = `body is not valid ${format.toUpperCase()}: ${(e as Error).message}`;
  }
  return parsed;
}
