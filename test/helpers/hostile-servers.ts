// Targets that misbehave at the transport or protocol level, for test/hostile-targets.test.ts. They run in a process
// of their own (startHostileServers): the runs they are tested against run in the test's process, and a target
// sharing that thread would answer late whenever the harness is busy — its lateness, not the hostility, would be
// judged. Run as a script, this file starts every server and prints one line of JSON: each server's base URL.
import { readFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import { createServer as createNet, type AddressInfo, type Server } from "node:net";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const TLS = join(fileURLToPath(new URL("../..", import.meta.url)), "fixtures", "tls");

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(server: Server | ReturnType<typeof createHttp>): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return (server.address() as AddressInfo).port;
}
const http = (h: Handler) => listen(createHttp((req, res) => req.on("data", () => {}).on("end", () => h(req, res))));

/** Each server's start: its base URL, /nrls (the silent one: a bare origin, for both APIs at once). */
const SERVERS: Record<string, () => Promise<string>> = {
  "reset mid-body": async () => `http://127.0.0.1:${await http((_q, s) => {
    s.writeHead(201, { "Content-Type": "application/fhir+json", "Content-Length": "5000" });
    s.write('{"resourceType": "OperationOutcome", ');
    setTimeout(() => s.socket?.destroy(), 20);
  })}/nrls`,
  "accepting and never answering": async () => `http://127.0.0.1:${await listen(createNet(() => {}))}/nrls`,
  "silent origin": async () => `http://127.0.0.1:${await listen(createNet(() => {}))}`,
  "answering one byte a second": async () => `http://127.0.0.1:${await listen(createNet((socket) => {
    const reply = "HTTP/1.1 201 Created\r\nContent-Type: application/fhir+json\r\n\r\n{}";
    let i = 0;
    const t = setInterval(() => (i < reply.length && !socket.destroyed ? socket.write(reply[i++]!) : clearInterval(t)), 1000);
    socket.on("close", () => clearInterval(t));
    socket.on("error", () => clearInterval(t));
  }))}/nrls`,
  "a 500 with an HTML body": async () => `http://127.0.0.1:${await http((_q, s) => {
    s.writeHead(500, { "Content-Type": "text/html" });
    s.end("<html><body><h1>Internal Server Error</h1></body></html>");
  })}/nrls`,
  "invalid JSON with a JSON content type": async () => `http://127.0.0.1:${await http((_q, s) => {
    s.writeHead(201, { "Content-Type": "application/fhir+json" });
    s.end('{"resourceType": "OperationOutcome", "issue": [');
  })}/nrls`,
  "a wrong content type": async () => `http://127.0.0.1:${await http((_q, s) => {
    s.writeHead(201, { "Content-Type": "text/plain" });
    s.end('{"resourceType": "OperationOutcome"}');
  })}/nrls`,
  "a 20 MB body": async () => `http://127.0.0.1:${await http((_q, s) => {
    s.writeHead(201, { "Content-Type": "application/fhir+json" });
    const chunk = "x".repeat(1 << 20);
    let sent = 0;
    const more = () => {
      while (sent < 20 && !s.destroyed) {
        sent++;
        if (!s.write(chunk)) return void s.once("drain", more);
      }
      s.end();
    };
    more();
  })}/nrls`,
  "a certificate from an unknown CA": async () =>
    `https://127.0.0.1:${await listen(createHttps({ key: readFileSync(join(TLS, "server.key")), cert: readFileSync(join(TLS, "server.crt")) }, (_q, s) => s.end("{}")))}/nrls`,
  "a server that rejects the client certificate": async () => `https://127.0.0.1:${await listen(createHttps({
    key: readFileSync(join(TLS, "server.key")), cert: readFileSync(join(TLS, "server.crt")), ca: readFileSync(join(TLS, "ca.crt")), requestCert: true, rejectUnauthorized: true,
  }, (_q, s) => s.end("{}")))}/nrls`,
  "a redirect loop": async () => {
    let port = 0;
    port = await http((req, s) => {
      s.writeHead(302, { Location: `http://127.0.0.1:${port}${req.url}` });
      s.end();
    });
    return `http://127.0.0.1:${port}/nrls`;
  },
};

/** Every server started in a process of its own: their base URLs by name, and how to stop them. */
export async function startHostileServers(): Promise<{ urls: Record<string, string>; stop: () => void }> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], { stdio: ["pipe", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the hostile servers' process ended (exit ${code}) before listening`)));
  });
  return { urls: JSON.parse(line) as Record<string, string>, stop: () => child.kill("SIGKILL") };
}

// As a script: start them all, say where, and end with the parent (its end closes stdin).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const urls = Object.fromEntries(await Promise.all(Object.entries(SERVERS).map(async ([name, start]) => [name, await start()] as const)));
  process.stdout.write(`${JSON.stringify(urls)}\n`);
  process.stdin.on("end", () => process.exit(0)).resume();
}
