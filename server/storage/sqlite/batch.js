// The SQLite write path, in plain JavaScript so that the writer thread (writer-thread.js) runs it
// without a TypeScript loader; an in-memory database (tests) runs the same code on its own thread.
// Types in batch.d.ts.
//
// One call is one transaction: each report's nonce is recorded (a nonce already there is a resend:
// not counted again), its token is marked spent (a token already spent refuses the report, and its
// nonce is taken back), and the counted reports' sums (segments, and experiment parts) are added to
// the counters in key order. The
// caller passes the reports in a shuffled order, so nothing written follows the order of arrival.

import { sumReports } from '../sums.js';

/** @param {import('better-sqlite3').Database} db */
export function prepareBatchCommit(db) {
  const insertNonce = db.prepare('INSERT INTO report_nonces (epoch_seconds, epoch, nonce) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const deleteNonce = db.prepare('DELETE FROM report_nonces WHERE epoch_seconds = ? AND epoch = ? AND nonce = ?');
  const insertToken = db.prepare('INSERT INTO spent_tokens (epoch_seconds, epoch, token) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const addCount = db.prepare(
    `INSERT INTO epoch_counts (taxonomy, epoch_seconds, epoch, value, count) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (taxonomy, epoch_seconds, epoch, value) DO UPDATE SET count = count + excluded.count`,
  );
  const addExperimentCount = db.prepare(
    `INSERT INTO experiment_counts (experiment, epoch_seconds, epoch, arm, outcome, value, count) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (experiment, epoch_seconds, epoch, arm, outcome, value) DO UPDATE SET count = count + excluded.count`,
  );
  // Written last: its trigger refuses an epoch that is already released, which rolls back the whole batch.
  const addReports = db.prepare(
    `INSERT INTO epoch_reports (taxonomy, epoch_seconds, epoch, reports) VALUES (?, ?, ?, ?)
     ON CONFLICT (taxonomy, epoch_seconds, epoch) DO UPDATE SET reports = reports + excluded.reports`,
  );
  return db.transaction((reports) => {
    const outcomes = [];
    const counted = [];
    for (const report of reports) {
      const { epochSeconds, epoch, nonce, tokenId } = report;
      if (insertNonce.run(epochSeconds, epoch, nonce).changes === 0) {
        outcomes.push('duplicate');
      } else if (tokenId !== null && insertToken.run(epochSeconds, epoch, tokenId).changes === 0) {
        deleteNonce.run(epochSeconds, epoch, nonce);
        outcomes.push('token_spent');
      } else {
        outcomes.push('counted');
        counted.push(report);
      }
    }
    for (const sum of sumReports(counted)) {
      for (const [value, count] of sum.counts) addCount.run(sum.taxonomy, sum.epochSeconds, sum.epoch, value, count);
      for (const cell of sum.experiments) addExperimentCount.run(cell.id, sum.epochSeconds, sum.epoch, cell.arm, cell.outcome, cell.value, cell.count);
      addReports.run(sum.taxonomy, sum.epochSeconds, sum.epoch, sum.reports);
    }
    return outcomes;
  });
}

/** Forgets the nonces and spent tokens of every epoch that no longer takes reports at `nowSeconds`. */
export function prepareSweep(db) {
  const statements = ['report_nonces', 'spent_tokens'].map((table) => db.prepare(`DELETE FROM ${table} WHERE (epoch + 2) * epoch_seconds <= ?`));
  return db.transaction((nowSeconds) => {
    for (const statement of statements) statement.run(nowSeconds);
  });
}
