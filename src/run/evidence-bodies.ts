// How much of each body is kept as evidence. Checks see a response whole (up to HTTP_MAX_RESPONSE_BYTES); the
// evidence keeps the first EVIDENCE_MAX_BODY_BYTES of it, then says how much more there was and gives the SHA-256 of
// the whole body as received, so a pack stays a readable size whatever a target sends, and the cut is never silent.
import { createHash } from "node:crypto";
import type { Exchange } from "./http-client.ts";

type WithSteps = { steps: { exchange?: Exchange }[] };

/** `redacted` with each body over `limit` bytes cut; the hashes are of the bodies in `raw`, as sent and received. */
export function evidenceBodies<T extends WithSteps>(raw: WithSteps, redacted: T, limit: number): T {
  const cut = (shown: string | undefined, whole: string | undefined): string | undefined => {
    if (shown === undefined || whole === undefined) return shown;
    const bytes = Buffer.byteLength(whole);
    if (bytes <= limit) return shown;
    const kept = Buffer.from(shown).subarray(0, limit).toString("utf8").replace(/\uFFFD$/, "");
    const hash = createHash("sha256").update(whole).digest("hex");
    return `${kept}\n[spine-assure: ${bytes} bytes in all; ${bytes - Buffer.byteLength(kept)} not kept as evidence (EVIDENCE_MAX_BODY_BYTES=${limit}); SHA-256 of the whole body: ${hash}]`;
  };
  return {
    ...redacted,
    steps: redacted.steps.map((s, i) => {
      const e = s.exchange;
      const w = raw.steps[i]?.exchange;
      if (!e || !w) return s;
      return {
        ...s,
        exchange: {
          ...e,
          request: { ...e.request, body: cut(e.request.body, w.request.body) },
          response: e.response && { ...e.response, body: cut(e.response.body, w.response?.body)! },
        },
      };
    }),
  };
}
