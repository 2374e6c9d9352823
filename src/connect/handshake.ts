// One connection to a target that sends no request: DNS, TCP (through the proxy's CONNECT tunnel where one applies)
// and the mutual-TLS handshake, each stage reported, and the TLS session kept so the run's connections can resume it.
// `spine-assure doctor`, the run's pre-flight and the HTTP client's warm-up all go through here.
import { X509Certificate } from "node:crypto";
import { lookup } from "node:dns/promises";
import { connect as netConnect, isIP, type Socket } from "node:net";
import { connect as tlsConnect, type SecureContext, type TLSSocket } from "node:tls";
import { certInfo, type CertInfo } from "../config/tls-identity.ts";

export type HandshakeStage = "dns" | "proxy" | "tcp" | "tls" | "client-certificate";

export interface HandshakeResult {
  host: string;
  port: number;
  /** Addresses DNS gave here; absent when a proxy resolves the host. */
  addresses?: string[];
  /** The proxy's status line for the CONNECT, when one was used. */
  tunnel?: string;
  tls?: {
    protocol: string;
    server?: CertInfo;
    /** Whether the server's certificate chains to the configured CA and names the host. */
    trusted: boolean;
    /** true: the server sent a session after checking our certificate; undefined: it gave no sign either way. */
    clientAccepted?: boolean;
  };
  session?: Buffer;
  /** The first stage that failed. */
  failure?: { stage: HandshakeStage; code?: string; message: string };
}

export interface HandshakeOptions {
  secureContext?: SecureContext;
  /** Proxy URL (credentials allowed): the TCP connection is a CONNECT tunnel through it. */
  proxy?: string;
  timeoutMs: number;
  /** How long to wait after the handshake for the server's verdict on our certificate (TLS 1.3 sends it late). */
  verdictMs?: number;
}

// TLS alerts that mean the server did not take our certificate (bad, unknown CA, required, expired, revoked...).
const CLIENT_CERT_ALERT = /ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_REQUIRED|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED|HANDSHAKE_FAILURE)|alert (number )?(42|43|44|45|46|48|49|116)\b/i;

export async function handshake(url: string, options: HandshakeOptions): Promise<HandshakeResult> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
  const result: HandshakeResult = { host, port };
  const deadline = Date.now() + options.timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  const fail = (stage: HandshakeStage, err: unknown, message?: string): HandshakeResult => {
    const e = err as { code?: string; message?: string };
    result.failure = { stage, ...(e?.code ? { code: e.code } : {}), message: message ?? e?.message ?? String(err) };
    return result;
  };

  let socket: Socket;
  if (options.proxy) {
    try {
      const tunnel = await connectTunnel(options.proxy, host, port, left());
      socket = tunnel.socket;
      result.tunnel = tunnel.statusLine;
    } catch (err) {
      return fail((err as TunnelError).stage ?? "proxy", err);
    }
  } else {
    if (!isIP(host)) {
      try {
        result.addresses = (await withTimeout(lookup(host, { all: true }), left(), "DNS")).map((a) => a.address);
      } catch (err) {
        return fail("dns", err);
      }
    } else result.addresses = [host];
    try {
      socket = await openTcp(host, port, left());
    } catch (err) {
      return fail("tcp", err);
    }
  }
  if (u.protocol !== "https:") {
    socket.destroy();
    return result;
  }

  let early: Buffer | undefined;
  const secure = await new Promise<{ socket?: TLSSocket; error?: Error }>((resolve) => {
    const s = tlsConnect({
      socket, servername: isIP(host) ? undefined : host, secureContext: options.secureContext,
      // Checked below instead, so the doctor can show the certificate it did not trust.
      rejectUnauthorized: false, ALPNProtocols: ["http/1.1"],
    });
    const timer = setTimeout(() => settle({ error: Object.assign(new Error(`no TLS handshake within ${options.timeoutMs} ms`), { code: "ETIMEDOUT" }) }), left());
    const settle = (r: { socket?: TLSSocket; error?: Error }) => {
      clearTimeout(timer);
      for (const event of ["secureConnect", "error", "close"]) s.removeAllListeners(event);
      // An error after this point is met by the stage that follows; none may go unhandled.
      s.on("error", () => {});
      if (r.error) s.destroy();
      resolve(r);
    };
    // TLS 1.2 gives its session during the handshake, before secureConnect.
    s.once("session", (session: Buffer) => (early = session));
    s.once("secureConnect", () => settle({ socket: s }));
    s.once("error", (error) => settle({ error }));
    s.once("close", () => settle({ error: Object.assign(new Error("the server closed the connection during the TLS handshake"), { code: "ECONNRESET" }) }));
  });
  if (!secure.socket) {
    const detail = `${secure.error!.message}${(secure.error as { code?: string }).code ? ` (${(secure.error as { code?: string }).code})` : ""}`;
    return fail(CLIENT_CERT_ALERT.test(detail) ? "client-certificate" : "tls", secure.error);
  }
  const s = secure.socket;
  const peer = s.getPeerX509Certificate();
  result.tls = { protocol: s.getProtocol() ?? "TLS", ...(peer ? { server: certInfo(peer as X509Certificate) } : {}), trusted: s.authorized };
  if (!s.authorized) {
    s.destroy();
    const reason = s.authorizationError as unknown as Error | string;
    const code = typeof reason === "string" ? reason : ((reason as { code?: string }).code ?? reason.message);
    return fail("tls", { code }, `the server's certificate is not trusted: ${typeof reason === "string" ? reason : reason.message}`);
  }
  // TLS 1.3: the server checks our certificate after its own Finished; it then sends a session ticket, or an alert.
  // (TLS 1.2 checked it within the handshake: a session then means it was taken.)
  const verdict = early ? { session: early } : await new Promise<{ session?: Buffer; error?: Error; closed?: boolean }>((resolve) => {
    const timer = setTimeout(() => done({}), Math.min(left(), options.verdictMs ?? 1_500));
    const done = (r: { session?: Buffer; error?: Error; closed?: boolean }) => {
      clearTimeout(timer);
      s.removeAllListeners("session");
      s.destroy();
      resolve(r);
    };
    s.once("session", (session: Buffer) => done({ session }));
    s.once("error", (error) => done({ error }));
    s.once("end", () => done({ closed: true }));
    s.resume();
  });
  s.destroy();
  if (verdict.error || verdict.closed) {
    result.tls.clientAccepted = false;
    return fail("client-certificate", verdict.error ?? {}, verdict.error ? `the server ended the connection after the handshake: ${verdict.error.message}` : "the server closed the connection straight after the handshake");
  }
  if (verdict.session) {
    result.tls.clientAccepted = true;
    result.session = verdict.session;
  }
  return result;
}

