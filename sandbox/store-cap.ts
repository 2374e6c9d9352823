// How many records a sandbox store keeps (sessions, pointers, …) before the oldest go: a long run's memory stays bounded.
export function storeCap(value: string | undefined, name: string): number {
  const n = Number(value || 10_000);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, got "${value}"`);
  return n;
}
