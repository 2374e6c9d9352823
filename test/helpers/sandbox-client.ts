// A client for the running sandbox over real mutual TLS, for tests that talk to it directly.
import { readFileSync } from "node:fs";
import { Agent, request } from "undici";
import { SANDBOX_CLIENT_TLS } from "../../sandbox/server.ts";
import { spineJwt } from "../../src/plan/spine-jwt.ts";

export const withCert = new Agent({
  connect: { ca: readFileSync(SANDBOX_CLIENT_TLS.ca), cert: readFileSync(SANDBOX_CLIENT_TLS.cert), key: readFileSync(SANDBOX_CLIENT_TLS.key) },
});
export const withoutCert = new Agent({ connect: { ca: readFileSync(SANDBOX_CLIENT_TLS.ca) } });

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Record<string, unknown>;
}

export async function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; agent?: Agent } = {}): Promise<Reply> {
  const res = await request(url, { method: (init.method ?? "GET") as "GET", headers: init.headers, body: init.body, dispatcher: init.agent ?? withCert });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

export function nrlsHeaders(base: string, scope: "read" | "write", extra: Record<string, string> = {}): Record<string, string> {
  return {
    Authorization: `Bearer ${spineJwt({ scope }, { fromAsid: "200000000118", ods: "RR8", audience: base })}`,
    fromASID: "200000000118",
    toASID: "999999999999",
    ...extra,
  };
}
