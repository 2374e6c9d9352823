// assess-client under load: a stand-in supplier system sends N valid NRLS creates (8 connections, keep-alive, mutual
// TLS) and the assessment ends after N requests and writes its pack (no HTML report). For each N (BENCH_REQUESTS,
// default 1,000 and 20,000): the time to send them, the time to judge and write the pack after the last one, CPU per request,
// the process's peak memory (VmHWM, read until it exits), and the pack's size and file count. The target: memory
// bounded whatever N (under 300 MB after 20,000 requests). Prints figures; asserts nothing.
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { request } from "undici";
import { nrlsCreateClient, POINTER } from "./nrls-client.ts";
import { filesUnder } from "../src/files-under.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { recordFigure } from "./figures.ts";
import { peakMiB } from "./peak-memory.ts";
import { cpuMs } from "./process-cpu.ts";
import { scratchDir } from "./scratch.ts";

const COUNTS = (process.env.BENCH_REQUESTS ?? "1000,20000").split(",").map(Number).filter((n) => n >= 1);
const CONNECTIONS = 8;

async function once(count: number) {
  const out = scratchDir("bench-assess-");
  const child = spawn(process.execPath, [join(PROJECT_ROOT, "bin", "spine-assure.js"), "assess-client", "--port", "0", "--requests", String(count), "--no-report", "--out", out], {
    cwd: out, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "inherit"],
  });
  let peakKiB = 0;
  let cpu = 0;
  const poll = setInterval(() => {
    // Read while it lives: once it has exited there is nothing to read (0, NaN), and the last reading stands.
    peakKiB = Math.max(peakKiB, peakMiB(child.pid!) * 1024);
    const now = cpuMs(child.pid!);
    if (!Number.isNaN(now)) cpu = now;
  }, 50);
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  const lines = createInterface({ input: child.stdout! });
  const base = await new Promise<string>((resolve) => lines.on("line", (line) => {
    const m = /(https:\/\/127\.0\.0\.1:\d+\/nrls)\b/.exec(line);
    if (m) resolve(m[1]!);
  }));
  lines.on("line", () => {});
  const { agent, freshHeaders } = nrlsCreateClient(base, CONNECTIONS);

  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (next < count) {
      next++;
      const res = await request(`${base}/DocumentReference`, { method: "POST", headers: freshHeaders(), body: POINTER, dispatcher: agent });
      await res.body.dump();
    }
  }));
  const sent = performance.now() - started;
  const code = await exited;
  const ended = performance.now() - started;
  clearInterval(poll);
  await agent.close();
  const files = filesUnder(join(out, "runs"));
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  return { count, code, sent, after: ended - sent, cpuPerRequest: cpu / count, peakMiB: peakKiB / 1024, files: files.length, packMiB: bytes / (1 << 20) };
}

console.log(`assess-client: N valid NRLS creates from ${CONNECTIONS} connections, the pack without the HTML report:`);
console.log("requests  exit  send s  judge+pack s  CPU ms/request  peak MiB  pack files  files/request  pack MiB");
const results = [];
for (const count of COUNTS) {
  const r = await once(count);
  results.push(r);
  console.log(`${String(r.count).padStart(8)}  ${String(r.code).padStart(4)}  ${(r.sent / 1000).toFixed(1).padStart(6)}  ${(r.after / 1000).toFixed(1).padStart(12)}  ${r.cpuPerRequest.toFixed(1).padStart(14)}  ${r.peakMiB.toFixed(0).padStart(8)}  ${String(r.files).padStart(10)}  ${(r.files / r.count).toFixed(1).padStart(13)}  ${r.packMiB.toFixed(1).padStart(8)}`);
}
console.log("target: peak memory under 300 MB after 20,000 requests, and flat CPU per request");
const biggest = results[results.length - 1]!;
recordFigure({ figure: `assess-client, ${biggest.count} creates: peak memory, CPU a request`, value: `${biggest.peakMiB.toFixed(0)} MiB, ${biggest.cpuPerRequest.toFixed(1)} ms`, target: "< 300 MB at 20,000", met: biggest.count >= 20_000 ? biggest.peakMiB * 1.048576 < 300 : undefined });
