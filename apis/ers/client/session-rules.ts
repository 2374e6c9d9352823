// The e-RS rules of the client catalogue (ERS-CLI-01 to 13; 12, the catch-all, is the assessment's). Sessions span
// requests, so the judge keeps what each session's A001 answer said (its id, token and the user's permissions) and
// what happened to it since: a role selected (an A002 accepted), ended with A003. Requests are judged in the order
// they arrived; ERS-CLI-11 (every session ended) is judged when the assessment ends.
import { bareMediaType } from "../../../src/fhir/media-types.ts";
import type { Directory, ErsPermission } from "../../../sandbox/directory.ts";
import { SESSION_TYPE } from "../../../src/spine/ers.ts";
import { NOT_IN_DIRECTORY, ruleOf, shown, type Finding } from "../../../src/model/finding.ts";
import { headerIn as headerOf, type ReceivedRequest } from "../../../src/model/received-request.ts";

type Json = Record<string, unknown>;

/** A004's documented value sets (nhs/ers-2018-04_explore_endpoint_a004.md, Input). */
const VALUE_SETS = ["REQUEST_PRIORITY", "SPECIALTY", "CLINIC_TYPE", "REQUEST_TYPE", "COMMISSIONING_TYPE"];

interface Session {
  token: string;
  permissions: ErsPermission[];
  /** The request (by its number in the assessment) whose answer opened it. */
  openedBy: number;
  /** An A002 for it was accepted (a refused one selects no role). */
  roleSelected: boolean;
  ended: boolean;
}

const jsonOf = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};
const objectOf = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

