// The short per-requirement table printed at the end of a run. Colour only on a terminal, never with NO_COLOR.
import type { RequirementVerdict, Verdict } from "./verdicts.ts";

const COLOURS: Record<Verdict, string> = { pass: "32", fail: "31", warning: "33", "not-applicable": "36", "not-run": "90", waived: "35" };
const LABEL: Record<Verdict, string> = { pass: "PASS", fail: "FAIL", warning: "WARN", "not-applicable": "N/A", "not-run": "NOT RUN", waived: "WAIVED" };

export function useColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  return !!stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

export function formatVerdictTable(verdicts: RequirementVerdict[], colour: boolean): string {
  const paint = (v: Verdict, s: string) => (colour ? `\x1b[${COLOURS[v]}m${s}\x1b[0m` : s);
  const lines: string[] = [];
  let group = "";
  for (const v of verdicts) {
    const g = `${v.api} — ${v.interaction}`;
    if (g !== group) {
      lines.push("", g);
      group = g;
    }
    const label = paint(v.verdict, LABEL[v.verdict].padEnd(7));
    const detail = v.verdict === "pass" ? "" : firstProblem(v);
    lines.push(`  ${label} ${v.level.padEnd(6)} ${v.id.padEnd(12)} ${truncate(v.text, 70)}${detail ? `\n          ${detail}` : ""}`);
  }
  return lines.join("\n");
}

function firstProblem(v: RequirementVerdict): string {
  const msg = v.cases.flatMap((c) => c.messages.map((m) => `${c.key}: ${m}`))[0];
  return truncate(msg ?? v.reason ?? "", 160);
}

function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, " ");
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

export function formatTotals(verdicts: RequirementVerdict[]): string {
  const counts = new Map<Verdict, number>();
  for (const v of verdicts) counts.set(v.verdict, (counts.get(v.verdict) ?? 0) + 1);
  return (["pass", "fail", "warning", "waived", "not-applicable", "not-run"] as Verdict[])
    .filter((v) => counts.get(v))
    .map((v) => `${counts.get(v)} ${v}`)
    .join(", ");
}
