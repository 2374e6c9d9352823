// The client-side rule catalogue (client-rules/catalogue.yaml), loaded and checked against its schema, each rule with
// the line it was written on: a client check's message ends "(rule at client-rules/catalogue.yaml:N)", as a server
// check's names its suite line.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { yaml } from "../suite/yaml.ts";
import type { PlannedRequirement } from "../plan/make-plan.ts";
import { PROJECT_ROOT } from "../project-root.ts";
import { TARGETS } from "../targets.ts";
import { formatSchemaErrors, validatorFor } from "../suite/schemas.ts";
import type { Basis, Level } from "../suite/types.ts";
import { yamlLines } from "../suite/yaml-lines.ts";

export const CATALOGUE_FILE = join(PROJECT_ROOT, "client-rules", "catalogue.yaml");

/** What a supplier's request can be, as the client rules name it: an interaction of an API module's client side. */
export type Interaction = string;

/** Every API module's documented interactions, by the name the catalogue's appliesTo uses. */
export const INTERACTIONS: Readonly<Record<Interaction, { api: string; name: string }>> = Object.assign({}, ...TARGETS.map((t) => t.client?.interactions ?? {})) as Record<Interaction, { api: string; name: string }>;

export interface ClientRule {
  id: string;
  /** How the report and the console group it (a group's rules are listed together, in id order). */
  group: string;
  level: Level;
  basis: Basis;
  /** A rule of the pointer itself: `validate` checks it offline. */
  payload: boolean;
  appliesTo: Interaction[];
  text: string;
  source: { file: string; section: string; url?: string };
  note?: string;
  /** Where the rule is written: client-rules/catalogue.yaml:N. */
  at: string;
}

export interface ClientCatalogue {
  version: number;
  file: string;
  rules: ClientRule[];
}

let cached: ClientCatalogue | undefined;

/** The catalogue; a broken one throws naming the file, line and field. */
export function clientCatalogue(file = CATALOGUE_FILE): ClientCatalogue {
  if (cached && file === CATALOGUE_FILE) return cached;
  const shown = relative(PROJECT_ROOT, file);
  const lines = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(readFileSync(file, "utf8"), { lineCounter: lines });
  if (doc.errors.length) throw new Error(`${shown}: ${doc.errors[0]!.message}`);
  const raw: unknown = doc.toJS();
  const validate = validatorFor("client-rules.schema.json");
  const at = yamlLines(doc, lines, raw);
  if (!validate(raw)) {
    // Each problem at the line of the rule it is in: /rules/3/source → the fourth rule's line and id.
    const where = (path: string) => {
      const i = /^\/rules\/(\d+)/.exec(path)?.[1];
      const rule = i === undefined ? undefined : ((raw as { rules?: unknown[] }).rules ?? [])[Number(i)];
      return rule && typeof rule === "object" ? `${shown}:${at.get(rule) ?? 1} (${String((rule as { id?: unknown }).id)})` : shown;
    };
    throw new Error((validate.errors ?? []).map((e) => `${where(e.instancePath)}: ${formatSchemaErrors([e])[0]}`).join("\n"));
  }
  const data = raw as { version: number; sources: Record<string, string>; rules: unknown[] };
  const seen = new Set<string>();
  const rules = (data.rules as (Omit<ClientRule, "at" | "payload"> & { payload?: boolean })[]).map((r) => {
    if (seen.has(r.id)) throw new Error(`${shown}:${at.get(r)}: rule ${r.id} is listed twice`);
    const unknown = r.appliesTo.filter((i) => !INTERACTIONS[i]);
    if (unknown.length) throw new Error(`${shown}:${at.get(r)}: rule ${r.id} applies to ${unknown.join(", ")}, not an interaction of any API module (${Object.keys(INTERACTIONS).join(", ")})`);
    seen.add(r.id);
    return { ...r, payload: !!r.payload, source: { ...r.source, ...(data.sources[r.source.file] ? { url: data.sources[r.source.file] } : {}) }, at: `${shown}:${at.get(r) ?? 1}` };
  });
  const catalogue = { version: data.version, file: shown, rules };
  if (file === CATALOGUE_FILE) cached = catalogue;
  return catalogue;
}

/** The rules as requirements of a run: the API of the interactions each applies to, and its group. */
export function clientRequirements(catalogue: ClientCatalogue): PlannedRequirement[] {
  return catalogue.rules.map((r) => ({
    id: r.id, level: r.level, basis: r.basis, text: r.text, api: INTERACTIONS[r.appliesTo[0]!]!.api, interaction: r.group,
    suite: catalogue.file, source: r.source, ...(r.note ? { note: r.note } : {}),
  }) as PlannedRequirement);
}
