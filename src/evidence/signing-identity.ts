// The key and certificate chain that sign a run's evidence: the client identity that made the calls (PEM pair or
// PKCS#12 bundle, as configured for mutual TLS). Node reads PEM keys itself; it has no public way to open a PKCS#12
// bundle, so node-forge does that part — loaded only for one (50 ms of every start-up otherwise).
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { createRequire } from "node:module";
import type Forge from "node-forge";
import { pemCertificateBlocks, type TlsFiles } from "../config/tls-identity.ts";
import type { TargetName } from "../targets.ts";

export interface SigningIdentity {
  key: KeyObject;
  /** The signer's certificate first, then any certificates that came with it (intermediates), issuer after subject. */
  chain: X509Certificate[];
}

/** A client identity that made calls in the run, and the targets it made them to. */
export interface Signer {
  targets: TargetName[];
  identity: SigningIdentity;
  /** The embedded sandbox's committed test identity: the signature shows integrity, not who ran it. */
  embedded: boolean;
}

/**
 * The signers of a run's evidence: each client identity once, with the targets it served, in target order. A target
 * without one (plain HTTP), or whose identity is not the certificate it is expected to be, adds none.
 */
export function signersFor(targets: readonly { name: TargetName; tls: TlsFiles; embedded: boolean; fingerprint?: string }[]): Signer[] {
  const signers: Signer[] = [];
  for (const t of targets) {
    const identity = signingIdentity(t.tls);
    if (!identity || (t.fingerprint && identity.chain[0]!.fingerprint256 !== t.fingerprint)) continue;
    const same = signers.find((s) => s.identity.chain[0]!.fingerprint256 === identity.chain[0]!.fingerprint256);
    if (same) same.targets.push(t.name);
    else signers.push({ targets: [t.name], identity, embedded: t.embedded });
  }
  return signers;
}

/** The identity in `files`, or undefined when they hold no client identity (a CA alone, or plain HTTP). */
export function signingIdentity(files: TlsFiles): SigningIdentity | undefined {
  if (files.pfx) return fromPkcs12(files.pfx, files.passphrase ?? "");
  if (!files.cert || !files.key) return undefined;
  const key = createPrivateKey({ key: files.key, ...(files.passphrase ? { passphrase: files.passphrase } : {}) });
  const certs = pemCertificateBlocks(files.cert).map((pem) => new X509Certificate(pem));
  return { key, chain: orderChain(certs, key) };
}

function fromPkcs12(base64: string, passphrase: string): SigningIdentity {
  const forge = createRequire(import.meta.url)("node-forge") as typeof Forge;
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(base64)), passphrase);
  const { oids } = forge.pki;
  const keyBags = [...(p12.getBags({ bagType: oids.pkcs8ShroudedKeyBag })[oids.pkcs8ShroudedKeyBag!] ?? []), ...(p12.getBags({ bagType: oids.keyBag })[oids.keyBag!] ?? [])];
  const bag = keyBags[0];
  if (!bag) throw new Error("the PKCS#12 bundle holds no private key");
  // forge parses RSA keys; any other kind stays as its PKCS#8 structure, which node reads.
  const key = bag.key
    ? createPrivateKey(forge.pki.privateKeyToPem(bag.key))
    : createPrivateKey({ key: Buffer.from(forge.asn1.toDer(bag.asn1!).getBytes(), "binary"), format: "der", type: "pkcs8" });
  const certs = (p12.getBags({ bagType: oids.certBag })[oids.certBag!] ?? []).map((b) =>
    new X509Certificate(Buffer.from(forge.asn1.toDer(b.cert ? forge.pki.certificateToAsn1(b.cert) : b.asn1!).getBytes(), "binary")));
  return { key, chain: orderChain(certs, key) };
}

/** The certificate of `key` first, then each issuer in turn; certificates outside that line are left out (a bundled root CA stays in). */
function orderChain(certs: X509Certificate[], key: KeyObject): X509Certificate[] {
  const leaf = certs.find((c) => c.checkPrivateKey(key));
  if (!leaf) throw new Error("no certificate matches the private key");
  const chain = [leaf];
  for (let at = leaf; ;) {
    const issuer = certs.find((c) => !chain.includes(c) && at.checkIssued(c) && at.verify(c.publicKey));
    if (!issuer) return chain;
    chain.push(issuer);
    at = issuer;
  }
}
