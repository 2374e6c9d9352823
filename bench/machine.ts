// How fast this machine is, so that the other benches' figures can be compared across machines: the same kind of
// machine ("2 cores") has been measured 2.3 times slower from one day to the next, which moved every figure below by
// as much without any change to the code. Three fixed single-threaded workloads, each the median of three: plain
// JavaScript arithmetic, SHA-256 over 64 MiB, and a JSON round trip of 5 MB. Prints figures; asserts nothing.
import { createHash } from "node:crypto";
import { recordFigure } from "./figures.ts";
import { median } from "./median.ts";

const timed = (work: () => unknown) => median([0, 1, 2].map(() => {
  const t = performance.now();
  work();
  return performance.now() - t;
}));

const arithmetic = timed(() => {
  let s = 0;
  for (let i = 0; i < 1e8; i++) s = (s + i * 7) % 1_000_003;
  return s;
});
const block = Buffer.alloc(64 * 1024 * 1024, 7);
const sha = timed(() => createHash("sha256").update(block).digest());
const doc = { entry: Array.from({ length: 20_000 }, (_, i) => ({ id: `id-${i}`, value: i, text: "x".repeat(200), nested: { a: [1, 2, 3], b: null } })) };
const json = timed(() => JSON.parse(JSON.stringify(doc)));

console.log("machine speed (lower is faster; the figures below scale with it):");
console.log(`  arithmetic, 1e8 steps: ${arithmetic.toFixed(0)} ms   SHA-256 of 64 MiB: ${sha.toFixed(0)} ms   JSON round trip of ${(JSON.stringify(doc).length / 1e6).toFixed(1)} MB: ${json.toFixed(0)} ms`);
recordFigure({ figure: "machine: arithmetic, SHA-256, JSON (ms; lower is faster)", value: `${arithmetic.toFixed(0)}, ${sha.toFixed(0)}, ${json.toFixed(0)}`, target: "— (compare machines)" });
