import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument, stringify } from "yaml";
const ROOT = "/work/main";
const dir = mkdtempSync(join(tmpdir(), "scale-100x-"));
for (const sub of readdirSync(join(ROOT, "suites"))) for (const f of readdirSync(join(ROOT, "suites", sub)).filter((x) => x.endsWith(".yaml"))) {
  const data = parseDocument(readFileSync(join(ROOT, "suites", sub, f), "utf8"), { merge: true }).toJS({ maxAliasCount: -1 }) as { cases: { id: string }[] };
  data.cases = data.cases.flatMap((c) => Array.from({ length: 100 }, (_, k) => (k === 0 ? c : { ...c, id: `${c.id}-x${k + 1}` })));
  mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, sub, f), stringify(data, { aliasDuplicateObjects: false }));
}
const out = mkdtempSync(join(tmpdir(), "scale-out-"));
const t = Date.now();
const r = spawnSync(process.execPath, [join(ROOT, "bin", "spine-assure.js"), "run", "--suites", dir, "--out", out, "--no-report"], { cwd: out, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" }, encoding: "utf8", maxBuffer: 512 << 20 });
const s = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
console.log("100x no report: exit", r.status, "wall s", (Date.now() - t) / 1000, "cases", s.cases.length, "ms/case", ((Date.now() - t) / s.cases.length).toFixed(1), "peak MiB", s.timing.peakRssMiB, "out", out);
