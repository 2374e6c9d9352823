// NRLS's client rules: those judged on each request of a provider system (its headers and JWT, the pointer it sends),
// and a pointer file judged offline for `validate`. Loaded when an assessment or `validate` starts.
import type { ClientRules } from "../../../src/api-module.ts";
import { formatOfContentType } from "../../../src/fhir/media-types.ts";
import { ruleOf, type Finding } from "../../../src/model/finding.ts";
import { headerIn } from "../../../src/model/received-request.ts";
import { pointerFindings, readPointer, sniffFormat } from "./pointer-rules.ts";
import { nrlsRequestFindings } from "./request-rules.ts";

type NrlsInteraction = "nrls-create" | "nrls-read" | "nrls-delete" | "nrls-other";

/** The pointer in a file or a request body, judged: NRLS-CLI-19 (one well-formed DocumentReference), then its rules. */
function documentFindings(text: string, format: "json" | "xml" | undefined, where: string, ctx: Parameters<typeof pointerFindings>[1]): { format?: "json" | "xml"; readable: boolean; findings: Finding[]; pointer?: Record<string, unknown> } {
  const read = format ? readPointer(text, format) : { problem: "neither JSON nor XML (the first character is neither { nor <)" };
  const r19 = { rule: "NRLS-CLI-19", expected: `one well-formed FHIR STU3 DocumentReference${format ? ` in ${format.toUpperCase()}` : ""}` };
  if ("problem" in read) return { ...(format ? { format } : {}), readable: false, findings: [{ ...r19, outcome: "fail", actual: read.problem, path: ("path" in read && read.path) || where }] };
  return { ...(format ? { format } : {}), readable: true, findings: [{ ...r19, outcome: "pass" }, ...pointerFindings(read.resource, ctx)], pointer: read.resource };
}

/** A pointer's patient and masterIdentifier, when it has both: what Spine keeps unique (DUPLICATE_REJECTED). */
function identityOf(p: Record<string, unknown>): { key: string; shown: string } | undefined {
  const mi = p.masterIdentifier as { system?: unknown; value?: unknown } | undefined;
  const subject = (p.subject as { reference?: unknown } | undefined)?.reference;
  if (!mi || typeof mi.system !== "string" || typeof mi.value !== "string" || typeof subject !== "string") return undefined;
  return { key: JSON.stringify([subject, mi.system, mi.value]), shown: `${mi.system}|${mi.value}` };
}

const nrlsClientRules: ClientRules = {
  assessor: ({ directory, baseUrl }) => {
    // NRLS-CLI-40: the masterIdentifiers of the creates the sandbox accepted, by patient.
    const created = new Set<string>();
    return {
      judge(req, interaction) {
        // Mutual TLS, when the assessment is over TLS at all (--http has no certificates to judge).
        const tls = req.origin.startsWith("https:") ? [ruleOf("NRLS-CLI-41", "a client certificate (TLS mutual authentication)").check(!!req.clientCertificate, "no client certificate", "TLS handshake")] : [];
        const documented = ruleOf("NRLS-CLI-33", "a documented NRLS interaction: POST, GET or DELETE on [base]/DocumentReference");
        if (interaction === "nrls-other") return [...tls, documented.fail(`${req.method} ${new URL(req.url, "http://x").pathname}`, "method and path")];
        const out = [...tls, documented.pass(), ...nrlsRequestFindings(req, interaction as Exclude<NrlsInteraction, "nrls-other">, { directory, baseUrl })];
        if (interaction === "nrls-create") {
          // The body in the format its Content-Type names; from its first character when that names none (NRLS-CLI-18
          // has said so), so the pointer is still judged.
          const format = formatOfContentType(headerIn(req, "Content-Type")) ?? sniffFormat(req.body) ?? "json";
          const from = req.headers.find(([k]) => k === "fromASID")?.[1];
          const read = documentFindings(req.body, format, "body", { fromAsid: from, directory });
          out.push(...read.findings);
          const identity = read.pointer && identityOf(read.pointer);
          if (identity) {
            out.push(ruleOf("NRLS-CLI-40", "a masterIdentifier no earlier pointer of this patient carries").check(!created.has(identity.key), `${identity.shown}, already the masterIdentifier of a pointer this system created for the patient`, "DocumentReference.masterIdentifier"));
            if (req.response.status === 201) created.add(identity.key);
          }
        }
        return out;
      },
    };
  },
  document: {
    judge(text, ctx) {
      const { format, readable, findings } = documentFindings(text, sniffFormat(text), "(file)", ctx);
      return {
        ...(format ? { format } : {}), readable, findings,
        whyNotJudged: (rule) => !readable ? "the file is not a DocumentReference"
          : rule === "NRLS-CLI-28" && ctx.fromAsid === undefined ? "give --from-asid to judge affiliation"
            : rule === "NRLS-CLI-28" ? `the custodian is not an Organization reference, or ASID ${ctx.fromAsid} is not in the sandbox directory`
              : rule === "NRLS-CLI-38" ? "the author is not one Organization reference (NRLS-CLI-23 says so)" : "nothing in the file for this rule",
      };
    },
  },
};

export default nrlsClientRules;
