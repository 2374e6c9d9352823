// requests.csv: a client assessment's request log — every request the supplier's system sent, in arrival order, with
// the sandbox's answer, how it was judged, the rules it broke and, for a request kept in full, its case (whose
// exchange and checks are in run-result.json and the Allure report). Nothing for a run against a target.
import type { RunResult } from "../src/model/run-result.ts";
import { csvCell } from "./coverage-matrix.ts";

const COLUMNS = ["n", "at", "method", "path", "status", "api", "interaction", "outcome", "broke", "kept"] as const;

export function requestLogCsv(run: RunResult): string | undefined {
  if (!run.requestLog) return undefined;
  const rows = run.requestLog.map((e) => [String(e.n), e.at, e.method, e.path, String(e.status), e.target ?? "", e.interaction ?? "", e.outcome, (e.broke ?? []).join(" "), e.kept ?? ""]);
  return [COLUMNS.join(","), ...rows.map((r) => r.map(csvCell).join(","))].join("\r\n") + "\r\n";
}
