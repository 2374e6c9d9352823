// The embedded sandbox: every API module's simulator (src/apis.ts) behind one HTTPS server with mutual TLS (plain HTTP
// on request), on loopback, each under its sandbox path: https://127.0.0.1:<port>/ers-api, …/nrls and so on.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { PROJECT_ROOT } from "../src/project-root.ts";
import type { SandboxHandler } from "../src/api-module.ts";
import { TARGETS, type TargetName } from "../src/targets.ts";
import { loadDirectory, type Directory } from "./directory.ts";
import { parseFaults } from "./faults.ts";
import { parseVariants } from "./variants.ts";
import { BodyTooLarge, readBody, reply, replyJson, replyShapers, replyWatchers } from "./http.ts";
import type { ReceivedRequest } from "../src/model/received-request.ts";
import { transportVariants } from "./transport-variants.ts";
import { errorOutcome, spineError } from "./spine-outcome.ts";

export const TLS_DIR = join(PROJECT_ROOT, "fixtures", "tls");
/** What a client needs to talk to the sandbox over mutual TLS. */
export const SANDBOX_CLIENT_TLS = {
  ca: join(TLS_DIR, "ca.crt"),
  cert: join(TLS_DIR, "client.crt"),
  key: join(TLS_DIR, "client.key"),
};

/** The test PKI's server identity and CA, read once for every sandbox of the process. */
let testPki: { key: Buffer; cert: Buffer; ca: Buffer } | undefined;
const defaultPki = () => (testPki ??= { key: readFileSync(join(TLS_DIR, "server.key")), cert: readFileSync(join(TLS_DIR, "server.crt")), ca: readFileSync(join(TLS_DIR, "ca.crt")) });

/**
 * The keys that seal a sandbox's TLS session tickets: the same for every sandbox of this process with the same TLS
 * settings (identity, trusted CA, whether an untrusted client is refused), so a client that met one resumes its session
 * with the next, as with one server, instead of a full handshake of both identities each time (the tests start hundreds
 * of sandboxes). Sandboxes that would judge a client's certificate differently never share them.
 */
const ticketKeys = new Map<string, Buffer>();
function ticketKeysFor(settings: Record<string, unknown>): Buffer {
  const hash = createHash("sha256");
  for (const [name, value] of Object.entries(settings).sort(([a], [b]) => a.localeCompare(b))) hash.update(`${name}\0${String(value)}\0`);
  const id = hash.digest("hex");
  let keys = ticketKeys.get(id);
  if (!keys) ticketKeys.set(id, (keys = randomBytes(48)));
  return keys;
}

export interface SandboxOptions {
  /** 0 (default): a free port. */
  port?: number;
  host?: string;
  /** false: plain HTTP, for local tools. Default true (HTTPS with mutual TLS). */
  tls?: boolean;
  /** Comma-separated fault names (default: SANDBOX_FAULTS). */
  faults?: string;
  /** Comma-separated documented variant names (default: SANDBOX_VARIANTS). */
  variants?: string;
  /** Delay before every response (default: SANDBOX_LATENCY_MS). */
  latencyMs?: number;
  directory?: Directory;
  /** The API modules' sandbox settings (SANDBOX_MAX_POINTERS, SANDBOX_WITHOUT_A004, …), over the environment's. */
  settings?: Readonly<Record<string, string>>;
  /** How long a client may take to send its headers before the connection is dropped (default 10 s). */
  headersTimeoutMs?: number;
  /** Another PKI (PEM text): the server's certificate and key, and the CA its clients' certificates must chain to. */
  pki?: { cert: string; key: string; ca: string };
  /** true: a client certificate that is missing or not from the CA is refused in the TLS handshake (default: a 401). */
  refuseUntrustedClients?: boolean;
  /** The origin written into absolute URLs (Location), as behind a proxy that fronts the sandbox (default: its own). */
  publicOrigin?: string;
  /** Told of every request received, with the answer given (assess-client): the sandbox answers exactly as without it. */
  observe?: (received: ReceivedRequest) => void;
  /** Told when an observed request starts arriving, and when its exchange is over (answered, or the client gone). */
  inFlight?: { started(): void; ended(): void };
}

