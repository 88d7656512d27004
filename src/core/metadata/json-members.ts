/**
 * Case-insensitive access to members of parsed JSON (docs/protocol.md §1.3 interop rules: Exchange writes
 * `keyvalue`, SharePoint and ACS `keyValue`). Duplicates were refused by the parser, so a lookup is unique.
 */

/** A JSON object (not an array, not null). */
export type JsonObject = Readonly<Record<string, unknown>>;

/** True for a plain JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The member named `name` compared case-insensitively, or undefined. */
export function member(object: JsonObject, name: string): unknown {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === wanted) return object[key];
  }
  return undefined;
}

/** A string member, trimmed; undefined when absent, not a string or empty. */
export function stringMember(object: JsonObject, name: string): string | undefined {
  const value = member(object, name);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Case-insensitive equality of enum-like values (`Signing` = `signing`). */
export function sameToken(value: unknown, expected: string): boolean {
  return typeof value === 'string' && value.trim().toLowerCase() === expected.toLowerCase();
}
