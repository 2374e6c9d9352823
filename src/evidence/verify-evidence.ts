// What `verify-evidence DIR` establishes about a run folder: every file hashes as the manifest says, nothing added or
// removed, and the manifest is signed — by whom (the certificate in the JWS), and, given the assessor's own CA file,
// whether that certificate chains to a root they trust. Any doubt makes the pack not verified.
import { X509Certificate } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { dnLine, pemCertificateBlocks } from "../config/tls-identity.ts";
import { verifyDetached } from "./jws.ts";
import { checkHashes, coveredFiles, isJwsFile, isSandboxTestCertificate, MANIFEST, ORIGINAL, pemBeside, readManifest, type HashCheck, type Manifest } from "./manifest.ts";
import { filesUnder } from "../files-under.ts";

export interface SignerReport {
  file: string;
  subject?: string;
  issuer?: string;
  serial?: string;
  validFrom?: string;
  validTo?: string;
  fingerprint?: string;
  targets?: string[];
  signedAt?: string;
  /** The embedded sandbox's committed test identity: integrity only. */
  sandboxTestIdentity?: boolean;
  /** With --ca: how the chain went ("chains to <root subject>"), or undefined when not asked. */
  chain?: string;
  problems: string[];
}

export interface EvidenceReport {
  manifest: Manifest;
  hashes: HashCheck;
  signatures: SignerReport[];
  /** The original signed manifest kept by `report --force`, checked against the files as they are now. */
  original?: { hashes: HashCheck; signatures: SignerReport[] };
  ok: boolean;
  /** Why the pack is not verified, one line each. */
  problems: string[];
}

/** Reads the assessor's trusted roots; a file with none is an error that names it. */
export function readTrustedRoots(path: string): X509Certificate[] {
  if (!existsSync(path)) throw new Error(`--ca ${path}: no such file`);
  const roots = pemCertificateBlocks(readFileSync(path, "utf8")).map((pem) => new X509Certificate(pem));
  if (!roots.length) throw new Error(`--ca ${path}: no PEM certificate in it`);
  return roots;
}

export function verifyEvidence(dir: string, trusted?: X509Certificate[]): EvidenceReport {
  const { manifest, bytes } = readManifest(join(dir, MANIFEST));
  const hashes = checkHashes(dir, manifest);
  const signatures = checkSignatures(dir, "", manifest, bytes, trusted);
  const problems: string[] = [];
  if (!hashes.ok) problems.push(`${hashes.changed.length} edited, ${hashes.missing.length} removed, ${hashes.added.length} added file(s) since the manifest was written`);
  if (!signatures.length) problems.push("unsigned: the manifest detects accidental change only — anyone can edit the files and recompute it");
  for (const s of signatures) for (const p of s.problems) problems.push(`${s.file}: ${p}`);
  // Every byte counts: a file no manifest covers (an "approval" slipped into original-manifest/, a certificate file
  // with no signature beside it) is named, never passed over.
  for (const f of uncoveredFiles(dir)) problems.push(`${f} is covered by no manifest or signature: it may have been added after the run`);
  let original: EvidenceReport["original"];
  if (manifest.regeneratedFromAltered) {
    problems.push(`regenerated from altered results on ${manifest.regeneratedFromAltered.at}: the files are not what the run wrote`);
    const path = join(dir, ORIGINAL, MANIFEST);
    if (existsSync(path)) {
      const kept = readManifest(path);
      original = { hashes: checkHashes(dir, kept.manifest), signatures: checkSignatures(join(dir, ORIGINAL), `${ORIGINAL}/`, kept.manifest, kept.bytes, trusted) };
    }
  }
  return { manifest, hashes, signatures, ...(original ? { original } : {}), ok: problems.length === 0, problems };
}

