// A step's request, built for sending: URL from the target's base URL (or an absolute url:), query, the suite's
// default headers overridden by the step's, the Spine JWT when the step has a jwt: block (for the requester the
// suite declares), and the body from a fixture or raw text.
import type { PlannedCase } from "../plan/make-plan.ts";
import { spineJwt, type JwtSpec } from "../spine/jwt.ts";
import type { LoadedStep } from "../suite/types.ts";
import { lookupIn, type Scope } from "../template/scope.ts";
import { interpolate } from "../template/template.ts";
import { buildBody, type Fixtures } from "./build-body.ts";
import type { OutgoingRequest } from "./http-client.ts";

export function buildRequest(step: LoadedStep, pc: PlannedCase, scope: Scope, fixtures: Fixtures): OutgoingRequest {
  const spec = step.request;
  const base = scope.generators.target ?? "";
  let lookup = lookupIn(scope);
  const url = spec.url !== undefined ? String(interpolate(spec.url, lookup)) : base.replace(/\/$/, "") + String(interpolate(spec.path!, lookup));
  if (spec.jwt) {
    // The loader guarantees a requester wherever a step sends a JWT.
    const who = interpolate(pc.requester!, lookup);
    // Interpolated, the block holds what the schema allows a template to stand for (an object of claims, a number).
    const jwt = spineJwt(interpolate(spec.jwt, lookup) as JwtSpec, { fromAsid: who.asid, ods: who.organization, audience: base });
    lookup = lookupIn({ ...scope, generators: { ...scope.generators, jwt } });
  }
  const full = new URL(url);
  for (const [k, v] of Object.entries(interpolate(spec.query ?? {}, lookup))) full.searchParams.append(k, v);
  const headers: [string, string][] = [];
  // The step's headers (names too) are interpolated before they override the defaults; a null value, written or
  // interpolated, leaves the header out.
  const merged: Record<string, unknown> = { ...interpolate(pc.defaultHeaders, lookup), ...interpolate(spec.headers ?? {}, lookup) };
  for (const [name, value] of Object.entries(merged)) if (value !== null && value !== undefined) headers.push([name, String(value)]);
  const body = spec.body ? buildBody(interpolate(spec.body, lookup), fixtures) : undefined;
  return { method: spec.method, url: full.toString(), headers, body };
}
