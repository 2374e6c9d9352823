// What a run prints: its opening lines, then the per-requirement table, what changed since the last run, and where
// the evidence is, ending with the gate. Colour only on a terminal, never with NO_COLOR.
import { firstCauses } from "./first-causes.ts";
import type { RunResult, RequirementVerdict, TargetRecord } from "../src/model/run-result.ts";
import { VERDICT_COLOUR, VERDICT_LABEL, VERDICTS, type Verdict } from "../src/model/status.ts";
import type { Exchange } from "../src/run/http-client.ts";
import type { Changes } from "./history.ts";

export function useColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  return !!stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

/** The run's opening lines: its size, then each API's target — or, for one given none, that it is not run. */
export function runHeader(runId: string, cases: number, requirements: number, targets: Pick<TargetRecord, "name" | "baseUrl" | "embedded">[], notRun: { name: string; baseUrlVariable: string }[] = []): string[] {
  return [
    `spine-assure run ${runId}: ${cases} case(s) for ${requirements} requirement(s)`,
    ...targets.map((t) => `  ${t.name.toUpperCase().padEnd(4)} ${t.baseUrl}${t.embedded ? " (embedded sandbox)" : ""}`),
    ...notRun.map((t) => `  ${t.name.toUpperCase().padEnd(4)} not run: no target configured (${t.baseUrlVariable} is not set)`),
  ];
}

/** Where a run's outputs went, as the reader should see the paths. */
export interface OutputPaths {
  runDir: string;
  summary: string;
  coverage: string;
  junit: string;
  report?: string;
}

/** How the console shows the table: colour, messages cut to a line (a terminal) or whole (a log), every row or not. */
export interface ConsoleStyle {
  colour: boolean;
  /** Cut each message to one line of the terminal; false in a log or a pipe, where a cut message hides the evidence. */
  cut: boolean;
  /** Only the requirements that did not pass plainly (--quiet). */
  quiet?: boolean;
}

/** The style for stdout: colour and cut messages on a terminal only. */
export function consoleStyle(quiet = false, stream: NodeJS.WriteStream = process.stdout): ConsoleStyle {
  return { colour: useColour(stream), cut: !!stream.isTTY, quiet };
}

export function closingLines(run: RunResult, style: ConsoleStyle, paths?: OutputPaths, changes?: Changes): string[] {
  // A partial run (a filter, a rerun) lists what it selected: the rest is in the merged latest view, not news here.
  const unselected = run.filters ? run.requirements.filter((r) => r.verdict === "not-run" && r.cases.length === 0) : [];
  const listed = unselected.length ? run.requirements.filter((r) => !unselected.includes(r)) : run.requirements;
  const lines = [formatVerdictTable(listed, style), ...(unselected.length ? [`(${unselected.length} requirement(s) this partial run did not select are not listed: the latest view merges their last verdicts)`] : []), "", `Requirements: ${formatTotals(run.requirements)}`];
  const causes = firstCauses(run);
  if (causes.some((c) => c.then.length)) {
    const failing = causes.reduce((n, c) => n + 1 + c.then.length, 0);
    lines.push(`By first cause: ${causes.length} behind ${failing} rule(s) that failed or warned — ${causes.map((c) => (c.then.length ? `${c.id} (then ${c.then.join(", ")}, in the same cases)` : c.id)).join("; ")}.`);
  }
  if (changes?.previous) {
    lines.push(`Since run ${changes.previous.runId} against the same target: ${changes.newlyFailing.length ? `newly failing ${changes.newlyFailing.join(", ")}` : "nothing newly failing"}; ${changes.fixed.length ? `fixed ${changes.fixed.join(", ")}` : "nothing fixed"}.`);
  }
  for (const w of run.expiredWaivers) lines.push(`Waiver for ${w.requirement} expired on ${w.expires} (approved by ${w.approvedBy}): it gates again.`);
  if (run.gate.leaks?.length) lines.push(`SECRET LEAK: a configured or captured secret appears in ${run.gate.leaks.join(", ")}${paths ? ` of ${paths.runDir}` : ""}. Do not share this evidence; report the harness fault.`);
  if (paths) {
    lines.push(`Evidence: ${paths.runDir} — start at its index.html; manifest.json lists every file with its SHA-256, ${run.signedBy?.length ? `signed (manifest.jws) by ${run.signedBy.map((s) => s.subject.split(", ").find((p) => p.startsWith("CN=")) ?? s.subject).join(", ")}${run.signedBy.every((s) => s.embedded) ? " (the sandbox's test identity)" : ""}` : "unsigned (no client identity)"}`);
    lines.push(`Summary: ${paths.summary}  Coverage: ${paths.coverage}  JUnit: ${paths.junit}`);
    if (paths.report) lines.push(`Report:  ${paths.report}`);
  }
  lines.push(`Gate: exit ${run.gate.exitCode} — ${run.gate.reason}`);
  return lines;
}

