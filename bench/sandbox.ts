// Valid NRLS creates over keep-alive HTTPS with mutual TLS, 32 concurrent clients, a fixed count: against the
// sandbox and against a bare node:https server on the same TLS setup that answers a fixed 201. Each server runs in
// its own process; this one only drives load. Prints creates/s, p50/p99 latency, the server's peak memory, the CPU a
// create of the server and of this client, and the ratio.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { build } from "esbuild";
import { request } from "undici";
import { nrlsCreateClient, POINTER } from "./nrls-client.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { recordFigure } from "./figures.ts";
import { peakMiB } from "./peak-memory.ts";
import { cpuMs } from "./process-cpu.ts";
import { median, medianBy } from "./median.ts";

const COUNT = Number(process.env.BENCH_COUNT ?? 5000);
const CLIENTS = 32;
// The servers run compiled, as `spine-assure sandbox` runs the sandbox (bin/compiled-cli.js: esbuild's bundle), not
// through tsx's loader, whose kept function names cost the sandbox a third of its throughput here.
const compiled = join(PROJECT_ROOT, "node_modules", ".cache", "spine-assure-bench", "serve.mjs");
await build({ entryPoints: [join(PROJECT_ROOT, "bench", "serve.ts")], bundle: true, format: "esm", platform: "node", target: "node20", packages: "external", outfile: compiled, logLevel: "silent" });

async function serve(kind: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [compiled, kind], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once("line", resolve));
  return { port: (JSON.parse(line) as { port: number }).port, child };
}

async function drive(kind: string) {
  const { port, child } = await serve(kind);
  const base = `https://127.0.0.1:${port}/nrls`;
  const { agent, headers } = nrlsCreateClient(base, CLIENTS);

  const one = async () => {
    const t = performance.now();
    const res = await request(`${base}/DocumentReference`, { method: "POST", headers, body: POINTER, dispatcher: agent });
    await res.body.dump();
    if (res.statusCode !== 201) throw new Error(`${kind}: status ${res.statusCode}`);
    return performance.now() - t;
  };
  for (let i = 0; i < 200; i++) await one(); // warm-up: TLS sessions, JIT
  const latencies: number[] = [];
  let left = COUNT;
  // The CPU each side spends a request: steadier than the rates, and it shows which side a change moved.
  const serverBefore = cpuMs(child.pid!);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (left-- > 0) latencies.push(await one());
  }));
  const seconds = (performance.now() - started) / 1000;
  const serverUs = ((cpuMs(child.pid!) - serverBefore) * 1000) / COUNT;
  const client = process.cpuUsage(clientBefore);
  const clientUs = (client.user + client.system) / COUNT;
  const sorted = latencies.sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const peak = peakMiB(child.pid!);
  await agent.close();
  child.kill();
  return { kind, rate: COUNT / seconds, p50: q(0.5), p99: q(0.99), peak, serverUs, clientUs };
}

// Rounds of the two servers one after the other: bare node's own rate has read 5,900 and 10,500 creates/s minutes
// apart on this machine (the load generator shares its two cores), so one pair is a poor figure; the median pair is
// given.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const pairs: { sandbox: Awaited<ReturnType<typeof drive>>; bare: Awaited<ReturnType<typeof drive>>; ratio: number }[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const sandbox = await drive("sandbox");
  const bare = await drive("bare");
  pairs.push({ sandbox, bare, ratio: sandbox.rate / bare.rate });
}
const middle = medianBy(pairs, (p) => p.ratio);
console.log(`NRLS creates over keep-alive HTTPS + mutual TLS, ${CLIENTS} concurrent clients, ${COUNT} requests per server, the median of ${ROUNDS} rounds:`);
for (const r of [middle.sandbox, middle.bare]) {
  console.log(`  ${r.kind.padEnd(8)} ${r.rate.toFixed(0).padStart(6)} creates/s   p50 ${r.p50.toFixed(1)} ms   p99 ${r.p99.toFixed(1)} ms   server peak RSS ${r.peak.toFixed(0)} MiB   CPU a create: server ${r.serverUs.toFixed(0)} µs, client ${r.clientUs.toFixed(0)} µs`);
}
console.log(`  ratio    sandbox/bare = ${middle.ratio.toFixed(2)} (target ≥ 0.50); each round: ${pairs.map((p) => `${p.ratio.toFixed(2)} (${p.sandbox.rate.toFixed(0)}/${p.bare.rate.toFixed(0)})`).join(", ")}`);
recordFigure({ figure: "sandbox creates/s against bare node:https", value: middle.ratio.toFixed(2), target: "≥ 0.5", met: middle.ratio >= 0.5 });
// A slower server also costs its client more a request (woken for each answer): the servers' own CPU, medians of the rounds.
recordFigure({ figure: "  CPU a create: sandbox, bare node:https", value: `${median(pairs.map((p) => p.sandbox.serverUs)).toFixed(0)} µs, ${median(pairs.map((p) => p.bare.serverUs)).toFixed(0)} µs`, target: "—" });
