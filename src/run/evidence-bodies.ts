// How much of each body is kept as evidence. Checks see a response whole (up to HTTP_MAX_RESPONSE_BYTES); the
// evidence keeps the first EVIDENCE_MAX_BODY_BYTES of it, then says how much more there was and gives the SHA-256 of
// the whole body as received, so a pack stays a readable size whatever a target sends, and the cut is never silent.
// A client assessment also bounds the sum over its pack (EVIDENCE_MAX_TOTAL_BODY_BYTES): a budget shared by its cases.
import { createHash } from "node:crypto";
import type { Exchange } from "./http-client.ts";

type WithSteps = { steps: { exchange?: Exchange }[] };

/** Bytes the bodies kept so far may still take, out of `total`; each kept body spends its own size. */
export interface BodyBudget {
  left: number;
  readonly total: number;
}

/**
 * `redacted` with each body over `limit` bytes cut — or over what is left of `budget`, which the kept bodies spend;
 * the hashes are of the bodies in `raw`, as sent and received.
 */
export function evidenceBodies<T extends WithSteps>(raw: WithSteps, redacted: T, limit: number, budget?: BodyBudget): T {
  const cut = (shown: string | undefined, whole: string | undefined): string | undefined => {
    if (shown === undefined || whole === undefined) return shown;
    const bytes = Buffer.byteLength(whole);
    const room = budget ? Math.min(limit, budget.left) : limit;
    if (bytes <= room) {
      if (budget) budget.left -= Math.min(bytes, Buffer.byteLength(shown));
      return shown;
    }
    const kept = Buffer.from(shown).subarray(0, room).toString("utf8").replace(/\uFFFD$/, "");
    const keptBytes = Buffer.byteLength(kept);
    if (budget) budget.left = Math.max(0, budget.left - keptBytes);
    const hash = createHash("sha256").update(whole).digest("hex");
    const why = room < limit ? `EVIDENCE_MAX_TOTAL_BODY_BYTES=${budget!.total}: the bodies this pack keeps had reached it` : `EVIDENCE_MAX_BODY_BYTES=${limit}`;
    return `${kept}${kept ? "\n" : ""}[spine-assure: ${bytes} bytes in all; ${bytes - keptBytes} not kept as evidence (${why}); SHA-256 of the whole body: ${hash}]`;
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
