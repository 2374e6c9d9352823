// The report's generator runs outside the run's process group (a Ctrl-C must not stop it: stop-signals), so a signal
// to the group does not end it. When the run that started it is killed outright mid-report, it ends itself rather
// than go on writing a report no one will read. It reads result files as the run writes them, and the rest at the end.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { allureBundle } from "../reporters/allure-modules.mjs";
import { startAllureGenerator } from "../reporters/allure-report.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { generatorProcesses, generatorsLeft, statFields } from "./helpers/generators.ts";

/** So many results that their report takes the generator several seconds of CPU after it has loaded (about one). */
const RESULTS = 20_000;

/** The CPU a process has used, in clock ticks. */
const cpuTicks = (pid: number) => {
  const fields = statFields(pid);
  return Number(fields[11]) + Number(fields[12]);
};

describe.skipIf(!existsSync("/proc/self/stat"))("the report's generator", () => {
  it("ends itself once the run that started it is killed mid-report, writing no report", async ({ onTestFinished }) => {
    const root = mkdtempSync(join(tmpdir(), "orphan-"));
    onTestFinished(() => rmSync(root, { recursive: true, force: true })); // twenty thousand files
    const results = join(root, "allure-results");
    mkdirSync(results);
    for (let i = 0; i < RESULTS; i++) {
      const uuid = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
      writeFileSync(join(results, `${uuid}-result.json`), JSON.stringify({ uuid, name: `case ${i}`, fullName: `case ${i}`, historyId: `h${i}`, status: "passed", stage: "finished", start: 1, stop: 2, labels: [], steps: [], attachments: [] }));
    }
    const report = join(root, "report");
    const marker = `ORPHAN_TEST_RUN=${root}`;
    // The run: starts a generator, hands it the job, says so, and waits to be killed.
    const script = `import { startAllureGenerator } from ${JSON.stringify(join(PROJECT_ROOT, "reporters", "allure-report.ts"))};
      void startAllureGenerator().generate(${JSON.stringify(results)}, ${JSON.stringify(report)});
      process.stdout.write("asked\\n");
      setInterval(() => {}, 1000);`;
    const run = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ORPHAN_TEST_RUN: root } });
    await new Promise<void>((resolve) => createInterface({ input: run.stdout! }).once("line", () => resolve()));
    const [generator] = generatorProcesses({ env: marker });
    expect(generator).toBeDefined();
    // Mid-report: past the second or so of CPU its modules take to load (measured in CPU, not time, for a busy machine).
    while (cpuTicks(generator!) < 200) await new Promise((r) => setTimeout(r, 50));
    run.kill("SIGKILL");
    expect(await generatorsLeft({ env: marker }, 90_000)).toEqual([]);
    // Left alone it would have finished its report; it ended first.
    expect(existsSync(join(report, "index.html"))).toBe(false);
  }, 120_000);

  it("reads the files it is told of as they are written, and the rest when asked for the report, each once", async ({ onTestFinished }) => {
    const root = mkdtempSync(join(tmpdir(), "incremental-"));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const results = join(root, "allure-results");
    mkdirSync(results);
    const write = (i: number) => {
      const uuid = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
      writeFileSync(join(results, `${uuid}-result.json`), JSON.stringify({ uuid, name: `case ${i}`, fullName: `case ${i}`, historyId: `h${i}`, status: i === 2 ? "failed" : "passed", stage: "finished", start: 1, stop: 2, labels: [], steps: [], attachments: [] }));
      return `${uuid}-result.json`;
    };
    const generator = startAllureGenerator();
    generator.prepare(results, join(root, "report"));
    // Two files told of as they are written (one told twice), a third only written before the report is asked.
    generator.read(write(0));
    generator.read(write(1));
    generator.read(write(1));
    write(2);
    const html = await generator.generate(results, join(root, "report"), undefined, "incremental — gate: exit 1 FAILED");
    const summary = JSON.parse(readFileSync(join(root, "report", "summary.json"), "utf8")) as { name: string; stats: Record<string, number> };
    expect(summary.name).toBe("incremental — gate: exit 1 FAILED");
    expect(summary.stats).toMatchObject({ total: 3, passed: 2, failed: 1 });
    expect(readFileSync(html, "utf8")).toContain("<title> incremental — gate: exit 1 FAILED </title>");
  }, 60_000);
});

