// Named faults: each breaks one documented behaviour the way a real implementation might, so the suites can be
// shown to catch it. SANDBOX_FAULTS=a,b switches them on.

export interface Fault {
  name: string;
  /** The requirement(s) this fault breaks. */
  breaks: string[];
  description: string;
}

export const FAULTS: readonly Fault[] = [
  { name: "nrls-location-path-id", breaks: ["NRLS-CRT-07"], description: "Location in the 2.x style /DocumentReference/{id}, without ?_id=" },
  { name: "nrls-no-location", breaks: ["NRLS-CRT-06", "NRLS-CRT-07"], description: "no Location header on create" },
  { name: "nrls-create-200", breaks: ["NRLS-CRT-01"], description: "create answers 200 instead of 201" },
  { name: "nrls-wrong-diagnostics", breaks: ["NRLS-CRT-05"], description: "create diagnostics say 'Created' instead of the documented text" },
  { name: "nrls-no-message-id", breaks: ["NRLS-CRT-04"], description: "details.text is not the Spine message UUID" },
  { name: "nrls-wrong-created-code", breaks: ["NRLS-CRT-03"], description: "RESOURCE_CREATED issue has severity warning" },
  { name: "nrls-bundle-body", breaks: ["NRLS-CRT-02", "NRLS-CRT-03", "NRLS-CRT-04", "NRLS-CRT-05"], description: "create answers with a Bundle, not an OperationOutcome" },
  { name: "nrls-no-jwt-check", breaks: ["NRLS-HDR-03", "NRLS-HDR-04", "NRLS-HDR-05", "NRLS-HDR-06"], description: "the Authorization JWT is not checked at all" },
  { name: "ers-create-200", breaks: ["ERS-A001-01"], description: "A001 answers 200 instead of 201" },
  { name: "ers-no-user", breaks: ["ERS-A001-02"], description: "A001 response has no user" },
  { name: "ers-empty-id", breaks: ["ERS-A001-03"], description: "A001 session id is an empty string" },
];

export function parseFaults(spec: string | undefined): Set<string> {
  const names = (spec ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !FAULTS.some((f) => f.name === n));
  if (unknown.length) throw new Error(`SANDBOX_FAULTS: unknown fault(s) ${unknown.join(", ")}; known: ${FAULTS.map((f) => f.name).join(", ")}`);
  return new Set(names);
}
