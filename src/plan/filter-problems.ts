// Why a filter selected nothing, in words a user can act on: each value no suite knows, with the known ones closest to
// what was typed. A run that selects nothing is an error, never an empty pass a CI gate would read as green.
import { closest } from "../nearest-names.ts";
import type { PlannedCase, PlanFilter } from "./make-plan.ts";

export function filterProblems(all: readonly PlannedCase[], filter: PlanFilter): string[] {
  const problems: string[] = [];
  const unknown = (option: string, given: string[] | undefined, known: Iterable<string>) => {
    const valid = [...new Set(known)].sort();
    for (const value of given ?? []) {
      if (valid.includes(value)) continue;
      const near = closest(value, valid);
      // A long list helps nobody: then only the nearest, and where to see them all.
      const known = valid.length > 20 ? "spine-assure run --list shows them all" : `known: ${valid.join(", ")}`;
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
