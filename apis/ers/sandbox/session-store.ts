// The e-RS simulator's Professional Sessions, by id, capped so a long run's memory stays bounded (oldest first).
import { randomUUID } from "node:crypto";
import type { ErsPermission, ErsUser } from "../../../sandbox/directory.ts";

export interface Session {
  id: string;
  token: string;
  user: ErsUser;
  /** The role selected with A002; null until then. */
  permission: ErsPermission | null;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly ended = new Map<string, Session>();

  constructor(private readonly max: number) {}

  /** A new session for the user who holds `token`. */
  open(token: string, user: ErsUser, permission: ErsPermission | null): Session {
    const session: Session = { id: `pro-xapi-session_${randomUUID()}`, token, user, permission };
    this.sessions.set(session.id, session);
    if (this.sessions.size > this.max) this.sessions.delete(this.sessions.keys().next().value!);
    return session;
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  end(id: string): void {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    if (!session) return;
    this.ended.set(id, session);
    if (this.ended.size > this.max) this.ended.delete(this.ended.keys().next().value!);
  }

  /** A session A003 ended: kept only for the fault that still serves one. */
  endedSession(id: string): Session | undefined {
    return this.ended.get(id);
  }

  /** A live session of this token with a role selected (only a fault hands one back on create). */
  withRole(token: string): Session | undefined {
    return [...this.sessions.values()].find((s) => s.token === token && s.permission);
  }
}
