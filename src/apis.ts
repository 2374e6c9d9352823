// The one list of API modules. Every enumeration of APIs — configuration, the command line's --<name>-url, suite
// targets, requirement-ID prefixes, the sandbox's routes, faults and variants, the tests — derives from it: a new API
// is a folder under apis/ and one line here (README: "Adding an API").
import ers from "../apis/ers/index.ts";
import nrls from "../apis/nrls/index.ts";
import pds from "../apis/pds/index.ts";

export const APIS = [ers, nrls, pds] as const;

export type ApiName = (typeof APIS)[number]["name"];
