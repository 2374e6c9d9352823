// The Spine JWT a provider system sends to NRLS, shared by the engine (which builds it) and the sandbox (which
// checks it): unsecured (alg none), base64url without padding, an empty signature so the token ends with ".". Claims
// and spellings as RULES.md gives them (requesting_organization with a z, identifiers with a pipe; SOURCE-NOTES §1.4).

/** A suite's jwt: block with its templates resolved. */
export interface JwtSpec {
  /** read or write: patient/DocumentReference.<scope>. */
  scope: string;
  /** Claims to replace or add. */
  set?: Record<string, unknown>;
  /** Claims to leave out. */
  remove?: string[];
  /** A non-empty signature, to prove the target rejects one. */
  signature?: string;
  /** Keep only the first N sections (a JWT must have 3). */
  sections?: number;
}

export interface JwtIdentity {
  fromAsid: string;
  ods: string;
  /** The endpoint the token is for (the aud claim). */
  audience: string;
}

/** The claims every Spine JWT must carry (nhs/spinecore_security_jwt.md; the simulator and the client rules check them). */
export const MANDATORY_CLAIMS = ["iss", "sub", "aud", "exp", "iat", "reason_for_request", "scope", "requesting_system", "requesting_organization"];

export const JWT_ISSUER = "https://spine-assure.local/";
export const JWT_LIFETIME_S = 300;

export function scopeClaim(scope: string): string {
  return scope === "read" || scope === "write" ? `patient/DocumentReference.${scope}` : scope;
}

export function spineJwtClaims(spec: JwtSpec, who: JwtIdentity, nowS = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  const system = `https://fhir.nhs.uk/Id/accredited-system|${who.fromAsid}`;
  const claims: Record<string, unknown> = {
    iss: JWT_ISSUER,
    sub: system,
    aud: who.audience,
    exp: nowS + JWT_LIFETIME_S,
    iat: nowS,
    reason_for_request: "directcare",
    scope: scopeClaim(spec.scope),
    requesting_system: system,
    requesting_organization: `https://fhir.nhs.uk/Id/ods-organization-code|${who.ods}`,
    ...spec.set,
  };
  for (const name of spec.remove ?? []) delete claims[name];
  return claims;
}

const b64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");

export function spineJwt(spec: JwtSpec, who: JwtIdentity, nowS?: number): string {
  const parts = [b64url(JSON.stringify({ alg: "none", typ: "JWT" })), b64url(JSON.stringify(spineJwtClaims(spec, who, nowS))), spec.signature ?? ""];
  // More than three sections: an extra one after the signature, so a target that reads only the first three is seen to.
  const sections = Number(spec.sections ?? 3);
  return [...parts, ...Array.from({ length: Math.max(0, sections - 3) }, () => b64url("{}"))].slice(0, sections).join(".");
}

/** Decodes a JWT's header and claims, or explains why it cannot. */
export function decodeJwt(token: string): { header: unknown; claims: Record<string, unknown>; signature: string; sections: number } | { error: string } {
  const parts = token.split(".");
  if (parts.length !== 3) return { error: `has ${parts.length} section(s), not 3` };
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as unknown;
    const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as unknown;
    if (!claims || typeof claims !== "object" || Array.isArray(claims)) return { error: "claims are not a JSON object" };
    return { header, claims: claims as Record<string, unknown>, signature: parts[2]!, sections: 3 };
  } catch {
    return { error: "a section is not base64url-encoded JSON" };
  }
}

/** A request's bearer JWT as a reader should see it: header and claims decoded, the signature section as sent. */
export interface DecodedJwt {
  sections: number;
  header: unknown;
  claims: unknown;
  signature: string;
}

/** The decoded JWT of an Authorization: Bearer header, or undefined when the request carries none. */
export function decodedBearer(headers: readonly [string, string][]): DecodedJwt | undefined {
  const auth = headers.find(([n]) => n.toLowerCase() === "authorization")?.[1];
  const token = /^Bearer\s+(\S+)$/i.exec(auth ?? "")?.[1];
  const parts = token?.split(".") ?? [];
  const json = (p: string | undefined): unknown => {
    try {
      return p === undefined ? undefined : (JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as unknown);
    } catch {
      return undefined;
    }
  };
  const header = json(parts[0]);
  if (parts.length < 2 || !header || typeof header !== "object") return undefined;
  return { sections: parts.length, header, claims: json(parts[1]) ?? "(not base64url-encoded JSON)", signature: parts.length < 3 ? "(no third section)" : parts[2] || "(empty)" };
}
