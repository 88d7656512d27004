/**
 * The PostgreSQL side of `subscribe`: one dedicated connection that LISTENs on `s2s_changes` and pokes
 * the head poller on every notification. When the connection drops it reconnects with exponential
 * backoff, and pokes once reconnected; the poller's slow poll catches any notification missed in
 * between (docs/replication.md: LISTEN/NOTIFY with polling as the fallback).
 */
import pg from 'pg';

/** The channel every committed batch notifies (payload: its version). */
export const CHANGES_CHANNEL = 's2s_changes';

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;

/** Keeps one LISTEN connection open while started. */
export class PostgresChangeListener {
  readonly #config: pg.ClientConfig;
  readonly #poke: () => void;
  #client: pg.Client | undefined;
  #retry: NodeJS.Timeout | undefined;
  #backoffMs = MIN_BACKOFF_MS;
  #running = false;

  constructor(config: pg.ClientConfig, poke: () => void) {
    this.#config = config;
    this.#poke = poke;
  }

  /** Starts listening (idempotent). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#connect();
  }

  /** Stops listening and closes the connection. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.#retry = undefined;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.#config);
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    client.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL) this.#poke();
    });
    this.#client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      if (!this.#running || this.#client !== client) return void client.end().catch(() => undefined);
      this.#backoffMs = MIN_BACKOFF_MS;
      this.#poke(); // commits made while we were not listening
    } catch {
      this.#lost(client);
    }
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    void client.end().catch(() => undefined);
    if (!this.#running) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (this.#running) void this.#connect();
    }, this.#backoffMs);
    this.#retry.unref();
    this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
  }
}
