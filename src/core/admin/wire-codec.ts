/**
 * The administration API's JSON encoding of operation arguments and results (docs/admin.md "API"): plain
 * JSON, with bytes as `{"$bytes": "<base64>"}` and dates as `{"$date": "<ISO 8601>"}`, so the CLI in
 * remote mode hands a service exactly what the local CLI would (a file's bytes, a Date). Functions and
 * undefined members are dropped.
 */

export function encodeWire(value: unknown, depth = 0): unknown {
  if (depth > 64) throw new Error('value nested too deeply');
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? String(value) : value;
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map((v) => encodeWire(v, depth + 1) ?? null);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const encoded = encodeWire(v, depth + 1);
    if (encoded !== undefined) out[k] = encoded;
  }
  return out;
}

export function decodeWire(value: unknown, depth = 0): unknown {
  if (depth > 64) throw new Error('value nested too deeply');
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => decodeWire(v, depth + 1));
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && typeof record.$bytes === 'string') return Buffer.from(record.$bytes, 'base64');
  if (keys.length === 1 && typeof record.$date === 'string') return new Date(record.$date);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    out[k] = decodeWire(record[k], depth + 1);
  }
  return out;
}

const HASH_MEMBERS = /^(secretHash|csrfHash|passwordHash)$/;

/**
 * What an API answer may carry: sealed private keys and password or token hashes are replaced by
 * `[redacted]`, whatever the operation and the role (docs/admin.md "Roles"). Secrets an operation exists
 * to return (an exported PFX, a new token) are not sealed and pass.
 */
export function redactStoredSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || value instanceof Date)
    return value;
  if (depth > 64) return '[…]';
  if (Array.isArray(value)) return value.map((v) => redactStoredSecrets(v, depth + 1));
  const v = value as Record<string, unknown>;
  const sealed = typeof v.alg === 'string' && typeof v.iv === 'string' && typeof v.data === 'string';
  const hashed = v.alg === 'scrypt' && typeof v.salt === 'string' && typeof v.hash === 'string';
  if (sealed || hashed) return '[redacted]';
  const out: Record<string, unknown> = {};
  for (const [k, member] of Object.entries(v))
    out[k] = HASH_MEMBERS.test(k) ? '[redacted]' : redactStoredSecrets(member, depth + 1);
  return out;
}
