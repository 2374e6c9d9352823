// What every NRLS interaction of the simulator works with: the store, the directory, the switches and how to answer.
import type { Directory } from "../../../sandbox/directory.ts";
import type { Switches } from "../../../src/api-module.ts";
import type { NrlsSwitch } from "../variants.ts";
import type { PointerStore } from "./pointer-store.ts";
import type { Responder } from "./respond.ts";

export interface NrlsContext {
  store: PointerStore;
  directory: Directory;
  switches: Switches<NrlsSwitch>;
  has(f: NrlsSwitch): boolean;
  respond: Responder;
  /** The concurrency fault's id in flight: the one a create arriving now is handed. */
  race: { idInFlight?: string };
}
