// The sandbox on its own, for `npm run sandbox` and `spine-assure sandbox`: prints the base URLs and the files a
// client needs for mutual TLS, and stops cleanly on Ctrl-C.
import { FAULTS } from "./faults.ts";
import { VARIANTS } from "./variants.ts";
import { TARGETS } from "../src/targets.ts";
import { SANDBOX_CLIENT_TLS, startSandbox } from "./server.ts";

export function listFaults(): string {
  return FAULTS.map((f) => `${f.name.padEnd(34)} breaks ${f.breaks.join(", ")}\n${" ".repeat(35)}${f.description}`).join("\n");
}

export function listVariants(): string {
  return VARIANTS.map((v) => {
    const rules = v.rules.join(", ") || `every rule (a general principle)${v.stillFails ? `; still fails ${v.stillFails.join(", ")}` : ""}`;
    return `${v.name.padEnd(36)} ${v.outcome.padEnd(8)} ${rules}\n${" ".repeat(37)}${v.description}\n${" ".repeat(37)}source: ${v.source}`;
  }).join("\n");
}

export async function serveSandbox(options: { port: number; http: boolean }): Promise<void> {
  const sb = await startSandbox({ port: options.port, tls: !options.http });
  const width = Math.max(...TARGETS.map((t) => t.label.length));
  const urls = TARGETS.filter((t) => sb.baseUrls[t.name]).map((t) => `  ${t.label.padEnd(width)}  base URL: ${sb.baseUrls[t.name]}`);
  console.log(`spine-assure sandbox listening
${urls.join("\n")}
  faults: ${[...sb.faults].join(", ") || "none"}
  documented variants: ${[...sb.variants].join(", ") || "none"}`);
  if (!options.http) {
    console.log(`  mutual TLS: CA ${SANDBOX_CLIENT_TLS.ca}
              client certificate ${SANDBOX_CLIENT_TLS.cert}
              client key ${SANDBOX_CLIENT_TLS.key}`);
  }
  const stop = () => void sb.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
