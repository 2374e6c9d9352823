// The NRLS simulator's pointers: kept by id, with the index the duplicate check needs (patient and masterIdentifier →
// id, so it stays O(1) however full the store is), capped so a long run's memory stays bounded (oldest first).
import { PATIENT_BASE } from "../../../src/spine/nrls.ts";

export type Json = Record<string, unknown>;

/** A pointer as stored: what was sent, with the id, meta and indexed the server sets. */
export type StoredPointer = Json & { id: string };

export interface MasterIdentifier {
  system?: string;
  value?: string;
}

export class PointerStore {
  private readonly pointers = new Map<string, StoredPointer>();
  /** Pointers stored under an id already taken (a fault's: concurrent creates given one id), behind the first. */
  private readonly shadowed = new Map<string, StoredPointer[]>();
  private readonly byIdentity = new Map<string, StoredPointer>();
  private readonly keyOf = new Map<StoredPointer, string>();

  constructor(private readonly max: number) {}

  put(pointer: StoredPointer, nhsNumber: string): void {
    const mi = pointer.masterIdentifier as MasterIdentifier | undefined;
    if (mi?.value !== undefined) {
      const key = identityKey(nhsNumber, mi);
      this.byIdentity.set(key, pointer);
      this.keyOf.set(pointer, key);
    }
    // Both are kept, so a search still finds each; a read of the id finds the first, and a delete removes neither.
    const taken = this.pointers.get(pointer.id);
    if (taken && taken !== pointer) this.shadowed.set(pointer.id, [...(this.shadowed.get(pointer.id) ?? []), pointer]);
    else this.pointers.set(pointer.id, pointer);
    // The oldest goes first once the store is full (a Map keeps insertion order).
    if (this.pointers.size > this.max) this.drop(this.pointers.keys().next().value!);
  }

  get(id: string): StoredPointer | undefined {
    return this.pointers.get(id);
  }

  /** Removes the pointer with this id. One id that several pointers hold (a fault's) removes none: which was meant? */
  forget(id: string): void {
    if (!this.shadowed.has(id)) this.drop(id);
  }

  /** Removes every pointer with this id, and its index entries. */
  private drop(id: string): void {
    for (const gone of [this.pointers.get(id), ...(this.shadowed.get(id) ?? [])]) {
      if (!gone) continue;
      const key = this.keyOf.get(gone);
      if (key !== undefined && this.byIdentity.get(key) === gone) this.byIdentity.delete(key);
      this.keyOf.delete(gone);
    }
    this.pointers.delete(id);
    this.shadowed.delete(id);
  }

  /** Whether the patient already has a pointer with this masterIdentifier (system and value). */
  hasIdentity(nhsNumber: string, mi: MasterIdentifier): boolean {
    return this.byIdentity.has(identityKey(nhsNumber, mi));
  }

  /** Every pointer whose subject is the patient's. */
  ofPatient(nhsNumber: string): StoredPointer[] {
    const reference = `${PATIENT_BASE}${nhsNumber}`;
    return [...this.pointers.values(), ...[...this.shadowed.values()].flat()].filter((p) => (p.subject as Json | undefined)?.reference === reference);
  }
}

/** What makes two pointers duplicates: the same patient and masterIdentifier (system and value). */
function identityKey(nhsNumber: string, mi: MasterIdentifier): string {
  return JSON.stringify([nhsNumber, mi.system ?? null, mi.value ?? null]);
}
