// The sandbox's answer is evidence (issue: no request Spine would refuse may pass). The reference client's flow is
// bent one request at a time, one way at a time — each header dropped, emptied or renamed, the method, the path, the
// body cut or emptied — and every request the sandbox refuses (4xx or 5xx) must leave its case failed by a MUST rule:
// a rule of its own, or the API's catch-all. The refusals reached are listed, by status and code.
import { describe, expect, it } from "vitest";
import { clientCatalogue } from "../src/client/catalogue.ts";
import { createLimiter } from "../src/run/limiter.ts";
import { assessReferenceClient } from "./helpers/assess.ts";
import type { Outgoing } from "./helpers/reference-client.ts";

const catalogue = clientCatalogue();
const must = new Set(catalogue.rules.filter((r) => r.level === "MUST").map((r) => r.id));
const slot = createLimiter(4);

type Mutation = [string, (r: Outgoing) => Outgoing | undefined];
/** Ways to bend one request; undefined where the request has nothing to bend. */
function mutationsOf(sample: Outgoing): Mutation[] {
  const out: Mutation[] = [];
  for (const [name] of sample.headers) {
    out.push([`without ${name}`, (r) => ({ ...r, headers: r.headers.filter(([n]) => n !== name) })]);
    out.push([`${name}: x`, (r) => ({ ...r, headers: r.headers.map(([n, v]): [string, string] => [n, n === name ? "x" : v]) })]);
    if (name !== name.toLowerCase()) out.push([`${name.toLowerCase()} in lower case`, (r) => ({ ...r, headers: r.headers.map(([n, v]): [string, string] => [n === name ? n.toLowerCase() : n, v]) })]);
  }
  out.push(["method PATCH", (r) => ({ ...r, method: "PATCH" })]);
  out.push(["a path one segment longer", (r) => ({ ...r, path: r.path.replace(/(\?|$)/, "/x$1") })]);
  if (sample.body !== undefined) {
    out.push(["no body", (r) => ({ ...r, body: undefined })]);
    out.push(["half the body", (r) => ({ ...r, body: r.body?.slice(0, Math.floor(r.body.length / 2)) })]);
    out.push(["body null", (r) => ({ ...r, body: "null" })]);
  }
  return out;
}

// The conformant flow's requests, in order (the reference client sends nine): recorded once, to know what to bend.
async function conformantRequests(): Promise<{ interaction: string; r: Outgoing }[]> {
  const seen: { interaction: string; r: Outgoing }[] = [];
  await assessReferenceClient({ name: "record", request: (r, interaction) => (seen.push({ interaction, r }), r) });
  return seen;
}

describe("every request the sandbox refuses fails a MUST client rule", () => {
  it("holds for every way of bending every request of the reference client's flow", async () => {
    const flow = await conformantRequests();
    expect(flow).toHaveLength(9);
    const runs = flow.flatMap(({ interaction, r }, k) => mutationsOf(r).map(([how, bend]) => ({ what: `request ${k + 1} (${interaction}): ${how}`, k, bend })));
    const refusals = new Map<string, number>();
    const unblamed: string[] = [];
    await Promise.all(runs.map(({ what, k, bend }) => slot(async () => {
      let n = 0;
      const { run } = await assessReferenceClient({ name: what, request: (r) => (n++ === k ? (bend(r) ?? r) : r) });
      for (const c of run.cases) {
        const answer = c.steps[0]!.exchange!.response!;
        const status = answer.status;
        if (status < 400) continue;
        const code = /"code"\s*:\s*"([A-Z_]+)"|"errorCode"\s*:\s*"([A-Z_]+)"|<code value="([A-Z_]+)"/.exec(answer.body ?? "");
        const key = `${status} ${code?.[1] ?? code?.[2] ?? code?.[3] ?? "(no code)"}`;
        refusals.set(key, (refusals.get(key) ?? 0) + 1);
        const failedMust = c.steps[0]!.checks.filter((x) => x.outcome === "fail" && must.has(x.requirement)).map((x) => x.requirement);
        if (!failedMust.length) unblamed.push(`${what} → ${key}: ${c.title}`);
      }
      expect(run.gate.exitCode === 0 ? run.cases.every((c) => c.steps[0]!.exchange!.response!.status < 400) : true, what).toBe(true);
    })));
    console.log(`Sandbox refusals reached by ${runs.length} bent flows (status, code: requests)\n${[...refusals].sort().map(([k, n]) => `  ${k}: ${n}`).join("\n")}`);
    expect(unblamed).toEqual([]);
    // The bending reaches the sandbox's refusals of both APIs, not one kind of answer.
    expect(refusals.size).toBeGreaterThanOrEqual(8);
  }, 240_000);
});
