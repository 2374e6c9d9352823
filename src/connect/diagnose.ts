// The pre-flight diagnosis of each external target: the handshake (handshake.ts) with its configured identity and
// proxy, and, when a stage fails, what went wrong in words and the variables to fix. The doctor prints it; a run
// performs it first and stops (exit 3) when no target can be reached, instead of failing every case.
import { createSecureContext } from "node:tls";
import type { Config } from "../config/load-config.ts";
import type { ProxyChoice } from "../config/proxy.ts";
import { secureContextOptions, type CertInfo, type TargetTls } from "../config/tls-identity.ts";
import { TARGETS } from "../targets.ts";
import { handshake, type HandshakeResult } from "./handshake.ts";

export interface TargetDiagnosis {
  target: (typeof TARGETS)[number];
  baseUrl: string;
  proxy?: ProxyChoice;
  tls?: TargetTls;
  result: HandshakeResult;
  /**
   * Why a run could not use this target, and the variables that would fix it. `setup`: the cause is a local file (a
   * trust anchor that does not sign the server's certificate, a client identity the server refuses), not the network
   * or the environment: a set-up mistake (exit 2), never "could not be reached".
   */
  problem?: { message: string; fix: string[]; setup?: boolean };
}

// The server's chain does not lead to a CA we trust.
const UNTRUSTED = /SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY_LEAF|CERT_UNTRUSTED|CERT_CHAIN_TOO_LONG|INVALID_CA/;

/** Every external target of the configuration, handshaken at once. */
export async function diagnoseTargets(config: Config): Promise<TargetDiagnosis[]> {
  const external = TARGETS.filter((t) => config.baseUrls[t.name]);
  return Promise.all(external.map(async (target) => {
    const baseUrl = config.baseUrls[target.name]!;
    const tls = config.tls[target.name];
    const proxy = config.proxies[target.name];
    const result = await handshake(baseUrl, {
      secureContext: createSecureContext(secureContextOptions(tls?.files ?? {})),
      proxy: proxy?.url,
      timeoutMs: config.timeoutMs,
    });
    const d: TargetDiagnosis = { target, baseUrl, ...(proxy ? { proxy } : {}), ...(tls ? { tls } : {}), result };
    if (result.failure) d.problem = explain(d);
    return d;
  }));
}

function explain({ target, result, tls, proxy }: TargetDiagnosis): NonNullable<TargetDiagnosis["problem"]> {
  const f = result.failure!;
  const own = `${target.name.toUpperCase()}_TLS_`;
  const where = `${result.host}:${result.port}`;
  const detail = `${f.message}${f.code && !f.message.includes(f.code) ? ` (${f.code})` : ""}`;
  const proxyFix = proxy ? [proxy.variable, "NO_PROXY"] : ["HTTPS_PROXY (if this host is reached through a proxy)"];
  switch (f.stage) {
    case "dns":
      return { message: `${result.host} is not known to DNS here: ${detail}`, fix: [target.baseUrlVariable, ...proxyFix] };
    case "proxy":
      return { message: detail, fix: proxy ? [proxy.variable, "NO_PROXY"] : [] };
    case "tcp":
      return { message: `nothing accepted a connection to ${where}${proxy ? ` through the proxy ${proxy.shown}` : ""}: ${detail}`, fix: [target.baseUrlVariable, ...proxyFix] };
    case "client-certificate": {
      const presented = tls?.client ? `the client certificate "${tls.client.subject}" (${tls.from.identity})` : "no client certificate (none is configured)";
      return {
        message: `${where} refused ${presented}: ${detail}`,
        fix: tls?.from.identity ? [tls.from.identity] : [`${own}PFX or ${own}CLIENT_CERT and ${own}CLIENT_KEY (or TLS_*)`],
        setup: true,
      };
    }
    case "tls": {
      const server = result.tls?.server;
      const caVar = tls?.from.ca ?? `${own}CA or TLS_CA`;
      if (UNTRUSTED.test(f.code ?? "")) {
        return { message: `the server's certificate${server ? ` "${server.subject}", issued by "${server.issuer}",` : ""} is not signed by a CA in ${tls?.from.ca ?? "the system's store"} (${f.code})`, fix: [caVar], setup: true };
      }
      if (f.code === "ERR_TLS_CERT_ALTNAME_INVALID") return { message: `the server's certificate does not name ${result.host}: ${detail}`, fix: [target.baseUrlVariable] };
      if (f.code === "CERT_HAS_EXPIRED" || f.code === "CERT_NOT_YET_VALID") return { message: `the server's certificate is out of date (${f.code}): the environment's to fix, not yours`, fix: [] };
      return { message: `no TLS session with ${where}: ${detail}`, fix: [caVar, ...(tls?.from.identity ? [tls.from.identity] : [])] };
    }
  }
}

const day = (iso: string) => iso.slice(0, 10);
const cert = (c: CertInfo) => `"${c.subject}", issued by "${c.issuer}", valid ${day(c.validFrom)} to ${day(c.validTo)}`;

/** What the doctor and a stopped run print for each target: one line per stage, then the problem and its fix. */
export function diagnosisLines(diagnoses: readonly TargetDiagnosis[]): string[] {
  const lines: string[] = [];
  for (const d of diagnoses) {
    const r = d.result;
    lines.push(`${d.target.label}  ${d.baseUrl}  (external target, ${d.target.baseUrlVariable})`);
    if (d.proxy) lines.push(`  proxy    ${d.proxy.shown} (${d.proxy.variable})${r.tunnel ? `: CONNECT ${r.host}:${r.port} answered "${r.tunnel}"` : ""}`);
    else lines.push(`  proxy    none${r.addresses ? `; DNS ${r.host} → ${r.addresses.join(", ")}` : ""}`);
    if (r.tls) {
      lines.push(`  TLS      ${r.tls.protocol}; server certificate ${r.tls.server ? cert(r.tls.server) : "(none shown)"}${r.tls.trusted ? `, trusted (${d.tls?.from.ca ?? "system CAs"})` : ", NOT trusted"}`);
    } else if (!r.failure) lines.push(`  TCP      connected to ${r.host}:${r.port} (plain HTTP: no TLS)`);
    const client = d.tls?.client;
    const accepted = r.tls?.clientAccepted;
    lines.push(`  client   ${client ? `${cert(client)} (${d.tls!.from.identity})` : "no client certificate configured"}${client && accepted === true ? ", accepted" : client && accepted === undefined && r.tls?.trusted ? ", sent (the server gave no sign whether it was accepted; the first request will show)" : ""}`);
    if (d.problem) {
      lines.push(`  PROBLEM  ${d.problem.message}`);
      if (d.problem.fix.length) lines.push(`           fix: ${d.problem.fix.join("; ")}`);
    } else lines.push("  ready");
  }
  return lines;
}
