// The sandbox's directory data: ASIDs and their ODS codes, known organisations, smartcard tokens and their users.
// Defaults to fixtures/sandbox/directory.json; SANDBOX_DIRECTORY names a replacement file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../src/project-root.ts";

export interface ErsPermission {
  businessFunction: string;
  orgIdentifier: string;
  orgName: string;
}

export interface ErsUser {
  token: string;
  identifier: string;
  firstName: string;
  lastName: string;
  middleName: string | null;
  permissions: ErsPermission[];
}

export interface Directory {
  spineAsid: string;
  ers: { asids: string[]; users: ErsUser[] };
  nrls: {
    asids: Record<string, { ods: string; interactions: string[] }>;
    organisations: Record<string, string>;
  };
}

export const DEFAULT_DIRECTORY = join(PROJECT_ROOT, "fixtures", "sandbox", "directory.json");

export function loadDirectory(path = process.env.SANDBOX_DIRECTORY || DEFAULT_DIRECTORY): Directory {
  let data: Directory;
  try {
    data = JSON.parse(readFileSync(path, "utf8")) as Directory;
  } catch (e) {
    throw new Error(`sandbox directory ${path} cannot be read: ${(e as Error).message}`);
  }
  for (const key of ["spineAsid", "ers", "nrls"] as const) {
    if (!(key in data)) throw new Error(`sandbox directory ${path}: missing "${key}"`);
  }
  return data;
}
