// Why a filter selected nothing, in words a user can act on: each value no suite knows, with the known ones closest to
// what was typed. A run that selects nothing is an error, never an empty pass a CI gate would read as green.
import { distance } from "fastest-levenshtein";
import type { PlannedCase, PlanFilter } from "./make-plan.ts";

export function filterProblems(all: readonly PlannedCase[], filter: PlanFilter): string[] {
  const problems: string[] = [];
  const unknown = (option: string, given: string[] | undefined, known: Iterable<string>) => {
    const valid = [...new Set(known)].sort();
    for (const value of given ?? []) {
      if (valid.includes(value)) continue;
      const near = closest(value, valid);
      // A long list helps nobody: then only the nearest, and where to see them all.
      const known = valid.length > 15 ? "spine-assure run --list shows them all" : `known: ${valid.join(", ")}`;
      problems.push(`${option} ${value}: no such ${option.slice(2)}${near.length ? `; did you mean ${near.join(", ")}?` : ""} (${known})`);
    }
  };
  unknown("--suite", filter.suites, all.map((c) => c.suite));
  unknown("--requirement", filter.requirements, all.flatMap((c) => c.verifies));
  unknown("--tag", filter.tags, all.flatMap((c) => c.tags));
  if (filter.caseKeys && !all.some((c) => filter.caseKeys!.includes(c.key))) problems.push(`none of the ${filter.caseKeys.length} case(s) asked for exists in the suites now (they may have been renamed)`);
  if (!problems.length) problems.push("each filter names something that exists, but no case matches them all together (spine-assure run --list shows every case with its suite, requirements and tags)");
  return problems;
}

/** Up to three known values nearest to `typed`: containing it (or contained in it), or within a few edits. */
export function closest(typed: string, known: readonly string[]): string[] {
  const t = typed.toLowerCase();
  const limit = Math.max(2, Math.floor(t.length / 3));
  const scored = known.map((k) => {
    const v = k.toLowerCase();
    return { k, score: distance(t, v), near: v.includes(t) || t.includes(v) };
  });
  return scored.filter((s) => s.near || s.score <= limit).sort((a, b) => a.score - b.score || a.k.localeCompare(b.k)).slice(0, 3).map((s) => s.k);
}
