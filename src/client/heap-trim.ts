// A long assessment keeps little alive (the kept cases are bounded by KeepPolicy; the request log and the sandbox's
// capped stores are small per request), but V8 lets an idle-less heap grow to two or three times what is alive before
// it collects. A full collection every `every` requests keeps the resident memory near what is alive (20,000 creates:
// ~230 MiB instead of ~300) for a pause of tens of milliseconds each time. Counted in requests, not on a clock, so it
// behaves the same on a busy machine.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** A function to call once per request; every `every` calls it collects. Does nothing where no collector can be had. */
export function heapTrimmer(every = 2000): () => void {
  let collect: (() => void) | undefined;
  try {
    // V8's collector without starting Node with --expose-gc: the flag set now, a fresh context sees the function.
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as () => void;
  } catch {
    collect = undefined;
  }
  let n = 0;
  return () => {
    if (collect && ++n % every === 0) collect();
  };
}
