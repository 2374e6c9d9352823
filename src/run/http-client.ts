// One undici Agent per target, carrying its TLS material. Every request has a deadline covering connect, headers and
// body, and a response size cap, so a hostile or broken target can neither hang nor flood a run.
import { isIP } from "node:net";
import { connect as tlsConnect, createSecureContext, type SecureContext } from "node:tls";
import { Agent, buildConnector, request as undiciRequest } from "undici";
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
  // One context for every socket: given bare PEM, each connection would parse the key and CA afresh, which costs
  // more CPU than the request itself when many cases open connections at once.
  private readonly secureContext: SecureContext;
  private connector: buildConnector.connector;

  constructor(private readonly options: HttpTargetOptions) {
    const { ca, cert, key, passphrase } = options.tls;
    this.secureContext = createSecureContext({ ca, cert, key, passphrase });
    this.connector = this.buildConnector();
    this.agent = new Agent({
      connect: (opts, callback) => this.connector(opts, callback),
      connections: options.connections,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 10_000,
    });
  }

  private buildConnector(session?: Buffer): buildConnector.connector {
    return buildConnector({ secureContext: this.secureContext, rejectUnauthorized: true, timeout: this.options.timeoutMs, session });
  }

  /**
   * One TLS handshake with the target before the cases start, sending nothing, so the connections the cases open
   * together can resume its session instead of each making a full handshake (certificates sent, parsed and checked
   * on both sides). A target that refuses or does not offer resumption costs one handshake; errors are left for the
   * cases to meet and report.
   */
  async warmUp(url: string): Promise<void> {
    const u = new URL(url);
    if (u.protocol !== "https:") return;
    const host = u.hostname.replace(/^\[|\]$/g, "");
    const session = await new Promise<Buffer | undefined>((resolve) => {
      const socket = tlsConnect({
        host, port: Number(u.port || 443), servername: isIP(host) ? undefined : host,
        secureContext: this.secureContext, rejectUnauthorized: true, ALPNProtocols: ["http/1.1"],
      });
      const finish = (got?: Buffer) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(got);
      };
      const timer = setTimeout(finish, Math.min(this.options.timeoutMs, 3_000));
      socket.once("session", finish);
      socket.once("error", () => finish());
    });
    if (session) this.connector = this.buildConnector(session);
  }

  async send(outgoing: OutgoingRequest): Promise<Exchange> {
    const startedAt = Date.now();
    const done = (partial: Omit<Exchange, "request" | "startedAt" | "durationMs">): Exchange => ({
      request: outgoing, ...partial, startedAt, durationMs: Date.now() - startedAt,
    });
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let status = 0;
    let headers: [string, string][] = [];
    try {
      const res = await undiciRequest(outgoing.url, {
        dispatcher: this.agent,
        method: outgoing.method as "GET",
        headers: outgoing.headers.flat(),
        body: outgoing.body,
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