export class ErsSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly fresh: string[] = [];

  constructor(private readonly directory: Directory) {}

  /** Session ids given since the last call: secrets, redacted from the evidence. */
  newIds(): string[] {
    return this.fresh.splice(0);
  }

  /** Judges request number `n`, then learns from its answer. */
  judge(req: ReceivedRequest, interaction: "ers-a001" | "ers-a002" | "ers-a003" | "ers-a004" | "ers-other", n: number): Finding[] {
    const out: Finding[] = [];
    const documented = ruleOf("ERS-CLI-13", `a documented interaction (A001 to A004; an A004 value set one of ${VALUE_SETS.join(", ")})`);
    const path = new URL(req.url, "http://x").pathname;
    if (interaction === "ers-other") return [documented.fail(`${req.method} ${path.replace(/(\/v1\/ProfessionalSession\/)[^/]+$/, "$1{id}")}`, "method and path")];
    const valueSet = interaction === "ers-a004" ? decodeURIComponent(path.split("/").pop() ?? "") : undefined;
    out.push(documented.check(valueSet === undefined || VALUE_SETS.includes(valueSet), `value set ${shown(valueSet)}`, "path {valueSetId}"));
    const asid = headerOf(req, "XAPI_ASID");
    out.push(ruleOf("ERS-CLI-01", "XAPI_ASID with the system's ASID, one authorised for e-RS").check(asid !== undefined && this.directory.ers.asids.includes(asid), asid === undefined ? "no XAPI_ASID header" : `${shown(asid)}, not an ASID authorised for e-RS: ${NOT_IN_DIRECTORY}`, "header XAPI_ASID"));
    if (interaction === "ers-a001" || interaction === "ers-a002") {
      const ct = headerOf(req, "Content-Type");
      out.push(ruleOf("ERS-CLI-02", "Content-Type: application/json").check(ct !== undefined && bareMediaType(ct) === "application/json", ct === undefined ? "no Content-Type" : shown(ct), "header Content-Type"));
      const accept = headerOf(req, "Accept");
      out.push(ruleOf("ERS-CLI-03", "Accept: application/json").check(accept !== undefined && accept.split(",").some((a) => bareMediaType(a) === "application/json"), accept === undefined ? "no Accept" : shown(accept), "header Accept"));
    }
    const body = jsonOf(req.body);
    if (interaction === "ers-a001") {
      const r = ruleOf("ERS-CLI-04", "a JSON object with only typeInfo and token, the token not empty");
      const o = objectOf(body);
      const extra = o ? Object.keys(o).filter((k) => k !== "typeInfo" && k !== "token") : [];
      if (!o) out.push(r.fail(req.body ? "a body that is not a JSON object" : "no body", "body"));
      else if (extra.length) out.push(r.fail(`also ${extra.join(", ")}`, `body.${extra[0]}`));
      else out.push(r.check(typeof o.token === "string" && o.token.trim() !== "", o.token === undefined ? "no token" : "an empty token", "body.token"));
      if (o) out.push(ruleOf("ERS-CLI-05", `typeInfo "${SESSION_TYPE}"`).check(o.typeInfo === SESSION_TYPE, shown(o.typeInfo), "body.typeInfo"));
      this.learnSession(req, n);
      return out;
    }

    // A002, A003, A004: the session key, and the session it names.
    const key = headerOf(req, "HTTP_X_SESSION_KEY");
    const pathId = interaction === "ers-a004" ? undefined : decodeURIComponent(new URL(req.url, "http://x").pathname.split("/").pop() ?? "");
    const session = key !== undefined ? this.sessions.get(key) : undefined;
    const r6 = ruleOf("ERS-CLI-06", "HTTP_X_SESSION_KEY with the id of a session this system created, the same as the path's");
    if (key === undefined) out.push(r6.fail("no HTTP_X_SESSION_KEY header", "header HTTP_X_SESSION_KEY"));
    else if (!session) out.push(r6.fail("a key that names no session this system created", "header HTTP_X_SESSION_KEY"));
    else out.push(r6.check(pathId === undefined || pathId === key, "a path naming another session than the header", "path {sessionKey}"));
    // The session the request acts on: the path's for A002 and A003, the header's for A004.
    const target = pathId !== undefined ? this.sessions.get(pathId) : session;
    if (target) {
      out.push(ruleOf("ERS-CLI-09", "a session not already ended with A003").check(!target.ended, "a session ended earlier by A003", pathId !== undefined ? "path {sessionKey}" : "header HTTP_X_SESSION_KEY"));
      if (interaction === "ers-a002") {
        const o = objectOf(body);
        const wanted = objectOf(o?.permission);
        const held = target.permissions.map((p) => `${p.businessFunction}@${p.orgIdentifier}`);
        out.push(ruleOf("ERS-CLI-07", `a permission from the session's user.permissions (${held.join(", ")})`).check(!!wanted && held.includes(`${String(wanted.businessFunction)}@${String(wanted.orgIdentifier)}`), wanted ? `${String(wanted.businessFunction)}@${String(wanted.orgIdentifier)}` : `permission ${shown(o?.permission)}`, "body.permission"));
        out.push(ruleOf("ERS-CLI-08", "the session's token, as A001 returned it").check(typeof o?.token === "string" && o.token.trim() === target.token, o?.token === undefined ? "no token" : "another token", "body.token"));
        if (req.response.status >= 200 && req.response.status < 300) target.roleSelected = true;
      }
      if (interaction === "ers-a004") out.push(ruleOf("ERS-CLI-10", "a role selected (an A002 accepted) before the session is used").check(target.roleSelected, "no A002 for this session was accepted before this request", "header HTTP_X_SESSION_KEY"));
      if (interaction === "ers-a003" && req.response.status >= 200 && req.response.status < 300) target.ended = true;
    }
    return out;
  }

  /** ERS-CLI-11 for each session, as the assessment ends: by the request that opened it. */
  unended(): Map<number, Finding> {
    const out = new Map<number, Finding>();
    for (const s of this.sessions.values()) {
      out.set(s.openedBy, ruleOf("ERS-CLI-11", "the session ended with A003 before the assessment ended").check(s.ended, "the session was still open when the assessment ended", "session"));
    }
    return out;
  }

  private learnSession(req: ReceivedRequest, n: number): void {
    if (req.response.status !== 201) return;
    const s = objectOf(jsonOf(req.response.body));
    const user = objectOf(s?.user);
    if (typeof s?.id !== "string" || !s.id) return;
    if (!this.sessions.has(s.id)) this.fresh.push(s.id);
    this.sessions.set(s.id, {
      token: typeof s.token === "string" ? s.token.trim() : "",
      permissions: Array.isArray(user?.permissions) ? (user.permissions as ErsPermission[]) : [],
      openedBy: n, roleSelected: false, ended: false,
    });
  }
}
