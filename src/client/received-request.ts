// A request as the sandbox received it from the supplier's system, with the answer it gave: what assess-client
// judges. Headers are kept in the order and spelling they arrived (NRLS header names are case-sensitive).
import type { Interaction } from "./catalogue.ts";

export interface ReceivedRequest {
  method: string;
  /** The request target as sent: path and query. */
  url: string;
  headers: [string, string][];
  body: string;
  /** When the request's headers arrived (ms since the epoch). */
  receivedAt: number;
  /** How the client reached the sandbox: https://127.0.0.1:port. */
  origin: string;
  /** The subject of the client certificate presented, when one was accepted. */
  clientCertificate?: string;
  response: { status: number; headers: [string, string][]; body: string };
  durationMs: number;
}

/** A header by name in any letter case (HTTP's reading; NRLS's case-sensitive names are judged by their own rules). */
export function headerIn(req: Pick<ReceivedRequest, "headers">, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return req.headers.find(([n]) => n.toLowerCase() === wanted)?.[1];
}

/** Which documented interaction a request is, from its method and path under the sandbox's base paths. */
export function interactionOf(req: Pick<ReceivedRequest, "method" | "url">): Interaction | undefined {
  const path = new URL(req.url, "http://x").pathname.replace(/\/+$/, "");
  if (path === "/nrls/DocumentReference") {
    return req.method === "POST" ? "nrls-create" : req.method === "GET" ? "nrls-read" : req.method === "DELETE" ? "nrls-delete" : undefined;
  }
  if (path === "/ers-api/v1/ProfessionalSession") return req.method === "POST" ? "ers-a001" : undefined;
  if (/^\/ers-api\/v1\/ProfessionalSession\/[^/]+$/.test(path)) return req.method === "PUT" ? "ers-a002" : req.method === "DELETE" ? "ers-a003" : undefined;
  if (/^\/ers-api\/v1\/ValueSet\/[^/]+$/.test(path)) return req.method === "GET" ? "ers-a004" : undefined;
  return undefined;
}
