/**
 * The Store on PostgreSQL: any number of stateless server processes on one database.
 *
 * A batch is one transaction: take each of its epochs' advisory locks shared, check that none of
 * those epochs is released, then add the batch's sums with upserts
 *   INSERT … ON CONFLICT … DO UPDATE SET count = count + EXCLUDED.count
 * on one randomly chosen shard row per key (database.ts), in key order (so that two transactions
 * never wait on each other's rows in opposite orders). The batch is acknowledged after COMMIT.
 *
 * A release takes its epoch's advisory lock exclusive, so it waits for every batch of that epoch in
 * flight in any process, and a batch that comes later sees the release and is refused: a release
 * always contains every acknowledged report of its epoch, and its unique key means two processes
 * can never publish two different releases.
 */
import type pg from 'pg';
import { epochLockKey, openPool, SHARDS, type PostgresOptions } from './database.ts';
import { EpochReleasedError, sumReports, type CountedReport, type EpochCounts, type EpochKey, type EpochSummary, type Store } from '../store.ts';

/** bigint columns arrive as strings (node-postgres keeps 64-bit integers exact); our counts fit a double. */
const toNumber = (value: string | number): number => Number(value);

const SQL = {
  lockShared: `SELECT pg_advisory_xact_lock_shared(${epochLockKey('t', 'e')}) FROM unnest($1::bigint[], $2::bigint[]) AS u(t, e)`,
  lockExclusive: `SELECT pg_advisory_xact_lock(${epochLockKey('$1::bigint', '$2::bigint')})`,
  releasedAmong: `SELECT r.taxonomy, r.epoch FROM releases r JOIN unnest($1::bigint[], $2::bigint[]) AS u(t, e) ON r.taxonomy = u.t AND r.epoch = u.e`,
  addCounts: `
    INSERT INTO epoch_counts (taxonomy, epoch, value, shard, count)
    SELECT t, e, v, $5, c FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::bigint[]) AS u(t, e, v, c) ORDER BY t, e, v
    ON CONFLICT (taxonomy, epoch, value, shard) DO UPDATE SET count = epoch_counts.count + EXCLUDED.count`,
  addReports: `
    INSERT INTO epoch_reports (taxonomy, epoch, shard, reports)
    SELECT t, e, $3, n FROM unnest($1::bigint[], $2::bigint[], $4::bigint[]) AS u(t, e, n) ORDER BY t, e
    ON CONFLICT (taxonomy, epoch, shard) DO UPDATE SET reports = epoch_reports.reports + EXCLUDED.reports`,
  selectReports: 'SELECT SUM(reports) AS reports FROM epoch_reports WHERE taxonomy = $1 AND epoch = $2',
  selectCounts: 'SELECT value, SUM(count) AS count FROM epoch_counts WHERE taxonomy = $1 AND epoch = $2 GROUP BY value',
  selectEpochs: `
    SELECT r.taxonomy, r.epoch, (rel.epoch IS NOT NULL) AS released
      FROM (SELECT DISTINCT taxonomy, epoch FROM epoch_reports WHERE epoch < $1) r
      LEFT JOIN releases rel ON rel.taxonomy = r.taxonomy AND rel.epoch = r.epoch
     ORDER BY r.epoch DESC, r.taxonomy DESC`,
  selectRelease: 'SELECT release FROM releases WHERE taxonomy = $1 AND epoch = $2',
  insertRelease: 'INSERT INTO releases (taxonomy, epoch, release) VALUES ($1, $2, $3)',
} as const;

/** Connects to `url` (postgres://…), migrates, and returns the store. */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
  return new PostgresStore(await openPool(url, options));
}

type Queryable = Pick<pg.PoolClient, 'query'>;

export class PostgresStore implements Store {
  constructor(private readonly pool: pg.Pool) {}

  async addReports(reports: readonly CountedReport[]): Promise<void> {
    if (reports.length === 0) return;
    const sums = sumReports(reports);
    const taxonomies = sums.map((sum) => sum.taxonomy);
    const epochs = sums.map((sum) => sum.epoch);
    const counts = { t: [] as number[], e: [] as number[], v: [] as number[], c: [] as number[] };
    for (const sum of sums) {
      for (const [value, count] of sum.counts) {
        counts.t.push(sum.taxonomy);
        counts.e.push(sum.epoch);
        counts.v.push(value);
        counts.c.push(count);
      }
    }
    const shard = Math.floor(Math.random() * SHARDS);
    await this.transaction(async (client) => {
      await client.query(SQL.lockShared, [taxonomies, epochs]);
      const released = await client.query<{ taxonomy: string; epoch: string }>(SQL.releasedAmong, [taxonomies, epochs]);
      if (released.rows.length > 0) {
        const { taxonomy, epoch } = released.rows[0];
        throw new EpochReleasedError(`epoch ${epoch} (taxonomy ${taxonomy})`);
      }
      await client.query(SQL.addCounts, [counts.t, counts.e, counts.v, counts.c, shard]);
      await client.query(SQL.addReports, [taxonomies, epochs, shard, sums.map((sum) => sum.reports)]);
    });
  }

  async epochCounts(key: EpochKey): Promise<EpochCounts | null> {
    return readCounts(this.pool, key);
  }

  async epochsBefore(beforeEpoch: number): Promise<EpochSummary[]> {
    const { rows } = await this.pool.query<{ taxonomy: string; epoch: string; released: boolean }>(SQL.selectEpochs, [beforeEpoch]);
    return rows.map((row) => ({ taxonomy: toNumber(row.taxonomy), epoch: toNumber(row.epoch), released: row.released }));
  }

  async release({ taxonomy, epoch }: EpochKey): Promise<string | null> {
    const { rows } = await this.pool.query<{ release: string }>(SQL.selectRelease, [taxonomy, epoch]);
    return rows[0]?.release ?? null;
  }

  async releaseOnce(key: EpochKey, compute: (counts: EpochCounts | null) => string | null): Promise<string | null> {
    return this.transaction(async (client) => {
      await client.query(SQL.lockExclusive, [key.taxonomy, key.epoch]); // waits for this epoch's batches in flight
      const stored = await client.query<{ release: string }>(SQL.selectRelease, [key.taxonomy, key.epoch]);
      if (stored.rows.length > 0) return stored.rows[0].release; // another process released it first
      const json = compute(await readCounts(client, key));
      if (json !== null) await client.query(SQL.insertRelease, [key.taxonomy, key.epoch, json]);
      return json;
    });
  }

  async check(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end(); // waits for the clients in use to be released
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that cannot even roll back (lost, or a query timed out) is closed, not reused.
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

async function readCounts(db: Queryable, { taxonomy, epoch }: EpochKey): Promise<EpochCounts | null> {
  const total = await db.query<{ reports: string | null }>(SQL.selectReports, [taxonomy, epoch]);
  const reports = total.rows[0]?.reports;
  if (reports === null || reports === undefined) return null;
  const { rows } = await db.query<{ value: number; count: string }>(SQL.selectCounts, [taxonomy, epoch]);
  return { reports: toNumber(reports), counts: new Map(rows.map((row) => [row.value, toNumber(row.count)])) };
}
