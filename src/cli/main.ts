// spine-assure: the command line. `npm run assure` is `spine-assure run`.
//   run               run the suites (the embedded sandbox unless base URLs are given) and gate on the result
//   rerun             run again only the cases that failed or broke last time
//   doctor            check configuration, DNS, proxy, TCP and the mutual-TLS handshake of each target; no API request
//   sandbox           the embedded sandbox on its own
//   report [RUN]      regenerate a run's report, coverage matrix, JUnit and manifest from its results
//   requirements      the requirement catalogue with the cases that verify each; exit 1 if a MUST rule has none
//   verify-evidence   check a run folder's hashes and signature; exit 1 if anything was edited, added or removed, or unsigned
//   selftest          the mutation self-test: each sandbox fault caught, nothing else changed
//   assess-client     the sandbox judges the supplier's own system: every request it sends, against the client rules
//   validate          pointer files judged offline against the client rules' payload rules
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { PROJECT_ROOT } from "../project-root.ts";
import { EXIT } from "../model/status.ts";
import type { Summary } from "../../reporters/summary.ts";
import type { AssureOptions } from "./run.ts";
import { DEFAULT_OUT, list, positive, runOptions, withRunFilters, withRunOptions, type RunFlags } from "./run-flags.ts";
import { packageInfo } from "../tool-info.ts";
import { readSuites } from "../suite/load-suites.ts";

// Each command loads what it needs when it runs: vitest alone takes most of a second to import, which --help,
// --version or verify-evidence should not pay.
const runAssurance = async (options: AssureOptions) => (await import("./run.ts")).runAssurance(options);

const port = (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError("needs a port number from 0 to 65535 (0: any free one)");
  return n;
};

/** For run --help: what --suite and --tag can name, from the suites as they are now. */
function suitesAndTags(): string {
  try {
    const suites = readSuites({}).suites;
    const tags = [...new Set(suites.flatMap((s) => s.cases.flatMap((c) => c.tags ?? [])))].sort();
    return `\nSuites (--suite): ${suites.map((s) => s.suite).join(", ")}\nTags (--tag): ${tags.join(", ")}\nRequirements (--requirement): spine-assure requirements lists them; run --list shows which cases verify each.`;
  } catch {
    return "";
  }
}

const program = new Command()
  .name("spine-assure")
  .description("Assurance harness for NHS England Spine APIs (e-RS Professional Session, NRLS Create pointer)")
  .version(packageInfo().version)
  .showHelpAfterError()
  // Set before the commands are added, so each inherits it: a usage mistake exits 2 (nothing was sent), never 1,
  // which a CI gate reads as "a MUST rule failed".
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : EXIT.configOrSuite);
  })
  .addHelpText("after", `
Exit codes (run, rerun): 0 no MUST rule failed; 1 a MUST rule failed (any rule with --strict);
  2 configuration, suite or waiver error (nothing sent), or test data unsuitable for a MUST rule;
  3 a target could not be reached at all; 4 the run passed ASSURE_RUN_TIMEOUT and stopped itself (not a result).`);

withRunOptions(withRunFilters(program.command("run").description("run the suites and gate on the result")))
  .addHelpText("after", () => suitesAndTags())
  .action(async (flags: RunFlags & { list?: boolean }) => {
    if (flags.list) {
      const { listCases } = await import("./list-cases.ts");
      process.exitCode = listCases(runOptions(flags));
      return;
    }
    process.exitCode = (await runAssurance(runOptions(flags))).exitCode;
  });

