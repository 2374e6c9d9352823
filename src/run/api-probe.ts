// Is it the API? One harmless request per external target (its module's `probe`), sent as the run would send it (its
// identity, its proxy), before any case: a base URL without its path, or one that lands on a gateway's login page,
// answers with something that is not the API, and every case would then fail for a set-up mistake. What tells them
// apart is the body: the API answers even a refusal with a FHIR resource (an OperationOutcome), and a 404 page, a
// redirect or an HTML page is not one. An answer that is neither clearly the API nor clearly not (a 500 with some JSON)
// is left to the run to judge.
import type { ApiModule } from "../api-module.ts";
import type { Config } from "../config/load-config.ts";
import type { TlsFiles } from "../config/tls-identity.ts";
import type { TargetDiagnosis } from "../connect/diagnose.ts";
import { connect as tlsConnect } from "node:tls";
import { HttpTarget } from "./http-client.ts";
import { parseResponse, type ParsedResponse } from "./parse-response.ts";

export interface ProbeResult {
  /** What was asked and what came back, in a line. */
  exchange: string;
  /** Set when the answer is not the API's: what to change. */
  notTheApi?: string;
}

/** Each target the handshake reached, probed at once with its configured identity and proxy (the pre-flight, doctor). */
export function probeReached(diagnoses: readonly TargetDiagnosis[], config: Config): Promise<{ diagnosis: TargetDiagnosis; probe: ProbeResult }[]> {
  return Promise.all(diagnoses.filter((d) => !d.problem).map(async (diagnosis) => {
    const { name } = diagnosis.target;
    const proxy = config.proxies[name]?.url;
    const probe = await probeApi(diagnosis.target, diagnosis.baseUrl, { tls: config.tls[name]?.files ?? {}, ...(proxy ? { proxy } : {}), timeoutMs: config.timeoutMs });
    return { diagnosis, probe };
  }));
}

async function probeApi(api: Pick<ApiModule, "label" | "baseUrlVariable" | "probe" | "example">, baseUrl: string, how: { tls: TlsFiles; proxy?: string; timeoutMs: number }): Promise<ProbeResult> {
  const http = new HttpTarget({ tls: how.tls, proxy: how.proxy, timeoutMs: how.timeoutMs, maxResponseBytes: 1 << 20, connections: 1 });
  const url = `${baseUrl.replace(/\/+$/, "")}${api.probe.path}`;
  try {
    const got = await http.send({ method: api.probe.method, url, headers: Object.entries(api.probe.headers), ...(api.probe.body !== undefined ? { body: api.probe.body } : {}) });
    const res = got.response && parseResponse(got.response);
    const exchange = `${api.probe.method} ${url} → ${res ? `${res.status}${res.contentType ? ` ${res.contentType.split(";")[0]}` : ""}` : `no answer (${got.error?.message ?? "nothing"})`}`;
    // No answer to plain HTTP: a TLS port takes the request for a broken handshake and closes. Said as what it is.
    if (!res && url.startsWith("http:") && !how.proxy && (await speaksTls(new URL(url)))) {
      return { exchange, notTheApi: `${api.baseUrlVariable} ${baseUrl} uses http://, but ${new URL(url).host} speaks TLS: use https:// (a ${api.baseUrlVariable} looks like ${api.example})` };
    }
    const why = res && notTheApi(res);
    return why ? { exchange, notTheApi: `${api.baseUrlVariable} ${baseUrl} does not look like ${api.label}: ${api.probe.method} ${url} was answered ${why}, where ${api.label} answers ${api.probe.expected}. Is the path right? (a ${api.baseUrlVariable} looks like ${api.example})` } : { exchange };
  } finally {
    await http.close();
  }
}

/** Why the answer is clearly not the API's, or undefined (the API's, or one the run may judge). */
function notTheApi(res: ParsedResponse): string | undefined {
  const body = res.body as { resourceType?: unknown } | undefined;
  if (body && typeof body === "object" && typeof body.resourceType === "string") return undefined;
  const { status } = res;
  const what = `${status}${res.contentType ? ` with ${res.contentType.split(";")[0]}` : " with no Content-Type"}${res.text ? "" : " and no body"}`;
  const location = res.headers.get("location")?.[0];
  if (status >= 300 && status < 400) return `${what}, a redirect${location ? ` to ${location}` : ""}`;
  if (status === 404 || status === 405) return what;
  // An HTML page below 500 is a web server's or a gateway's (a login page, a 401 or 403 of its own); a 500 page may be
  // the API failing, which the run judges.
  if (/html/i.test(res.contentType ?? "") && status < 500) return `${what}, an HTML page`;
  return undefined;
}

/**
 * Whether host:port answers a TLS handshake: it completes, or the server ends it with a TLS alert (one that wants a
 * client certificate refuses a client without one that way). Anything else — a refusal, silence, plain text — is no.
 */
function speaksTls(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: url.hostname, port: Number(url.port || 80), rejectUnauthorized: false, ...(/^[\d.]+$|:/.test(url.hostname) ? {} : { servername: url.hostname }) });
    const done = (yes: boolean) => {
      socket.destroy();
      resolve(yes);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once("secureConnect", () => done(true));
    // A TLS alert is TLS speaking; "wrong version number" and the like are a server that answered in plain text.
    socket.once("error", (err: NodeJS.ErrnoException) => done(/ALERT/.test(err.code ?? "") || /\balert\b/i.test(err.message)));
  });
}
