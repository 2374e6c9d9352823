// One undici dispatcher per target, carrying its TLS identity, and its proxy when one applies (a CONNECT tunnel, mutual
// TLS end to end through it). Every request has a deadline covering connect, headers and body, and a response size
// cap, so a hostile or broken target can neither hang nor flood a run.
import { createSecureContext, type SecureContext } from "node:tls";
import type { Dispatcher } from "undici";
import { undici } from "./undici-parts.ts";
import { secureContextOptions, type TlsFiles } from "../config/tls-identity.ts";
import type { DecodedJwt } from "../spine/jwt.ts";
import { handshake } from "../connect/handshake.ts";

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
  /** The request's bearer JWT decoded (header and claims), so a reader sees what it said; the raw token stays redacted. */
  jwt?: DecodedJwt;
  startedAt: number;
  durationMs: number;
  /** Set when the request was sent a second time: why the first try got no answer (a closed connection). */
  retried?: string;
}

/** Methods HTTP defines as idempotent (RFC 9110 §9.2.2): safe to send again when no answer came. */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

export interface HttpTargetOptions {
  tls: TlsFiles;
  /** Proxy URL: requests go through its CONNECT tunnel. */
  proxy?: string;
  /** A TLS session (base64) from an earlier handshake: no warm-up is needed. */
  session?: string;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Sockets to the target at most: the bound on requests in flight. */
  connections: number;
}

export class HttpTarget {
  private dispatcher?: Dispatcher;
  // One context for every socket: given bare PEM, each connection would parse the key and CA afresh, which costs
  // more CPU than the request itself when many cases open connections at once.
  private readonly secureContext: SecureContext;
  private session?: Buffer;
  private opened = 0;

  constructor(private readonly options: HttpTargetOptions, shared?: { secureContext: SecureContext; session?: Buffer }) {
    this.secureContext = shared?.secureContext ?? createSecureContext(secureContextOptions(options.tls));
    const session = shared?.session ?? (options.session ? Buffer.from(options.session, "base64") : undefined);
    if (session) this.dispatcherFor(session);
  }

  /**
   * A sender with one connection of its own, kept alive between its requests (a case walking the reused-connection
   * path, or one copy of a concurrent case): same identity, proxy and TLS session, none of the pool's sockets.
   */
  ownConnection(): HttpTarget {
    return new HttpTarget({ ...this.options, connections: 1 }, { secureContext: this.secureContext, session: this.session });
  }

  /** How many connections this sender has opened; undefined through a proxy, whose tunnels cannot be counted. */
  connectionsOpened(): number | undefined {
    return this.options.proxy ? undefined : this.opened;
  }

  /** Made on first use, so a warm-up's session can seed it. */
  private dispatcherFor(session?: Buffer): Dispatcher {
    if (this.dispatcher) return this.dispatcher;
    this.session = session;
    const tls = { secureContext: this.secureContext, rejectUnauthorized: true, timeout: this.options.timeoutMs, ...(session ? { session } : {}) };
    // Idle sockets are let go well before a server would close them (Node's own default is 5 s), so a request is
    // rarely written on a socket the target is closing; the one that still is, if idempotent, is sent again (send).
    const pool = { connections: this.options.connections, headersTimeout: this.options.timeoutMs, bodyTimeout: this.options.timeoutMs, keepAliveTimeout: 4_000, keepAliveTimeoutThreshold: 1_500 };
    if (this.options.proxy) {
      this.dispatcher = new (undici().ProxyAgent)({ uri: this.options.proxy, requestTls: tls, proxyTls: { timeout: this.options.timeoutMs }, ...pool });
    } else {
      const connector = undici().buildConnector(tls);
      this.dispatcher = new (undici().Agent)({ connect: connector, ...pool }).on("connect", () => this.opened++);
    }
    return this.dispatcher;
  }

  /**
   * One TLS handshake with the target before the cases start, sending nothing, so the connections the cases open
   * together can resume its session instead of each making a full handshake (certificates sent, parsed and checked
   * on both sides). A target that refuses or does not offer resumption costs one handshake; errors are left for the
   * cases to meet and report.
   */
  async warmUp(url: string): Promise<void> {
    if (this.dispatcher || new URL(url).protocol !== "https:") return;
    const got = await handshake(url, { secureContext: this.secureContext, proxy: this.options.proxy, timeoutMs: Math.min(this.options.timeoutMs, 3_000) });
    this.dispatcherFor(got.failure ? undefined : got.session);
  }

  /**
   * One request and its answer. An idempotent request that met a connection closed before any answer came (the target
   * closing a kept-alive socket as the request was written) is sent once more: that is the transport's doing, not an
   * answer, and must not become the target's verdict. Anything else is reported as it happened.
   */
  async send(outgoing: OutgoingRequest): Promise<Exchange> {
    const first = await this.sendOnce(outgoing);
    if (first.error?.fault !== "reset" || first.response || !IDEMPOTENT.has(outgoing.method.toUpperCase())) return first;
    const again = await this.sendOnce(outgoing);
    return { ...again, startedAt: first.startedAt, durationMs: again.startedAt + again.durationMs - first.startedAt, retried: first.error.message };
  }

  private async sendOnce(outgoing: OutgoingRequest): Promise<Exchange> {
    const startedAt = Date.now();
    const done = (partial: Omit<Exchange, "request" | "startedAt" | "durationMs">): Exchange => ({
      request: outgoing, ...partial, startedAt, durationMs: Date.now() - startedAt,
    });
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let status = 0;
    let headers: [string, string][] = [];
    try {
      const res = await undici().request(outgoing.url, {
        dispatcher: this.dispatcherFor(),
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
    await this.dispatcher?.close();
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
