// At most `n` units at once; the rest wait their turn, in order. Used for cases in flight (the politeness bound: a case
// run as copies takes a unit per copy) and for the self-test's CLI runs.
export type Limiter = <T>(task: () => Promise<T>, units?: number) => Promise<T>;

export function createLimiter(n: number): Limiter {
  let running = 0;
  const waiting: { units: number; go: () => void }[] = [];
  const admit = () => {
    // In order: the first waiter goes when its units are free, and no later one overtakes it.
    while (waiting.length && running + waiting[0]!.units <= n) {
      const next = waiting.shift()!;
      running += next.units;
      next.go();
    }
  };
  return async (task, units = 1) => {
    const need = Math.min(Math.max(1, units), n);
    if (waiting.length || running + need > n) await new Promise<void>((go) => waiting.push({ units: need, go }));
    else running += need;
    try {
      return await task();
    } finally {
      running -= need;
      admit();
    }
  };
}
