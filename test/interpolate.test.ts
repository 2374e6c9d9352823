import { describe, expect, it } from "vitest";
import { interpolate, InterpolationError, templateNames } from "../src/template/template.ts";
import { decodeJwt, spineJwt } from "../src/spine/jwt.ts";

const vars: Record<string, unknown> = { ASID: "200000000118", n: 7, obj: { label: "iss", deep: { x: 1 } }, nothing: null };
const lookup = (name: string) => vars[name];

describe("interpolation", () => {
  it("writes values into text", () => {
    expect(interpolate("fromASID={{ASID}}, n={{ n }}", lookup)).toBe("fromASID=200000000118, n=7");
  });
  it("keeps the type of a whole-string template", () => {
    expect(interpolate({ a: "{{n}}", b: "{{nothing}}", c: "{{obj.deep}}" }, lookup)).toEqual({ a: 7, b: null, c: { x: 1 } });
  });
  it("walks arrays, nested objects and keys", () => {
    expect(interpolate({ "{{obj.label}}": ["{{ASID}}", { k: "x{{n}}" }] }, lookup)).toEqual({ iss: ["200000000118", { k: "x7" }] });
  });
  it("refuses unknown names and missing members instead of writing nothing", () => {
    expect(() => interpolate("{{MISSING}}", lookup)).toThrow(InterpolationError);
    expect(() => interpolate("{{obj.nope}}", lookup)).toThrow(/no "nope" in obj/);
  });
  it("leaves regular expressions with braces alone", () => {
    expect(interpolate("^\\d{12}$", lookup)).toBe("^\\d{12}$");
  });
  it("returns what holds no template as it is, and fills the same object afresh for each lookup", () => {
    const spec = { headers: { Accept: "application/fhir+json", fromASID: "{{ASID}}" }, fixed: { deep: ["a", { b: 1 }] }, "{{obj.label}}": "k" };
    const one = interpolate(spec, lookup);
    expect(one).toEqual({ headers: { Accept: "application/fhir+json", fromASID: "200000000118" }, fixed: { deep: ["a", { b: 1 }] }, iss: "k" });
    expect(one.fixed).toBe(spec.fixed);
    expect(one.headers).not.toBe(spec.headers);
    expect(interpolate(spec, (n) => (n === "ASID" ? "999" : vars[n])).headers.fromASID).toBe("999");
    expect(spec.headers.fromASID).toBe("{{ASID}}");
  });
  it("lists the names a template uses", () => {
    expect([...templateNames({ h: "Bearer {{jwt}}", b: ["{{ASID}}", "{{obj.label}}"] })].sort()).toEqual(["ASID", "jwt", "obj"]);
  });
});

describe("the Spine JWT", () => {
  const who = { fromAsid: "200000000118", ods: "RR8", audience: "https://nrls.example/nrls" };
  it("is unsecured, base64url without padding, with an empty signature and the documented claims", () => {
    const token = spineJwt({ scope: "write" }, who, 1_700_000_000);
    expect(token.endsWith(".")).toBe(true);
    expect(token).not.toMatch(/[=+/]/);
    const decoded = decodeJwt(token);
    if ("error" in decoded) throw new Error(decoded.error);
    expect(decoded.header).toEqual({ alg: "none", typ: "JWT" });
    expect(decoded.claims).toEqual({
      iss: "https://spine-assure.local/",
      sub: "https://fhir.nhs.uk/Id/accredited-system|200000000118",
      aud: "https://nrls.example/nrls",
      exp: 1_700_000_300,
      iat: 1_700_000_000,
      reason_for_request: "directcare",
      scope: "patient/DocumentReference.write",
      requesting_system: "https://fhir.nhs.uk/Id/accredited-system|200000000118",
      requesting_organization: "https://fhir.nhs.uk/Id/ods-organization-code|RR8",
    });
  });
  it("can leave claims out, change them, sign it or cut sections, to make bad tokens", () => {
    const c = decodeJwt(spineJwt({ scope: "read", remove: ["iss"], set: { reason_for_request: "x" } }, who));
    if ("error" in c) throw new Error(c.error);
    expect(c.claims.iss).toBeUndefined();
    expect(c.claims.reason_for_request).toBe("x");
    expect(c.claims.scope).toBe("patient/DocumentReference.read");
    expect(spineJwt({ scope: "write", signature: "abc" }, who).endsWith(".abc")).toBe(true);
    expect(spineJwt({ scope: "write", sections: 2 }, who).split(".")).toHaveLength(2);
  });
});
