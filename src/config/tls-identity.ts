// Each external target's TLS identity: the CA that signs its server certificate and the client certificate presented
// for mutual TLS, from `<API>_TLS_*` or else `TLS_*`, as PEM files or a PKCS#12 bundle. Every file is read and checked
// here, before anything is sent: a problem names the variable to fix; a client certificate near its end is a warning.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { createSecureContext } from "node:tls";
import type { TARGETS } from "../targets.ts";

export interface TlsFiles {
  /** PEM text, read at load time so a missing file is a configuration error, not a failure mid-run. */
  ca?: string;
  cert?: string;
  key?: string;
  /** A PKCS#12 bundle, base64 (plain data, so it can cross into the vitest worker). */
  pfx?: string;
  passphrase?: string;
}

/** What a certificate says, as the doctor and the report show it. */
export interface CertInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** SHA-256 fingerprint: tells two certificates with the same subject apart. */
  fingerprint: string;
}

export interface TargetTls {
  files: TlsFiles;
  /** The variables each part came from, for messages that say what to fix. */
  from: { ca?: string; identity?: string; passphrase?: string };
  client?: CertInfo;
}

/** A client certificate that ends sooner than this is a warning: a gate would start failing within the month. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;

/** A distinguished name on one line, as people read it ("C=GB, O=…, CN=…"). */
export const dnLine = (dn: string) => dn.split("\n").filter(Boolean).join(", ");

export function certInfo(cert: X509Certificate): CertInfo {
  return { subject: dnLine(cert.subject), issuer: dnLine(cert.issuer), validFrom: new Date(cert.validFrom).toISOString(), validTo: new Date(cert.validTo).toISOString(), fingerprint: cert.fingerprint256 };
}

/**
 * The identity for one API. `values` holds every variable's effective value; relative paths resolve against `cwd`.
 * Per-API variables win: the CA on its own, the client identity (certificate and key, or PKCS#12) as a whole, so
 * a per-API certificate is never paired with the shared key.
 */