describe("the report's CI and repository", () => {
  // Allure describes the CI job the report came from: a CI service's from its environment, or, run by hand, the git
  // repository of the folder the run was started in — the supplier's, never the harness's own checkout.
  const reportOf = async (cwd: string) => {
    const root = mkdtempSync(join(tmpdir(), "report-ci-"));
    const results = join(root, "allure-results");
    mkdirSync(results);
    const uuid = "00000000-0000-4000-8000-000000000001";
    writeFileSync(join(results, `${uuid}-result.json`), JSON.stringify({ uuid, name: "case", fullName: "case", historyId: "h", status: "passed", stage: "finished", start: 1, stop: 2, labels: [], steps: [], attachments: [] }));
    const html = readFileSync(await startAllureGenerator({ cwd }).generate(results, join(root, "report"), undefined, "ci"), "utf8");
    const at = html.indexOf('"ci":{');
    expect(at).toBeGreaterThan(0);
    // The object that starts there, to the brace that closes it (its values hold none).
    let end = at + 5;
    for (let depth = 0; ; end++) {
      if (html[end] === "{") depth++;
      else if (html[end] === "}" && --depth === 0) break;
    }
    return JSON.parse(html.slice(at + 5, end + 1)) as Record<string, unknown>;
  };
  const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], { cwd, stdio: "ignore" });
  // Where one of the CI services Allure knows is detected (by these variables), it describes that job instead.
  const ciEnv = ["CODEBUILD_BUILD_ARN", "SYSTEM_DEFINITIONID", "BITBUCKET_PIPELINE_UUID", "CIRCLECI", "DRONE_SYSTEM_HOST", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL"];

  it.skipIf(ciEnv.some((name) => process.env[name]))("names the repository and branch of the folder the run started in, or none", async () => {
    const repo = join(mkdtempSync(join(tmpdir(), "report-ci-")), "clinical-system");
    mkdirSync(repo);
    git(repo, "init", "-q", "-b", "supplier-branch");
    git(repo, "commit", "-q", "--allow-empty", "-m", "first");
    git(repo, "remote", "add", "origin", "https://github.com/supplier/clinical-system.git");
    const inRepo = await reportOf(repo);
    expect(inRepo).toMatchObject({ type: "local", repoName: "clinical-system", jobRunBranch: "supplier-branch", repository: { slug: "supplier/clinical-system" } });
    const outside = await reportOf(mkdtempSync(join(tmpdir(), "report-ci-plain-")));
    expect(outside).toMatchObject({ type: "local", repoName: "", jobRunBranch: "" });
    expect(JSON.stringify(outside)).not.toContain(basename(PROJECT_ROOT));
  }, 60_000);
});

describe("the report's generator, from its bundled modules", () => {
  // Allure's modules are loaded from one esbuild bundle (reporters/allure-modules.mjs). The report must be the one the
  // modules as installed write: same data files, same content, once the ids and times each report makes afresh are
  // set aside.
  it("writes the report the modules as installed write", async ({ onTestFinished }) => {
    const bundle = await allureBundle();
    expect(bundle, "the bundle is built").toMatch(/allure-modules\.cjs$/);
    const root = mkdtempSync(join(tmpdir(), "bundled-"));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const results = join(root, "allure-results");
    mkdirSync(results);
    writeFileSync(join(results, "exchange-attachment.txt"), "POST /nrls/DocumentReference\n\n201 Created");
    for (let i = 0; i < 3; i++) {
      const uuid = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
      writeFileSync(join(results, `${uuid}-result.json`), JSON.stringify({
        uuid, name: `case ${i}`, fullName: `case ${i}`, historyId: `h${i}`, status: i === 2 ? "failed" : "passed", stage: "finished", start: 1, stop: 2,
        labels: [{ name: "epic", value: "NRLS" }, { name: "feature", value: "Create pointer" }, { name: "story", value: `NRLS-CRT-0${i + 1}` }],
        statusDetails: i === 2 ? { message: "expected 201; got 200" } : {}, steps: [], attachments: [{ name: "exchange", source: "exchange-attachment.txt", type: "text/plain" }],
      }));
    }
    const bundled = await startAllureGenerator().generate(results, join(root, "bundled"), undefined, "bundled");
    // The environment is read when the generator is spawned, synchronously: no other test of this worker runs between.
    process.env.SPINE_ASSURE_ALLURE_UNBUNDLED = "1";
    let installed: Promise<string>;
    try {
      installed = startAllureGenerator().generate(results, join(root, "installed"), undefined, "bundled");
    } finally {
      delete process.env.SPINE_ASSURE_ALLURE_UNBUNDLED;
    }
    const [a, b] = [readFileSync(bundled, "utf8"), readFileSync(await installed, "utf8")];
    expect(reportData(a).size).toBeGreaterThan(10);
    expect(reportData(a)).toEqual(reportData(b));
    // The bundled generator kept its compiled code (V8's code cache) once it had written a report, and a process started
    // as the run starts a generator (no flags on its command line; V8 tuned as the generator tunes itself first, which
    // the cache's flag hash must match) compiles the bundle from it: V8 takes the cache. A report written with the cache
    // is the same report.
    expect(existsSync(`${bundle}.v8cache`), "the code cache is written").toBe(true);
    const load = `import { tuneForShortRun } from ${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, "bin", "v8-flags.js")).href)};
      import { loadBundle } from ${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, "reporters", "allure-modules.mjs")).href)};
      tuneForShortRun();
      const { cached, exports } = loadBundle(${JSON.stringify(bundle)});
      console.log(JSON.stringify({ cached, exports: Object.keys(exports).sort() }));`;
    expect(JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", load], { encoding: "utf8" }))).toEqual({ cached: true, exports: ["AllureReport", "BufferResultFile", "PathResultFile", "detect", "resolveConfig"] });
    const again = await startAllureGenerator().generate(results, join(root, "again"), undefined, "bundled");
    expect(reportData(readFileSync(again, "utf8"))).toEqual(reportData(a));
  }, 120_000);
});

/**
 * A single-file report's page and each embedded data file, decoded, with the ids and times made per report taken out.
 */
function reportData(html: string): Map<string, string> {
  const fresh = (text: string) => text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")
    .replace(/"(createdAt|cacheKey)":"?\d+"?/g, '"$1":0')
    .replace(/"[A-Za-z0-9_-]{21}"/g, '"<nanoid>"');
  const files = new Map<string, string>();
  const page = html.replace(/d\("([^"]+)","([A-Za-z0-9+/=]*)"\)/g, (_m, name: string, data: string) => {
    files.set(name, fresh(Buffer.from(data, "base64").toString("utf8")));
    return `d("${name}")`;
  });
  // Lines left blank where the installed plugin's analytics were cut out (the bundle writes none) are no difference.
  files.set("(page)", fresh(page).replace(/\n[ \t]*(?=\n)/g, ""));
  return files;
}
