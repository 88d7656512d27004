// PostgreSQL schemas a run left behind: test/fixtures/postgres.ts names each test schema
// `s2s_t_<token>_<random>` with the file's run token, so the runner finds (and drops) only its own.
const TEST_DATABASE = process.env.S2S_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Drops every `s2s_t_<token>_*` schema for the given tokens; returns the names dropped, or a note when
 * PostgreSQL could not be asked.
 */
export async function dropLeftoverSchemas(tokens) {
  if (tokens.length === 0) return { dropped: [] };
  let pg;
  try {
    pg = (await import('pg')).default;
  } catch {
    return { dropped: [], note: 'the pg package is not installed: schemas not checked' };
  }
  const client = new pg.Client({ connectionString: TEST_DATABASE, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE 's2s\\_t\\_%' AND split_part(nspname, '_', 3) = ANY($1)`,
      [tokens],
    );
    const dropped = [];
    for (const { nspname } of rows) {
      await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
      dropped.push(nspname);
    }
    return { dropped };
  } catch (err) {
    return {
      dropped: [],
      note: `PostgreSQL not reachable (${err.code ?? err.message}): schemas not checked`,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
