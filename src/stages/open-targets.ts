// Stage 2, open targets: each target the plan may use, with its base URL and TLS identity — the configured one, or the
// embedded sandbox (started here, on a free loopback port, with its own test PKI) for a target given no base URL.
import { readFileSync } from "node:fs";
import { SANDBOX_CLIENT_TLS, startSandbox, type RunningSandbox } from "../../sandbox/server.ts";
import { ConfigError, type Config } from "../config/load-config.ts";
import type { RunTarget } from "../run/run-plan.ts";
import { TARGETS, type TargetName } from "../targets.ts";

export interface OpenTarget extends RunTarget {
  /** true: the embedded sandbox. */
  embedded: boolean;
}

export interface OpenTargets {
  targets: Record<TargetName, OpenTarget>;
  close(): Promise<void>;
}

/** `env`: where the embedded sandbox's faults and documented variants are switched on (SANDBOX_FAULTS, SANDBOX_VARIANTS). */
export async function openTargets(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<OpenTargets> {
  let sandbox: RunningSandbox | undefined;
  if (TARGETS.some((t) => !config.baseUrls[t.name])) sandbox = await startSandbox({ faults: env.SANDBOX_FAULTS ?? "", variants: env.SANDBOX_VARIANTS ?? "" });
  const sandboxTls = sandbox && {
    ca: readFileSync(SANDBOX_CLIENT_TLS.ca, "utf8"),
    cert: readFileSync(SANDBOX_CLIENT_TLS.cert, "utf8"),
    key: readFileSync(SANDBOX_CLIENT_TLS.key, "utf8"),
  };
  const close = async () => sandbox?.close();
  try {
    const targets = Object.fromEntries(TARGETS.map((t) => {
    const given = config.baseUrls[t.name];
    const simulated = sandbox?.baseUrls[t.name];
    if (!given && !simulated) throw new ConfigError([`${t.baseUrlVariable} is not set, and the embedded sandbox does not simulate ${t.label}: give its base URL`]);
    const target: OpenTarget = given ? { baseUrl: given, tls: config.tls, embedded: false } : { baseUrl: simulated!, tls: sandboxTls!, embedded: true };
    return [t.name, target];
    })) as Record<TargetName, OpenTarget>;
    return { targets, close };
  } catch (err) {
    await close();
    throw err;
  }
}