function checkSignatures(dir: string, shownPrefix: string, manifest: Manifest, bytes: Buffer, trusted: X509Certificate[] | undefined): SignerReport[] {
  const files = existsSync(dir) ? readdirSync(dir).filter(isJwsFile).sort((a, b) => a.length - b.length || a.localeCompare(b)) : [];
  return files.map((file) => {
    const report: SignerReport = { file: shownPrefix + file, problems: [] };
    const check = verifyDetached(readFileSync(join(dir, file), "utf8"), bytes);
    if (check.problem) report.problems.push(check.problem);
    const leaf = check.chain[0];
    if (!leaf) return report;
    const header: Record<string, unknown> = check.header ?? {};
    const signedAt = typeof header["urn:spine-assure:signed-at"] === "string" ? header["urn:spine-assure:signed-at"] : undefined;
    Object.assign(report, {
      subject: dnLine(leaf.subject), issuer: dnLine(leaf.issuer), serial: leaf.serialNumber,
      validFrom: new Date(leaf.validFrom).toISOString(), validTo: new Date(leaf.validTo).toISOString(), fingerprint: leaf.fingerprint256,
      targets: Array.isArray(header["urn:spine-assure:targets"]) ? (header["urn:spine-assure:targets"] as string[]) : undefined,
      signedAt, sandboxTestIdentity: isSandboxTestCertificate(leaf),
    });
    if (header["urn:spine-assure:run"] !== manifest.runId) report.problems.push(`signed for run ${String(header["urn:spine-assure:run"])}, but the manifest is run ${manifest.runId}`);
    const at = signedAt ? new Date(signedAt) : undefined;
    if (at && (at < new Date(leaf.validFrom) || at > new Date(leaf.validTo))) report.problems.push(`the certificate was not valid when it signed (${signedAt})`);
    const pem = pemBeside(file);
    if (existsSync(join(dir, pem))) {
      const text = readFileSync(join(dir, pem), "utf8");
      const first = pemCertificateBlocks(text)[0];
      if (!first || new X509Certificate(first).fingerprint256 !== leaf.fingerprint256) report.problems.push(`${pem} is not the certificate that signed ${file}`);
      // Written as the signing chain and nothing else: any other byte in it is covered by no signature.
      else if (text !== check.chain.map((c) => c.toString()).join("")) report.problems.push(`${pem} holds more than the chain that signed ${file}: bytes no signature covers`);
    }
    if (trusted) {
      const chained = chainTo(check.chain, trusted, at ?? new Date());
      if (chained.root) report.chain = `chains to ${dnLine(chained.root.subject)}`;
      else report.problems.push(`the certificate does not chain to a root in the --ca file: ${chained.problem}`);
    }
    return report;
  });
}

/** Walks from the signer's certificate through the JWS's own chain to one of the trusted roots. */
function chainTo(chain: X509Certificate[], roots: X509Certificate[], at: Date): { root?: X509Certificate; problem?: string } {
  const validAt = (c: X509Certificate) => at >= new Date(c.validFrom) && at <= new Date(c.validTo);
  let cert = chain[0]!;
  const seen = new Set<string>();
  for (;;) {
    if (!validAt(cert)) return { problem: `${dnLine(cert.subject)} was not valid at ${at.toISOString()}` };
    if (roots.some((r) => r.fingerprint256 === cert.fingerprint256)) return { root: cert };
    const root = roots.find((r) => cert.checkIssued(r) && cert.verify(r.publicKey));
    if (root) return validAt(root) ? { root } : { problem: `the root ${dnLine(root.subject)} was not valid at ${at.toISOString()}` };
    seen.add(cert.fingerprint256);
    const next = chain.find((c) => !seen.has(c.fingerprint256) && c.ca && cert.checkIssued(c) && cert.verify(c.publicKey));
    if (!next) return { problem: `no issuer of ${dnLine(cert.subject)} (issued by ${dnLine(cert.issuer)}) among the trusted roots` };
    cert = next;
  }
}


/**
 * Files of the pack that nothing vouches for: not covered by the manifest (coveredFiles), not the manifest or a
 * signature with its certificate, and not the kept original manifest's own manifest, signatures and certificates.
 */
function uncoveredFiles(dir: string): string[] {
  // A folder's manifest and each signature with the certificate beside it.
  const own = (folder: string, prefix: string) => [MANIFEST, ...(existsSync(folder) ? readdirSync(folder).filter(isJwsFile).flatMap((jws) => [jws, pemBeside(jws)]) : [])].map((f) => prefix + f);
  const vouched = new Set([...coveredFiles(dir), ...own(dir, ""), ...own(join(dir, ORIGINAL), `${ORIGINAL}/`)]);
  return filesUnder(dir).map((f) => relative(dir, f).split(sep).join("/")).filter((f) => !vouched.has(f)).sort();
}
