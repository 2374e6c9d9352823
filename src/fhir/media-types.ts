// FHIR media types and how a server picks a response format (NRLS general API guidance, "Content types";
// SOURCE-NOTES §1.3). Shared by the engine, which parses what comes back, and the sandbox, which negotiates.

export type FhirFormat = "json" | "xml";

/** Every media type NRLS names, with the format it stands for. */
export const FHIR_MEDIA_TYPES: Readonly<Record<string, FhirFormat>> = {
  "application/fhir+json": "json",
  "application/fhir+xml": "xml",
  "application/json+fhir": "json", // DSTU2
  "application/xml+fhir": "xml", // DSTU2
  "application/json": "json",
  "application/xml": "xml",
  "text/json": "json",
  "text/xml": "xml",
};

/** `_format` also takes the short forms. */
const FORMAT_PARAM: Readonly<Record<string, FhirFormat>> = { ...FHIR_MEDIA_TYPES, json: "json", xml: "xml" };

/** The format a `_format` value names (an unencoded "+" arrives as a space), or undefined when it names none. */
export function formatParamFormat(value: string): FhirFormat | undefined {
  return FORMAT_PARAM[bareMediaType(value).replace(/ /g, "+")];
}

export const CANONICAL_MIME: Readonly<Record<FhirFormat, string>> = {
  json: "application/fhir+json",
  xml: "application/fhir+xml",
};

/** The bare media type of a Content-Type or Accept entry: lower case, parameters dropped. */
export function bareMediaType(value: string): string {
  return value.split(";")[0]!.trim().toLowerCase();
}

/** The format a Content-Type header names, or undefined when it names neither JSON nor XML. */
export function formatOfContentType(contentType: string | undefined): FhirFormat | undefined {
  if (!contentType) return undefined;
  const bare = bareMediaType(contentType);
  return FHIR_MEDIA_TYPES[bare] ?? (/[/+]json$/.test(bare) ? "json" : /[/+]xml$/.test(bare) ? "xml" : undefined);
}

export type Negotiated = { format: FhirFormat } | { unsupported: string };

/**
 * The response format for a request: `_format` wins over `Accept`; with neither, XML. An unsupported `_format`, or an
 * `Accept` that names no supported type, is unsupported (415).
 */
export function negotiateFormat(formatParam: string | undefined, accept: string | undefined): Negotiated {
  if (formatParam !== undefined) {
    const f = formatParamFormat(formatParam);
    return f ? { format: f } : { unsupported: `_format=${formatParam}` };
  }
  if (accept === undefined || accept.trim() === "") return { format: "xml" };
  for (const entry of accept.split(",")) {
    const bare = bareMediaType(entry);
    if (bare === "*/*") return { format: "xml" };
    const f = FHIR_MEDIA_TYPES[bare];
    if (f) return { format: f };
  }
  return { unsupported: `Accept: ${accept}` };
}
