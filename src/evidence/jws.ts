// A JWS (RFC 7515) in compact serialisation with a detached payload (Appendix F): `header..signature`, signing the
// bytes of a file kept beside it. The protected header carries the signer's certificate chain in `x5c`, so anyone
// can check the signature with openssl or a JOSE library, and the chain against a root they trust.
import { constants, createHash, sign, verify, X509Certificate, type KeyObject } from "node:crypto";
import type { SigningIdentity } from "./signing-identity.ts";

export interface JwsHeader {
  alg: string;
  typ: "JOSE";
  cty: "json";
  x5c: string[];
  "x5t#S256": string;
  /** Private header parameters: what was signed and when (the signature covers them). */
  [name: string]: unknown;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

interface Algorithm {
  alg: string;
  hash: string | null;
  options?: { padding?: number; saltLength?: number; dsaEncoding?: "ieee-p1363" };
}

/** The JWS algorithm for a key: the key decides, never a header (which an attacker writes). */
function algorithmFor(key: KeyObject): Algorithm {
  const type = key.asymmetricKeyType;
  if (type === "rsa") return { alg: "RS256", hash: "sha256" };
  if (type === "rsa-pss") return { alg: "PS256", hash: "sha256", options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } };
  if (type === "ed25519") return { alg: "EdDSA", hash: null };
  if (type === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const bits = curve === "prime256v1" ? 256 : curve === "secp384r1" ? 384 : curve === "secp521r1" ? 512 : undefined;
    if (bits) return { alg: `ES${bits}`, hash: `sha${bits}`, options: { dsaEncoding: "ieee-p1363" } };
  }
  throw new Error(`a ${type ?? "unknown"} key${key.asymmetricKeyDetails?.namedCurve ? ` on ${key.asymmetricKeyDetails.namedCurve}` : ""} cannot sign a JWS here (RSA, RSA-PSS, EC P-256/384/521 or Ed25519)`);
}

export function signDetached(payload: Buffer, identity: SigningIdentity, claims: Record<string, unknown>): string {
  const { alg, hash, options } = algorithmFor(identity.key);
  const header: JwsHeader = {
    alg, typ: "JOSE", cty: "json",
    x5c: identity.chain.map((c) => c.raw.toString("base64")),
    "x5t#S256": b64url(createHash("sha256").update(identity.chain[0]!.raw).digest()),
    ...claims,
  };
  const protectedHeader = b64url(JSON.stringify(header));
  const signature = sign(hash, Buffer.from(`${protectedHeader}.${b64url(payload)}`), { key: identity.key, ...options });
  return `${protectedHeader}..${b64url(signature)}`;
}

export interface JwsCheck {
  header?: JwsHeader;
  chain: X509Certificate[];
  /** Set when the signature does not hold, or the JWS cannot be read. */
  problem?: string;
}

/** Checks a detached compact JWS against `payload`, with the key of the certificate in its own `x5c`. */
export function verifyDetached(jws: string, payload: Buffer): JwsCheck {
  const parts = jws.trim().split(".");
  if (parts.length !== 3 || parts[1] !== "") return { chain: [], problem: "not a compact JWS with a detached payload (header..signature)" };
  let header: JwsHeader;
  let chain: X509Certificate[];
  try {
    header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as JwsHeader;
    if (!Array.isArray(header.x5c) || header.x5c.length === 0) return { header, chain: [], problem: "the JWS header has no x5c certificate chain" };
    chain = header.x5c.map((c) => new X509Certificate(Buffer.from(c, "base64")));
  } catch (err) {
    return { chain: [], problem: `the JWS header cannot be read: ${(err as Error).message}` };
  }
  let expected: Algorithm;
  try {
    expected = algorithmFor(chain[0]!.publicKey);
  } catch (err) {
    return { header, chain, problem: (err as Error).message };
  }
  if (header.alg !== expected.alg) return { header, chain, problem: `the header says alg ${String(header.alg)}, but the certificate's key signs ${expected.alg}` };
  const ok = verify(expected.hash, Buffer.from(`${parts[0]}.${b64url(payload)}`), { key: chain[0]!.publicKey, ...expected.options }, Buffer.from(parts[2]!, "base64url"));
  return ok ? { header, chain } : { header, chain, problem: "the signature does not match manifest.json: the manifest was changed after it was signed" };
}
