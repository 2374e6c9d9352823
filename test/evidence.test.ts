// The evidence pack as an assessor receives it: signed by the identity that made the calls, checkable with openssl as
// the README says, impossible to launder through `report`, and with JUnit, the matrix and every check message agreeing
// with the gate and naming the suite line that made the check. Real runs against the embedded sandbox, over sockets.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { TARGETS } from "../src/targets.ts";
import type { RunResult } from "../src/model/run-result.ts";
import type { Summary } from "../reporters/summary.ts";
import { runAssureCli, type CliRun } from "./helpers/run-cli.ts";
import { runAssureInProcess, verifyEvidenceInProcess } from "./helpers/run-in-process.ts";

const CA = join(PROJECT_ROOT, "fixtures", "tls", "ca.crt");
const runDirOf = (run: CliRun) => join(run.outDir, "runs", readFileSync(join(run.outDir, "latest-run"), "utf8").trim());
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** The README's openssl commands, run as written, in a scratch folder outside the pack. */
function opensslVerify(pack: string): { code: number; out: string } {
  const script = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8").match(/```sh\n# Verify a pack with openssl[\s\S]*?```/)?.[0];
  if (!script) throw new Error("README.md has no openssl verification block");
  const body = script.replace(/^```sh\n/, "").replace(/```$/, "");
  const r = spawnSync("bash", ["-e", "-c", body], { cwd: mkdtempSync(join(tmpdir(), "openssl-")), env: { ...process.env, PACK: pack, CA }, encoding: "utf8" });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

describe("a signed evidence pack", { timeout: 240_000 }, () => {
  let run: CliRun;
  let dir: string;
  beforeAll(async () => {
    // Two requirements' cases, one of each API, one failing: what is signed is the same kind of pack a whole run's is.
    run = await runAssureInProcess(["--no-report", "--requirement", "NRLS-CRT-07,ERS-A001-01"], { SANDBOX_FAULTS: "nrls-location-path-id" });
    dir = runDirOf(run);
  });

  it("is signed by the identity that made the calls, and verify-evidence names it", async () => {
    expect(run.code).toBe(1);
    expect(existsSync(join(dir, "manifest.jws"))).toBe(true);
    // Signed with the sandbox's committed test key: named, chained, and still never trusted (anyone can sign with it).
    const v = await runAssureCli(["verify-evidence", dir, "--ca", CA]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/integrity not provable[\s\S]*NOT VERIFIED: --ca asks whether the signer can be trusted, and a key anyone can read cannot be/);
    expect(v.stdout).toMatch(/signature manifest\.jws: valid/);
    expect(v.stdout).toContain("CN=spine-assure test client 200000000118");
    expect(v.stdout).toMatch(/serial: +[0-9A-F]+/);
    expect(v.stdout).toContain("embedded sandbox's test identity");
    expect(v.stdout).toContain("chains to C=GB, O=spine-assure test PKI, CN=spine-assure test CA");
    // A CA the signer does not chain to.
    const other = join(mkdtempSync(join(tmpdir(), "ca-")), "other.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${other}.key`, "-out", other, "-subj", "/CN=someone else", "-days", "2"], { stdio: "ignore" });
    const untrusted = verifyEvidenceInProcess(dir, other);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toContain("does not chain to a root in the --ca file");
  });

  it("verifies with the openssl commands the README gives, and they fail once the manifest changes", () => {
    const ok = opensslVerify(dir);
    expect(ok.out).toContain("Verified OK");
    expect(ok.out).toContain("signer.pem: OK");
    expect(ok.code).toBe(0);
    const copy = mkdtempSync(join(tmpdir(), "pack-"));
    execFileSync("cp", ["-r", `${dir}/.`, copy]);
    writeFileSync(join(copy, "manifest.json"), readFileSync(join(copy, "manifest.json"), "utf8").replace(/"exitCode": 1/, '"exitCode": 0'));
    const bad = opensslVerify(copy);
    expect(bad.out).toContain("Verification failure");
    expect(bad.code).not.toBe(0);
  });

  it("checks every file with stock tools alone (SHA256SUMS, itself signed through the manifest), and catches an edited one", () => {
    const ok = opensslVerify(dir);
    expect(ok.out).toContain("SHA256SUMS is the one the signed manifest names");
    expect(ok.out).toMatch(/summary\.json: OK/);
    expect(ok.out).not.toMatch(/FAILED/);
    // A file edited after signing: its line fails, and so does the recipe.
    const copy = mkdtempSync(join(tmpdir(), "pack-"));
    execFileSync("cp", ["-r", `${dir}/.`, copy]);
    appendFileSync(join(copy, "junit.xml"), "<!-- edited -->");
    const edited = opensslVerify(copy);
    expect(edited.out).toMatch(/junit\.xml: FAILED/);
    expect(edited.code).not.toBe(0);
    // New sums for the edited file: the manifest no longer names them, so the recipe says nothing is as signed.
    const again = mkdtempSync(join(tmpdir(), "pack-"));
    execFileSync("cp", ["-r", `${copy}/.`, again]);
    writeFileSync(join(again, "SHA256SUMS"), readFileSync(join(again, "SHA256SUMS"), "utf8").replace(/^[0-9a-f]{64}(?= {2}junit\.xml$)/m, sha256(join(again, "junit.xml"))));
    const recomputed = opensslVerify(again);
    expect(recomputed.out).toContain("SHA256SUMS is NOT the one the manifest signs");
    expect(recomputed.code).not.toBe(0);
  });

  it("counts every byte: a file slipped into original-manifest/ and bytes after signer.pem's chain are named", async () => {
    const copy = mkdtempSync(join(tmpdir(), "pack-"));
    execFileSync("cp", ["-r", `${dir}/.`, copy]);
    expect(verifyEvidenceInProcess(copy).code).toBe(0);
    execFileSync("mkdir", ["-p", join(copy, "original-manifest")]);
    writeFileSync(join(copy, "original-manifest", "approval.html"), "<p>approved</p>");
    appendFileSync(join(copy, "signer.pem"), "approved by the assurance team\n");
    const v = verifyEvidenceInProcess(copy);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain("original-manifest/approval.html is covered by no manifest or signature");
    expect(v.stdout).toContain("signer.pem holds more than the chain that signed manifest.jws");
  });

  it("prints nothing from a pack raw: a file name or a gate reason carrying terminal escapes is shown escaped", async () => {
    const copy = mkdtempSync(join(tmpdir(), "pack-"));
    execFileSync("cp", ["-r", `${dir}/.`, copy]);
    writeFileSync(join(copy, "note-\x1b[2J\x1b[1;1H.txt"), "added");
    writeFileSync(join(copy, "manifest.json"), readFileSync(join(copy, "manifest.json"), "utf8").replace(/"reason": "/, '"reason": "\\u001b[8mhidden\\u001b[0m '));
    const v = verifyEvidenceInProcess(copy);
    expect(v.code).toBe(1);
    expect(v.stdout).not.toContain("\x1b");
    expect(v.stdout).toContain("added:   note-\\x1b[2J\\x1b[1;1H.txt");
    expect(v.stdout).toContain("\\x1b[8mhidden\\x1b[0m");
  });

  it("catches a laundering attempt: results edited, hashes recomputed, report regenerated", async () => {
    const pack = mkdtempSync(join(tmpdir(), "launder-"));
    execFileSync("cp", ["-r", run.outDir + "/.", pack]);
    const d = join(pack, "runs", readdirSync(join(pack, "runs"))[0]!);
    // Flip the failure to a pass in the stored result and the summary, then recompute every hash in the manifest.
    const result = JSON.parse(readFileSync(join(d, "run-result.json"), "utf8")) as RunResult;
    for (const r of result.requirements) if (r.verdict === "fail") r.verdict = "pass";
    result.gate = { ...result.gate, exitCode: 0, result: "pass", reason: "no MUST requirement failed" };
    writeFileSync(join(d, "run-result.json"), JSON.stringify(result));
    writeFileSync(join(d, "summary.json"), readFileSync(join(d, "summary.json"), "utf8").replace(/"verdict": "fail"/g, '"verdict": "pass"'));
    const manifest = JSON.parse(readFileSync(join(d, "manifest.json"), "utf8")) as { files: { path: string; sha256: string; bytes: number }[] };
    for (const f of manifest.files) f.sha256 = sha256(join(d, f.path));
    writeFileSync(join(d, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);

    const verify = verifyEvidenceInProcess(d);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain("the signature does not match manifest.json");

    const before = sha256(join(d, "summary.json"));
    const refused = await runAssureCli(["report", d, "--out", pack]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("no longer matches its manifest");
    expect(sha256(join(d, "summary.json"))).toBe(before);

    const forced = await runAssureCli(["report", d, "--force", "--out", pack]);
    expect(forced.code, forced.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(d, "summary.json"), "utf8")) as Summary;
    expect(summary.regenerated?.fromAltered).toBeDefined();
    expect(readFileSync(join(d, "index.html"), "utf8")).toContain("REGENERATED FROM ALTERED RESULTS");
    expect(readFileSync(join(d, "requirements.md"), "utf8")).toContain("REGENERATED FROM ALTERED RESULTS");
    expect(readFileSync(join(d, "junit.xml"), "utf8")).toContain("REGENERATED FROM ALTERED RESULTS");
    expect(existsSync(join(d, "original-manifest", "manifest.jws"))).toBe(true);
    const after = verifyEvidenceInProcess(d);
    expect(after.code).toBe(1);
    expect(after.stdout).toContain("regenerated from altered results");
    expect(after.stdout).toContain("unsigned");
    rmSync(pack, { recursive: true, force: true });
  });

  it("fails verification for an edited, added or removed file, or a removed signature", async () => {
    const check = async (spoil: (d: string) => void, expected: RegExp) => {
      const copy = mkdtempSync(join(tmpdir(), "pack-"));
      execFileSync("cp", ["-r", `${dir}/.`, copy]);
      spoil(copy);
      const v = verifyEvidenceInProcess(copy);
      expect(v.code).toBe(1);
      expect(v.stdout).toMatch(expected);
    };
    await check((d) => appendFileSync(join(d, "requirements.md"), "\n"), /edited: +requirements\.md/);
    await check((d) => writeFileSync(join(d, "extra.txt"), "x"), /added: +extra\.txt/);
    await check((d) => unlinkSync(join(d, "junit.xml")), /removed: junit\.xml/);
    await check((d) => unlinkSync(join(d, "manifest.jws")), /unsigned: detects accidental change only/);
  });

  it("names the suite file and line of every check message, and the line exists", () => {
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as Summary;
    const messages = summary.requirements.flatMap((r) => r.cases.flatMap((c) => c.messages));
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      const at = / \(check at (suites\/[\w/-]+\.yaml):(\d+)\)$/.exec(m);
      expect(at, m).not.toBeNull();
      const lines = readFileSync(join(PROJECT_ROOT, at![1]!), "utf8").split("\n");
      expect(Number(at![2])).toBeLessThanOrEqual(lines.length);
      expect(lines[Number(at![2]) - 1]).toMatch(/req: (ERS|NRLS)-/);
    }
    const junit = readFileSync(join(dir, "junit.xml"), "utf8");
    expect(junit).toMatch(/<failure message="NRLS-CRT-07: expected Location [^"]*\(check at suites\/nrls\/create\.yaml:\d+\)"/);
  });

  it("carries the run's inputs in the summary and the manifest, test data secrets masked", () => {
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as Summary;
    expect(summary.inputs?.targets.map((t) => t.kind)).toEqual(TARGETS.map(() => "embedded sandbox"));
    expect(summary.inputs?.sandbox?.faults).toEqual(["nrls-location-path-id"]);
    expect(summary.inputs?.testData.ERS_SMARTCARD_TOKEN).toBe("***** (secret)");
    expect(summary.inputs?.testData.NRLS_CUSTODIAN_ODS).toBe("RR8");
    expect(summary.inputs?.ruleCatalogue).toMatch(/RULES\.md revision 3/);
    expect(summary.inputs?.ruleCatalogue).toMatch(/PDS FHIR: the PDS suite's own requirements/);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { inputs?: unknown };
    expect(manifest.inputs).toEqual(summary.inputs);
    expect(readFileSync(join(dir, "index.html"), "utf8")).not.toContain("AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM");
  });
});

describe("JUnit agrees with the exit code", { timeout: 240_000 }, () => {
  const junitTotals = (run: CliRun) => {
    const top = /<testsuites [^>]*failures="(\d+)" errors="(\d+)"/.exec(readFileSync(join(run.outDir, "junit.xml"), "utf8"))!;
    return { failures: Number(top[1]), errors: Number(top[2]) };
  };

  it("a SHOULD-only warning: exit 0 and no failure; with --strict, exit 1 and a failure", async () => {
    const [plain, strict] = await Promise.all([
      runAssureInProcess(["--no-report", "--suite", "ers-professional-session"], { SANDBOX_FAULTS: "ers-no-type-info" }),
      runAssureInProcess(["--no-report", "--suite", "ers-professional-session", "--strict"], { SANDBOX_FAULTS: "ers-no-type-info" }),
    ]);
    expect(plain.code).toBe(0);
    expect(junitTotals(plain)).toEqual({ failures: 0, errors: 0 });
    const junit = readFileSync(join(plain.outDir, "junit.xml"), "utf8");
    expect(junit).toMatch(/<system-out>warning \(does not gate without --strict\): ERS-A001-09/);
    expect(strict.code).toBe(1);
    expect(junitTotals(strict).failures).toBeGreaterThan(0);
  });

  it("a MUST failure is a failure with or without --strict", async () => {
    const run = await runAssureInProcess(["--no-report", "--suite", "ers-professional-session"], { SANDBOX_FAULTS: "ers-create-200" });
    expect(run.code).toBe(1);
    expect(junitTotals(run).failures).toBeGreaterThan(0);
  });
});