withRunOptions(program.command("rerun").description("run again only the cases that failed or broke in the last run"))
  .action(async (flags: RunFlags) => {
    const last = join(flags.out, "summary.json");
    if (!existsSync(last)) {
      console.error(`rerun: no previous run (${last} not found); use run first`);
      process.exitCode = EXIT.configOrSuite;
      return;
    }
    let summary: Summary;
    try {
      summary = JSON.parse(readFileSync(last, "utf8")) as Summary;
      if (!Array.isArray(summary.cases)) throw new Error("it has no cases");
    } catch (err) {
      console.error(`rerun: ${last} cannot be read (${(err as Error).message}); run the full suites again`);
      process.exitCode = EXIT.configOrSuite;
      return;
    }
    const keys = summary.cases.filter((c) => c.status === "failed" || c.status === "broken").map((c) => c.key);
    if (keys.length === 0) {
      console.log(`rerun: nothing failed or broke in run ${summary.runId}; nothing to run`);
      return;
    }
    console.log(`rerun: ${keys.length} case(s) that failed or broke in run ${summary.runId}`);
    process.exitCode = (await runAssurance({ ...runOptions(flags), filter: { caseKeys: keys } })).exitCode;
  });

program.command("doctor").description("before a run: check the configuration and each target's DNS, proxy, TCP and mutual-TLS handshake, sending no API request")
  .addHelpText("after", "\nExit codes: 0 a run could start; 2 configuration (the variable to fix is named); 3 a target cannot be reached.")
  .action(async () => {
    const { doctor } = await import("./doctor.ts");
    process.exitCode = await doctor();
  });

program.command("sandbox").description("the embedded sandbox on its own")
  .option("--port <n>", "port (0: any free one)", port, Number(process.env.SANDBOX_PORT ?? 9443))
  .option("--http", "plain HTTP instead of HTTPS with mutual TLS")
  .option("--list-faults", "list the named faults and the rules each breaks")
  .option("--list-variants", "list the documented variants (SANDBOX_VARIANTS) and the rules each answers differently")
  .action(async (flags: { port: number; http?: boolean; listFaults?: boolean; listVariants?: boolean }) => {
    const { listFaults, listVariants, serveSandbox } = await import("../../sandbox/serve.ts");
    if (flags.listFaults) console.log(listFaults());
    else if (flags.listVariants) console.log(listVariants());
    else {
      try {
        await serveSandbox({ port: flags.port, http: !!flags.http });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        console.error(`sandbox: cannot listen on port ${flags.port}: ${code === "EADDRINUSE" ? "it is in use; choose another with --port N (0: any free one)" : (err as Error).message}`);
        process.exit(EXIT.configOrSuite);
      }
    }
  });

program.command("assess-client").description("the sandbox judges your own system: point it at the printed base URLs, use it as you would INT, then stop (Ctrl-C) for the evidence")
  .option("--port <n>", "port (0: any free one)", port, Number(process.env.SANDBOX_PORT ?? 9443))
  .option("--http", "plain HTTP instead of HTTPS with mutual TLS")
  .option("--out <dir>", "output root: runs/<id>/ per assessment, the latest files at the root", join(PROJECT_ROOT, "reports", "client"))
  .option("--until-idle <seconds>", "end after this many seconds without a request", positive)
  .option("--requests <n>", "end after this many requests", positive)
  .option("--no-report", "skip the HTML report (everything else is still written)")
  .option("--system <name>", "the product being assessed, named and signed in the pack (ASSESSED_SYSTEM)")
  .option("--system-version <v>", "its version (ASSESSED_SYSTEM_VERSION)")
  .option("--supplier <org>", "the supplier organisation, name or ODS code (ASSESSED_SUPPLIER)")
  .option("--system-asid <asid>", "the system's ASID (ASSESSED_SYSTEM_ASID)")
  .addHelpText("after", "\nThe pack is signed with your identity when TLS_CLIENT_CERT and TLS_CLIENT_KEY (or TLS_PFX) are set, otherwise with the\nsandbox's public test key (integrity only).\nExit codes: 0 no client MUST rule failed; 1 a client MUST rule failed (or a secret leaked); 2 a usage or set-up error;\n  3 no request was received (nothing was assessed).")
  .action(async (flags: { port: number; http?: boolean; out: string; untilIdle?: number; requests?: number; report: boolean; system?: string; systemVersion?: string; supplier?: string; systemAsid?: string }) => {
    const { assessClient } = await import("./assess-client.ts");
    const system = { ...(flags.system ? { product: flags.system } : {}), ...(flags.systemVersion ? { version: flags.systemVersion } : {}), ...(flags.supplier ? { supplier: flags.supplier } : {}), ...(flags.systemAsid ? { asid: flags.systemAsid } : {}) };
    process.exitCode = await assessClient({ port: flags.port, http: !!flags.http, out: resolve(flags.out), untilIdle: flags.untilIdle, requests: flags.requests, report: flags.report, system });
  });

