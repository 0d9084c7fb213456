// Summing a batch's counted reports per epoch, shared by every store and by the SQLite writer thread
// (plain JavaScript, so that the thread runs it without a TypeScript loader; types in sums.d.ts).
//
// The sums come out in key order, so the order of the writes says nothing about the order in which
// reports arrived; adding a batch's sums (instead of +1 per report) keeps a commit to one row update
// per epoch and per distinct value.

/**
 * Experiment parts are summed per (experiment, arm, outcome, value) within each epoch's sum.
 *
 * @param {readonly { taxonomy: number, epochSeconds: number, epoch: number, segments: readonly number[], experiment?: { id: string, arm: number, outcome: number, value: number } | null }[]} reports
 * @returns {{ taxonomy: number, epochSeconds: number, epoch: number, reports: number, counts: [number, number][], experiments: { id: string, arm: number, outcome: number, value: number, count: number }[] }[]}
 */
export function sumReports(reports) {
  const sums = new Map();
  for (const report of reports) {
    const key = `${report.taxonomy}:${report.epochSeconds}:${report.epoch}`;
    let sum = sums.get(key);
    if (sum === undefined) {
      sum = { taxonomy: report.taxonomy, epochSeconds: report.epochSeconds, epoch: report.epoch, reports: 0, counts: new Map(), experiments: new Map() };
      sums.set(key, sum);
    }
    sum.reports += 1;
    for (const value of report.segments) sum.counts.set(value, (sum.counts.get(value) ?? 0) + 1);
    const part = report.experiment;
    if (part) {
      const cell = `${part.id}\u0000${part.arm}:${part.outcome}:${part.value}`;
      const counted = sum.experiments.get(cell);
      if (counted) counted.count += 1;
      else sum.experiments.set(cell, { id: part.id, arm: part.arm, outcome: part.outcome, value: part.value, count: 1 });
    }
  }
  const cellOrder = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || a.arm - b.arm || a.outcome - b.outcome || a.value - b.value;
  return [...sums.values()]
    .sort((a, b) => a.taxonomy - b.taxonomy || a.epochSeconds - b.epochSeconds || a.epoch - b.epoch)
    .map((sum) => ({ ...sum, counts: [...sum.counts].sort(([a], [b]) => a - b), experiments: [...sum.experiments.values()].sort(cellOrder) }));
}
