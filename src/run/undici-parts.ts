// The parts of undici the HTTP client uses, loaded without the rest. undici's entry module loads everything it has
// (fetch, WebSocket, EventSource, caches, mocks, interceptors): 150–190 ms in each thread that imports it — the run's
// process and its vitest worker, both before the first case. These parts load in about 60 ms. They are what the entry
// module itself assembles (`request` is its own wrapper around the dispatcher's method, and it gives every dispatcher
// the API methods: a proxy's tunnel is opened with `connect`). undici is pinned by the lockfile; should its layout
// change, the entry module is loaded instead, so a newer undici costs time, never a broken run.
import { createRequire } from "node:module";
import type * as Undici from "undici";

type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, "origin" | "path"> & { dispatcher: Undici.Dispatcher };

export interface UndiciParts {
  Agent: typeof Undici.Agent;
  ProxyAgent: typeof Undici.ProxyAgent;
  buildConnector: typeof Undici.buildConnector;
  /** undici's `request(url, options)`: the options name the dispatcher. */
  request: (url: string, options: RequestOptions) => Promise<Undici.Dispatcher.ResponseData>;
  /** "parts" as intended; "entry" when undici's layout was not the one expected. */
  loaded: "parts" | "entry";
}

const require = createRequire(import.meta.url);

function loadParts(): UndiciParts {
  try {
    const api = require("undici/lib/api/index.js") as Record<string, unknown> & { request: (this: Undici.Dispatcher, options: object) => Promise<Undici.Dispatcher.ResponseData> };
    const Dispatcher = require("undici/lib/dispatcher/dispatcher.js") as { prototype: object };
    // As undici's entry module does: every dispatcher gets request, stream, pipeline, upgrade and connect.
    Object.assign(Dispatcher.prototype, api);
    return {
      Agent: require("undici/lib/dispatcher/agent.js") as typeof Undici.Agent,
      ProxyAgent: require("undici/lib/dispatcher/proxy-agent.js") as typeof Undici.ProxyAgent,
      buildConnector: require("undici/lib/core/connect.js") as typeof Undici.buildConnector,
      request(url, options) {
        const { origin, pathname, search } = new URL(url);
        return api.request.call(options.dispatcher, { ...options, origin, path: search ? `${pathname}${search}` : pathname, method: options.method ?? "GET" });
      },
      loaded: "parts",
    };
  } catch {
    const undici = require("undici") as typeof Undici;
    return { Agent: undici.Agent, ProxyAgent: undici.ProxyAgent, buildConnector: undici.buildConnector, request: (url, options) => undici.request(url, options), loaded: "entry" };
  }
}

let parts: UndiciParts | undefined;

/** The parts, loaded on first use: a process that sends nothing (a run against the embedded sandbox only receives) never loads them. */
export const undici = (): UndiciParts => (parts ??= loadParts());
