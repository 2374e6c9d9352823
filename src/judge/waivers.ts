// waivers.yaml: known failures accepted until a date, with who approved them. A waived requirement is `waived`
// everywhere and does not gate; after its expiry date it gates again and the run says so.
import { existsSync, readFileSync } from "node:fs";
import { closest } from "../nearest-names.ts";
import { formatSchemaErrors, validatorFor } from "../suite/schemas.ts";
import { yaml } from "../suite/yaml.ts";
import type { RequirementVerdict } from "../model/run-result.ts";

export interface Waiver {
  requirement: string;
  reason: string;
  /** YYYY-MM-DD, the last day the waiver holds (UTC). */
  expires: string;
  approvedBy: string;
}

export class WaiverError extends Error {
  override name = "WaiverError";
}

/**
 * Reads a waivers file; a missing default file means no waivers, a missing named one is an error. `known`: the
 * requirement ids of the suites — a waiver for any other would silently waive nothing.
 */
export function loadWaivers(path: string, required: boolean, known?: readonly string[]): Waiver[] {
  if (!existsSync(path)) {
    if (required) throw new WaiverError(`waivers file not found: ${path}`);
    return [];
  }
  let data: unknown;
  try {
    data = yaml().parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new WaiverError(`${path}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const validate = validatorFor("waivers.schema.json");
  if (!validate(data)) throw new WaiverError(`${path}: ${formatSchemaErrors(validate.errors).join("; ")}`);
  const waivers = (data as { waivers: Waiver[] }).waivers;
  // Two waivers for one requirement: which holds (and until when) would depend on their order.
  const twice = waivers.map((w) => w.requirement).filter((id, i, all) => all.indexOf(id) !== i);
  if (twice.length) throw new WaiverError(`${path}: more than one waiver for ${[...new Set(twice)].join(", ")}: keep one per requirement`);
  for (const w of waivers) {
    // A calendar date, not just its shape: 2026-02-30 is not a day.
    const day = new Date(`${w.expires}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== w.expires) throw new WaiverError(`${path}: waiver for ${w.requirement}: expires "${w.expires}" is not a date`);
    if (known && !known.includes(w.requirement)) {
      const near = closest(w.requirement, known);
      throw new WaiverError(`${path}: waiver for ${w.requirement}: no suite has that requirement${near.length ? `; did you mean ${near.join(", ")}?` : ""}`);
    }
  }
  return waivers;
}

export function isExpired(w: Waiver, now: Date): boolean {
  return now.getTime() > Date.parse(`${w.expires}T23:59:59.999Z`);
}

/** Marks failing or warning requirements with an active waiver `waived`; records expired ones, which still gate. */
export function applyWaivers(verdicts: RequirementVerdict[], waivers: Waiver[], now = new Date()): { expired: Waiver[]; applied: Waiver[] } {
  const expired: Waiver[] = [];
  const applied: Waiver[] = [];
  for (const v of verdicts) {
    const w = waivers.find((x) => x.requirement === v.id);
    if (!w) continue;
    const gone = isExpired(w, now);
    v.waiver = { ...w, expired: gone };
    if (gone) {
      if (v.verdict === "fail" || v.verdict === "warning") expired.push(w);
      continue;
    }
    if (v.verdict === "fail" || v.verdict === "warning") {
      v.reason = `waived until ${w.expires} by ${w.approvedBy}: ${w.reason} (was ${v.verdict}${v.reason ? `: ${v.reason}` : ""})`;
      v.verdict = "waived";
      applied.push(w);
    }
  }
  return { expired, applied };
}
