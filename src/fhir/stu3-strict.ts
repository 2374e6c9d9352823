// FHIR STU3 JSON read as strictly as FHIR writes it: every member an element STU3 defines where it stands, arrays
// exactly where the element repeats, objects never empty, and each primitive of its JSON type and lexical form. A
// server reading a client's request refuses what a .NET or HAPI parser refuses (SOURCE-NOTES §1.8 step 4: the body
// parse comes first), so the client rules and `validate` judge payloads by the same reading, and the sandbox refuses
// them as Spine would. (Responses are read leniently instead: RULES.md revision 2, unknown members are ignored.)
import { closest } from "../nearest-names.ts";
import { primitiveProblem } from "./stu3-lexical.ts";
import { elementOrder, isPrimitive, isResourceType, lookupElement, type Context, type ElementInfo } from "./stu3-model.ts";

export interface Stu3Problem {
  /** The element's path, e.g. DocumentReference.content[0].attachment.size. */
  path: string;
  problem: string;
  /**
   * What is wrong: an element STU3 does not define there; a value of the wrong JSON shape (an array for a single
   * element, a string for a number); an empty value, object or array; a primitive outside its lexical form.
   */
  kind: "unknown" | "shape" | "empty" | "form";
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);
const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`);

/** Every way `resource` is not STU3 JSON, in document order. */
export function stu3JsonProblems(resource: unknown): Stu3Problem[] {
  const out: Stu3Problem[] = [];
  const add: Add = (path, problem, k) => out.push({ path, problem, kind: k });
  if (!isObject(resource)) {
    add("(root)", `a resource is a JSON object, not ${kind(resource)}`, "shape");
    return out;
  }
  walkResource(resource, typeof resource.resourceType === "string" ? resource.resourceType : "(root)", add, 0);
  return out;
}

/** Deeper than any resource FHIR defines nests (extensions of extensions included): refused, never walked to a stack overflow. */
const MAX_DEPTH = 64;

type Add = (path: string, problem: string, kind: Stu3Problem["kind"]) => void;

function walkResource(r: Json, where: string, add: Add, depth: number): void {
  const type = r.resourceType;
  if (typeof type !== "string" || !isResourceType(type)) {
    add(`${where}.resourceType`, type === undefined ? "no resourceType" : `${JSON.stringify(type)} is not a FHIR STU3 resource type`, "unknown");
    return;
  }
  walkComplex(type, r, where, add, depth, true);
}

function walkComplex(context: Context, o: Json, where: string, add: Add, depth: number, isResource = false): void {
  if (depth > MAX_DEPTH) {
    add(where, `nested deeper than ${MAX_DEPTH} levels`, "shape");
    return;
  }
  // Plain loops, no closure per member: the sandbox reads every create's body with this.
  let members = 0;
  for (const key of Object.keys(o)) {
    if (isResource && key === "resourceType") continue;
    members++;
    const value = o[key];
    const path = `${where}.${key}`;
    // _name carries a primitive's id and extensions.
    const base = key.startsWith("_") ? key.slice(1) : undefined;
    const info = lookupElement(context, base ?? key);
    if (!info || (base !== undefined && !isPrimitive(info.type))) {
      const known = knownNames(context);
      const near = closest(base ?? key, known)[0];
      add(path, `STU3 defines no element "${key}" here${near ? ` (did you mean ${near}?)` : ""}`, "unknown");
      continue;
    }
    if (info.repeating) {
      if (!Array.isArray(value)) add(path, `${info.name} repeats: STU3 JSON writes it as an array, not ${kind(value)}`, "shape");
      else if (value.length === 0) add(path, "an empty array: FHIR has no empty elements (leave it out)", "empty");
      else {
        // A repeating primitive and its _companion line up with null where one side has nothing.
        const nullAllowed = base !== undefined || isPrimitive(info.type);
        for (let i = 0; i < value.length; i++) {
          const v: unknown = value[i];
          if (!(v === null && nullAllowed)) member(info, base !== undefined, v, `${path}[${i}]`, add, depth + 1);
        }
      }
    } else if (Array.isArray(value)) add(path, `${info.name} does not repeat: STU3 JSON writes one value, not an array`, "shape");
    else member(info, base !== undefined, value, path, add, depth + 1);
  }
  if (members === 0) add(where, "an empty object: FHIR has no empty elements (leave it out)", "empty");
}

/** One value of a member: the element itself, or (`isCompanion`) its _name companion. */
function member(info: ElementInfo, isCompanion: boolean, v: unknown, at: string, add: Add, depth: number): void {
  if (isCompanion) companion(v, at, add, depth);
  else element(info.type, info.context, v, at, add, depth);
}

function element(type: string, context: Context, v: unknown, path: string, add: Add, depth: number): void {
  if (type === "Resource") {
    if (!isObject(v)) add(path, `a contained resource is a JSON object, not ${kind(v)}`, "shape");
    else walkResource(v, path, add, depth);
  } else if (isPrimitive(type)) {
    const problem = primitiveProblem(type, v);
    if (problem) add(path, problem.text, problem.kind);
  } else if (!isObject(v)) add(path, `a ${type} is a JSON object, not ${kind(v)}`, "shape");
  else walkComplex(context, v, path, add, depth);
}

function companion(v: unknown, path: string, add: Add, depth: number): void {
  if (!isObject(v)) add(path, `a primitive's id and extensions are a JSON object, not ${kind(v)}`, "shape");
  else walkComplex("Element", v, path, add, depth);
}

/** The element names a context has, for "did you mean": the STU3 definition order lists them all. */
function knownNames(context: Context): string[] {
  return [...elementOrder(context).keys()];
}
