// The coverage matrix: one row per requirement with its level, basis, verdict, the cases that verify it, its source
// and any documented variant the target used, as CSV (for spreadsheets) and Markdown (for people).
import type { RunResult } from "../judge/run-result.ts";

const COLUMNS = ["id", "level", "basis", "verdict", "cases", "source", "text", "variants"] as const;

function rows(run: RunResult): Record<(typeof COLUMNS)[number], string>[] {
  return run.requirements.map((r) => ({
    id: r.id,
    level: r.level,
    basis: r.basis,
    verdict: r.verdict,
    cases: r.cases.map((c) => `${c.key} (${c.status})`).join("; "),
    source: `${r.source.file} § ${r.source.section}`,
    text: r.text,
    variants: (r.variants ?? []).map((v) => `${v.name} (${v.outcome}; ${v.source})`).join("; "),
  }));
}

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function coverageCsv(run: RunResult): string {
  return [COLUMNS.join(","), ...rows(run).map((r) => COLUMNS.map((c) => csvCell(r[c])).join(","))].join("\r\n") + "\r\n";
}

export function coverageMarkdown(run: RunResult): string {
  const md = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [
    `# Requirement coverage — run ${run.runId}`,
    "",
    `Gate: exit ${run.gate.exitCode} (${run.gate.result}) — ${run.gate.reason}.`,
    `Targets: ${run.targets.map((t) => `${t.name.toUpperCase()} ${t.baseUrl}${t.embedded ? " (embedded sandbox)" : ""}`).join("; ")}.`,
    "",
    "| Requirement | Level | Basis | Verdict | Cases | Source | Documented variant used |",
    "|---|---|---|---|---|---|---|",
    ...rows(run).map((r) => `| ${r.id} | ${r.level} | ${md(r.basis)} | ${r.verdict} | ${md(r.cases) || "—"} | ${md(r.source)} | ${md(r.variants) || "—"} |`),
    "",
  ];
  return lines.join("\n");
}
