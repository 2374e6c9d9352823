import { runWithFault } from "./src/selftest/mutation.ts";
const t0 = Date.now(); const c0 = process.cpuUsage();
await runWithFault(undefined);
const c1 = process.cpuUsage(c0); console.log("first", Date.now() - t0, (c1.user + c1.system) / 1000);
for (let i = 0; i < 3; i++) {
  const t = Date.now(); const c = process.cpuUsage();
  const r = await runWithFault(i === 1 ? "nrls-always-xml" : undefined);
  const u = process.cpuUsage(c); console.log("run", Date.now() - t, (u.user + u.system) / 1000, r.code);
}
