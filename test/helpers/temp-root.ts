// Vitest's global setup: every temporary folder of one `npm test` goes under one root, removed when the tests end.
// The tests write whole runs (run folders, Allure results, HTML reports) into folders of their own; before this, each
// `npm test` left some 600 MB and 40,000 files in the system's temporary folder. TMPDIR is what os.tmpdir() reads,
// here, in every test worker (forked after this runs, with this process's environment) and in every CLI a test spawns
// (test/helpers/run-cli.ts passes it on). SPINE_ASSURE_KEEP_TEST_TMP=1 keeps the root and says where it is.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PREFIX = "spine-assure-tests-";

export default function setup(): (() => void) | undefined {
  // Vitest may call a global setup once per project: the first call makes the root, the others find it.
  if (process.env.SPINE_ASSURE_TEST_TMP) return undefined;
  const parent = tmpdir();
  sweepAbandoned(parent);
  const before = process.env.TMPDIR;
  // The process's id in the name: a root whose process is gone was abandoned (the tests were killed).
  const root = mkdtempSync(join(parent, `${PREFIX}${process.pid}-`));
  process.env.TMPDIR = root;
  process.env.SPINE_ASSURE_TEST_TMP = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    delete process.env.SPINE_ASSURE_TEST_TMP;
    if (process.env.SPINE_ASSURE_KEEP_TEST_TMP === "1") {
      console.log(`the tests' temporary folders were kept: ${root}`);
      return;
    }
    removeInBackground(root);
  };
}

/**
 * Removing 40,000 files takes seconds that nothing waits on: renamed out of the way first (so nothing can use it), the
 * root is removed by a process of its own that outlives the tests; where that cannot start, here and now.
 */
function removeInBackground(root: string): void {
  const doomed = `${root}.removing`;
  try {
    renameSync(root, doomed);
    const rm = spawn("rm", ["-rf", "--", doomed], { detached: true, stdio: "ignore" });
    rm.on("error", () => rmSync(doomed, { recursive: true, force: true }));
    rm.unref();
  } catch {
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Roots of earlier test runs that were killed before their teardown, or whose removal was cut short. */
export function sweepAbandoned(parent: string): void {
  let names: string[];
  try {
    names = readdirSync(parent).filter((n) => n.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^(\d+)-/.exec(name.slice(PREFIX.length))?.[1]);
    if (!name.endsWith(".removing") && !(pid && !alive(pid))) continue;
    try {
      rmSync(join(parent, name), { recursive: true, force: true });
    } catch {
      // Another process removing it too (a background removal still under way): it will finish the job.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
