// Reads configuration from the environment and `.env` (the environment wins), checks every value before anything is
// sent, and reports every problem at once, each naming its variable.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import dotenv from "dotenv";
import { TARGETS, type TargetName } from "../targets.ts";
import { closest } from "../nearest-names.ts";
import { proxyFor, type ProxyChoice } from "./proxy.ts";
import { resolveTargetTls, type TargetTls } from "./tls-identity.ts";
import { MIN_SECRET_LENGTH } from "../secrets/redact.ts";
import { escapeRegExp } from "../secrets/secret-matcher.ts";
import { OWN_PREFIXES, SANDBOX_VARIABLE_NAMES, VARIABLES } from "./variables.ts";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration error:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface Config {
  /** Every variable's effective value ("" when unset and without default). */
  values: Readonly<Record<string, string>>;
  /** Base URLs given by the user; undefined: use the embedded sandbox. */
  baseUrls: Readonly<Record<TargetName, string | undefined>>;
  /** Each external target's TLS identity (the embedded sandbox brings its own). */
  tls: Readonly<Partial<Record<TargetName, TargetTls>>>;
  /** The proxy each external target is reached through, when one applies (HTTPS_PROXY, NO_PROXY...). */
  proxies: Readonly<Partial<Record<TargetName, ProxyChoice>>>;
  /** Hosts besides each target's own that a request may go to (a Location to a Spine proxy: NRLS_LOCATION_HOSTS). */
  extraHosts: Readonly<Partial<Record<TargetName, string[]>>>;
  /** Not errors, but to be seen before and after a run (a client certificate near its end). */
  warnings: string[];
  /** Test data still at the sandbox's values for an external target (only when loaded with testDataIsFatal: false). */
  testDataProblems: string[];
  timeoutMs: number;
  maxResponseBytes: number;
  concurrency: number;
  /** Run folders kept (ASSURE_KEEP_RUNS). */
  keepRuns: number;
  /** Values that must never appear in evidence, logs or console output, with the variable each came from. */
  secrets: { name: string; value: string }[];
  /** EVIDENCE_MAX_BODY_BYTES: how much of a body the evidence keeps. */
  evidenceBodyBytes: number;
  /** EVIDENCE_MAX_TOTAL_BODY_BYTES: the bodies an assessment's pack keeps, at most. */
  evidenceTotalBodyBytes: number;
  /** ASSURE_RUN_TIMEOUT: the run stops itself after this long. */
  runTimeoutMs: number;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Folder holding `.env`; relative TLS paths resolve against it. */
  cwd?: string;
  /** Read `.env` (default true). */
  dotenvFile?: boolean;
  /**
   * For each test-data variable, the requirements whose requests carry it (named when one is left at its default).
   * A function: asked only when there is such a problem to name, so a configuration error never waits for the suites.
   */
  testDataUsage?: () => Readonly<Record<string, string[]>>;
  /** The text of the suites, asked only when a key passphrase is set (one that is a word of it is not hunted for). */
  ordinaryText?: () => string;
  /** The time certificates are checked against (tests). */
  now?: Date;
  /** false: test data left at the sandbox's values is returned in `testDataProblems`, not thrown (the doctor shows it with the rest). */
  testDataIsFatal?: boolean;
}

/** A URL as it may be shown: any user:password@ replaced, so a value refused for carrying credentials does not print them. */
function withoutCredentials(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1<credentials>@");
}

/** Hosts of live Spine: *.national.ncrs.nhs.uk (e.g. psis-sync.national.ncrs.nhs.uk) and the production API gateway. */
const PRODUCTION_HOSTS = [/\.national\.ncrs\.nhs\.uk$/i, /^api\.service\.nhs\.uk$/i];

