// One undici Agent per target, carrying its TLS material. Every request has a deadline covering connect, headers and
// body, and a response size cap, so a hostile or broken target can neither hang nor flood a run.
import { Agent, request as undiciRequest } from "undici";
import type { TlsFiles } from "../config/load-config.ts";

export interface OutgoingRequest {
  method: string;
  url: string;
  /** In the order and spelling they are sent (Spine's header names are case-sensitive). */
  headers: [string, string][];
  body?: string;
}

export type TransportFault = "timeout" | "refused" | "reset" | "tls" | "too-large" | "dns" | "protocol";

export interface Exchange {
  request: OutgoingRequest;
  response?: {
    status: number;
    headers: [string, string][];
    body: string;
    bytes: number;
  };
  /** Set when no complete response came back. */
  error?: { fault: TransportFault; message: string };
  startedAt: number;
  durationMs: number;
}

export interface HttpTargetOptions {
  tls: TlsFiles;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Sockets to the target at most: the bound on requests in flight. */
  connections: number;
}

export class HttpTarget {
  private readonly agent: Agent;

  constructor(private readonly options: HttpTargetOptions) {
    this.agent = new Agent({
      connect: {
        ca: options.tls.ca,
        cert: options.tls.cert,
        key: options.tls.key,
        passphrase: options.tls.passphrase,
        rejectUnauthorized: true,
        timeout: options.timeoutMs,
      },
      connections: options.connections,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 10_000,
    });
  }

  async send(req: OutgoingRequest): Promise<Exchange> {
    const startedAt = Date.now();
    const done = (partial: Omit<Exchange, "request" | "startedAt" | "durationMs">): Exchange => ({
      request: req, ...partial, startedAt, durationMs: Date.now() - startedAt,
    });
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let status = 0;
    let headers: [string, string][] = [];
    try {
      const res = await undiciRequest(req.url, {
        dispatcher: this.agent,
        method: req.method as "GET",
        headers: req.headers.flat(),
        body: req.body,
        signal,
      });
      status = res.statusCode;
      headers = flattenHeaders(res.headers);
      const chunks: Buffer[] = [];
      let bytes = 0;
      for await (const chunk of res.body) {
        bytes += (chunk as Buffer).length;
        if (bytes > this.options.maxResponseBytes) {
          res.body.destroy();
          return done({
            response: { status, headers, body: Buffer.concat(chunks).toString("utf8"), bytes },
            error: { fault: "too-large", message: `response body exceeded ${this.options.maxResponseBytes} bytes and was cut off` },
          });
        }
        chunks.push(chunk as Buffer);
      }
      return done({ response: { status, headers, body: Buffer.concat(chunks).toString("utf8"), bytes } });
    } catch (err) {
      const error = describeTransportError(err, signal.aborted, this.options.timeoutMs);
      return done(status ? { response: { status, headers, body: "", bytes: 0 }, error } : { error });
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(h)) {
    if (Array.isArray(value)) for (const v of value) out.push([name, v]);
    else if (value !== undefined) out.push([name, value]);
  }
  return out;
}

/** A transport failure in words a supplier can act on. */
export function describeTransportError(err: unknown, timedOut: boolean, timeoutMs: number): { fault: TransportFault; message: string } {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? e.code ?? "";
  const detail = e.cause?.message ?? e.message ?? String(err);
  if (timedOut || /TIMEOUT/.test(code)) return { fault: "timeout", message: `no complete response within ${timeoutMs} ms (${code || "timed out"})` };
  if (code === "ECONNREFUSED") return { fault: "refused", message: `connection refused: ${detail}` };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return { fault: "dns", message: `host not found: ${detail}` };
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE") return { fault: "reset", message: `connection closed by the target: ${detail}` };
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|ERR_SSL|HANDSHAKE|ALTNAME/.test(code + detail)) return { fault: "tls", message: `TLS failure: ${detail}${code ? ` (${code})` : ""}` };
  return { fault: "protocol", message: `${detail}${code ? ` (${code})` : ""}` };
}
