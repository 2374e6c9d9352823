// The APIs a run can be pointed at. A suite names one as its `target:`; configuration reads its base URL from the
// variable named here (the command line's --<name>-url overrides it); the embedded sandbox serves it under its path.
// Adding an API adds a row here, with its suite, schemas and fixtures (README: "Adding an API").
export const TARGETS = [
  { name: "ers", label: "e-RS", baseUrlVariable: "ERS_BASE_URL", sandboxPath: "/ers-api", example: "https://api.int.ers.ncrs.nhs.uk/ers-api" },
  { name: "nrls", label: "NRLS", baseUrlVariable: "NRLS_BASE_URL", sandboxPath: "/nrls", example: "https://<host>/<path> (the part before /DocumentReference)" },
] as const;

export type TargetName = (typeof TARGETS)[number]["name"];

export const TARGET_NAMES: readonly TargetName[] = TARGETS.map((t) => t.name);

export function isTargetName(name: string): name is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(name);
}

/**
 * The APIs a run leaves out: once any API has a base URL, those without one (never sent to the embedded sandbox,
 * which stands in only when no API has a target).
 */
export function targetsNotRun(baseUrls: Readonly<Partial<Record<TargetName, string | undefined>>>): (typeof TARGETS)[number][] {
  return TARGETS.some((t) => baseUrls[t.name]) ? TARGETS.filter((t) => !baseUrls[t.name]) : [];
}
