// `spine-assure verify-evidence DIR [--ca FILE]`: what an assessor runs on a pack. Prints what holds and what does
// not — every file against the manifest, each signature and the certificate that made it (subject, issuer, serial,
// validity), and with --ca whether that certificate chains to a root the assessor trusts — and exits 0 only when all do.
import { join } from "node:path";
import { EXIT } from "../model/status.ts";
import { readTrustedRoots, verifyEvidence, type SignerReport } from "../evidence/verify-evidence.ts";
import { terminalSafe } from "../../reporters/console.ts";

/** `out`: where lines go (default the console; the project's tests collect them). */
export function verifyEvidenceCommand(dir: string, caFile?: string, out: Pick<Console, "log" | "error"> = globalThis.console): number {
  // Everything printed here comes from the pack (file names, the signed gate reason, certificate names): a control
  // character in it could draw a fake "intact" line, so every one is shown escaped, colours included.
  const console = { log: (line: string) => out.log(terminalSafe(line, false)), error: (line: string) => out.error(terminalSafe(line, false)) };
  let report;
  try {
    report = verifyEvidence(dir, caFile ? readTrustedRoots(caFile) : undefined);
  } catch (err) {
    console.error(`verify-evidence: ${(err as Error).message}`);
    return EXIT.configOrSuite;
  }
  const { manifest, hashes } = report;
  console.log(`run ${manifest.runId}, ${manifest.tool.name} ${manifest.tool.version}; gate: exit ${manifest.gate.exitCode} — ${manifest.gate.reason}`);
  for (const t of manifest.inputs?.targets ?? []) console.log(`  ${t.api}: ${t.kind}${t.baseUrl ? ` ${t.baseUrl}` : ""}`);
  if (hashes.ok) console.log(`files: ${hashes.checked} match ${join(dir, "manifest.json")}`);
  else {
    console.log(`files CHANGED since the manifest was written:`);
    for (const f of hashes.changed) console.log(`  edited:  ${f}`);
    for (const f of hashes.missing) console.log(`  removed: ${f}`);
    for (const f of hashes.added) console.log(`  added:   ${f}`);
  }
  if (!report.signatures.length) console.log("signature: none — unsigned: detects accidental change only");
  for (const s of report.signatures) for (const line of signerLines(s)) console.log(line);
  if (report.original) {
    const o = report.original;
    console.log(`original manifest (${o.signatures.length ? "signed" : "unsigned"}) kept in original-manifest/: against it ${o.hashes.changed.length} file(s) differ, ${o.hashes.missing.length} removed, ${o.hashes.added.length} added`);
    for (const s of o.signatures) for (const line of signerLines(s)) console.log(`  ${line}`);
  }
  if (report.ok) {
    // What the verdict proves, and no more: a key anyone can read proves nothing of who made the pack, and without
    // roots to check against, a valid signature is only a signature.
    const publicKey = report.signatures.some((s) => s.sandboxTestIdentity);
    if (publicKey) {
      console.log("files match the manifest, but the signer is the embedded sandbox's test key, committed to the repository: anyone can re-sign an edited pack with it, so the signature proves neither integrity nor who made the pack (integrity not provable)");
      // Asked for trust (--ca), a public key can never give it.
      if (caFile) {
        console.log("NOT VERIFIED: --ca asks whether the signer can be trusted, and a key anyone can read cannot be");
        return 1;
      }
    } else if (!caFile) {
      console.log("evidence intact and signed; signer NOT checked: give --ca FILE with the roots you trust (any key can make a valid signature)");
    } else console.log("evidence intact and signed, the signer trusted");
    return 0;
  }
  console.log("NOT VERIFIED:");
  for (const p of report.problems) console.log(`  ${p}`);
  return 1;
}

function signerLines(s: SignerReport): string[] {
  if (!s.subject) return [`signature ${s.file}: unreadable — ${s.problems.join("; ")}`];
  return [
    `signature ${s.file}: ${s.problems.length ? "INVALID" : "valid"}${s.signedAt ? `, signed ${s.signedAt}` : ""}${s.targets ? ` for ${s.targets.join(", ")}` : ""}`,
    `  signer:   ${s.subject}${s.sandboxTestIdentity ? "  (the embedded sandbox's test identity, committed to the repository: it shows the files are unchanged, not who ran the tests)" : ""}`,
    `  issuer:   ${s.issuer}`,
    `  serial:   ${s.serial}`,
    `  valid:    ${s.validFrom} to ${s.validTo}`,
    `  sha-256:  ${s.fingerprint}`,
    ...(s.chain ? [`  trust:    ${s.chain}`] : []),
    ...s.problems.map((p) => `  problem:  ${p}`),
  ];
}
