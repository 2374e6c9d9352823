// The single-file report opened in a real browser (Debian's chromium, driven by playwright-core): the tree is
// API → interaction → requirement, a failed rule shows what came back, and an HTTP exchange renders redacted. And the
// folder report a run too large for one page gets, served as its reader is told to serve it.
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, normalize } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportLayoutFor, reportShown, SINGLE_FILE_MAX_CASES, startAllureGenerator } from "../reporters/allure-report.ts";
import { filesUnder } from "../src/files-under.ts";
import { loadSuites } from "../src/suite/load-suites.ts";
import type { CliRun } from "./helpers/run-cli.ts";
import { runAssureInProcess } from "./helpers/run-in-process.ts";

const CHROMIUM = "/usr/bin/chromium";
const UI_TIMEOUT = 60_000;
/** One load of the single-file report, alone about 3 s: generous for a loaded machine, and tried twice. */
const LOAD_TIMEOUT = 90_000;
const TOKEN = "AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#";
const available = existsSync(CHROMIUM);
if (!available) console.warn(`report-browser: SKIPPED — ${CHROMIUM} not found (apt-get install chromium); the report was not checked in a browser`);

describe.skipIf(!available)("the Allure report in headless Chromium", { timeout: 300_000 }, () => {
  let run: CliRun;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    run = await runAssureInProcess([], { SANDBOX_FAULTS: "nrls-location-path-id" });
    browser = await launch();
    await openReport();
  }, 360_000);

  const launch = () => chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });

  // A fresh context each time: the report keeps its expanded tree in local storage.
  async function openReport(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await page?.context().close().catch(() => undefined);
      const context = await browser.newContext({ viewport: { width: 1400, height: 1600 } });
      page = await context.newPage();
      const seen: string[] = [];
      page.on("crash", () => seen.push("the page crashed"));
      page.on("pageerror", (e) => seen.push(`page error: ${e.message}`));
      page.on("console", (m) => void (m.type() === "error" && seen.push(`console error: ${m.text()}`)));
      try {
        await page.goto(`file://${join(run.outDir, "allure-report", "index.html")}`);
        // The report is one large file of inline script (about 3 s of a core in Chromium). Any visible title counts:
        // the first in the document may be one the layout hides.
        await page.getByText("Spine assurance report").filter({ visible: true }).first().waitFor({ timeout: LOAD_TIMEOUT });
        return;
      } catch (e) {
        // Once, on CI, a third load of the same report showed no title within two minutes where the first two had
        // taken seconds. What the page showed is said, so a report that does not render is seen for what it is; the
        // load is tried once more in a fresh browser, and a second failure fails the test.
        const state = await page
          .evaluate("({ readyState: document.readyState, title: document.title, text: document.body?.innerText.slice(0, 200) })")
          .catch((err: unknown) => String(err));
        console.warn(`report-browser: load ${attempt} of the report showed no title within ${LOAD_TIMEOUT} ms (${(e as Error).message.split("\n")[0]}): ${JSON.stringify(state)}${seen.length ? `; ${seen.join("; ")}` : ""}`);
        if (attempt === 2) throw e;
        await browser.close().catch(() => undefined);
        browser = await launch();
      }
    }
  }
  afterAll(async () => {
    await browser?.close();
  });

  const click = async (text: string, exact = false) => {
    await page.getByText(text, { exact }).first().click({ timeout: UI_TIMEOUT });
  };

  it("groups tests API → interaction → requirement", async () => {
    expect(run.code).toBe(1);
    for (const text of ["e-RS", "NRLS", "Create pointer", "NRLS-CRT-01", "NRLS-CRT-07"]) {
      await expect.poll(() => page.getByText(text, { exact: true }).count(), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
    }
    await click("e-RS", true);
    await click("Professional Session (A001");
    await expect.poll(() => page.getByText("ERS-A001-01", { exact: true }).count(), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
  });

  it("shows a failed rule's expectation and what came back", async () => {
    await click("NRLS-CRT-07: Create a valid pointer, json");
    await expect.poll(() => page.content(), { timeout: UI_TIMEOUT }).toMatch(/expected Location matches .*; got https:\/\/127\.0\.0\.1:\d+\/nrls\/DocumentReference\/[0-9a-f-]+/);
    // CRT-07 is not the first requirement of its case: each requirement's test carries the exchange too.
    await page.getByText("HTTP exchange: create the pointer").last().click({ timeout: UI_TIMEOUT });
    await expect.poll(() => page.content(), { timeout: UI_TIMEOUT }).toContain("Mental health crisis plan (record artifact)");
    expect(await page.content()).not.toContain(">missed<");
    // The check's title shows its regex exactly as the suite writes it, brackets and all.
    expect(await page.getByText("NRLS-CRT-07: Location matches /^https:\\/\\/[^/?#]+(/[^?#]*)?/DocumentReference\\?_id=[^&#]+$/", { exact: true }).count()).toBeGreaterThan(0);
  });

  it("renders the HTTP exchange with secrets redacted", async () => {
    await openReport();
    await click("e-RS", true);
    await click("Professional Session (A001");
    await click("ERS-A001-01");
    await click("ERS-A001-01: Create");
    await click("create the session (A001)");
    await click("HTTP exchange: create the session");
    await expect.poll(() => page.content(), { timeout: UI_TIMEOUT }).toContain("/ers-api/v1/ProfessionalSession");
    const html = await page.content();
    expect(html).toContain("__ALLURE_REDACTED__");
    expect(html).not.toContain(TOKEN);
    expect(html).not.toMatch(/pro-xapi-session_[0-9a-f]{8}/);
  });

  it("opens on the assessor's first screen: the gate, the targets, who signed, the requirements linking to their tests", async () => {
    const dir = join(run.outDir, "runs", readFileSync(join(run.outDir, "latest-run"), "utf8").trim());
    await page.goto(`file://${join(dir, "index.html")}`);
    await expect.poll(() => page.locator("#gate").textContent(), { timeout: UI_TIMEOUT }).toMatch(/Gate: exit 1 — FAIL: 1 requirement\(s\) failed: NRLS-CRT-07/);
    const text = (await page.textContent("body"))!;
    expect(text).toContain("embedded sandbox, not an NHS environment");
    expect(text).toContain("faults nrls-location-path-id");
    expect(text).toContain("CN=spine-assure test client 200000000118");
    // Every requirement of every API module's suites, and each API's table's header row.
    const suites = loadSuites();
    expect(await page.locator("table.reqs tr").count()).toBe(suites.reduce((n, s) => n + s.requirements.length, 0) + new Set(suites.map((s) => s.api)).size);
    expect(text).not.toContain(TOKEN);
    await page.screenshot({ path: join(run.outDir, "first-screen.png"), fullPage: false });
    // The failed requirement links to its test in the report, which opens on that test.
    await page.locator("tr:has(b:text('FAIL')) td.tests a").first().click({ timeout: UI_TIMEOUT });
    // A new load of the whole single-file report: on a loaded machine it can take a while before the test shows.
    const error = page.locator('[data-testid="test-result-error-message"]').first();
    await error.waitFor({ timeout: 2 * UI_TIMEOUT });
    expect(await error.textContent()).toMatch(/^NRLS-CRT-07: expected Location matches .*\(check at suites\/nrls\/create\.yaml:\d+\)$/);
  });

  it("titles HDR-05's cases with the claim left out, and shows the JWT sent, decoded, beside its exchange", async () => {
    await openReport();
    await click("NRLS-HDR-05", true);
    await click("NRLS-HDR-05: A JWT without requesting_organization is rejected, naming the claim, json response");
    await click("create with a JWT without requesting_organization");
    await expect.poll(() => page.content(), { timeout: UI_TIMEOUT }).toContain("JWT claim requesting_system");
    await expect.poll(() => page.content(), { timeout: UI_TIMEOUT }).toContain("requesting_system");
    const html = await page.content();
    expect(html).toContain("alg");
    expect(html).not.toContain("{{claim}}");
    expect(html).not.toContain(TOKEN);
  });

  it("builds history: a second run into the same folder has no new tests and a history per test", async () => {
    // One requirement's cases again (not the whole run a second time): each of its tests has the first run's as history.
    const second = await runAssureInProcess(["--out", run.outDir, "--requirement", "NRLS-CRT-07"], { SANDBOX_FAULTS: "nrls-location-path-id" });
    expect(second.code).toBe(1);
    await openReport();
    await click("NRLS-CRT-07: Create a valid pointer, json");
    await expect.poll(() => page.getByText(/^History\s*1$/).count(), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
    await page.screenshot({ path: join(run.outDir, "history.png") });
    // The report's own summary of the run: no test is new.
    const lines = readFileSync(join(run.outDir, "allure-history.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(2);
    const [first, last] = lines.map((l) => JSON.parse(l) as { testResults: Record<string, unknown> });
    const shared = Object.keys(last!.testResults).filter((id) => id in first!.testResults);
    expect(shared.length).toBe(Object.keys(last!.testResults).length);
  });

  it("writes a run too large for one page as a folder report, which a browser reads served, secrets redacted", async ({ onTestFinished }) => {
    // The layout follows the run's size; this run's own results are written as the larger runs' are.
    expect(reportLayoutFor(SINGLE_FILE_MAX_CASES)).toBe("single-file");
    expect(reportLayoutFor(SINGLE_FILE_MAX_CASES + 1)).toBe("folder");
    expect(reportShown("out/allure-report", SINGLE_FILE_MAX_CASES + 1)).toMatch(/^out\/allure-report\/ — a folder report .*npx allure open out\/allure-report$/);
    const dir = join(run.outDir, "runs", readFileSync(join(run.outDir, "latest-run"), "utf8").trim());
    const folder = join(run.outDir, "folder-report");
    const index = await startAllureGenerator().generate(join(dir, "allure-results"), folder, undefined, "Spine assurance report — folder", 120_000, "folder");
    // The page holds no run data: each test is a file of its own beside it.
    expect(readFileSync(index, "utf8").length).toBeLessThan(100_000);
    const files = filesUnder(folder);
    const tests = filesUnder(join(dir, "allure-results")).filter((f) => f.endsWith("-result.json")).length;
    expect(tests).toBeGreaterThan(0);
    expect(files.filter((f) => f.includes("/data/test-results/")).length).toBe(tests);
    for (const f of files) expect(readFileSync(f, "latin1").includes(TOKEN), f).toBe(false);
    const server = createServer((req, res) => {
      const path = join(folder, normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)));
      readFile(path.startsWith(folder) ? path : folder).then((data) => res.end(data), () => res.writeHead(404).end());
    }).listen(0, "127.0.0.1");
    onTestFinished(() => void server.close());
    await new Promise((resolve) => server.once("listening", resolve));
    const context = await browser.newContext({ viewport: { width: 1400, height: 1600 } });
    onTestFinished(() => context.close());
    const served = await context.newPage();
    await served.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
    await served.getByText("Spine assurance report — folder").filter({ visible: true }).first().waitFor({ timeout: LOAD_TIMEOUT });
    await served.getByText("NRLS-CRT-07: Create a valid pointer, json").first().click({ timeout: UI_TIMEOUT });
    await expect.poll(() => served.content(), { timeout: UI_TIMEOUT }).toMatch(/expected Location matches .*; got https:\/\/127\.0\.0\.1:\d+\/nrls\/DocumentReference\/[0-9a-f-]+/);
    expect(await served.content()).not.toContain(TOKEN);
  });
});
