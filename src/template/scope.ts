// What a template name means: the one table of generators, and the order in which names are looked up for a step
// (the case's own variables, then its captures, then configuration, then generators). The loader checks names
// against the same table, so a name is valid exactly when the runner can give it a value.
import { randomUUID } from "node:crypto";
import type { Lookup } from "./template.ts";

/** What generators draw on, per case and step. */
export interface GeneratorContext {
  /** One UUID for the whole case, so its steps recognise what it created among other cases'. */
  caseUuid: string;
  /** The target's base URL. */
  target?: string;
  /** The Spine JWT of the step's `jwt:` block. */
  jwt?: string;
}

export const GENERATORS: Readonly<Record<string, { description: string; value: (ctx: GeneratorContext) => unknown }>> = {
  uuid: { description: "a new UUID at each use", value: () => randomUUID() },
  caseUuid: { description: "one UUID for the whole case", value: (ctx) => ctx.caseUuid },
  now: { description: "the current time (ISO 8601)", value: () => new Date().toISOString() },
  target: { description: "the target's base URL", value: (ctx) => ctx.target },
  jwt: { description: "the Spine JWT built from the step's jwt: block", value: (ctx) => ctx.jwt },
};

export const GENERATOR_NAMES = Object.keys(GENERATORS);

/** Names a case's `each:` may not take: generators, and the variables formats: sets. */
export const RESERVED_CASE_VARIABLES = [...GENERATOR_NAMES, "format", "mime"];

export interface Scope {
  vars?: Readonly<Record<string, unknown>>;
  captures?: Readonly<Record<string, string>>;
  config: Readonly<Record<string, string>>;
  generators: GeneratorContext;
}

export function lookupIn(scope: Scope): Lookup {
  return (name) => {
    if (scope.vars && name in scope.vars) return scope.vars[name];
    if (scope.captures && name in scope.captures) return scope.captures[name];
    if (name in scope.config) return scope.config[name];
    const generator = GENERATORS[name];
    return generator ? generator.value(scope.generators) : undefined;
  };
}

/**
 * The names a reader may see filled in: the case's variables, captures not marked secret, and configuration that is
 * not secret; generators only where one value holds for the whole case. Anything else stays a template.
 */
export function displayLookupIn(scope: Scope, secretNames: ReadonlySet<string>): Lookup {
  return (name) => {
    if (secretNames.has(name)) return undefined;
    if (scope.vars && name in scope.vars) return scope.vars[name];
    if (scope.captures && name in scope.captures) return scope.captures[name];
    if (name in scope.config) return scope.config[name];
    return name === "caseUuid" || name === "target" ? GENERATORS[name]!.value(scope.generators) : undefined;
  };
}
