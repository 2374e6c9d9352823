// Small HTTP helpers for the sandbox: bounded body reading, header lookup by exact name, replies.
import type { IncomingMessage, ServerResponse } from "node:http";

export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLarge extends Error {}

/** Bodies read before the handler ran (a sandbox that records what it receives reads each body first). */
const bodiesRead = new WeakMap<IncomingMessage, Promise<string>>();

/** Reads the whole body, refusing more than `limit` bytes; a body already read is given again. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const earlier = bodiesRead.get(req);
  if (earlier) return earlier;
  const reading = new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLarge(`request body over ${limit} bytes`));
        req.pause();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
  bodiesRead.set(req, reading);
  return reading;
}

/**
 * A header by its exact name: Spine header names are case-sensitive (NRLS general API guidance), and Node lower-cases
 * req.headers, so the raw list is searched.
 */
export function exactHeader(req: IncomingMessage, name: string): string | undefined {
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i] === name) return req.rawHeaders[i + 1];
  return undefined;
}

/** Reshapes every reply of one response (a documented variant of the transport: header case, charset, a BOM…). */
export type ReplyShaper = (headers: Record<string, string>, body: string | undefined) => { headers: Record<string, string>; body: string | undefined };
export const replyShapers = new WeakMap<ServerResponse, ReplyShaper>();
/** Told what each reply said (status, headers and body as sent): how a recording sandbox keeps its answers. */
export const replyWatchers = new WeakMap<ServerResponse, (status: number, headers: Record<string, string>, body: string | undefined) => void>();

export function reply(res: ServerResponse, status: number, bodyIn: string | undefined, headersIn: Record<string, string> = {}): void {
  const { headers, body } = replyShapers.get(res)?.(headersIn, bodyIn) ?? { headers: headersIn, body: bodyIn };
  if (res.headersSent) return;
  replyWatchers.get(res)?.(status, headers, body);
  if (body === undefined || body === "") res.writeHead(status, headers);
  else {
    // A copy member by member: a spread of headers of so many shapes took V8's slow path on every reply.
    const sent: Record<string, string> = {};
    for (const name in headers) sent[name] = headers[name]!;
    sent["Content-Length"] = String(Buffer.byteLength(body));
    res.writeHead(status, sent);
  }
  res.end(body);
}

export function replyJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  reply(res, status, JSON.stringify(body), { "Content-Type": "application/json;charset=UTF-8", ...headers });
}