class TunnelError extends Error {
  constructor(readonly stage: HandshakeStage, message: string, readonly code?: string) {
    super(message);
  }
}

function openTcp(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`no TCP connection to ${host}:${port} within ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** A CONNECT tunnel to host:port through an http:// or https:// proxy, as undici's ProxyAgent makes for the run. */
async function connectTunnel(proxyUrl: string, host: string, port: number, timeoutMs: number): Promise<{ socket: Socket; statusLine: string }> {
  const proxy = new URL(proxyUrl);
  const proxyPort = Number(proxy.port || (proxy.protocol === "https:" ? 443 : 80));
  let socket: Socket;
  try {
    socket = await openTcp(proxy.hostname.replace(/^\[|\]$/g, ""), proxyPort, timeoutMs);
    if (proxy.protocol === "https:") socket = tlsConnect({ socket, servername: isIP(proxy.hostname) ? undefined : proxy.hostname });
  } catch (err) {
    throw new TunnelError("proxy", `the proxy ${proxy.host} cannot be reached: ${(err as Error).message}`, (err as { code?: string }).code);
  }
  const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  const auth = proxy.username ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString("base64")}\r\n` : "";
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`);
  const head = await new Promise<Buffer>((resolve, reject) => {
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new TunnelError("proxy", `the proxy ${proxy.host} did not answer the CONNECT within ${timeoutMs} ms`, "ETIMEDOUT")), timeoutMs);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      socket.off("data", onData);
      // Not flowing until TLS takes the socket over: bytes given back below wait for it instead of re-entering here.
      socket.pause();
      if (err) {
        socket.destroy();
        reject(err);
      } else resolve(got);
    };
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      const end = got.indexOf("\r\n\r\n");
      if (end >= 0) {
        // Anything after the head belongs to the tunnel (the server's first TLS bytes): given back once this listener
        // is gone — given back while it listened, the same bytes came straight back to it, for ever.
        const rest = got.subarray(end + 4);
        got = got.subarray(0, end);
        finish();
        if (rest.length) socket.unshift(rest);
      } else if (got.length > 16_384) finish(new TunnelError("proxy", `the proxy ${proxy.host} sent an over-long answer to CONNECT`));
    };
    socket.on("data", onData);
    socket.once("error", (err) => finish(new TunnelError("proxy", `the proxy ${proxy.host} failed: ${err.message}`, (err as { code?: string }).code)));
    socket.once("end", () => finish(new TunnelError("proxy", `the proxy ${proxy.host} closed the connection without answering the CONNECT`)));
  });
  socket.removeAllListeners("error");
  socket.removeAllListeners("end");
  const statusLine = head.toString("latin1").split("\r\n")[0] ?? "";
  const status = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(statusLine)?.[1]);
  if (status !== 200) {
    socket.destroy();
    throw new TunnelError(status === 502 || status === 504 ? "tcp" : "proxy", `the proxy ${proxy.host} answered "${statusLine}" to CONNECT ${authority}`);
  }
  return { socket, statusLine };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(Object.assign(new Error(`${what} gave no answer within ${ms} ms`), { code: "ETIMEDOUT" })), ms))),
  ]);
}