export interface RunningSandbox {
  port: number;
  /** Base URL of each API the sandbox simulates. */
  baseUrls: Partial<Record<TargetName, string>>;
  faults: ReadonlySet<string>;
  variants: ReadonlySet<string>;
  /** The subject CN of each client certificate the sandbox accepted, as it saw them. */
  clientCertificates: ReadonlySet<string>;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const faults = parseFaults(options.faults ?? process.env.SANDBOX_FAULTS);
  const variants = parseVariants(options.variants ?? process.env.SANDBOX_VARIANTS);
  // The handlers read faults and documented variants alike, as named switches.
  const switches = new Set([...faults, ...variants]);
  const latencyMs = options.latencyMs ?? Number(process.env.SANDBOX_LATENCY_MS ?? 0);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error(`SANDBOX_LATENCY_MS must be a number of milliseconds, got "${process.env.SANDBOX_LATENCY_MS}"`);
  const directory = options.directory ?? loadDirectory();
  const useTls = options.tls ?? true;
  const host = options.host ?? "127.0.0.1";
  // Each API module's simulator, under its sandbox path.
  const setting = (name: string) => options.settings?.[name] ?? process.env[name];
  const handlers: Partial<Record<TargetName, SandboxHandler>> = Object.fromEntries(await Promise.all(
    TARGETS.flatMap((t) => (t.sandbox ? [t.sandbox.handler({ directory, switches, setting }).then((h) => [t.name, h] as const)] : [])),
  ));
  let origin = "";
  const clientCertificates = new Set<string>();
  // Absolute URLs (Location) name the sandbox as the client reached it (localhost or 127.0.0.1), as a server with
  // a configured public name does; a test may name another origin.
  const publicOrigin = (req: IncomingMessage) =>
    options.publicOrigin ?? (req.headers.host && /^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:.]+\](:\d+)?$/.test(req.headers.host) ? `${useTls ? "https" : "http"}://${req.headers.host}` : origin);
  const shaper = transportVariants(switches);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (shaper) replyShapers.set(res, shaper);
    if (latencyMs) await new Promise((r) => setTimeout(r, latencyMs));
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://sandbox");
    } catch {
      // A request target no URL parser accepts (//x:99999/): the client's mistake, never a 5xx.
      reply(res, 400, "Bad request target", { "Content-Type": "text/plain" });
      return;
    }
    // Mutual TLS: a client without a certificate from the test CA is refused, as the reference implementation does.
    if (useTls && !(req.socket as TLSSocket).authorized) {
      const { body } = errorOutcome(spineError("ACCESS_DENIED", "A valid client certificate is required"));
      replyJson(res, 401, body);
      return;
    }
    for (const t of TARGETS) {
      const serve = handlers[t.name];
      if (serve && url.pathname.startsWith(`${t.sandboxPath}/`) && (await serve(req, res, url.pathname.slice(t.sandboxPath.length), url, `${publicOrigin(req)}${t.sandboxPath}`))) return;
    }
    reply(res, 404, "Not found", { "Content-Type": "text/plain" });
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (options.observe) record(req, res, options.observe);
    handle(req, res).catch((err: unknown) => {
      if (err instanceof BodyTooLarge) reply(res, 413, "Request body too large", { "Content-Type": "text/plain", Connection: "close" });
      else reply(res, 500, "Internal sandbox error", { "Content-Type": "text/plain" });
    });
  };

  // Recording: the body is read first (the handlers are given the same text), and the answer as the reply sends it.
  const record = (req: IncomingMessage, res: ServerResponse, observe: (r: ReceivedRequest) => void) => {
    options.inFlight?.started();
    // After the observer has the request (or the client left before an answer): the exchange is over.
    let over = false;
    const ended = () => {
      if (over) return;
      over = true;
      options.inFlight?.ended();
    };
    res.once("close", () => {
      if (!res.writableFinished) ended();
    });
    const receivedAt = Date.now();
    const started = performance.now();
    const body = readBody(req).catch(() => "(more than 1 MiB: not kept)");
    let answer: ReceivedRequest["response"] = { status: 0, headers: [], body: "" };
    replyWatchers.set(res, (status, headers, text) => {
      answer = { status, headers: Object.entries(headers), body: text ?? "" };
    });
    res.once("finish", () => {
      void body.then((text) => {
        const cn = useTls ? peerName(req.socket as TLSSocket) : undefined;
        const headers: [string, string][] = [];
        for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
        observe({
          method: req.method ?? "", url: req.url ?? "/", headers, body: text, receivedAt, origin: publicOrigin(req),
          ...(cn ? { clientCertificate: cn } : {}),
          response: answer, durationMs: performance.now() - started,
        });
        ended();
      });
    });
  };

  // The accepted client certificate's CN, read once a connection (for the certificates accepted and for each recorded
  // request): its certificate cannot change, and reading it parses it.
  const peerNames = new WeakMap<TLSSocket, string | undefined>();
  const peerName = (socket: TLSSocket): string | undefined => {
    if (!socket.authorized) return undefined;
    if (!peerNames.has(socket)) {
      const cn = socket.getPeerCertificate().subject?.CN;
      peerNames.set(socket, cn ? String(cn) : undefined);
    }
    return peerNames.get(socket);
  };

  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  // Node only looks for expired connections this often; keep it well under the timeouts it enforces.
  const timing = { connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(headersTimeout / 4))), headersTimeout, requestTimeout: Math.max(headersTimeout, 30_000) };
  const tlsSettings = useTls ? { ...(options.pki ?? defaultPki()), requestCert: true, rejectUnauthorized: !!options.refuseUntrustedClients } : undefined;
  const server: Server = tlsSettings
    ? createHttpsServer({ ...timing, ...tlsSettings, ticketKeys: ticketKeysFor(tlsSettings) }, listener)
    : createHttpServer(timing, listener);
  // Which client certificates were accepted: once per connection, off the request path. A resumed session carries the
  // certificate its first connection presented, which may have been to another sandbox sharing its ticket keys.
  server.on("secureConnection", (socket: TLSSocket) => {
    if (socket.authorized) clientCertificates.add(peerName(socket) ?? "");
  });
  // Slow or abandoned connections are dropped rather than held.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `${useTls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    port,
    baseUrls: Object.fromEntries(TARGETS.filter((t) => handlers[t.name]).map((t) => [t.name, `${origin}${t.sandboxPath}`])),
    faults,
    variants,
    clientCertificates,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
