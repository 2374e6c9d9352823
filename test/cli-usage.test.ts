// A CI gate that cannot pass by accident: a filter that selects nothing and every usage mistake
// exit 2 (never 0, never 1, which means "a MUST rule failed") before anything is sent or written; --list shows what a
// filter selects.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAssureCli } from "./helpers/run-cli.ts";
import { runAssureInProcess } from "./helpers/run-in-process.ts";

describe.concurrent("the command line's own mistakes", () => {
  const nothingSelected: [string[], RegExp][] = [
    [["--suite", "nrls", "--strict"], /--suite nrls: no such suite; did you mean nrls-create\?/],
    [["--requirement", "NOPE-01"], /--requirement NOPE-01: no such requirement/],
    [["--requirement", "NRLS-CRT-1"], /did you mean NRLS-CRT-01/],
    [["--tag", "nosuchtag"], /--tag nosuchtag: no such tag \(known: a001, .*jwt/],
    [["--requirement", "NRLS-CRT-01", "--tag", "a001"], /no case matches them all together/],
  ];
  // A run's own decision (the stages in this process, as runAssurance makes it for the CLI); the parser's refusals below
  // go through the executable.
  for (const [args, message] of nothingSelected) {
    it(`exits 2 for ${args.join(" ")}, naming what exists, and writes nothing`, async () => {
      const run = await runAssureInProcess(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toMatch(message);
      expect(run.stdout).toContain("Nothing was sent.");
      expect(readdirSync(run.outDir)).toEqual([]);
    });
  }

  const usage: [string[], RegExp][] = [
    [["run", "--strcit"], /unknown option '--strcit'/],
    [["run", "--concurrency", "abc"], /'abc' is invalid\. needs a whole number/],
    [["run", "--format", "yaml"], /'yaml' is invalid\. must be json or xml/],
    [["verify-evidence"], /missing required argument 'dir'/],
    [["rerun", "--nope"], /unknown option '--nope'/],
  ];
  for (const [args, message] of usage) {
    it(`exits 2 with the parser's message and the usage for ${args.join(" ")}`, async () => {
      const run = await runAssureCli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toContain("Usage: spine-assure");
      expect(existsSync(`${run.outDir}/summary.json`)).toBe(false);
    });
  }

  for (const [what, waiver, message] of [
    ["a requirement no suite has", `requirement: NRLS-CRT-99\n    expires: "2099-01-01"`, /waiver for NRLS-CRT-99: no suite has that requirement; did you mean NRLS-CRT-09/],
    ["a date that is not a day", `requirement: NRLS-CRT-07\n    expires: "2026-02-30"`, /waiver for NRLS-CRT-07: expires "2026-02-30" is not a date/],
  ] as const) {
    it(`exits 2 for a waiver naming ${what}, and sends nothing`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "waivers-"));
      const file = join(dir, "waivers.yaml");
      writeFileSync(file, `waivers:\n  - ${waiver}\n    reason: known\n    approvedBy: lead\n`);
      const run = await runAssureInProcess(["--waivers", file]);
      expect(run.code).toBe(2);
      expect(run.stdout).toMatch(message);
      expect(run.stdout).toContain("Nothing was sent.");
      expect(readdirSync(run.outDir)).toEqual([]);
    });
  }

  it("lists the cases a filter selects, with their suite, format, requirements and tags, and sends nothing", async () => {
    const run = await runAssureCli(["--list", "--tag", "jwt", "--format", "xml"]);
    expect(run.code).toBe(0);
    const rows = run.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^suite\s+case\s+format\s+requirements\s+tags$/);
    expect(rows.slice(1, -1).length).toBeGreaterThan(10);
    for (const row of rows.slice(1, -1)) {
      const [suite, key, format, requirements, tags] = row.split(/ {2,}/);
      expect([suite, format], row).toEqual(["nrls-create", "xml"]);
      expect(key, row).toMatch(/^[a-z-]+\[xml\]/);
      expect(requirements, row).toMatch(/NRLS-HDR-0\d/);
      expect(tags!.split(","), row).toContain("jwt");
    }
    expect(rows.at(-1)).toMatch(/^\d+ case\(s\) of 1 suite\(s\), verifying \d+ requirement\(s\); nothing was sent$/);
    expect(readdirSync(run.outDir)).toEqual([]);
  });

  it("prints each exchange with -v, and the bodies with -vv, redacted as everything else is", async () => {
    const token = "AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#";
    // Whole runs in this process (what is printed is the same lines): the command line's own part is above.
    const run = await runAssureInProcess(["--tag", "a002", "--no-report", "-vv"], { ERS_SMARTCARD_TOKEN: token });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/permission-not-held · create the session \(A001\): POST https:\/\/127\.0\.0\.1:\d+\/ers-api\/v1\/ProfessionalSession → 201 \(\d+ ms\)/);
    expect(run.stdout).toMatch(/PUT https:\/\/127\.0\.0\.1:\d+\/ers-api\/v1\/ProfessionalSession\/__ALLURE_REDACTED__ → 403/);
    expect(run.stdout).toContain("response body:");
    expect(run.stdout).not.toContain(token);
    const quiet = await runAssureInProcess(["--tag", "a002", "--no-report", "-v"]);
    expect(quiet.stdout).toMatch(/→ 204 \(\d+ ms\)/);
    expect(quiet.stdout).not.toContain("response body:");
  });

  it("names the suites and tags in run --help", async () => {
    const run = await runAssureCli(["run", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Suites \(--suite\): ers-professional-session, nrls-create/);
    expect(run.stdout).toMatch(/Tags \(--tag\): .*happy-path/);
  });
});
