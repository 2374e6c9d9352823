// index.html of a run folder: the assessor's first screen. One static page, no script, readable from the folder alone:
// the gate decision, what was tested against what (embedded sandbox or NHS environment), with which data and by which
// endpoint identity (who signed the pack), then every requirement with its verdict, grouped by API, each linking to
// its tests in the Allure report. The per-test percentage is not the headline: requirements are.
import { describeSystem, type RunResult } from "../src/model/run-result.ts";
import { variantShown } from "../src/judge/judge-case.ts";
import { allureTestLink } from "./allure-results.ts";
import { reportLayoutFor } from "./allure-report.ts";
import { verdictReason } from "./coverage-matrix.ts";
import { firstCauses } from "./first-causes.ts";
import { esc, inlineCode } from "./html-text.ts";
import { BASIS_LEGEND, sourceTitle } from "./source-title.ts";

const VERDICT_SHOWN: Record<string, { label: string; colour: string }> = {
  pass: { label: "pass", colour: "#1b7f3b" },
  "pass-variant": { label: "pass with documented variant", colour: "#2f8f5b" },
  warning: { label: "warning", colour: "#a06000" },
  fail: { label: "FAIL", colour: "#b00020" },
  unsuitable: { label: "test data unsuitable", colour: "#1f4fa0" },
  waived: { label: "waived", colour: "#7a3fa0" },
  "not-applicable": { label: "not applicable", colour: "#555" },
  "not-run": { label: "not run", colour: "#777" },
};

