// A server for bench/sandbox.ts, in its own process: `sandbox` (the embedded sandbox) or `bare` (node:https on the
// same mutual-TLS setup, answering every request with a fixed 201). Prints {"port":N} once listening.
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { startSandbox, TLS_DIR } from "../sandbox/server.ts";

const kind = process.argv[2];
if (kind === "sandbox") {
  const sb = await startSandbox({ faults: "", settings: { SANDBOX_MAX_POINTERS: "100000" } });
  console.log(JSON.stringify({ port: sb.port }));
} else if (kind === "bare") {
  const body = JSON.stringify({ resourceType: "OperationOutcome", issue: [{ severity: "information", code: "informational" }] });
  const server = createServer({
    key: readFileSync(join(TLS_DIR, "server.key")), cert: readFileSync(join(TLS_DIR, "server.crt")), ca: readFileSync(join(TLS_DIR, "ca.crt")),
    requestCert: true, rejectUnauthorized: false,
  }, (req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(201, { "Content-Type": "application/fhir+json", Location: "https://127.0.0.1/nrls/DocumentReference?_id=1", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
} else {
  console.error("usage: serve.ts sandbox|bare");
  process.exit(2);
}
