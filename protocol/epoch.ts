/**
 * Epoch arithmetic. Epoch n covers [n·epochSeconds, (n+1)·epochSeconds) of
 * Unix time. Reports are accepted for the current epoch and, as a grace for
 * devices that were offline at the boundary, the previous one. So epoch n
 * stops accepting reports ("closes") when epoch n + 2 begins; only then may
 * it be released, otherwise a late report could change released numbers.
 */

export function epochOf(unixMs: number, epochSeconds: number): number {
  return Math.floor(unixMs / 1000 / epochSeconds);
}

export function epochStartMs(epoch: number, epochSeconds: number): number {
  return epoch * epochSeconds * 1000;
}

/** When epoch `epoch` stops accepting reports (the start of epoch + 2). */
export function epochClosesAtMs(epoch: number, epochSeconds: number): number {
  return epochStartMs(epoch + 2, epochSeconds);
}

/** Whether a report for `epoch` is accepted while `currentEpoch` is running. */
export function acceptsReports(epoch: number, currentEpoch: number): boolean {
  return epoch === currentEpoch || epoch === currentEpoch - 1;
}

/** Whether `epoch` no longer accepts reports and may be released. */
export function isClosed(epoch: number, currentEpoch: number): boolean {
  return epoch <= currentEpoch - 2;
}
