// run-result.json, the one truth every output and `report RUN` render from, has a schema generated from the RunResult
// type (that the committed one is current: run-result-schema.test.ts) and is validated when read: a pack of another
// resultVersion is refused by name, a malformed one names what is wrong, and a result the harness wrote reads back whole.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDirectory } from "../sandbox/directory.ts";
import { ClientAssessment, clientRunResult } from "../src/client/assessment.ts";
import { clientCatalogue } from "../src/client/catalogue.ts";
import { readRunResult, RunResultError } from "../src/evidence/run-result-file.ts";

const dir = mkdtempSync(join(tmpdir(), "run-result-"));
const baseUrls = { ers: "https://127.0.0.1:9443/ers-api", nrls: "https://127.0.0.1:9443/nrls" };
const catalogue = clientCatalogue();
const { run } = clientRunResult({
  runId: "20261202-000000-abcdef", startedAt: Date.now(), tool: { name: "spine-assure", version: "test" },
  assessment: await ClientAssessment.create({ catalogue, directory: loadDirectory(), baseUrls, evidenceMaxBodyBytes: 1024 }),
  catalogue, baseUrls, tls: true, ended: "test", printed: [],
});
const write = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
};

describe("run-result.json", () => {
  it("reads back a result the harness made", () => {
    // An assessment that received nothing: one of the gate's own rules, decided where every gate is.
    expect(run.gate).toMatchObject({ exitCode: 3, result: "unreachable" });
    expect(readRunResult(write("ok.json", run))).toEqual(run);
  });

  it("refuses a result of another version by name, before reading the rest", () => {
    expect(() => readRunResult(write("v2.json", { ...run, resultVersion: 2, gate: "whatever" }))).toThrow(/has resultVersion 2: this spine-assure reads run results of version 1/);
    expect(() => readRunResult(write("none.json", { runId: "x" }))).toThrow(/has resultVersion undefined/);
  });

  it("refuses a malformed result, naming what is wrong, and one that is not JSON", () => {
    const { gate: _gate, ...withoutGate } = run;
    expect(() => readRunResult(write("no-gate.json", withoutGate))).toThrow(RunResultError);
    expect(() => readRunResult(write("no-gate.json", withoutGate))).toThrow(/gate/);
    expect(() => readRunResult(write("bad-cases.json", { ...run, cases: "none" }))).toThrow(/cases/);
    expect(() => readRunResult(write("text.json", "{ not json"))).toThrow(/cannot be read as JSON/);
  });

  it("fails requests that are no documented interaction (a path outside every API's, another NRLS resource), naming them", async () => {
    const assessment = await ClientAssessment.create({ catalogue, directory: loadDirectory(), baseUrls, evidenceMaxBodyBytes: 1024 });
    for (const url of ["/favicon.ico", "/nrls/Patient/9876543210"]) {
      assessment.add({ method: "GET", url, headers: [["Host", "127.0.0.1"]], body: "", receivedAt: Date.now(), origin: "https://127.0.0.1:9443", response: { status: 404, headers: [], body: "Not found" }, durationMs: 1 });
    }
    const { run: other } = clientRunResult({ runId: "20261202-000001-abcdef", startedAt: Date.now(), tool: { name: "spine-assure", version: "test" }, assessment, catalogue, baseUrls, tls: true, ended: "test", printed: [] });
    expect(other.gate).toMatchObject({ exitCode: 1, result: "fail" });
    // A path under no API's base URL is judged by the first API the supplier was given (e-RS here).
    const messages = (id: string) => other.requirements.find((r) => r.id === id)!.cases.flatMap((c) => c.messages).join("\n");
    expect(messages("ERS-CLI-13")).toMatch(/got GET \/favicon\.ico/);
    expect(messages("NRLS-CLI-33")).toMatch(/got GET \/nrls\/Patient\/9876543210/);
  });
});
