// Dotted paths with indices (`content[0].attachment.url`) for editing fixture bodies.

export type PathPart = string | number;

export function parsePath(path: string): PathPart[] {
  const parts: PathPart[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) parts.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  if (parts.length === 0) throw new Error(`empty path "${path}"`);
  return parts;
}

/** Sets `value` at `path`, creating objects and arrays on the way. */
export function setAtPath(root: unknown, path: string, value: unknown): void {
  const parts = parsePath(path);
  let node = root as Record<PathPart, unknown>;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) {
      node[part] = value;
      return;
    }
    if (node[part] === undefined || node[part] === null || typeof node[part] !== "object") {
      node[part] = typeof parts[i + 1] === "number" ? [] : {};
    }
    node = node[part] as Record<PathPart, unknown>;
  });
}

/** Removes what is at `path` (an array element is spliced out); a path that is not there is an error. */
export function removeAtPath(root: unknown, path: string): void {
  const parts = parsePath(path);
  let node: unknown = root;
  for (const part of parts.slice(0, -1)) {
    node = node && typeof node === "object" ? (node as Record<PathPart, unknown>)[part] : undefined;
  }
  const last = parts[parts.length - 1]!;
  if (!node || typeof node !== "object" || !(last in node)) throw new Error(`cannot remove "${path}": not present`);
  if (Array.isArray(node) && typeof last === "number") node.splice(last, 1);
  else delete (node as Record<PathPart, unknown>)[last];
}
