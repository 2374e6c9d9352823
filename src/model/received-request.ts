// A request as the sandbox received it from the supplier's system, with the answer it gave: what assess-client
// judges. Headers are kept in the order and spelling they arrived (NRLS header names are case-sensitive).

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

