// Element lookups over fhirpath's STU3 model: which type an element has, whether it repeats, whether it is a
// primitive. The XML codec needs these because FHIR XML does not say what JSON needs (arrays, numbers, booleans).
import stu3 from "fhirpath/fhir-context/stu3";
import generatedOrder from "./stu3-element-order.generated.json" with { type: "json" };

interface ModelData {
  path2Type: Record<string, string>;
  path2Repeating: Record<string, boolean>;
  choiceTypePaths: Record<string, string[]>;
  pathsDefinedElsewhere: Record<string, string>;
  type2Parent: Record<string, string>;
}

const model = stu3 as unknown as ModelData;

/** Where an element's children are looked up: a named type ("Coding") or, for backbone elements, the path itself. */
export type Context = string;

export interface ElementInfo {
  /** The JSON property name: for choice types the full name, e.g. valueString. */
  name: string;
  /** The FHIR type: a primitive such as "uri", a datatype such as "Reference", or "Resource". */
  type: string;
  repeating: boolean;
  /** Where this element's own children are looked up. */
  context: Context;
}

const NUMBER_TYPES = new Set(["integer", "decimal", "positiveInt", "unsignedInt"]);

/** FHIR names its primitive types in lower case, every other type in upper (a character test: every element asks). */
export const isPrimitive = (type: string): boolean => {
  const c = type.charCodeAt(0);
  return c >= 97 && c <= 122;
};
export const isNumberType = (type: string): boolean => NUMBER_TYPES.has(type);
export const isResourceType = (name: string): boolean => {
  for (let t: string | undefined = name; t; t = model.type2Parent[t]) if (t === "Resource") return true;
  return false;
};

function childContext(path: string, type: string): Context {
  if (type === "BackboneElement" || type === "Element") return model.pathsDefinedElsewhere[path] ?? path;
  return type;
}

function parentOf(context: Context): string | undefined {
  if (model.type2Parent[context]) return model.type2Parent[context];
  // A backbone path (DocumentReference.content) inherits id/extension from BackboneElement.
  return context.includes(".") ? "BackboneElement" : undefined;
}

function capitalised(type: string): string {
  return type.charAt(0).toUpperCase() + type.slice(1);
}

/**
 * Looks up the element `name` (as it appears in XML or JSON) among the children of `context`. The answer depends on
 * the model alone, so it is kept (frozen: every caller shares it): every element of every body read or written, by the
 * harness and the sandbox alike, asks.
 */
export function lookupElement(context: Context, name: string): ElementInfo | undefined {
  let known = lookups.get(context);
  if (!known) lookups.set(context, (known = new Map()));
  let info = known.get(name);
  if (info === undefined) {
    const found = findElement(context, name);
    info = found ? Object.freeze(found) : null;
    // Names a model does not define come from the bodies under test: only a bounded number are kept.
    if (found || known.size < 1000) known.set(name, info);
  }
  return info ?? undefined;
}
const lookups = new Map<Context, Map<string, Readonly<ElementInfo> | null>>();

function findElement(context: Context, name: string): ElementInfo | undefined {
  for (let ctx: string | undefined = context; ctx; ctx = parentOf(ctx)) {
    const path = `${ctx}.${name}`;
    const type = model.path2Type[path];
    if (type) return { name, type, repeating: !!model.path2Repeating[path], context: childContext(path, type) };
    // Choice types: value[x] appears as valueString, valueCodeableConcept, ...
    for (const [choicePath, types] of choiceCandidates(ctx)) {
      const base = choicePath.slice(ctx.length + 1);
      if (!name.startsWith(base)) continue;
      const suffix = name.slice(base.length);
      const match = types.find((t) => t === suffix);
      if (!match) continue;
      const t = PRIMITIVE_NAMES.has(match) ? match.charAt(0).toLowerCase() + match.slice(1) : match;
      return { name, type: t, repeating: false, context: childContext(choicePath, t) };
    }
  }
  return undefined;
}

const PRIMITIVE_NAMES = new Set(
  ["base64Binary", "boolean", "code", "date", "dateTime", "decimal", "id", "instant", "integer", "markdown", "oid",
    "positiveInt", "string", "time", "unsignedInt", "uri", "uuid"].map(capitalised),
);

const choiceIndex = new Map<string, [string, string[]][]>();
function choiceCandidates(ctx: string): [string, string[]][] {
  let list = choiceIndex.get(ctx);
  if (!list) {
    list = Object.entries(model.choiceTypePaths).filter(([p]) => p.startsWith(`${ctx}.`) && !p.slice(ctx.length + 1).includes("."));
    choiceIndex.set(ctx, list);
  }
  return list;
}

// ---- element order ----

const ORDER = (generatedOrder as { order: Record<string, string[]> }).order;
const orderIndex = new Map<Context, Map<string, number>>();

/**
 * Each element of `context` with its place in the STU3 definition order (FHIR XML must follow it): from
 * stu3-element-order.generated.json, derived from the STU3 definitions (scripts/generate-stu3-order.ts). A backbone
 * path's declarations are named by its segments (DocumentReference.content: DocumentReferenceContent).
 */
export function elementOrder(context: Context): ReadonlyMap<string, number> {
  let index = orderIndex.get(context);
  if (!index) {
    // @types/fhir declares Resource's own elements as ResourceBase (its Resource is the union of every resource).
    const name = context === "Resource" ? "ResourceBase" : context.split(".").map(capitalised).join("");
    const declared = ORDER[name] ?? ORDER[context.includes(".") ? "BackboneElement" : "Element"] ?? [];
    index = new Map(declared.map((name, i) => [name, i]));
    orderIndex.set(context, index);
  }
  return index;
}
