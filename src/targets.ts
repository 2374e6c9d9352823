// The APIs a run can be pointed at, as the engine sees them: the API modules of src/apis.ts. A suite names one as its
// `target:`; configuration reads its base URL from the module's variable (the command line's --<name>-url overrides
// it); the embedded sandbox serves it under its sandbox path.
import { APIS, type ApiName } from "./apis.ts";

export const TARGETS = APIS;

export type TargetName = ApiName;

export const TARGET_NAMES: readonly TargetName[] = TARGETS.map((t) => t.name);

export function isTargetName(name: string): name is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(name);
}

/** The module of a target. */
export function apiOf(name: TargetName): (typeof TARGETS)[number] {
  return TARGETS.find((t) => t.name === name)!;
}

/**
 * The APIs a run leaves out: once any API has a base URL, those without one (never sent to the embedded sandbox,
 * which stands in only when no API has a target).
 */
export function targetsNotRun(baseUrls: Readonly<Partial<Record<TargetName, string | undefined>>>): (typeof TARGETS)[number][] {
  return TARGETS.some((t) => baseUrls[t.name]) ? TARGETS.filter((t) => !baseUrls[t.name]) : [];
}
