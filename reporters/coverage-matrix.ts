// The coverage matrix: one row per requirement — its rule text, level and basis, the verdict and, for anything but a
// plain pass, the reason (the first failing check's message, with its suite line), the documented variant used, the
// waiver, the cases, and the source as a readable title with its link — as CSV (for spreadsheets) and Markdown.
import { variantShown } from "../src/judge/judge-case.ts";
import type { RunResult } from "../src/model/run-result.ts";
import { BASIS_LEGEND, sourceTitle } from "./source-title.ts";

const COLUMNS = ["id", "level", "basis", "verdict", "reason", "variants", "waiver", "cases", "source", "sourceUrl", "text"] as const;

function rows(run: RunResult): Record<(typeof COLUMNS)[number], string>[] {
  return run.requirements.map((r) => ({
    id: r.id,
    level: r.level,
    basis: r.basis,
    verdict: r.verdict,
    reason: verdictReason(r),
    variants: (r.variants ?? []).map(variantShown).join("; "),
    waiver: r.waiver ? `${r.waiver.reason} — approved by ${r.waiver.approvedBy ?? "?"}, ${r.waiver.expired ? "EXPIRED" : "until"} ${r.waiver.expires}` : "",
    cases: `${r.requests ? `${r.requests.judged} request(s) judged, ${r.requests.broke} broke it; kept in full: ` : ""}${r.cases.map((c) => `${c.key} (${c.status})`).join("; ")}`,
    source: sourceTitle(r.source),
    sourceUrl: r.source.url ?? "",
    text: r.text,
  }));
}

/**
 * Why a verdict is not a plain pass ("" when it is): the first message of the first case that did not plainly pass —
 * what went wrong, and where the check was written — else the verdict's own reason.
 */
export function verdictReason(r: RunResult["requirements"][number]): string {
  if (r.verdict === "pass" && !r.variants?.length) return "";
  return r.cases.find((c) => c.status !== "passed" && c.messages.length)?.messages[0] ?? r.cases.find((c) => c.messages.length)?.messages[0] ?? r.reason ?? "";
}

export const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function coverageCsv(run: RunResult): string {
  return [COLUMNS.join(","), ...rows(run).map((r) => COLUMNS.map((c) => csvCell(r[c])).join(","))].join("\r\n") + "\r\n";
}

export function coverageMarkdown(run: RunResult): string {
  const md = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [
    `# ${run.assessment ? "Client rule coverage — client assessment" : "Requirement coverage — run"} ${run.runId}`,
    "",
    ...(run.assessment ? [`A client assessment: the embedded sandbox judged the ${run.assessment.requests} request(s) the supplier's system sent against the client rule catalogue (ended: ${run.assessment.ended}).${run.assessment.keptRule ? ` Kept in full as cases: ${run.assessment.keptRule}.` : ""}`, ""] : []),
    ...(run.regenerated?.fromAltered ? [`**REGENERATED FROM ALTERED RESULTS** on ${run.regenerated.fromAltered.at}: these are not the outputs the run wrote; see original-manifest/.`, ""] : []),
    `Gate: exit ${run.gate.exitCode} (${run.gate.result}) — ${run.gate.reason}.`,
    `Targets: ${(run.inputs?.targets ?? run.targets.map((t) => ({ api: t.name, kind: t.embedded ? "embedded sandbox" : "external", baseUrl: t.baseUrl }))).map((t) => `${t.api.toUpperCase()} ${t.kind}${t.baseUrl ? ` ${t.baseUrl}` : ""}`).join("; ")}.`,
    "",
    `Basis: ${Object.entries(BASIS_LEGEND).map(([k, v]) => `\`${k}\` ${v}`).join("; ")}. Only \`DOC\` rules may be MUST.`,
    "Verdict: `pass`; `warning` (a SHOULD rule failed, or a documented variant that gates only with --strict); `fail`; `unsuitable` (the test data could not show the rule either way); `waived`; `not-applicable`; `not-run`.",
    "",
    "| Requirement | Level | Basis | Rule | Verdict | Reason | Documented variant used | Waiver | Cases | Source |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows(run).map((r) => `| ${r.id} | ${r.level} | ${md(r.basis)} | ${md(r.text)} | ${r.verdict} | ${md(r.reason) || "—"} | ${md(r.variants) || "—"} | ${md(r.waiver) || "—"} | ${md(r.cases) || "—"} | ${r.sourceUrl ? `[${md(r.source)}](${r.sourceUrl})` : md(r.source)} |`),
    "",
  ];
  return lines.join("\n");
}
