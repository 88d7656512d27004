/**
 * A pool node's local replica: every document of the snapshot it serves, sealed with the master key
 * (AES-256-GCM via SecretBox; private keys inside are additionally sealed as in the store) and written
 * atomically — temp file, fsync, rename, fsync of the directory — so a node killed at any instant finds
 * either the old or the new replica, never a torn one (docs/replication.md).
 */
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SealedSecret, SecretBox } from '../core/index.ts';
import { S2sError } from '../core/index.ts';
import { replicationError } from '../core/replication/replication-errors.ts';
import { replicaFailpoint } from './replica-failpoint.ts';
import type { HeldDocument } from './replica-snapshot.ts';

const FORMAT = 's2s-replica/1';

/** What a replica file holds. */
export interface ReplicaContents {
  /** The node that wrote it. */
  readonly node: string;
  /** `DocumentStore.location` of the central store it replicates. */
  readonly storeLocation: string;
  readonly version: number;
  readonly savedAt: string;
  readonly documents: readonly HeldDocument[];
}

/** The outer, readable envelope: enough to diagnose a file without the key. */
interface Envelope {
  readonly format: typeof FORMAT;
  readonly node: string;
  readonly storeLocation: string;
  readonly version: number;
  readonly savedAt: string;
  readonly sealed: SealedSecret;
}

/** Reads and writes one replica file. */
export class ReplicaFile {
  readonly path: string;
  readonly #box: SecretBox;

  constructor(path: string, box: SecretBox) {
    this.path = path;
    this.#box = box;
  }

  /** The replica, or undefined when there is none yet; ERR_REPLICA_CORRUPT when it cannot be opened. */
  async load(): Promise<ReplicaContents | undefined> {
    await this.#removeStaleTemps();
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.#corrupt('cannot be read', err);
    }
    return this.#decode(text);
  }

  /** Replaces the replica atomically. */
  async save(contents: ReplicaContents): Promise<void> {
    const plaintext = Buffer.from(JSON.stringify(contents.documents), 'utf8');
    const envelope: Envelope = {
      format: FORMAT,
      node: contents.node,
      storeLocation: contents.storeLocation,
      version: contents.version,
      savedAt: contents.savedAt,
      sealed: this.#box.seal(plaintext, aadOf(contents)),
    };
    const temp = `${this.path}.${process.pid}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(envelope));
      await handle.sync();
    } finally {
      await handle.close();
    }
    replicaFailpoint('replica.persist.before-rename');
    await rename(temp, this.path);
    await syncDirectory(dirname(this.path));
    replicaFailpoint('replica.persist.after-rename');
  }

  #decode(text: string): ReplicaContents {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch (err) {
      throw this.#corrupt('is not valid JSON', err);
    }
    if (envelope?.format !== FORMAT || !Number.isSafeInteger(envelope.version))
      throw this.#corrupt(`is not in format ${FORMAT}`);
    let documents: HeldDocument[];
    try {
      documents = JSON.parse(
        this.#box.open(envelope.sealed, aadOf(envelope)).toString('utf8'),
      ) as HeldDocument[];
    } catch (err) {
      const why = err instanceof S2sError ? err.message : 'its contents are not valid JSON';
      throw this.#corrupt(`cannot be opened: ${why}`, err);
    }
    const { node, storeLocation, version, savedAt } = envelope;
    return { node, storeLocation, version, savedAt, documents };
  }

  #corrupt(why: string, cause?: unknown): S2sError {
    return replicationError(
      'ERR_REPLICA_CORRUPT',
      `the local replica ${this.path} ${why}`,
      { path: this.path },
      cause,
    );
  }

  /**
   * Temp files of a process killed before its rename: never valid, safe to delete. A temp file whose
   * process (`<replica>.<pid>.tmp`) still runs is another worker of the same server writing the same
   * replica (`s2s server start --workers N`, docs/server.md "Workers"): left alone.
   */
  async #removeStaleTemps(): Promise<void> {
    const dir = dirname(this.path);
    const prefix = `${basename(this.path)}.`;
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const pid = Number(name.slice(prefix.length, -'.tmp'.length));
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && processRuns(pid)) continue;
      await unlink(join(dir, name)).catch(() => undefined);
    }
  }
}

/** Binds the sealed documents to the envelope, so a header cannot be edited to claim another version. */
function aadOf(c: { node: string; storeLocation: string; version: number }): string {
  return `${FORMAT}\n${c.node}\n${c.storeLocation}\n${c.version}`;
}

/** Makes a rename durable (POSIX: the directory entry lives in the directory). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}

/** Whether a process with this pid runs (signal 0 probes without signalling). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
