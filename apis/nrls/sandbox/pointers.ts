// The NRLS simulator: one request at a time through content negotiation and the header and JWT checks (in the
// reference implementation's order, SOURCE-NOTES §1.8), then to its interaction — create.ts, read.ts, delete.ts —
// over the one pointer store. Responses are negotiated JSON or XML (respond.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Directory } from "../../../sandbox/directory.ts";
import { exactHeader, readBody, reply } from "../../../sandbox/http.ts";
import { spineError } from "../../../sandbox/spine-outcome.ts";
import type { Switches } from "../../../src/api-module.ts";
import type { NrlsSwitch } from "../variants.ts";
import { checkHeaders, emptyJwtVerdicts } from "./check-headers.ts";
import type { NrlsContext } from "./context.ts";
import { createPointer } from "./create.ts";
import { deletePointer } from "./delete.ts";
import { negotiate } from "./negotiate.ts";
import { PointerStore } from "./pointer-store.ts";
import { readOrSearch } from "./read.ts";
import { responder } from "./respond.ts";

export interface NrlsOptions {
  directory: Directory;
  /** The named faults and documented variants switched on (faults.ts, variants.ts). */
  switches: Switches<NrlsSwitch>;
  /** Pointers kept at most; the oldest go first. */
  maxPointers: number;
}

export function nrlsHandler(opts: NrlsOptions) {
  const has = (f: NrlsSwitch) => opts.switches.has(f);
  const requestsOn = new WeakMap<object, number>();
  const jwtVerdicts = emptyJwtVerdicts();
  const ctx: NrlsContext = { store: new PointerStore(opts.maxPointers), directory: opts.directory, switches: opts.switches, has, respond: responder(has), race: {} };

  /** `path` is what follows the NRLS base URL; `baseUrl` is the public base, for Location. */
  return async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, baseUrl: string): Promise<boolean> => {
    // The 2.x read path exists only with the fault that makes Location point at it.
    const pathId = has("nrls-location-path-id") ? /^\/DocumentReference\/([^/]+)$/.exec(path)?.[1] : undefined;
    if (path !== "/DocumentReference" && !pathId) return false;
    if (pathId && req.method === "GET") query.set("_id", decodeURIComponent(pathId));
    const body = await readBody(req);
    const negotiated = negotiate(query.get("_format") ?? undefined, exactHeader(req, "Accept") ?? req.headers.accept, opts.switches);
    if ("unsupported" in negotiated) {
      ctx.respond.unsupported(res);
      return true;
    }
    // Faults on the format path: an XML body answered in XML, whatever was asked.
    const format = has("nrls-xml-body-answered-xml") && /xml/i.test(req.headers["content-type"] ?? "") ? "xml" : negotiated.format;
    if (req.method === "POST" && body.length === 0) {
      ctx.respond.fail(res, format, spineError("INVALID_REQUEST_MESSAGE", "Invalid Request Message", "value"));
      return true;
    }
    // Which request this is on its connection: a fault on the connection path checks the JWT on the first only.
    const nth = (requestsOn.get(req.socket) ?? 0) + 1;
    requestsOn.set(req.socket, nth);
    const headerProblem = checkHeaders(req, opts.directory, opts.switches, nth > 1, jwtVerdicts);
    if (headerProblem) {
      ctx.respond.fail(res, format, headerProblem);
      return true;
    }
    // Without the fromASID check (a fault), a request with no fromASID is taken as from the custodian's own system.
    const fromAsid = exactHeader(req, "fromASID") ?? "";
    if (req.method === "POST") createPointer(ctx, res, format, body, req.headers["content-type"], fromAsid, baseUrl);
    else if (req.method === "GET") readOrSearch(ctx, res, format, query, baseUrl);
    else if (req.method === "DELETE") deletePointer(ctx, res, format, query, fromAsid);
    else reply(res, 405, undefined, { Allow: "GET, POST, DELETE" });
    return true;
  };
}
