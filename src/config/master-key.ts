/**
 * The master key that seals private keys at rest: S2S_MASTER_KEY (32 bytes as base64 or 64 hex chars),
 * else the key file S2S_HOME/master.key, created with mode 0600 by `s2s init`.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { sharedError } from '../core/shared/shared-errors.ts';

/** Decodes a 32-byte key written as 64 hex characters or base64. */
export function decodeMasterKey(text: string, origin: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(t) && !/^[A-Za-z0-9+/_-]{43}=?$/.test(t))) {
    throw sharedError(
      'ERR_MASTER_KEY_INVALID',
      `${origin} is not a 32-byte key (64 hex characters or base64)`,
      { origin },
    );
  }
  return key;
}

/** Loads the master key: the environment value wins, else the key file (which must be 0600). */
export function loadMasterKey(envValue: string | undefined, keyFile: string): Buffer {
  if (envValue !== undefined) return decodeMasterKey(envValue, 'S2S_MASTER_KEY');
  if (!existsSync(keyFile)) {
    throw sharedError(
      'ERR_MASTER_KEY_MISSING',
      `no master key: set S2S_MASTER_KEY or run \`s2s init\` to create ${keyFile}`,
      { keyFile },
    );
  }
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw sharedError(
      'ERR_MASTER_KEY_PERMISSIONS',
      `${keyFile} has mode ${mode.toString(8)}; it must be 600`,
      { keyFile },
    );
  }
  return decodeMasterKey(readFileSync(keyFile, 'utf8'), keyFile);
}

/** Creates the key file (mode 0600) unless it exists or S2S_MASTER_KEY is set; returns whether it created one. */
export function ensureMasterKeyFile(envValue: string | undefined, keyFile: string): boolean {
  if (envValue !== undefined || existsSync(keyFile)) return false;
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(keyFile, 0o600);
  return true;
}
