// What every e-RS endpoint of the simulator works with: the sessions, the directory, the switches and how to answer.
import type { Directory } from "../../../sandbox/directory.ts";
import type { ErsSwitch } from "../variants.ts";
import type { ErsResponder } from "./respond.ts";
import type { SessionStore } from "./session-store.ts";

export interface ErsContext {
  sessions: SessionStore;
  directory: Directory;
  has(f: ErsSwitch): boolean;
  respond: ErsResponder;
}
