// `spine-assure run --list`: the cases the filters select — suite, case key, format, requirements, tags — so filters
// can be discovered and checked before anything is sent. Nothing is sent or written.
import { ConfigError } from "../config/load-config.ts";
import { EXIT } from "../model/status.ts";
import { WaiverError } from "../judge/waivers.ts";
import { prepare, type PrepareOptions } from "../stages/prepare.ts";
import { SuiteError } from "../suite/suite-problems.ts";

export function listCases(options: PrepareOptions, log: (line: string) => void = console.log): number {
  let plan;
  try {
    plan = prepare(options).plan;
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof SuiteError || err instanceof WaiverError)) throw err;
    log(err.message);
    return EXIT.configOrSuite;
  }
  const rows = plan.cases.map((c) => [c.suite, c.key.slice(c.suite.length + 1), c.format ?? "-", c.verifies.join(","), c.tags.join(",")]);
  const header = ["suite", "case", "format", "requirements", "tags"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) log(row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join("  ").trimEnd());
  log(`${plan.cases.length} case(s) of ${new Set(plan.cases.map((c) => c.suite)).size} suite(s), verifying ${new Set(plan.cases.flatMap((c) => c.verifies)).size} requirement(s); nothing was sent`);
  return 0;
}
