/** Identifiers (ASIDs) are shown masked: enough to tell them apart, not to reuse. */
export function mask(value: string): string {
  return value.length > 4 ? `${"*".repeat(value.length - 4)}${value.slice(-4)}` : value;
}
