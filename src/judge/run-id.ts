// A run's id: when it started (UTC, to the second) and a random suffix, so ids sort by time and never collide.
import { randomBytes } from "node:crypto";

export function newRunId(startedAt: number): string {
  return `${new Date(startedAt).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15)}-${randomBytes(3).toString("hex")}`;
}