export function formatVerdictTable(verdicts: RequirementVerdict[], style: ConsoleStyle): string {
  const paint = (v: Verdict, s: string) => (style.colour ? `\x1b[${VERDICT_COLOUR[v]}m${s}\x1b[0m` : s);
  const lines: string[] = [];
  let group = "";
  // Each group once, where it first appears, its requirements in their order (a catalogue numbers rules as they were
  // added: NRLS-CLI-31 belongs with the header rules, listed after the pointer's).
  const groupOf = (v: RequirementVerdict) => `${v.api} — ${v.interaction}`;
  const firstSeen = new Map<string, number>();
  verdicts.forEach((v, i) => firstSeen.set(groupOf(v), firstSeen.get(groupOf(v)) ?? i));
  const ordered = verdicts.map((v, i) => [v, i] as const).sort(([a, i], [b, j]) => firstSeen.get(groupOf(a))! - firstSeen.get(groupOf(b))! || i - j).map(([v]) => v);
  const shown = style.quiet ? ordered.filter((v) => v.verdict !== "pass") : ordered;
  if (style.quiet) lines.push(`(--quiet: ${verdicts.length - shown.length} plain pass(es) not listed)`);
  for (const v of shown) {
    const g = groupOf(v);
    if (g !== group) {
      lines.push("", g);
      group = g;
    }
    // A pass that relied on a documented variant is marked, and says which.
    const label = paint(v.verdict, `${VERDICT_LABEL[v.verdict]}${v.variants?.length ? "*" : ""}`.padEnd(7));
    const detail = v.verdict === "pass" ? variantsLine(v) : firstProblem(v, style.cut);
    lines.push(`  ${label} ${v.level.padEnd(6)} ${v.id.padEnd(12)} ${(style.cut ? truncate(v.text, 70) : v.text)}${detail ? `\n          ${detail}` : ""}`);
  }
  return lines.join("\n");
}

function variantsLine(v: RequirementVerdict): string {
  return v.variants?.length ? `* documented variant: ${v.variants.map((x) => `${x.name} (${x.source})`).join("; ")}` : "";
}

function firstProblem(v: RequirementVerdict, cut: boolean): string {
  const msg = v.cases.flatMap((c) => c.messages.map((m) => `${c.key}: ${m}`))[0] ?? v.reason ?? "";
  return cut ? truncate(msg, 160) : msg.replace(/\s+/g, " ");
}

function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, " ");
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

export function formatTotals(verdicts: RequirementVerdict[]): string {
  const counts = new Map<Verdict, number>();
  for (const v of verdicts) counts.set(v.verdict, (counts.get(v.verdict) ?? 0) + 1);
  return VERDICTS.filter((v) => counts.get(v)).map((v) => `${counts.get(v)} ${v}`).join(", ");
}

/**
 * A case's exchanges for --verbose: method, URL, status (or what went wrong) and time, a line each; at level 2 the
 * request and response bodies too. The case result is already redacted, so these are.
 */
export function exchangeLines(caseKey: string, steps: readonly { name: string; exchange?: Exchange }[], level: number): string[] {
  const lines: string[] = [];
  for (const { name, exchange: x } of steps) {
    if (!x) continue;
    const outcome = x.response ? String(x.response.status) : `no response: ${x.error?.message ?? "unknown"}`;
    lines.push(`  ${caseKey} · ${name}: ${x.request.method} ${x.request.url} → ${outcome} (${Math.round(x.durationMs)} ms)`);
    if (level >= 2) {
      if (x.request.body) lines.push(indent(`request body:\n${x.request.body}`));
      if (x.response?.body) lines.push(indent(`response body:\n${x.response.body}`));
    }
  }
  return lines;
}

const indent = (text: string) => text.split("\n").map((l) => `      ${l}`).join("\n");

/**
 * A line as a terminal should receive it: text from a target or a suite may hold control characters (ESC]0;… retitles
 * the window, ESC[2J clears it, a carriage return overwrites the line), so every control character but the harness's own
 * colour codes, newline and tab is shown escaped (\x1b) instead of acting.
 */
export function terminalSafe(line: string, colours = true): string {
  // Only the harness's own colours pass (VERDICT_COLOUR and the reset): ESC[8m, which hides what follows, is escaped.
  // eslint-disable-next-line no-control-regex
  return line.replace(/\x1b\[(?:0|3[1-6]|90)m|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (m) => (m.length > 1 && colours ? m : escaped(m)));
}

// eslint-disable-next-line no-control-regex
const escaped = (text: string) => [...text].map((c) => (/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}` : c)).join("");

/** What pruning removed, said once: a failing pack is named as such, never removed unsaid. Empty when nothing went. */
export function prunedLines(pruned: readonly { runId: string; exitCode?: number }[], keep: number): string[] {
  if (!pruned.length) return [];
  const failing = pruned.filter((p) => p.exitCode !== undefined && p.exitCode !== 0);
  return [`Removed ${pruned.length} older run folder(s) to keep the newest ${keep} (--keep-runs, ASSURE_KEEP_RUNS): ${pruned.map((p) => p.runId).join(", ")}${failing.length ? ` — ${failing.length} of them a failing or unfinished pack: ${failing.map((p) => `${p.runId} (exit ${p.exitCode})`).join(", ")}` : ""}.`];
}
