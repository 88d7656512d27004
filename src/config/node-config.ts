/**
 * Node-local settings (docs/architecture.md, convention 9): where the data directory and the store are, who this node is,
 * where the server listens. Flows one way: defaults → environment → flags → frozen object.
 * Trust state (certificates, partners, realm) is NOT here: it lives in the replicated store.
 */
import { hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Every default, declared once with its unit. */
export const NODE_DEFAULTS = {
  /** Data directory, relative to the working directory. */
  home: '.s2s',
  /** SQLite file name inside the data directory. */
  sqliteFile: 's2s.db',
  /** Master key file name inside the data directory. */
  masterKeyFile: 'master.key',
  /** HTTPS listen address of `s2s server start`. */
  listen: '127.0.0.1:8443',
} as const;

export interface NodeConfig {
  /** Absolute data directory (S2S_HOME). */
  readonly home: string;
  /** Store location: an absolute SQLite file path or a postgres:// URL. */
  readonly store: string;
  /** This node's FQDN (S2S_NODE, default: the machine's host name). */
  readonly nodeName: string;
  /** Master key from S2S_MASTER_KEY (base64 or hex); undefined means "use the key file". */
  readonly masterKey: string | undefined;
  readonly masterKeyFile: string;
  readonly listen: string;
}

export interface NodeConfigFlags {
  home?: string | undefined;
  store?: string | undefined;
  node?: string | undefined;
  listen?: string | undefined;
}

/** Resolves node settings from flags and environment; pure apart from reading `cwd`. */
export function resolveNodeConfig(
  flags: NodeConfigFlags,
  env: Readonly<Record<string, string | undefined>>,
  cwd = process.cwd(),
): NodeConfig {
  const home = resolve(cwd, flags.home ?? nonEmpty(env.S2S_HOME) ?? NODE_DEFAULTS.home);
  const storeRaw = flags.store ?? nonEmpty(env.S2S_STORE) ?? join(home, NODE_DEFAULTS.sqliteFile);
  const store =
    /^[a-z][a-z0-9+.-]+:/i.test(storeRaw) || isAbsolute(storeRaw) ? storeRaw : resolve(cwd, storeRaw);
  return Object.freeze({
    home,
    store,
    nodeName: (flags.node ?? nonEmpty(env.S2S_NODE) ?? hostname()).toLowerCase(),
    masterKey: nonEmpty(env.S2S_MASTER_KEY),
    masterKeyFile: join(home, NODE_DEFAULTS.masterKeyFile),
    listen: flags.listen ?? nonEmpty(env.S2S_LISTEN) ?? NODE_DEFAULTS.listen,
  });
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
