// The device's privacy accountant: the authority over what the device may send, whatever the server
// publishes. The server proposes parameters (ε per report, epoch length); the device checks them
// against its own limits and keeps a rolling ledger of the ε it spent. A server that asks for more is
// refused, with a reason the SDK reports once.
//
// Why both limits: ε per report alone does not bound the loss, because the server also sets how often
// a report is due. A server publishing 60-second epochs would collect 10,080 independently randomized
// reports a week from each device; averaging them recovers the true segments. The device therefore
// enforces a minimum epoch (default 7 days), and caps the ε it spends in any 365 days.
//
// Pure functions over plain data: the ledger lives in the report bookkeeping (kv 'report').

export const DAY_MS = 24 * 3600 * 1000;
export const LEDGER_WINDOW_MS = 365 * DAY_MS;
export const DEFAULT_MIN_EPOCH_SECONDS = 7 * 24 * 3600;
export const DEFAULT_MAX_EPSILON = 4;

export interface PrivacyLimits {
  /** Largest ε one report may spend. */
  maxEpsilon: number;
  /** Shortest epoch the device accepts: at most one report per this many seconds. */
  minEpochSeconds: number;
  /** Largest ε spent in any rolling 365 days. */
  maxEpsilonPerYear: number;
}

/** One report sent: which epoch, how long epochs were, what it cost. No segment, no content. */
export interface LedgerEntry {
  epoch: number;
  epochSeconds: number;
  epsilon: number;
  /** When the report was created (ms). */
  at: number;
}

/**
 * The yearly cap that lets a compliant server through: one report per minimum epoch over a year, plus
 * one for the epoch a 365-day window can start in the middle of, plus one because each report falls at
 * a random moment of its epoch.
 */
export function defaultMaxEpsilonPerYear(maxEpsilon: number, minEpochSeconds: number): number {
  return maxEpsilon * (Math.ceil(LEDGER_WINDOW_MS / (minEpochSeconds * 1000)) + 2);
}

export type ParamsVerdict = { ok: true } | { ok: false; reason: string };

/** Whether the server's parameters stay within the device's limits. */
export function checkServerParams(params: { epsilon: number; epochSeconds: number }, limits: PrivacyLimits): ParamsVerdict {
  if (!(params.epsilon <= limits.maxEpsilon)) {
    return { ok: false, reason: `the server asks for ε = ${params.epsilon} per report, above this device's cap of ${limits.maxEpsilon}` };
  }
  if (!(params.epochSeconds >= limits.minEpochSeconds)) {
    return {
      ok: false,
      reason: `the server asks for a report every ${params.epochSeconds} s, more often than this device allows (one per ${limits.minEpochSeconds} s)`,
    };
  }
  return { ok: true };
}

/** The ledger's entries still inside the 365-day window. */
export function currentLedger(ledger: readonly LedgerEntry[], now: number): LedgerEntry[] {
  return ledger.filter((entry) => entry.at > now - LEDGER_WINDOW_MS && entry.at <= now + DAY_MS);
}

/** ε spent in the last 365 days. */
export function spentInWindow(ledger: readonly LedgerEntry[], now: number): number {
  return currentLedger(ledger, now).reduce((sum, entry) => sum + entry.epsilon, 0);
}

/** Whether one more report of this cost fits the yearly cap. */
export function fitsYearlyCap(ledger: readonly LedgerEntry[], epsilon: number, limits: PrivacyLimits, now: number): ParamsVerdict {
  const spent = spentInWindow(ledger, now);
  if (spent + epsilon > limits.maxEpsilonPerYear + 1e-9) {
    return { ok: false, reason: `this device already spent ε = ${round(spent)} in the last 365 days; one more report (ε = ${epsilon}) would pass its cap of ${limits.maxEpsilonPerYear}` };
  }
  return { ok: true };
}

/** The ledger with one more report, pruned to the window. */
export function recordReport(ledger: readonly LedgerEntry[], entry: LedgerEntry): LedgerEntry[] {
  return [...currentLedger(ledger, entry.at), entry];
}

/** Reads a stored ledger, dropping anything malformed (storage can be corrupted or planted). */
export function readLedger(value: unknown): LedgerEntry[] {
  if (!Array.isArray(value)) return [];
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  return value.filter(
    (e): e is LedgerEntry =>
      typeof e === 'object' && e !== null && Number.isSafeInteger(e.epoch) && finite(e.epochSeconds) && finite(e.epsilon) && e.epsilon > 0 && finite(e.at),
  );
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
