// A PKI made in the test, unlike the sandbox's committed one: a CA, and certificates it issues with chosen names and
// dates (expired, not yet valid, ending soon), as PEM or a PKCS#12 bundle. node-forge builds the certificates and
// bundles. Each certificate has a key of its own (a signature must not verify under another certificate's key), taken
// in turn from fixtures/tls/test-keys.pem: generating an RSA key costs about 0.4 s of CPU here, and a test file makes
// a dozen or more. Past the last of them, keys are generated.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import forge from "node-forge";
import { PROJECT_ROOT } from "../../src/project-root.ts";

export interface Issued {
  cert: string;
  key: string;
}

export interface TestPki {
  name: string;
  ca: Issued;
  /** A server certificate for localhost and 127.0.0.1, or a client certificate. */
  issue(cn: string, options?: { server?: boolean; notBefore?: Date; notAfter?: Date }): Issued;
}

const DAY = 86_400_000;
let serial = 1;

/** The committed keys not yet taken by this process. */
let unused: string[] | undefined;

function nextKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  unused ??= readFileSync(join(PROJECT_ROOT, "fixtures", "tls", "test-keys.pem"), "utf8").match(/-----BEGIN PRIVATE KEY-----[^-]+-----END PRIVATE KEY-----/g) ?? [];
  const pem = unused.shift();
  if (!pem) return generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKey = createPrivateKey(pem);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function keyPair() {
  const { privateKey, publicKey } = nextKey();
  return {
    pem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    forgePrivate: forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()),
    forgePublic: forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString()),
  };
}

function certificate(subject: string, keys: ReturnType<typeof keyPair>, issuer: { cn: string; key: forge.pki.PrivateKey } | undefined, extensions: object[], notBefore: Date, notAfter: Date): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.forgePublic;
  // A DER INTEGER may not start with a zero byte: four hex digits from 0x1000.
  cert.serialNumber = (0x1000 + serial++).toString(16);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: "commonName", value: subject }, { name: "organizationName", value: "spine-assure test-made PKI" }]);
  cert.setIssuer([{ name: "commonName", value: issuer?.cn ?? subject }, { name: "organizationName", value: "spine-assure test-made PKI" }]);
  cert.setExtensions(extensions);
  cert.sign((issuer?.key ?? keys.forgePrivate) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

export function makePki(name: string): TestPki {
  const caKeys = keyPair();
  const caCn = `${name} test CA`;
  const now = Date.now();
  const ca = { cert: certificate(caCn, caKeys, undefined, [{ name: "basicConstraints", cA: true, critical: true }, { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true }], new Date(now - DAY), new Date(now + 3650 * DAY)), key: caKeys.pem };
  return {
    name,
    ca,
    issue(cn, options = {}) {
      const keys = keyPair();
      const extensions = options.server
        ? [{ name: "basicConstraints", cA: false }, { name: "extKeyUsage", serverAuth: true }, { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] }]
        : [{ name: "basicConstraints", cA: false }, { name: "extKeyUsage", clientAuth: true }];
      const cert = certificate(cn, keys, { cn: caCn, key: caKeys.forgePrivate }, extensions, options.notBefore ?? new Date(now - DAY), options.notAfter ?? new Date(now + 365 * DAY));
      return { cert, key: keys.pem };
    },
  };
}

/**
 * A PKCS#12 bundle of the certificate and key, encrypted with the passphrase; with its CA when `withCa` (Node then
 * trusts that CA for servers too, whatever the CA variable says).
 */
export function pkcs12(issued: Issued, ca: Issued, passphrase: string, withCa = false): Buffer {
  const key = forge.pki.privateKeyFromPem(issued.key);
  const chain = [forge.pki.certificateFromPem(issued.cert), ...(withCa ? [forge.pki.certificateFromPem(ca.cert)] : [])];
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, chain, passphrase, { algorithm: "3des" });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary");
}
