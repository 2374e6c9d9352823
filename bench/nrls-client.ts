// The benches' stand-in for a supplier system sending NRLS creates: keep-alive HTTPS with the sandbox's test client
// identity, the headers a valid create carries, and a valid pointer.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Agent } from "undici";
import { SANDBOX_CLIENT_TLS } from "../sandbox/server.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { spineJwt } from "../src/spine/jwt.ts";

export const POINTER = readFileSync(join(PROJECT_ROOT, "fixtures", "nrls", "pointer.json"), "utf8");

/** `base`: the NRLS base URL (…/nrls); `connections`: how many at once. */
export function nrlsCreateClient(base: string, connections: number) {
  const agent = new Agent({
    connect: { ca: readFileSync(SANDBOX_CLIENT_TLS.ca), cert: readFileSync(SANDBOX_CLIENT_TLS.cert), key: readFileSync(SANDBOX_CLIENT_TLS.key) },
    connections, keepAliveTimeout: 30_000,
  });
  const jwt = (set?: Record<string, unknown>) => `Bearer ${spineJwt({ scope: "write", ...(set ? { set } : {}) }, { fromAsid: "200000000118", ods: "RR8", audience: base })}`;
  const headers = { Authorization: jwt(), fromASID: "200000000118", toASID: "999999999999", "Content-Type": "application/fhir+json", Accept: "application/fhir+json" };
  // As a real system sends them: a JWT of its own for every request (each one a secret the harness must learn).
  const freshHeaders = () => ({ ...headers, Authorization: jwt({ jti: randomUUID() }) });
  return { agent, headers, freshHeaders };
}
