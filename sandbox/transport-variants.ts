// Documented variants of HTTP itself (RULES.md revision 2, general principles), applied to every reply: a conformant
// environment may write media types in another case with parameters, start JSON with a byte order mark, and add
// headers and members a client must ignore.
import type { ReplyShaper } from "./http.ts";

const capitalised = (mime: string) => mime.replace(/[a-z]+/g, (w) => w[0]!.toUpperCase() + w.slice(1));

export function transportVariants(switches: ReadonlySet<string>): ReplyShaper | undefined {
  const caseAndCharset = switches.has("media-type-case-and-charset");
  const bom = switches.has("json-bom");
  const extra = switches.has("extra-members-and-headers");
  if (!caseAndCharset && !bom && !extra) return undefined;
  return (headersIn, bodyIn) => {
    const headers = { ...headersIn };
    let body = bodyIn;
    const type = headers["Content-Type"];
    const json = !!type && /json/i.test(type.split(";")[0]!);
    if (type && caseAndCharset) headers["Content-Type"] = `${capitalised(type.split(";")[0]!.trim())}; Charset="utf-8"`;
    if (extra) {
      headers["X-Spine-Assure-Extra"] = "a header a client must ignore";
      if (json && body) {
        try {
          const doc = JSON.parse(body) as unknown;
          if (doc && typeof doc === "object" && !Array.isArray(doc)) body = JSON.stringify({ ...doc, spineAssureExtra: "a member a client must ignore" });
        } catch {
          // not JSON after all: left as it is
        }
      }
    }
    if (bom && json && body) body = `\uFEFF${body}`;
    return { headers, body };
  };
}
