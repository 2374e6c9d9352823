// Stage 2, open targets: each target the plan may use, with its base URL and TLS identity — the configured one, or the
// embedded sandbox (started here, on a free loopback port, with its own test PKI) for a target given no base URL.
import { readFileSync } from "node:fs";
import { SANDBOX_CLIENT_TLS, startSandbox, type RunningSandbox } from "../../sandbox/server.ts";
import { ConfigError, type Config } from "../config/load-config.ts";
import { probeReached } from "../run/api-probe.ts";
import { diagnoseTargets, diagnosisLines } from "../connect/diagnose.ts";
import type { TlsFiles } from "../config/tls-identity.ts";
import { signersFor, type Signer } from "../evidence/signing-identity.ts";
import type { RunTarget } from "../run/run-plan.ts";
import { TARGETS, targetsNotRun, type TargetName } from "../targets.ts";

export interface OpenTarget extends RunTarget {
  /** true: the embedded sandbox. */
  embedded: boolean;
}

export interface OpenTargets {
  /** Once any API has a base URL, only those that do: the others are not run (their cases are not-applicable). */
  targets: Partial<Record<TargetName, OpenTarget>>;
  /** The embedded sandbox's switched-on faults and documented variants, when it runs. */
  sandbox?: { faults: string[]; variants: string[] };
  close(): Promise<void>;
}

/** `env`: where the embedded sandbox's faults and documented variants are switched on (SANDBOX_FAULTS, SANDBOX_VARIANTS). */
export async function openTargets(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<OpenTargets> {
  let sandbox: RunningSandbox | undefined;
  // The embedded sandbox stands in only when no target is configured at all: an NRLS-only set-up must not put e-RS
  // results from the sandbox into the same evidence and gate.
  const notRun = targetsNotRun(config.baseUrls);
  const external = TARGETS.some((t) => config.baseUrls[t.name]);
  if (!external) sandbox = await startSandbox({ faults: env.SANDBOX_FAULTS ?? "", variants: env.SANDBOX_VARIANTS ?? "", settings: definedOnly(env) });
  const sandboxTls = sandbox && sandboxClientTls();
  const close = async () => sandbox?.close();
  try {
    const targets = Object.fromEntries(TARGETS.flatMap((t) => {
      const given = config.baseUrls[t.name];
      if (notRun.includes(t)) return [];
      const simulated = sandbox?.baseUrls[t.name];
      if (!given && !simulated) throw new ConfigError([`${t.baseUrlVariable} is not set, and the embedded sandbox does not simulate ${t.label}: give its base URL`]);
      // A proxy and extra hosts only ever for an external target: the embedded sandbox is on loopback.
      const target: OpenTarget = given
        ? { baseUrl: given, tls: config.tls[t.name]?.files ?? {}, embedded: false, ...(config.proxies[t.name] ? { proxy: config.proxies[t.name]!.url } : {}), extraHosts: config.extraHosts[t.name] ?? [] }
        : { baseUrl: simulated!, tls: sandboxTls!, embedded: true };
      return [[t.name, target]];
    })) as Partial<Record<TargetName, OpenTarget>>;
    const names = (v: string | undefined) => (v ?? "").split(",").map((n) => n.trim()).filter(Boolean);
    return { targets, close, ...(sandbox ? { sandbox: { faults: names(env.SANDBOX_FAULTS), variants: names(env.SANDBOX_VARIANTS) } } : {}) };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The harness's identity toward the embedded sandbox: its test CA and committed client certificate. */
export function sandboxClientTls(): TlsFiles {
  return { ca: readFileSync(SANDBOX_CLIENT_TLS.ca, "utf8"), cert: readFileSync(SANDBOX_CLIENT_TLS.cert, "utf8"), key: readFileSync(SANDBOX_CLIENT_TLS.key, "utf8") };
}

/** Who signs the run's evidence: each client identity that made its calls (the sandbox's test identity for a sandbox run). */
export function evidenceSigners(targets: OpenTargets["targets"]): Signer[] {
  return signersFor(TARGETS.flatMap((t) => (targets[t.name] ? [{ name: t.name, ...targets[t.name]! }] : [])));
}

/** The signers, read before anything is sent: an identity that cannot sign is said then, and the pack goes unsigned. */
export function signersOrWarning(targets: OpenTargets["targets"]): { signers: Signer[]; warning?: string } {
  try {
    return { signers: evidenceSigners(targets) };
  } catch (err) {
    return { signers: [], warning: `the evidence will be unsigned — the client identity cannot sign it: ${(err as Error).message}` };
  }
}

export interface Preflight {
  /** Set when no external target could be reached: the diagnosis, line by line, and nothing may be sent. */
  unreachable?: string[];
  /** Every target failed for a local file (a trust anchor, a client identity): a set-up mistake, not unreachable. */
  setupMistake?: boolean;
  /** Set when a target answered its probe as something other than its API (a base URL without its path): a set-up mistake. */
  notTheApi?: string[];
  /** A target that cannot be reached while another can: its cases will fail, and why. */
  warnings: string[];
}

/**
 * The doctor's handshake with each external target, sending no request. When none can be reached, every case would
 * fail for the same reason: the diagnosis says what to fix instead. A handshake's TLS session seeds the run's
 * connections, so the worker makes no second one to warm up.
 */
export async function preflight(open: OpenTargets, config: Config): Promise<Preflight> {
  if (!Object.values(open.targets).some((t) => t && !t.embedded)) return { warnings: [] };
  const diagnoses = await diagnoseTargets(config);
  if (diagnoses.every((d) => d.problem)) return { unreachable: diagnosisLines(diagnoses), warnings: [], ...(diagnoses.every((d) => d.problem!.setup) ? { setupMistake: true } : {}) };
  const warnings: string[] = [];
  for (const d of diagnoses) {
    if (d.problem) warnings.push(`${d.target.label} cannot be reached, its cases will fail: ${d.problem.message} (fix: ${d.problem.fix.join("; ")})`);
    else if (d.result.session) open.targets[d.target.name]!.session = d.result.session.toString("base64");
  }
  // Reached: but is it the API? One harmless request each, as the run would send it.
  const notTheApi = (await probeReached(diagnoses, config)).flatMap(({ probe }) => (probe.notTheApi ? [probe.notTheApi] : []));
  return notTheApi.length ? { notTheApi, warnings } : { warnings };
}

/** The variables that have a value: the sandbox's settings as the run's environment gives them. */
function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
