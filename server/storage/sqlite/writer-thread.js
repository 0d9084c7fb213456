// The SQLite writer thread (started by writer.ts): one write connection that commits report batches,
// sweeps closed epochs, and checkpoints the WAL shortly after the writes stop, so that the WAL file
// does not keep a history of counter states (with secure_delete, nothing overwritten stays readable).
// Plain JavaScript: a worker thread has no TypeScript loader.

import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { prepareBatchCommit, prepareSweep } from './batch.js';

const db = new Database(workerData.path, { timeout: 5000, fileMustExist: true });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('secure_delete = ON');

const commit = prepareBatchCommit(db);
const sweep = prepareSweep(db);

// Checkpoint once the writes pause for checkpointDelayMs, and under a load that never pauses at least
// every MAX_CHECKPOINT_INTERVAL_MS (a TRUNCATE checkpoint costs an fsync of the database file).
const MAX_CHECKPOINT_INTERVAL_MS = 5000;
let checkpointTimer = null;
let lastCheckpoint = Date.now();
/** TRUNCATE: copy the WAL into the database and empty the file. Retried while a reader holds an old snapshot. */
function checkpoint() {
  checkpointTimer = null;
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)');
  if (result && result.busy) scheduleCheckpoint();
  else lastCheckpoint = Date.now();
}
function scheduleCheckpoint() {
  if (checkpointTimer) clearTimeout(checkpointTimer);
  const overdue = Date.now() - lastCheckpoint >= MAX_CHECKPOINT_INTERVAL_MS;
  checkpointTimer = setTimeout(checkpoint, overdue ? 0 : workerData.checkpointDelayMs);
}

parentPort.on('message', (message) => {
  if (message.type === 'close') {
    if (checkpointTimer) clearTimeout(checkpointTimer);
    db.close(); // the last connection to close checkpoints and removes the WAL
    parentPort.postMessage({ type: 'closed' });
    return;
  }
  try {
    let result;
    if (message.type === 'commit') result = commit(message.reports);
    else if (message.type === 'sweep') sweep(message.nowSeconds);
    scheduleCheckpoint(); // also after a 'checkpoint' message: the main connection wrote
    parentPort.postMessage({ type: 'done', id: message.id, result });
  } catch (error) {
    parentPort.postMessage({ type: 'done', id: message.id, error: String((error && error.message) || error) });
  }
});
parentPort.postMessage({ type: 'ready' });
