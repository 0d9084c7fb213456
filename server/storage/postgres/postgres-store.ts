/**
 * The Store on PostgreSQL: any number of stateless server processes on one database.
 *
 * A batch is one transaction: take each of its epochs' advisory locks shared, check that none of
 * those epochs is released, record the reports' nonces (a nonce already there is a resend: not
 * counted again) and tokens (a token already spent refuses its report), then add the counted
 * reports' sums with upserts
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
import { epochLockKey, openPool, SHARDS, type MigrationContext, type PostgresOptions } from './database.ts';
import { sumReports } from '../sums.js';
import {
  EpochReleasedError,
  shuffledOrder,
  withinBatch,
  type CountedReport,
  type EpochCounts,
  type EpochKey,
  type ExperimentCountRow,
  type ExperimentKey,
  type ReleaseSeries,
  type ReportOutcome,
  type Store,
} from '../store.ts';

/** bigint columns arrive as strings (node-postgres keeps 64-bit integers exact); our counts fit a double. */
const toNumber = (value: string | number): number => Number(value);

const KEY = 'taxonomy = $1 AND epoch_seconds = $2 AND epoch = $3';

const SQL = {
  lockShared: `SELECT pg_advisory_xact_lock_shared(${epochLockKey('t', 's', 'e')}) FROM unnest($1::bigint[], $2::int[], $3::bigint[]) AS u(t, s, e)`,
  lockExclusive: `SELECT pg_advisory_xact_lock(${epochLockKey('$1::bigint', '$2::int', '$3::bigint')})`,
  releasedAmong: `
    SELECT r.taxonomy, r.epoch_seconds, r.epoch FROM releases r
      JOIN unnest($1::bigint[], $2::int[], $3::bigint[]) AS u(t, s, e) ON r.taxonomy = u.t AND r.epoch_seconds = u.s AND r.epoch = u.e`,
  insertNonces: `
    INSERT INTO report_nonces (epoch_seconds, epoch, nonce)
    SELECT * FROM unnest($1::int[], $2::bigint[], $3::text[]) ON CONFLICT DO NOTHING RETURNING epoch_seconds, epoch, nonce`,
  insertTokens: `
    INSERT INTO spent_tokens (epoch_seconds, epoch, token)
    SELECT * FROM unnest($1::int[], $2::bigint[], $3::text[]) ON CONFLICT DO NOTHING RETURNING epoch_seconds, epoch, token`,
  deleteNonces: `DELETE FROM report_nonces n USING unnest($1::int[], $2::bigint[], $3::text[]) AS u(s, e, x) WHERE n.epoch_seconds = u.s AND n.epoch = u.e AND n.nonce = u.x`,
  addCounts: `
    INSERT INTO epoch_counts (taxonomy, epoch_seconds, epoch, value, shard, count)
    SELECT t, s, e, v, $6, c FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::int[], $5::bigint[]) AS u(t, s, e, v, c) ORDER BY t, s, e, v
    ON CONFLICT (taxonomy, epoch_seconds, epoch, value, shard) DO UPDATE SET count = epoch_counts.count + EXCLUDED.count`,
  addExperimentCounts: `
    INSERT INTO experiment_counts (experiment, epoch_seconds, epoch, arm, outcome, value, shard, count)
    SELECT x, s, e, a, o, v, $8, c FROM unnest($1::text[], $2::int[], $3::bigint[], $4::int[], $5::int[], $6::int[], $7::bigint[]) AS u(x, s, e, a, o, v, c)
    ORDER BY x, s, e, a, o, v
    ON CONFLICT (experiment, epoch_seconds, epoch, arm, outcome, value, shard) DO UPDATE SET count = experiment_counts.count + EXCLUDED.count`,
  selectExperiment: `
    SELECT epoch, arm, outcome, value, SUM(count) AS count FROM experiment_counts
    WHERE experiment = $1 AND epoch_seconds = $2 AND epoch BETWEEN $3 AND $4
    GROUP BY epoch, arm, outcome, value ORDER BY epoch, arm, outcome, value`,
  addReports: `
    INSERT INTO epoch_reports (taxonomy, epoch_seconds, epoch, shard, reports)
    SELECT t, s, e, $5, n FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::bigint[]) AS u(t, s, e, n) ORDER BY t, s, e
    ON CONFLICT (taxonomy, epoch_seconds, epoch, shard) DO UPDATE SET reports = epoch_reports.reports + EXCLUDED.reports`,
  selectReports: `SELECT SUM(reports) AS reports FROM epoch_reports WHERE ${KEY}`,
  selectCounts: `SELECT value, SUM(count) AS count FROM epoch_counts WHERE ${KEY} GROUP BY value`,
  selectFirst: `
    SELECT LEAST((SELECT MIN(epoch) FROM epoch_reports WHERE taxonomy = $1 AND epoch_seconds = $2),
                 (SELECT MIN(epoch) FROM releases WHERE taxonomy = $1 AND epoch_seconds = $2)) AS epoch`,
  selectRelease: `SELECT release FROM releases WHERE ${KEY}`,
  selectReleases: 'SELECT release FROM releases WHERE taxonomy = $1 AND epoch_seconds = $2 ORDER BY epoch DESC LIMIT $3',
  insertRelease: 'INSERT INTO releases (taxonomy, epoch_seconds, epoch, release) VALUES ($1, $2, $3, $4)',
  forgetNonces: 'DELETE FROM report_nonces WHERE epoch_seconds = $1 AND epoch = $2',
  forgetTokens: 'DELETE FROM spent_tokens WHERE epoch_seconds = $1 AND epoch = $2',
  sweepNonces: 'DELETE FROM report_nonces WHERE (epoch + 2) * epoch_seconds <= $1',
  sweepTokens: 'DELETE FROM spent_tokens WHERE (epoch + 2) * epoch_seconds <= $1',
} as const;

