// What the benches report of their repeated runs: the middle one (the upper middle of an even count).

/** The item whose `key` is in the middle. */
export const medianBy = <T>(items: readonly T[], key: (item: T) => number): T => [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)]!;

export const median = (xs: readonly number[]): number => medianBy(xs, (x) => x);