export function resolveTargetTls(target: (typeof TARGETS)[number], values: Readonly<Record<string, string>>, cwd: string, now = new Date()): { tls: TargetTls; problems: string[]; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  const own = `${target.name.toUpperCase()}_TLS_`;
  const pick = (...suffixes: string[]) => (suffixes.some((s) => values[own + s]) ? own : "TLS_");
  const caVar = `${pick("CA")}CA`;
  const idPrefix = pick("CLIENT_CERT", "CLIENT_KEY", "PFX");
  const passVar = values[`${own}KEY_PASSPHRASE`] ? `${own}KEY_PASSPHRASE` : "TLS_KEY_PASSPHRASE";
  const files: TlsFiles = {};
  const from: TargetTls["from"] = {};

  const read = (name: string): Buffer | undefined => {
    const path = values[name];
    if (!path) return undefined;
    const full = resolve(cwd, path);
    if (!existsSync(full)) {
      problems.push(`${name} names a file that does not exist: ${full}`);
      return undefined;
    }
    // A directory, a FIFO or a device would fail oddly or block the run for ever: only a regular file is read.
    if (!statSync(full).isFile()) {
      problems.push(`${name} (${full}) is not a regular file`);
      return undefined;
    }
    try {
      return readFileSync(full);
    } catch (err) {
      problems.push(`${name} (${full}) cannot be read: ${(err as Error).message}`);
      return undefined;
    }
  };
  const pem = (name: string, kind: RegExp): string | undefined => {
    const data = read(name);
    if (!data) return undefined;
    const text = data.toString("utf8");
    if (!kind.test(text)) {
      problems.push(`${name} (${resolve(cwd, values[name]!)}) is not a PEM file of the expected kind`);
      return undefined;
    }
    return text;
  };

  files.ca = pem(caVar, /-----BEGIN CERTIFICATE-----/);
  // Every block must be a certificate: a garbage body between the markers would otherwise only fail at the handshake.
  if (files.ca && pemCertificates(files.ca).length !== pemCertificateBlocks(files.ca).length) {
    problems.push(`${caVar} (${resolve(cwd, values[caVar]!)}) holds a block marked CERTIFICATE that is not a readable certificate`);
    files.ca = undefined;
  }
  if (files.ca) {
    from.ca = caVar;
    for (const cert of pemCertificates(files.ca)) {
      const ends = new Date(cert.validTo);
      if (ends < now) warnings.push(`${caVar}: the CA certificate "${certInfo(cert).subject}" expired on ${ends.toISOString().slice(0, 10)}; a server certificate it signed will not be trusted`);
    }
  }
  if (values[passVar]) {
    files.passphrase = values[passVar];
    from.passphrase = passVar;
  }

  let client: X509Certificate | undefined;
  const pfxVar = `${idPrefix}PFX`;
  const certVar = `${idPrefix}CLIENT_CERT`;
  const keyVar = `${idPrefix}CLIENT_KEY`;
  if (values[pfxVar]) {
    from.identity = pfxVar;
    if (values[certVar] || values[keyVar]) problems.push(`${pfxVar} and ${certVar}/${keyVar} both give a client identity: set one or the other`);
    const bundle = read(pfxVar);
    if (bundle) {
      files.pfx = bundle.toString("base64");
      try {
        // OpenSSL reads the bundle (and checks its MAC, so a wrong passphrase is found here); the certificate it holds
        // is read back from the context, since Node has no PKCS#12 parser of its own.
        const context = createSecureContext({ pfx: bundle, passphrase: files.passphrase }).context as { getCertificate?: () => Buffer | null };
        const der = context.getCertificate?.();
        if (der) client = new X509Certificate(der);
      } catch (err) {
        problems.push(`${pfxVar} (${resolve(cwd, values[pfxVar]!)}) cannot be opened${files.passphrase ? ` with ${passVar}` : ` without a passphrase (set ${passVar})`}: ${(err as Error).message}`);
      }
    }
  } else if (values[certVar] || values[keyVar]) {
    from.identity = certVar;
    if (!values[certVar] || !values[keyVar]) problems.push(`${certVar} and ${keyVar} go together: set both or neither`);
    const cert = pem(certVar, /-----BEGIN CERTIFICATE-----/);
    const key = pem(keyVar, /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    if (cert && key) {
      files.cert = cert;
      files.key = key;
      try {
        client = new X509Certificate(cert);
        const privateKey = createPrivateKey({ key, passphrase: files.passphrase });
        if (!client.checkPrivateKey(privateKey)) problems.push(`${keyVar} is not the private key of the certificate in ${certVar} ("${certInfo(client).subject}")`);
      } catch (err) {
        problems.push(`${certVar} and ${keyVar}${files.passphrase ? ` with ${passVar}` : ""} cannot be used: ${(err as Error).message}${/decrypt|passphrase/i.test((err as Error).message) && !files.passphrase ? ` (is the key encrypted? set ${passVar})` : ""}`);
      }
    }
  }

  const identityVar = from.identity;
  if (client && identityVar) {
    const info = certInfo(client);
    const starts = new Date(client.validFrom);
    const ends = new Date(client.validTo);
    if (ends < now) problems.push(`${identityVar}: the client certificate "${info.subject}" expired on ${ends.toISOString().slice(0, 10)}; the target would refuse it`);
    else if (starts > now) problems.push(`${identityVar}: the client certificate "${info.subject}" is not valid until ${starts.toISOString().slice(0, 10)}`);
    else if (ends.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * DAY_MS) {
      warnings.push(`${identityVar}: the client certificate "${info.subject}" expires on ${ends.toISOString().slice(0, 10)}, in ${Math.ceil((ends.getTime() - now.getTime()) / DAY_MS)} days: ask for its renewal now`);
    }
  }
  if (!problems.length && (files.ca || files.key || files.pfx)) {
    // The context the HTTP client builds, as a last check of the whole: CA, certificate, key and passphrase together.
    try {
      createSecureContext(secureContextOptions(files));
    } catch (err) {
      problems.push(`${[from.ca, from.identity, from.passphrase].filter(Boolean).join(", ")} do not make a usable TLS identity: ${(err as Error).message}`);
    }
  }
  return { tls: { files, from, ...(client ? { client: certInfo(client) } : {}) }, problems, warnings };
}

/** The options for node:tls's createSecureContext: the one place TlsFiles become a context. */
export function secureContextOptions(files: TlsFiles) {
  return { ca: files.ca, cert: files.cert, key: files.key, pfx: files.pfx ? Buffer.from(files.pfx, "base64") : undefined, passphrase: files.passphrase };
}

/** The PEM CERTIFICATE blocks of a text, as written. */
export function pemCertificateBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** The certificates a text's PEM blocks hold; a block that is not a readable certificate is left out. */
function pemCertificates(text: string): X509Certificate[] {
  return pemCertificateBlocks(text).flatMap((b) => {
    try {
      return [new X509Certificate(b)];
    } catch {
      return [];
    }
  });
}