program.command("validate").description("judge pointer files (JSON or XML, told apart by content; a folder: its *.json and *.xml) against the client rules' payload rules, offline")
  .argument("<files...>", "pointer files or folders")
  .option("--from-asid <asid>", "the sending system's ASID: the custodian's affiliation is judged against the sandbox directory (SANDBOX_DIRECTORY)")
  .option("--json", "machine-readable output")
  .addHelpText("after", "\nExit codes: 0 every file valid; 1 any file invalid; 2 a file that cannot be read, or an unknown --from-asid.")
  .action(async (files: string[], flags: { fromAsid?: string; json?: boolean }) => {
    const { validateCommand } = await import("./validate.ts");
    process.exitCode = await validateCommand(files, flags);
  });

program.command("report").description("regenerate a run's report, coverage matrix, JUnit and manifest from its results")
  .argument("[run]", "a run folder (default: the latest run under --out)")
  .option("--out <dir>", "output root", DEFAULT_OUT)
  .option("--force", "regenerate even when the folder no longer matches its signed manifest; every output is then marked \"regenerated from altered results\"")
  .action(async (run: string | undefined, flags: { out: string; force?: boolean }) => {
    const { regenerateReport } = await import("./report.ts");
    process.exitCode = await regenerateReport(run ? resolve(run) : undefined, flags.out, !!flags.force);
  });

program.command("requirements").description("the requirement catalogue with its coverage; exit 1 if a MUST rule has no case")
  .option("--suites <dir>", "folder of suites (default suites/)")
  .action(async (flags: { suites?: string }) => {
    const { requirementsCatalogue } = await import("./requirements.ts");
    process.exitCode = requirementsCatalogue(flags.suites);
  });

program.command("selftest").description("prove both halves of a verdict: every sandbox fault caught, every documented variant tolerated")
  .option("--fault <names>", "only these faults", list)
  .option("--variant <names>", "only these documented variants", list)
  .action(async (flags: { fault?: string[]; variant?: string[] }) => {
    const { selftest } = await import("./selftest.ts");
    process.exitCode = await selftest(flags.fault, flags.variant);
  });

program.command("verify-evidence").description("check a run folder: every file against the manifest's SHA-256, and the manifest's signature and signer")
  .argument("<dir>", "a run folder (reports/runs/<id>)")
  .option("--ca <file>", "PEM file of the roots you trust: the signer's certificate must chain to one of them")
  .addHelpText("after", "\nExit codes: 0 every file matches and the signature holds (and chains to --ca, if given); 1 anything edited, added or\n  removed, a bad or missing signature, or a pack regenerated from altered results; 2 not a run folder, or a bad --ca file.")
  .action(async (dir: string, flags: { ca?: string }) => {
    const { verifyEvidenceCommand } = await import("./verify-evidence.ts");
    process.exitCode = verifyEvidenceCommand(resolve(dir), flags.ca && resolve(flags.ca));
  });

try {
  await program.parseAsync();
} catch (err) {
  console.error(`spine-assure: internal error: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = EXIT.configOrSuite;
}
// Exit even if a library left a handle open; the run's outputs are all written by now.
if (!program.args.includes("sandbox") && process.argv[2] !== "sandbox") process.exit(process.exitCode ?? 0);
