// `npm run sandbox`: the embedded sandbox on its own, for suppliers to point their own systems at.
// Options: --port N, --http (plain HTTP), --list-faults. Environment: SANDBOX_FAULTS, SANDBOX_LATENCY_MS, SANDBOX_DIRECTORY.
import { FAULTS } from "./faults.ts";
import { SANDBOX_CLIENT_TLS, startSandbox } from "./server.ts";

const args = process.argv.slice(2);
if (args.includes("--list-faults")) {
  for (const f of FAULTS) console.log(`${f.name.padEnd(26)} breaks ${f.breaks.join(", ").padEnd(28)} ${f.description}`);
  process.exit(0);
}
const portArg = args.indexOf("--port");
const port = portArg >= 0 ? Number(args[portArg + 1]) : Number(process.env.SANDBOX_PORT ?? 9443);
try {
  const sb = await startSandbox({ port, tls: !args.includes("--http") });
  console.log(`spine-assure sandbox listening
  e-RS  base URL: ${sb.ersBaseUrl}
  NRLS  base URL: ${sb.nrlsBaseUrl}
  faults: ${[...sb.faults].join(", ") || "none"}`);
  if (!args.includes("--http")) {
    console.log(`  mutual TLS: CA ${SANDBOX_CLIENT_TLS.ca}
              client certificate ${SANDBOX_CLIENT_TLS.cert}
              client key ${SANDBOX_CLIENT_TLS.key}`);
  }
  const stop = () => void sb.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (err) {
  console.error(`sandbox: ${(err as Error).message}`);
  process.exit(2);
}
