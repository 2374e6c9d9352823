// A client for the running sandbox over real mutual TLS, for tests that talk to it directly.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Agent, buildConnector, request } from "undici";
import { SANDBOX_CLIENT_TLS, type RunningSandbox } from "../../sandbox/server.ts";
import { fhirJsonToXml } from "../../src/fhir/xml-codec.ts";
import { PROJECT_ROOT } from "../../src/project-root.ts";
import { spineJwt, type JwtSpec } from "../../src/spine/jwt.ts";

// One connector for every sandbox, so one TLS session cache (undici keeps one per origin otherwise): the tests start
// hundreds of sandboxes on ports of their own, and each resumes the session of the last (they share ticket keys,
// sandbox/server.ts) instead of a full handshake of both identities, the most of a first request's CPU.
export const withCert = new Agent({
  connect: buildConnector({ ca: readFileSync(SANDBOX_CLIENT_TLS.ca), cert: readFileSync(SANDBOX_CLIENT_TLS.cert), key: readFileSync(SANDBOX_CLIENT_TLS.key) }),
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

/** The sandbox's provider identity: a Spine JWT for `scope` (with optional claim edits), fromASID and toASID. */
export function nrlsHeaders(base: string, scope: "read" | "write", extra: Record<string, string> = {}, jwt: Partial<JwtSpec> = {}): Record<string, string> {
  return {
    Authorization: `Bearer ${spineJwt({ scope, ...jwt }, { fromAsid: "200000000118", ods: "RR8", audience: base })}`,
    fromASID: "200000000118",
    toASID: "999999999999",
    ...extra,
  };
}

export const POINTER = JSON.parse(readFileSync(join(PROJECT_ROOT, "fixtures", "nrls", "pointer.json"), "utf8")) as Record<string, unknown>;

/** A pointer create as a provider sends it (JSON, write JWT, the sandbox's ASIDs), with edits for bad requests. */
export interface CreateOptions {
  edit?: (p: Record<string, unknown>) => void;
  headers?: Record<string, string | undefined>;
  jwt?: Partial<JwtSpec>;
  query?: string;
  xml?: boolean;
  raw?: string;
}
export function nrlsCreate(sb: RunningSandbox, o: CreateOptions = {}): Promise<Reply> {
  const pointer = structuredClone(POINTER);
  o.edit?.(pointer);
  const headers: Record<string, string | undefined> = {
    ...nrlsHeaders(sb.baseUrls.nrls!, "write", {}, o.jwt),
    Accept: "application/fhir+json",
    "Content-Type": o.xml ? "application/fhir+xml" : "application/fhir+json",
    ...o.headers,
  };
  const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const body = o.raw ?? (o.xml ? fhirJsonToXml(pointer) : JSON.stringify(pointer));
  return call(`${sb.baseUrls.nrls!}/DocumentReference${o.query ?? ""}`, { method: "POST", headers: clean, body });
}
export const readHeaders = (sb: RunningSandbox) => nrlsHeaders(sb.baseUrls.nrls!, "read", { Accept: "application/fhir+json" });
export async function readBack(sb: RunningSandbox, o: CreateOptions = {}): Promise<Record<string, unknown> | undefined> {
  const created = await nrlsCreate(sb, o);
  const r = await call(String(created.headers.location), { headers: readHeaders(sb) });
  return r.status === 200 ? ((r.json().entry as { resource: Record<string, unknown> }[])[0]?.resource) : undefined;
}