export function productionHost(url: string): string | undefined {
  try {
    // As a resolver reads it: case folded, IDNA to ASCII (URL does both), and the root's trailing dot dropped.
    const host = new URL(url).hostname.replace(/\.+$/, "");
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
      if (problem) problems.push(`${spec.name} ${problem} (got "${spec.secret ? "<secret>" : withoutCredentials(raw)}")`);
    }
  }

  // Against an external target, a test-data value still at the sandbox's default is the sandbox's data sent to a real
  // environment: every rule would fail for the harness's reason. Each must be set, or accepted in so many words.
  const testDataProblems: string[] = [];
  const accepted = new Set((values.ASSURE_ACCEPT_SANDBOX_VALUES ?? "").split(",").map((n) => n.trim()).filter(Boolean));
  let usage: Readonly<Record<string, string[]>> | undefined;
  for (const spec of VARIABLES) {
    const target = TARGETS.find((t) => t.name === spec.api);
    if (!spec.testData || !target || !values[target.baseUrlVariable] || values[spec.name] !== spec.default) continue;
    // A base URL that is itself refused is the mistake to fix first: its test data waits (and no suite is read for it).
    if (problems.some((p) => p.startsWith(`${target.baseUrlVariable} `))) continue;
    if (accepted.has("all") || accepted.has(spec.name)) continue;
    const usedBy = (usage ??= options.testDataUsage?.() ?? {})[spec.name] ?? [];
    const shown = usedBy.length > 6 ? `${usedBy.slice(0, 6).join(", ")} and ${usedBy.length - 6} more` : usedBy.join(", ");
    testDataProblems.push(`${spec.name}: ${spec.description}${shown ? `, used by ${shown}` : ""}. It is still the embedded sandbox's value and ${target.baseUrlVariable} is set: give ${target.label}'s test value (or list ${spec.name} in ASSURE_ACCEPT_SANDBOX_VALUES if the sandbox's value really is right for this target)`);
  }

  // TLS identities and proxies, for the targets that are external: the embedded sandbox has its own, and no proxy.
  const tls: Partial<Record<TargetName, TargetTls>> = {};
  const proxies: Partial<Record<TargetName, ProxyChoice>> = {};
  const extraHosts: Partial<Record<TargetName, string[]>> = {};
  const warnings: string[] = [];
  const seen = new Set<string>();
  const platform = (name: string) => env[name] ?? fromFile[name];
  for (const t of TARGETS) {
    const base = values[t.baseUrlVariable];
    // A malformed base URL is already a problem above; it has no identity or proxy to check.
    if (!base || VARIABLES.find((v) => v.name === t.baseUrlVariable)?.check?.(base)) continue;
    const got = resolveTargetTls(t, values, cwd, options.now);
    tls[t.name] = got.tls;
    // Both APIs often share TLS_*: say each problem once.
    const once = (list: string[], text: string) => {
      if (!seen.has(text)) list.push(text);
      seen.add(text);
    };
    for (const p of got.problems) once(problems, p);
    for (const w of got.warnings) once(warnings, w);
    const { proxy, problem } = proxyFor(base, platform);
    if (problem) once(problems, problem);
    if (proxy) proxies[t.name] = proxy;
    const hostsVar = `${t.name.toUpperCase()}_LOCATION_HOSTS`;
    if (values[hostsVar]) extraHosts[t.name] = values[hostsVar]!.split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
    // A plain-HTTP target never sees the client certificate: TLS variables set for it mean the URL is wrong.
    const tlsVars = Object.keys(values).filter((k) => values[k] && (k.startsWith("TLS_") || k.startsWith(`${t.name.toUpperCase()}_TLS_`)) && !k.endsWith("_CA"));
    if (base.startsWith("http:") && tlsVars.length) {
      once(problems, `${t.baseUrlVariable} is http:// but ${tlsVars.join(", ")} ${tlsVars.length > 1 ? "are" : "is"} set: the request would go in clear, without the client certificate. Use https://, or unset ${tlsVars.length > 1 ? "them" : "it"} for a plain-HTTP test target`);
    }
  }
  // Every URL a run may request: the base URLs and the hosts a Location may name.
  const urls = [...TARGETS.map((t) => [t.baseUrlVariable, values[t.baseUrlVariable] ?? ""]), ...Object.entries(extraHosts).flatMap(([t, hosts]) => hosts.map((h) => [`${t.toUpperCase()}_LOCATION_HOSTS`, `https://${h}/`]))];
  for (const [name, url] of urls) {
    const host = productionHost(url!);
    if (host && values.ALLOW_PRODUCTION !== "true") {
      problems.push(`${name} points at ${host}, an NHS production host: the harness creates and deletes real records, so it is refused. Use a test environment, or set ALLOW_PRODUCTION=true if you really mean to.`);
    }
  }
  if (options.testDataIsFatal !== false) problems.push(...testDataProblems.splice(0));
  if (problems.length) throw new ConfigError(problems);

  let secrets = VARIABLES.filter((v) => v.secret && values[v.name]).map((v) => ({ name: v.name, value: values[v.name]! }));
  // A key's passphrase only opens a local file: it is never sent, so no target can echo it. One that is a word the
  // exchanges carry anyway (the suites' own text: "DocumentReference") cannot be hunted for without masking the
  // evidence wherever the word appears, and every run would fail on a leak that is not one: it is left out, saying so.
  const ordinary = secrets.some((s) => s.name.endsWith("KEY_PASSPHRASE")) ? options.ordinaryText?.() : undefined;
  if (ordinary) {
    const text = ordinary.toLowerCase();
    const isWord = (v: string) => new RegExp(`(?<![a-z0-9])${escapeRegExp(v.toLowerCase())}(?![a-z0-9])`).test(text);
    secrets = secrets.filter((s) => {
      if (!s.name.endsWith("KEY_PASSPHRASE") || !isWord(s.value)) return true;
      warnings.push(`${s.name} is a word the exchanges themselves carry (the suites use it): it is not hunted for in the evidence, which it would mask wherever the word appears. It is never sent or written; a passphrase that is no word of the API is safer`);
      return false;
    });
  }
  for (const s of secrets) {
    if (s.value.trim().length < MIN_SECRET_LENGTH) warnings.push(`${s.name} is shorter than ${MIN_SECRET_LENGTH} characters: it is redacted where it stands alone, but too short to hunt for inside other text`);
  }
  // A proxy's password is a secret too (http://user:password@proxy:3128).
  for (const p of Object.values(proxies)) {
    const password = decodeURIComponent(new URL(p.url).password);
    if (password && !secrets.some((s) => s.value === password)) secrets.push({ name: p.variable, value: password });
  }
  return {
    values,
    baseUrls: Object.fromEntries(TARGETS.map((t) => [t.name, values[t.baseUrlVariable] || undefined])) as Record<TargetName, string | undefined>,
    tls,
    proxies,
    extraHosts,
    warnings,
    testDataProblems,
    timeoutMs: Number(values.HTTP_TIMEOUT_MS),
    maxResponseBytes: Number(values.HTTP_MAX_RESPONSE_BYTES),
    evidenceBodyBytes: Number(values.EVIDENCE_MAX_BODY_BYTES),
    evidenceTotalBodyBytes: Number(values.EVIDENCE_MAX_TOTAL_BODY_BYTES),
    concurrency: Number(values.ASSURE_CONCURRENCY),
    keepRuns: Number(values.ASSURE_KEEP_RUNS),
    runTimeoutMs: Number(values.ASSURE_RUN_TIMEOUT) * 1000,
    secrets,
  };
}
