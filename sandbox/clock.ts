// The time as the sandbox stamps it (meta.lastUpdated, indexed): an ISO instant to the millisecond. Formatting a Date
// was a hundredth of a create's time, so each millisecond's text is made once.
let shownFor = -1;
let shown = "";

export function isoNow(): string {
  const ms = Date.now();
  if (ms !== shownFor) {
    shownFor = ms;
    shown = new Date(ms).toISOString();
  }
  return shown;
}
