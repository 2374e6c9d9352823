// `spine-assure doctor`: before a first run against an NHS environment, checks everything but the API — the
// configuration, each external target's DNS, TCP (through the proxy where one applies) and mutual-TLS handshake, and
// the test data — and says what to fix. It sends no API request. Exit 0: a run could start; 3: a target cannot be
// reached; 2: configuration (nothing contacted when it cannot even be loaded).
import { ConfigError, loadConfig } from "../config/load-config.ts";
import { TEST_DATA_NAMES, VARIABLES } from "../config/variables.ts";
import { probeReached } from "../run/api-probe.ts";
import { diagnoseTargets, diagnosisLines } from "../connect/diagnose.ts";
import { EXIT } from "../model/status.ts";
import { testDataUsage } from "../plan/test-data-usage.ts";
import { Redactor } from "../secrets/redact.ts";
import { readSuites } from "../suite/load-suites.ts";
import { TARGETS } from "../targets.ts";

export interface DoctorOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  log?: (line: string) => void;
}

export async function doctor(options: DoctorOptions = {}): Promise<number> {
  const out = options.log ?? console.log;
  let config;
  try {
    const { suites } = readSuites({});
    config = loadConfig({ env: options.env, cwd: options.cwd, testDataIsFatal: false, testDataUsage: () => testDataUsage(suites, TEST_DATA_NAMES) });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    out(err.message);
    out("Nothing was contacted: fix the configuration first.");
    return EXIT.configOrSuite;
  }
  const redactor = new Redactor(config.secrets.map((s) => s.value));
  const log = (line: string) => out(redactor.text(line));
  const external = TARGETS.filter((t) => config.baseUrls[t.name]);
  if (!external.length) {
    log("No base URL is set: a run uses the embedded sandbox (HTTPS with mutual TLS on loopback, its own test PKI and test data).");
    log(`Set ${TARGETS.map((t) => t.baseUrlVariable).join(" and/or ")} to check an NHS environment.`);
    return EXIT.ok;
  }
  for (const t of TARGETS.filter((x) => !config.baseUrls[x.name])) log(`${t.label}  not run: no target configured (${t.baseUrlVariable} is not set)`);

  const diagnoses = await diagnoseTargets(config);
  for (const line of diagnosisLines(diagnoses)) log(line);
  // Reached: is it the API? The run's own probe, one harmless request each.
  const probes = await probeReached(diagnoses, config);
  for (const { diagnosis, probe } of probes) log(`${diagnosis.target.label}  probe: ${probe.exchange}${probe.notTheApi ? `\n  PROBLEM  ${probe.notTheApi}` : "  (the API's own answer)"}`);
  const notTheApi = probes.filter((p) => p.probe.notTheApi);

  log("Test data");
  for (const spec of VARIABLES.filter((v) => v.testData && external.some((t) => t.name === v.api))) {
    const value = config.values[spec.name] ?? "";
    const shown = spec.secret ? `<secret, ${value.length} characters>` : value;
    const atDefault = value === spec.default ? "  (the embedded sandbox's value)" : "";
    log(`  ${spec.name.padEnd(24)} ${shown}${atDefault}`);
  }
  for (const w of config.warnings) log(`warning: ${w}`);
  for (const p of config.testDataProblems) log(`PROBLEM  ${p}`);

  const unreachable = diagnoses.filter((d) => d.problem);
  if (config.testDataProblems.length) {
    log(`A run would stop before sending anything (exit 2): ${config.testDataProblems.length} test-data value(s) to set.`);
    return EXIT.configOrSuite;
  }
  if (unreachable.length) {
    // Every failure a local file's (a trust anchor, a client identity): the set-up to fix (exit 2), not unreachable.
    const setup = unreachable.every((d) => d.problem!.setup);
    log(`${unreachable.map((d) => d.target.label).join(" and ")} ${setup ? "refused this set-up's TLS (exit 2: a set-up mistake)" : "cannot be reached (exit 3)"}: fix what is named above${unreachable.length < diagnoses.length ? "; a run would test the other API only, and fail these cases" : ""}.`);
    return setup ? EXIT.configOrSuite : EXIT.unreachable;
  }
  if (notTheApi.length) {
    log(`A run would stop before its cases (exit 2): ${notTheApi.map((p) => p.diagnosis.target.baseUrlVariable).join(" and ")} do${notTheApi.length > 1 ? "" : "es"} not lead to the API.`);
    return EXIT.configOrSuite;
  }
  log("A run could start: every target answered the handshake with this identity, and its probe as the API.");
  return EXIT.ok;
}