export function firstScreen(run: RunResult): string {
  const gateOk = run.gate.exitCode === 0;
  const inputs = run.inputs;
  const sandbox = inputs?.targets.some((t) => t.kind === "embedded sandbox");
  const rows = (pairs: [string, string][]) => pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("");
  const counts = new Map<string, number>();
  const shownVerdict = (r: RunResult["requirements"][number]) => (r.verdict === "pass" && r.variants?.length ? "pass-variant" : r.verdict);
  for (const r of run.requirements) counts.set(shownVerdict(r), (counts.get(shownVerdict(r)) ?? 0) + 1);

  const byApi = [...new Set(run.requirements.map((r) => r.api))].map((api) => ({ api, reqs: run.requirements.filter((r) => r.api === api) }));
  const requirementRows = (reqs: RunResult["requirements"]) => reqs.map((r) => {
    const v = VERDICT_SHOWN[shownVerdict(r)] ?? { label: r.verdict, colour: "#333" };
    const reason = verdictReason(r);
    const variant = (r.variants ?? []).map(variantShown).join("; ");
    // In a merged latest view, a verdict from an older run links to that run's own report.
    const from = r.fromRun && r.fromRun !== run.runId ? `runs/${r.fromRun}/` : "";
    const tests = r.cases.filter((c) => c.status !== "not-run").map((c) => `<a href="${esc(from + allureTestLink(r.fromRun ?? run.runId, c.key, r.id))}">${esc(c.key)}</a>`).join("<br>");
    return `<tr><td class="id">${esc(r.id)}</td><td>${r.level}</td><td>${esc(r.basis)}</td><td><b style="color:${v.colour}">${esc(v.label)}</b></td>` +
      `<td>${inlineCode(r.text)}${reason ? `<div class="why">${esc(reason)}</div>` : ""}${variant ? `<div class="why">documented variant: ${esc(variant)}</div>` : ""}` +
      `${r.waiver ? `<div class="why">waiver: ${esc(r.waiver.reason)} — ${esc(r.waiver.approvedBy)}, ${r.waiver.expired ? "EXPIRED" : "until"} ${esc(r.waiver.expires)}</div>` : ""}</td>` +
      `<td class="tests">${tests || "—"}</td><td class="src">${r.source.url ? `<a href="${esc(r.source.url)}">${esc(sourceTitle(r.source))}</a>` : esc(sourceTitle(r.source))}</td></tr>`;
  }).join("\n");

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Spine assurance — ${run.assessment ? "client assessment" : "run"} ${esc(run.runId)}: exit ${run.gate.exitCode}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:20px;margin:0 0 8px} h2{font-size:16px;margin:24px 0 8px}
.gate{padding:14px 18px;border-radius:6px;color:#fff;font-size:18px;background:${gateOk ? "#1b7f3b" : "#b00020"}}
.banner{padding:10px 14px;margin:10px 0;border:2px solid #b00020;color:#b00020;font-weight:bold}
.note{padding:8px 12px;margin:10px 0;background:#fff6d6;border-left:4px solid #a06000}
table{border-collapse:collapse;width:100%} th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
table.kv th{width:220px;background:#f6f6f6;font-weight:600} .id{white-space:nowrap;font-family:monospace}
.why{color:#555;font-size:12px;margin-top:4px;white-space:pre-wrap;font-family:monospace} .tests,.src{font-size:12px}
.src{overflow-wrap:anywhere} code{background:#f3f3f3;padding:0 2px;border-radius:2px}
</style></head><body>
<h1>Spine assurance — ${run.assessment ? "client assessment" : "run"} ${esc(run.runId)}</h1>
${run.regenerated?.fromAltered ? `<div class="banner">REGENERATED FROM ALTERED RESULTS on ${esc(run.regenerated.fromAltered.at)}: these are not the outputs the run wrote. The run's own signed manifest is in original-manifest/.</div>` : ""}
<div class="gate" id="gate">Gate: exit ${run.gate.exitCode} — ${esc(run.gate.result.toUpperCase())}: ${esc(run.gate.reason)}</div>
${run.assessment ? `<div class="note" id="client-assessment"><b>Client assessment</b>: the embedded sandbox judged the ${run.assessment.requests} request(s) the supplier's own system sent it (${run.assessment.tls ? "over mutual TLS" : "over plain HTTP"}) against the client rule catalogue; the assessment ended: ${esc(run.assessment.ended)}.${run.assessment.kept !== undefined && run.assessment.kept < run.assessment.requests ? ` Every request was judged, counted in each rule's verdict and listed in <a href="requests.csv">requests.csv</a>; ${run.assessment.kept} are kept in full as cases (${esc(run.assessment.keptRule ?? "")}).` : ""} This is evidence about the supplier's system, not about an NHS environment; a rule no request exercised is "not run".<br><b>Assessed system</b>: ${run.assessment.system ? esc(describeSystem(run.assessment.system)) : "not named (assess-client was given no --system, --supplier or --system-asid)"}.</div>` : sandbox ? `<div class="note">Target: the <b>embedded sandbox</b>, not an NHS environment. A sandbox run shows the harness works; it is not evidence about an NHS environment.${inputs?.sandbox && (inputs.sandbox.faults.length || inputs.sandbox.variants.length) ? ` Switched on: faults ${esc(inputs.sandbox.faults.join(", ") || "none")}; variants ${esc(inputs.sandbox.variants.join(", ") || "none")}.` : ""}</div>` : ""}
${run.interrupted ? `<div class="banner">Interrupted by ${run.interrupted}: not a complete result.</div>` : ""}
<p>Requirements: ${[...counts].map(([k, n]) => `${n} ${esc(VERDICT_SHOWN[k]?.label ?? k)}`).join(", ")} of ${run.requirements.length}.
Full detail: <a href="allure-report/index.html">the Allure report</a> (it counts ${run.cases.reduce((n, c) => n + c.verifies.length, 0)} tests: one per case and requirement the case verifies, for ${run.cases.length} cases${reportLayoutFor(run.cases.length) === "folder" ? `; more than a single page holds, so it is a folder of files, which a browser reads only when it is served: <code>npx allure open allure-report</code> in this folder` : ""}), <a href="requirements.md">requirements.md</a>, <a href="summary.json">summary.json</a>.
Check this folder with <code>spine-assure verify-evidence &lt;this folder&gt; --ca &lt;roots you trust&gt;</code>.</p>
${causesSection(run)}
<h2>What was tested, against what</h2>
<table class="kv" id="inputs">${rows([
    ...(inputs?.targets ?? []).map((t): [string, string] => (run.assessment
      ? [`${t.api.toUpperCase()} base URL given to the supplier's system`, `${t.baseUrl ?? ""} (the embedded sandbox, ${run.targets.find((x) => x.name === t.api)?.requests ?? 0} request(s) received)`]
      : [`${t.api.toUpperCase()} target`, `${t.kind}${t.baseUrl ? ` — ${t.baseUrl}` : ""}${t.proxy ? `, through proxy ${t.proxy}` : ""}`])),
    ...(inputs?.targets ?? []).flatMap((t): [string, string][] => (t.clientCertificate ? [[`${t.api.toUpperCase()} client certificate`, t.clientCertificate]] : [])),
    ...(run.signedBy ?? []).map((s): [string, string] => [`Evidence signed by (${s.targets.join(", ")})`, `${s.subject}; issuer ${s.issuer}; serial ${s.serial}; valid ${s.validFrom.slice(0, 10)} to ${s.validTo.slice(0, 10)}${s.embedded ? " — the embedded sandbox's committed test identity: shows integrity, not who ran it" : ""}`]),
    ...(run.signedBy && !run.signedBy.length ? [["Evidence signed by", "nobody: unsigned (no client identity) — the manifest detects accidental change only"] as [string, string]] : []),
    ["Started", `${run.startedAt} (${Math.round(run.durationMs / 100) / 10} s)`],
    ...(run.assessment
      ? [["Mutual TLS", run.assessment.tls ? "yes: clients presented a certificate from the sandbox's test CA" : "no: plain HTTP (--http)"], ["Assessment ended", run.assessment.ended]] as [string, string][]
      : [["--strict", inputs?.strict ?? run.strict ? "yes: warnings gate" : "no"], ["Filters", run.filters ? JSON.stringify(run.filters) : "none: every suite"], ["Concurrency", String(inputs?.concurrency ?? "")]] as [string, string][]),
    ["Harness", inputs?.harness ?? `${run.tool.name} ${run.tool.version}`],
    ["Specifications", (inputs?.specifications ?? []).join("; ")],
    ["Rule catalogue", inputs?.ruleCatalogue ?? ""],
    ...(run.warnings ?? []).map((w): [string, string] => ["Warning", w]),
  ])}</table>
${Object.keys(inputs?.testData ?? {}).length ? `<h2>Test data</h2>
<table class="kv" id="test-data">${rows(Object.entries(inputs?.testData ?? {}).map(([k, v]): [string, string] => [k, `${v}${inputs?.sandboxDefaults.includes(k) ? " (the sandbox's default value)" : ""}`]))}</table>` : ""}
${byApi.map((g) => `<h2>${esc(g.api)}: ${g.reqs.length} requirements</h2>
<table class="reqs"><tr><th>Requirement</th><th>Level</th><th>Basis</th><th>Verdict</th><th>Rule, and why it is not a plain pass</th><th>Tests</th><th>Source</th></tr>
${requirementRows(g.reqs)}</table>`).join("\n")}
<p>Basis: ${Object.entries(BASIS_LEGEND).map(([k, v]) => `<b>${k}</b> ${esc(v)}`).join("; ")}.</p>
</body></html>
`;
}

/**
 * The failing rules by their first cause, when some failed only after another in the same cases: an assessor counts
 * the faults, not every rule a fault stopped from being shown.
 */
function causesSection(run: RunResult): string {
  const causes = firstCauses(run);
  if (!causes.some((c) => c.then.length)) return "";
  const text = (id: string) => run.requirements.find((r) => r.id === id)?.text ?? "";
  const items = causes.map((c) => `<li><span class="id">${esc(c.id)}</span> ${inlineCode(text(c.id))}${c.then.length ? `<div class="why">then, in the same cases, not shown because of it: ${c.then.map(esc).join(", ")}</div>` : ""}</li>`).join("\n");
  return `<h2 id="first-causes">Failures by first cause</h2>\n<p>${causes.length} first cause(s) behind ${causes.reduce((n, c) => n + 1 + c.then.length, 0)} rule(s) that failed or warned: a rule listed under another failed only after it, in every case it failed in.</p>\n<ul>${items}</ul>`;
}

