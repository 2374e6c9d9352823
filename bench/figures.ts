// Every bench's headline figures in one table, each beside its target: a bench records them here (and prints its own
// details as it goes); bench/all.ts (npm run bench) runs the benches and prints the table at the end, so a regression
// shows on the next run without reading seven outputs. Recording is a no-op when a bench runs on its own.
import { appendFileSync, existsSync, readFileSync } from "node:fs";

export interface Figure {
  figure: string;
  value: string;
  target: string;
  /** Whether the target is met (absent: a figure without a target). */
  met?: boolean;
}

/** Adds a figure to the table being gathered (BENCH_FIGURES names its file). */
export function recordFigure(f: Figure): void {
  const file = process.env.BENCH_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify(f)}\n`);
}

export function readFigures(file: string): Figure[] {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Figure) : [];
}

export function figuresTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [f.figure, f.value, f.target, f.met === undefined ? "" : f.met ? "met" : "NOT MET"]);
  const head = ["figure", "now", "target", "met"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
