// The engine's HTTP client against misbehaving servers on loopback: it must end every request within its bound
// and say what went wrong.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { HttpTarget } from "../src/run/http-client.ts";
import { undici } from "../src/run/undici-parts.ts";
import { handshake } from "../src/connect/handshake.ts";

const servers: { close: () => void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

const listen = async (server: Server | ReturnType<typeof createNetServer>): Promise<number> => {
  servers.push(server as { close: () => void });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return (server.address() as AddressInfo).port;
};
const client = (timeoutMs = 500, maxResponseBytes = 1024) => new HttpTarget({ tls: {}, timeoutMs, maxResponseBytes, connections: 4 });

describe("HTTP client", () => {
  it("runs on undici's parts, not its entry module, and sends the method, path, query, headers and body given", async () => {
    // If undici's layout changed, the entry module would be loaded instead: slower at start, and this says so.
    expect(undici().loaded).toBe("parts");
    let seen: { method?: string; url?: string; header?: string; body: string } = { body: "" };
    const port = await listen(createServer((q, s) => {
      q.setEncoding("utf8");
      q.on("data", (c: string) => (seen.body += c));
      q.on("end", () => {
        seen = { ...seen, method: q.method, url: q.url, header: q.headers["x-probe"] as string };
        s.end("ok");
      });
    }));
    const e = await client(2000).send({ method: "PUT", url: `http://127.0.0.1:${port}/a/b%20c?x=1&y=%7C`, headers: [["X-Probe", "yes"]], body: "{}" });
    expect(e.response?.status).toBe(200);
    expect(seen).toEqual({ method: "PUT", url: "/a/b%20c?x=1&y=%7C", header: "yes", body: "{}" });
  });
});

describe("HTTP client against hostile targets", () => {
  it("gives up on a server that accepts and never answers, within the timeout", async () => {
    const port = await listen(createNetServer(() => {}));
    const started = Date.now();
    const e = await client(300).send({ method: "GET", url: `http://127.0.0.1:${port}/`, headers: [] });
    expect(e.error?.fault).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("sends an idempotent request again when its connection closed before any answer, and a POST never", async () => {
    // The first request of each method meets a connection closed under it (a kept-alive socket the target let go).
    const met = new Map<string, number>();
    const port = await listen(createServer((q, s) => {
      const n = (met.get(q.method!) ?? 0) + 1;
      met.set(q.method!, n);
      if (n === 1) q.socket.destroy();
      else s.end("ok");
    }));
    const http = client(2000);
    const get = await http.send({ method: "GET", url: `http://127.0.0.1:${port}/`, headers: [] });
    expect(get.response?.status).toBe(200);
    expect(get.retried).toMatch(/closed by the target/);
    expect(met.get("GET")).toBe(2);
    // A POST may have been acted on: it is reported as it happened, not sent twice.
    const post = await http.send({ method: "POST", url: `http://127.0.0.1:${port}/`, headers: [], body: "{}" });
    expect(post.error?.fault).toBe("reset");
    expect(met.get("POST")).toBe(1);
  });

  it("ends in a diagnosis when a proxy sends bytes right after its 200 Connection Established (they once looped for ever)", async () => {
    const port = await listen(createNetServer((socket) => socket.once("data", () => socket.write("HTTP/1.1 200 Connection Established\r\n\r\nx"))));
    const r = await handshake("https://127.0.0.1:9/nrls", { proxy: `http://127.0.0.1:${port}`, timeoutMs: 2_000 });
    // The one byte is no TLS server's: the handshake fails, saying so, with the tunnel it went through.
    expect(r.tunnel).toBe("HTTP/1.1 200 Connection Established");
    expect(r.failure?.stage).toMatch(/^(tls|client-certificate)$/);
  });

  it("cuts off a body larger than the cap", async () => {
    const port = await listen(createServer((_q, s) => s.end("x".repeat(100_000))));
    const e = await client(2000, 1024).send({ method: "GET", url: `http://127.0.0.1:${port}/`, headers: [] });
    expect(e.error?.fault).toBe("too-large");
    expect(e.response?.status).toBe(200);
  });

  it("reports a refused connection", async () => {
    const port = await listen(createNetServer());
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 50));
    const e = await client().send({ method: "GET", url: `http://127.0.0.1:${port}/`, headers: [] });
    expect(e.error?.fault).toBe("refused");
  });

  it("reports a connection reset mid-body", async () => {
    const port = await listen(createServer((_q, s) => {
      s.writeHead(200, { "Content-Length": "1000" });
      s.write("partial");
      setTimeout(() => s.socket?.destroy(), 20);
    }));
    const e = await client(2000).send({ method: "GET", url: `http://127.0.0.1:${port}/`, headers: [] });
    expect(e.error?.fault).toBe("reset");
  });

  it("refuses a server certificate from an unknown CA", async () => {
    const tls = join(PROJECT_ROOT, "fixtures", "tls");
    const port = await listen(createTlsServer({ key: readFileSync(join(tls, "server.key")), cert: readFileSync(join(tls, "server.crt")) }, (_q, s) => s.end("ok")));
    const e = await client(2000).send({ method: "GET", url: `https://127.0.0.1:${port}/`, headers: [] });
    expect(e.error?.fault).toBe("tls");
    expect(e.error?.message).toMatch(/TLS failure/);
  });

  it("warms up with one TLS handshake, whose session the concurrent connections then resume", async () => {
    const tls = (f: string) => readFileSync(join(PROJECT_ROOT, "fixtures", "tls", f), "utf8");
    let resumed = 0;
    let full = 0;
    let authorised = 0;
    const port = await listen(createTlsServer({ key: tls("server.key"), cert: tls("server.crt"), ca: tls("ca.crt"), requestCert: true, rejectUnauthorized: false }, (q, s) => {
      const socket = q.socket as TLSSocket;
      if (socket.isSessionReused()) resumed++;
      else full++;
      if (socket.authorized) authorised++;
      setTimeout(() => s.end("ok"), 30); // held open, so each request needs a connection of its own
    }));
    const url = `https://127.0.0.1:${port}/`;
    const target = (warm: boolean) => async () => {
      const t = new HttpTarget({ tls: { ca: tls("ca.crt"), cert: tls("client.crt"), key: tls("client.key") }, timeoutMs: 5000, maxResponseBytes: 1024, connections: 8 });
      if (warm) await t.warmUp(url);
      const exchanges = await Promise.all(Array.from({ length: 8 }, () => t.send({ method: "GET", url, headers: [] })));
      await t.close();
      return exchanges.map((e) => e.response?.status);
    };
    expect(await target(false)()).toEqual(Array(8).fill(200));
    expect({ resumed, full }).toEqual({ resumed: 0, full: 8 });
    resumed = full = 0;
    expect(await target(true)()).toEqual(Array(8).fill(200));
    expect({ resumed, full }).toEqual({ resumed: 8, full: 0 });
    // The client certificate still counts on a resumed session.
    expect(authorised).toBe(16);
  });

  it("warms up quietly against a target that is down or untrusted, leaving the error to the requests", async () => {
    const port = await listen(createNetServer());
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 50));
    const t = client(2000);
    await t.warmUp(`https://127.0.0.1:${port}/`);
    expect((await t.send({ method: "GET", url: `https://127.0.0.1:${port}/`, headers: [] })).error?.fault).toBe("refused");
    const silent = await listen(createNetServer(() => {}));
    const started = Date.now();
    await client(300).warmUp(`https://127.0.0.1:${silent}/`);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
