// The lexical forms of STU3's primitive types (FHIR STU3 "Data Types", each type's regex), and the JSON type each is
// written as. One table for every reader that judges a client's payload: the strict reader (stu3-strict.ts) and the
// pointer rules (an instant `indexed`, a dateTime `creation`).

const TZ = "(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))";
const TIME = "([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?";
const DATE = "-?[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?";

/** instant: a date, a time to the second and a time zone. */
export const INSTANT = new RegExp(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T${TIME}${TZ}$`);
/** dateTime: a year, year-month or date, or a date with a time and a time zone. */
export const DATETIME = new RegExp(`^-?[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01])(T${TIME}${TZ})?)?)?$`);

const FORMS: Readonly<Record<string, { json: "string" | "number" | "boolean"; form?: RegExp; words: string }>> = {
  boolean: { json: "boolean", words: "true or false" },
  integer: { json: "number", words: "a whole number" },
  unsignedInt: { json: "number", words: "a whole number, 0 or more" },
  positiveInt: { json: "number", words: "a whole number, 1 or more" },
  decimal: { json: "number", words: "a number" },
  string: { json: "string", words: "text" },
  markdown: { json: "string", words: "text" },
  xhtml: { json: "string", words: "an XHTML div" },
  uri: { json: "string", form: /^\S*$/, words: "a URI (no white space)" },
  code: { json: "string", form: /^[^\s]+( [^\s]+)*$/, words: "a code (no leading, trailing or double white space)" },
  id: { json: "string", form: /^[A-Za-z0-9.-]{1,64}$/, words: "an id (1 to 64 letters, digits, '-' and '.')" },
  oid: { json: "string", form: /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/, words: "urn:oid: and a dotted OID" },
  uuid: { json: "string", form: /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, words: "urn:uuid: and a lower-case UUID" },
  base64Binary: { json: "string", form: /^(\s*[0-9a-zA-Z+/=]{4}\s*)+$/, words: "base64" },
  date: { json: "string", form: new RegExp(`^${DATE}$`), words: "a date (YYYY, YYYY-MM or YYYY-MM-DD)" },
  dateTime: { json: "string", form: DATETIME, words: "a dateTime (a date, or a date and time with a time zone)" },
  instant: { json: "string", form: INSTANT, words: "an instant (YYYY-MM-DDThh:mm:ss with a time zone)" },
  time: { json: "string", form: new RegExp(`^${TIME}$`), words: "a time (hh:mm:ss)" },
};

/**
 * Why a JSON value is not a valid `type` (undefined: it is), in words that say what the definition wants: the wrong
 * JSON type (shape), an empty string (empty), or text outside the type's lexical form (form).
 */
export function primitiveProblem(type: string, value: unknown): { text: string; kind: "shape" | "empty" | "form" } | undefined {
  const f = FORMS[type] ?? FORMS.string!;
  // The words are built only for a value at fault: a request's every primitive passes through here.
  const form = () => ({ text: `${JSON.stringify(value)} is not ${f.words}`, kind: "form" }) as const;
  if (typeof value !== f.json) return { text: `${/^[aeiou]/.test(type) ? "an" : "a"} ${type} is written as a JSON ${f.json} (${f.words}), not ${value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`} ${JSON.stringify(value)}`, kind: "shape" };
  if (typeof value === "string") {
    if (value === "") return { text: `an empty ${type}: FHIR has no empty values (leave the element out)`, kind: "empty" };
    return f.form && !f.form.test(value) ? form() : undefined;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return form();
    if (type === "decimal") return undefined;
    if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) return form();
    if ((type === "unsignedInt" && value < 0) || (type === "positiveInt" && value < 1)) return form();
  }
  return undefined;
}
