// Stage 2, open targets: each target the plan may use, with its base URL and TLS identity — the configured one, or the
// embedded sandbox (started here, on a free loopback port, with its own test PKI) for a target given no base URL.
import { readFileSync } from "node:fs";
import { SANDBOX_CLIENT_TLS, startSandbox, type RunningSandbox } from "../../sandbox/server.ts";
import { ConfigError, type Config } from "../config/load-config.ts";
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

/** The variables that have a value: the sandbox's settings as the run's environment gives them. */
function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