/** Connects to `url` (postgres://…), migrates, and returns the store. */
export async function openPostgresStore(url: string, context: MigrationContext, options: PostgresOptions = {}): Promise<PostgresStore> {
  return new PostgresStore(await openPool(url, context, options));
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Columns of (epochSeconds, epoch, text) triples, for unnest. */
function triples(rows: readonly CountedReport[], text: (row: CountedReport) => string): [number[], number[], string[]] {
  return [rows.map((r) => r.epochSeconds), rows.map((r) => r.epoch), rows.map(text)];
}

/** The same (epoch length, epoch, text) triple as a string, to match rows RETURNING from the database. */
const tripleKey = (epochSeconds: number | string, epoch: number | string, text: string): string => `${epochSeconds}:${epoch}:${text}`;

export class PostgresStore implements Store {
  constructor(private readonly pool: pg.Pool) {}

  async addReports(reports: readonly CountedReport[]): Promise<ReportOutcome[]> {
    const outcomes = withinBatch(reports);
    const candidates = shuffledOrder(reports.length).filter((index) => outcomes[index] === null);
    if (candidates.length === 0) return outcomes as ReportOutcome[];
    const keys = sumReports(candidates.map((index) => reports[index])); // the distinct epochs, in key order
    const shard = Math.floor(Math.random() * SHARDS);
    await this.transaction(async (client) => {
      const keyColumns = [keys.map((k) => k.taxonomy), keys.map((k) => k.epochSeconds), keys.map((k) => k.epoch)];
      await client.query(SQL.lockShared, keyColumns);
      const released = await client.query<{ taxonomy: string; epoch_seconds: number; epoch: string }>(SQL.releasedAmong, keyColumns);
      if (released.rows.length > 0) {
        const { taxonomy, epoch_seconds: epochSeconds, epoch } = released.rows[0];
        throw new EpochReleasedError(`epoch ${epoch} (${epochSeconds} s epochs, taxonomy ${taxonomy})`);
      }
      // Nonces first: a resend racing its original in another process waits here for it, then is a duplicate.
      const rows = candidates.map((index) => reports[index]);
      const inserted = await client.query<{ epoch_seconds: number; epoch: string; nonce: string }>(SQL.insertNonces, triples(rows, (r) => r.nonce));
      const newNonces = new Set(inserted.rows.map((row) => tripleKey(row.epoch_seconds, row.epoch, row.nonce)));
      const fresh = candidates.filter((index) => newNonces.has(tripleKey(reports[index].epochSeconds, reports[index].epoch, reports[index].nonce)));
      for (const index of candidates) outcomes[index] = 'duplicate'; // until found fresh below
      const withToken = fresh.filter((index) => reports[index].tokenId !== null);
      const spent = new Set<number>();
      if (withToken.length > 0) {
        const taken = await client.query<{ epoch_seconds: number; epoch: string; token: string }>(
          SQL.insertTokens,
          triples(withToken.map((index) => reports[index]), (r) => r.tokenId!),
        );
        const newTokens = new Set(taken.rows.map((row) => tripleKey(row.epoch_seconds, row.epoch, row.token)));
        for (const index of withToken) if (!newTokens.has(tripleKey(reports[index].epochSeconds, reports[index].epoch, reports[index].tokenId!))) spent.add(index);
        // A refused report's nonce is taken back, so that the device can still send it with a good token.
        if (spent.size > 0) await client.query(SQL.deleteNonces, triples([...spent].map((index) => reports[index]), (r) => r.nonce));
        for (const index of spent) outcomes[index] = 'token_spent';
      }
      const counted = fresh.filter((index) => !spent.has(index));
      for (const index of counted) outcomes[index] = 'counted';
      const sums = sumReports(counted.map((index) => reports[index]));
      if (sums.length === 0) return;
      const counts = sums.flatMap((sum) => sum.counts.map(([value, count]) => [sum.taxonomy, sum.epochSeconds, sum.epoch, value, count]));
      await client.query(SQL.addCounts, [...[0, 1, 2, 3, 4].map((column) => counts.map((row) => row[column])), shard]);
      const cells = sums.flatMap((sum) => sum.experiments.map((cell) => [cell.id, sum.epochSeconds, sum.epoch, cell.arm, cell.outcome, cell.value, cell.count] as const));
      if (cells.length > 0) await client.query(SQL.addExperimentCounts, [...[0, 1, 2, 3, 4, 5, 6].map((column) => cells.map((row) => row[column])), shard]);
      await client.query(SQL.addReports, [sums.map((s) => s.taxonomy), sums.map((s) => s.epochSeconds), sums.map((s) => s.epoch), sums.map((s) => s.reports), shard]);
    });
    return outcomes as ReportOutcome[];
  }

  async epochCounts(key: EpochKey): Promise<EpochCounts | null> {
    return readCounts(this.pool, key);
  }

  async experimentCounts({ experiment, epochSeconds }: ExperimentKey, fromEpoch: number, toEpoch: number): Promise<ExperimentCountRow[]> {
    const { rows } = await this.pool.query<{ epoch: string; arm: number; outcome: number; value: number; count: string }>(SQL.selectExperiment, [
      experiment,
      epochSeconds,
      fromEpoch,
      toEpoch,
    ]);
    return rows.map((row) => ({ epoch: toNumber(row.epoch), arm: row.arm, outcome: row.outcome, value: row.value, count: toNumber(row.count) }));
  }

  async firstEpoch({ taxonomy, epochSeconds }: ReleaseSeries): Promise<number | null> {
    const { rows } = await this.pool.query<{ epoch: string | null }>(SQL.selectFirst, [taxonomy, epochSeconds]);
    return rows[0]?.epoch === null || rows[0]?.epoch === undefined ? null : toNumber(rows[0].epoch);
  }

  async release({ taxonomy, epochSeconds, epoch }: EpochKey): Promise<string | null> {
    const { rows } = await this.pool.query<{ release: string }>(SQL.selectRelease, [taxonomy, epochSeconds, epoch]);
    return rows[0]?.release ?? null;
  }

  async releases({ taxonomy, epochSeconds }: ReleaseSeries, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ release: string }>(SQL.selectReleases, [taxonomy, epochSeconds, limit]);
    return rows.map((row) => row.release);
  }

  async releaseOnce(key: EpochKey, compute: (counts: EpochCounts | null) => string): Promise<string> {
    const { taxonomy, epochSeconds, epoch } = key;
    return this.transaction(async (client) => {
      await client.query(SQL.lockExclusive, [taxonomy, epochSeconds, epoch]); // waits for this epoch's batches in flight
      const stored = await client.query<{ release: string }>(SQL.selectRelease, [taxonomy, epochSeconds, epoch]);
      if (stored.rows.length > 0) return stored.rows[0].release; // another process released it first
      const json = compute(await readCounts(client, key));
      await client.query(SQL.insertRelease, [taxonomy, epochSeconds, epoch, json]);
      await client.query(SQL.forgetNonces, [epochSeconds, epoch]);
      await client.query(SQL.forgetTokens, [epochSeconds, epoch]);
      return json;
    });
  }

  async sweep(nowSeconds: number): Promise<void> {
    await this.pool.query(SQL.sweepNonces, [nowSeconds]);
    await this.pool.query(SQL.sweepTokens, [nowSeconds]);
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

async function readCounts(db: Queryable, { taxonomy, epochSeconds, epoch }: EpochKey): Promise<EpochCounts | null> {
  const total = await db.query<{ reports: string | null }>(SQL.selectReports, [taxonomy, epochSeconds, epoch]);
  const reports = total.rows[0]?.reports;
  if (reports === null || reports === undefined) return null;
  const { rows } = await db.query<{ value: number; count: string }>(SQL.selectCounts, [taxonomy, epochSeconds, epoch]);
  return { reports: toNumber(reports), counts: new Map(rows.map((row) => [row.value, toNumber(row.count)])) };
}
