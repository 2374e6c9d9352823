// Reads configuration from the environment and `.env` (the environment wins), checks every value before anything is
// sent, and reports every problem at once, each naming its variable.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createSecureContext } from "node:tls";
import dotenv from "dotenv";
import { TARGETS, type TargetName } from "../targets.ts";
import { closest } from "../nearest-names.ts";
import { OWN_PREFIXES, SANDBOX_VARIABLE_NAMES, VARIABLES } from "./variables.ts";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration error:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface TlsFiles {
  /** PEM text, read at load time so a missing file is a configuration error, not a failure mid-run. */
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
}


export interface Config {
  /** Every variable's effective value ("" when unset and without default). */
  values: Readonly<Record<string, string>>;
  /** Base URLs given by the user; undefined: use the embedded sandbox. */
  baseUrls: Readonly<Record<TargetName, string | undefined>>;
  tls: TlsFiles;
  timeoutMs: number;
  maxResponseBytes: number;
  concurrency: number;
  /** Run folders kept (ASSURE_KEEP_RUNS). */
  keepRuns: number;
  /** Values that must never appear in evidence, logs or console output, with the variable each came from. */
  secrets: { name: string; value: string }[];
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Folder holding `.env`; relative TLS paths resolve against it. */
  cwd?: string;
  /** Read `.env` (default true). */
  dotenvFile?: boolean;
}

/** Hosts of live Spine: *.national.ncrs.nhs.uk (e.g. psis-sync.national.ncrs.nhs.uk) and the production API gateway. */
const PRODUCTION_HOSTS = [/\.national\.ncrs\.nhs\.uk$/i, /^api\.service\.nhs\.uk$/i];

export function productionHost(url: string): string | undefined {
  try {
    const host = new URL(url).hostname;
    return PRODUCTION_HOSTS.some((p) => p.test(host)) ? host : undefined;
  } catch {
    return undefined;
  }
}

export function loadConfig(options: LoadOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const problems: string[] = [];
  let fromFile: Record<string, string> = {};
  const envPath = resolve(cwd, ".env");
  if (options.dotenvFile !== false && existsSync(envPath)) {
    try {
      fromFile = dotenv.parse(readFileSync(envPath));
    } catch (err) {
      problems.push(`.env: cannot be read (${(err as Error).message})`);
    }
  }
  // A misspelt key would be ignored and its default used in silence: with our prefixes, an unknown key is an error.
  const known = [...VARIABLES.map((v) => v.name), ...SANDBOX_VARIABLE_NAMES];
  for (const [where, keys] of [[".env", Object.keys(fromFile)], ["the environment", Object.keys(env)]] as const) {
    for (const key of keys) {
      if (!OWN_PREFIXES.some((p) => key.startsWith(p)) || known.includes(key)) continue;
      const near = closest(key, known);
      problems.push(`${key} (in ${where}) is not a setting spine-assure knows${near.length ? `; did you mean ${near[0]}?` : ""}`);
    }
  }
  const values: Record<string, string> = {};
  for (const spec of VARIABLES) {
    const raw = (env[spec.name] ?? fromFile[spec.name] ?? "").trim();
    const value = raw === "" ? (spec.default ?? "") : raw;
    values[spec.name] = value;
    if (raw !== "" && spec.check) {
      const problem = spec.check(raw);
      if (problem) problems.push(`${spec.name} ${problem} (got "${spec.secret ? "<secret>" : raw}")`);
    }
  }

  const tls: TlsFiles = {};
  const readPem = (name: string, kind: RegExp): string | undefined => {
    const path = values[name];
    if (!path) return undefined;
    const full = resolve(cwd, path);
    if (!existsSync(full)) {
      problems.push(`${name} names a file that does not exist: ${full}`);
      return undefined;
    }
    const text = readFileSync(full, "utf8");
    if (!kind.test(text)) problems.push(`${name} (${full}) is not a PEM file of the expected kind`);
    return text;
  };
  tls.ca = readPem("TLS_CA", /-----BEGIN CERTIFICATE-----/);
  tls.cert = readPem("TLS_CLIENT_CERT", /-----BEGIN CERTIFICATE-----/);
  tls.key = readPem("TLS_CLIENT_KEY", /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  if (values.TLS_KEY_PASSPHRASE) tls.passphrase = values.TLS_KEY_PASSPHRASE;
  if (!!values.TLS_CLIENT_CERT !== !!values.TLS_CLIENT_KEY) {
    problems.push(`TLS_CLIENT_CERT and TLS_CLIENT_KEY go together: set both or neither`);
  }
  if (!problems.length && (tls.ca || tls.key)) {
    // The same context the HTTP client builds: a wrong passphrase or a key that is not the certificate's is a
    // configuration error found before anything is sent, not a TLS failure on every request.
    try {
      createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key, passphrase: tls.passphrase });
    } catch (err) {
      problems.push(`TLS_CA, TLS_CLIENT_CERT, TLS_CLIENT_KEY and TLS_KEY_PASSPHRASE do not make a usable TLS identity: ${(err as Error).message}`);
    }
  }
  for (const name of TARGETS.map((t) => t.baseUrlVariable)) {
    const host = productionHost(values[name] ?? "");
    if (host && values.ALLOW_PRODUCTION !== "true") {
      problems.push(`${name} points at ${host}, an NHS production host: the harness creates and deletes real records, so it is refused. Use a test environment, or set ALLOW_PRODUCTION=true if you really mean to.`);
    }
  }
  if (problems.length) throw new ConfigError(problems);

  const secrets = VARIABLES.filter((v) => v.secret && values[v.name]).map((v) => ({ name: v.name, value: values[v.name]! }));
  return {
    values,
    baseUrls: Object.fromEntries(TARGETS.map((t) => [t.name, values[t.baseUrlVariable] || undefined])) as Record<TargetName, string | undefined>,
    tls,
    timeoutMs: Number(values.HTTP_TIMEOUT_MS),
    maxResponseBytes: Number(values.HTTP_MAX_RESPONSE_BYTES),
    concurrency: Number(values.ASSURE_CONCURRENCY),
    keepRuns: Number(values.ASSURE_KEEP_RUNS),
    secrets,
  };
}
