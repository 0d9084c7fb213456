// The report bookkeeping kept in IndexedDB (kv 'report'), and the rules that decide when a report may be
// created. Every change goes through one read-modify-write transaction (Store.update), so the rules hold
// across tabs: whichever tab comes first creates the epoch's report; the others see it.
//
// The rules, in the order they apply:
//   1. A device reports only for epochs that begin after it started keeping this state (`since`). A
//      new device, or one that forgot everything and was granted consent again, stays silent for the
//      rest of the current epoch: that is what makes "one report per device per epoch" hold without
//      keeping anything across forget().
//   2. At most one report per epoch: the ledger records each report's epoch interval (its length too,
//      so a server that changes the epoch length cannot make two intervals overlap unnoticed).
//   3. The ledger's ε in any 365 days stays under the device's yearly cap (core/privacy-accountant.ts).
//   4. The report is created at a random moment of its epoch (`plan`), not when a page happens to load.
// A report that failed waits with exponential back-off and jitter, or longer if the server says so.

import { epochStartMs } from '../../protocol/epoch.ts';
import { fitsYearlyCap, readLedger, recordReport, type LedgerEntry, type PrivacyLimits } from '../../core/privacy-accountant.ts';

export interface PendingReport {
  epoch: number;
  body: string;
  attempts: number;
  nextAttemptAt: number;
  inFlightUntil: number;
  /** The server refused the report's token (missing, invalid or spent): get a new one, keep the nonce. */
  needsToken?: boolean;
}

export interface LastReport {
  epoch: number;
  body: string;
  sentAt: number;
  status: number | 'network-error' | 'unconfirmed';
  ack: unknown;
}

/** When the report of one epoch is to be created (ms), drawn once per epoch. */
export interface ReportPlan {
  epoch: number;
  epochSeconds: number;
  at: number;
  /** When its Privacy Pass token is fetched (before `at`, at a moment of its own), if the server takes tokens. */
  tokenAt?: number;
}

/** A Privacy Pass token for one epoch's report (base64url), fetched ahead of it. */
export interface HeldToken {
  epoch: number;
  epochSeconds: number;
  value: string;
}

export interface ReportState {
  /** When this device started keeping report state (ms): it reports only for epochs that begin later. */
  since: number;
  plan: ReportPlan | null;
  /** The token for the planned report, once fetched. */
  token: HeldToken | null;
  pending: PendingReport | null;
  last: LastReport | null;
  /** Reports created in the last 365 days: epoch, epoch length, ε, time. */
  ledger: LedgerEntry[];
}

export function freshState(now: number): ReportState {
  return { since: now, plan: null, token: null, pending: null, last: null, ledger: [] };
}

/** A stored state, read defensively: anything malformed becomes a fresh state from now (which reports nothing this epoch). */
export function readState(value: unknown, now: number): ReportState {
  if (typeof value !== 'object' || value === null) return freshState(now);
  const v = value as Partial<ReportState>;
  if (typeof v.since !== 'number' || !Number.isFinite(v.since)) return freshState(now);
  const plan = v.plan && Number.isSafeInteger(v.plan.epoch) && Number.isFinite(v.plan.at) && Number.isFinite(v.plan.epochSeconds) ? v.plan : null;
  const pending =
    v.pending && typeof v.pending === 'object' && Number.isSafeInteger(v.pending.epoch) && typeof v.pending.body === 'string' ? v.pending : null;
  const last = v.last && typeof v.last === 'object' ? v.last : null;
  const token = v.token && typeof v.token.value === 'string' && Number.isSafeInteger(v.token.epoch) && Number.isFinite(v.token.epochSeconds) ? v.token : null;
  return { since: Math.min(v.since, now), plan, token, pending, last, ledger: readLedger(v.ledger) };
}

function epochInterval(epoch: number, epochSeconds: number): [number, number] {
  return [epochStartMs(epoch, epochSeconds), epochStartMs(epoch + 1, epochSeconds)];
}

export type Eligibility =
  | { ok: true }
  | { ok: false; reason: 'before-since' | 'already-reported' | 'yearly-cap'; detail: string; retryAt: number };

/** Whether a report for `epoch` may be created now (rules 1–3). */
export function eligibility(state: ReportState, epoch: number, epochSeconds: number, epsilon: number, limits: PrivacyLimits, now: number): Eligibility {
  const [start, end] = epochInterval(epoch, epochSeconds);
  if (start < state.since) {
    return { ok: false, reason: 'before-since', detail: 'this device reports from the first epoch that begins after it started keeping state', retryAt: end };
  }
  const overlapping = state.ledger.find((entry) => {
    const [s, e] = epochInterval(entry.epoch, entry.epochSeconds);
    return s < end && start < e;
  });
  if (overlapping) return { ok: false, reason: 'already-reported', detail: `a report for this epoch was created at ${new Date(overlapping.at).toISOString()}`, retryAt: end };
  const cap = fitsYearlyCap(state.ledger, epsilon, limits, now);
  if (!cap.ok) return { ok: false, reason: 'yearly-cap', detail: cap.reason, retryAt: end };
  return { ok: true };
}

/**
 * The plan for `epoch`: kept if one exists, else a moment drawn uniformly from the rest of the epoch
 * (from now, never before `since`), so the report is not tied to the page view that drew it. The last
 * tenth of the epoch (at most a day) is left as a margin for devices that are offline at the planned
 * moment (the server still accepts the report during the next epoch); a plan drawn inside the margin
 * uses what is left of the epoch.
 */
export function planFor(state: ReportState, epoch: number, epochSeconds: number, now: number, random: () => number, withToken = false): ReportPlan {
  if (state.plan && state.plan.epoch === epoch && state.plan.epochSeconds === epochSeconds && (state.plan.tokenAt !== undefined || !withToken)) return state.plan;
  const [start, end] = epochInterval(epoch, epochSeconds);
  const margin = Math.min(24 * 3600 * 1000, (end - start) / 10);
  const from = Math.max(start, state.since, now);
  const to = end - margin > from ? end - margin : end;
  const at = state.plan && state.plan.epoch === epoch && state.plan.epochSeconds === epochSeconds ? state.plan.at : from + random() * Math.max(0, to - from);
  // The token is fetched at a moment of its own between now and the report, so the issuer (which sees
  // the device's address) cannot match it to the report by time.
  return withToken ? { epoch, epochSeconds, at, tokenAt: now + random() * Math.max(0, at - now) } : { epoch, epochSeconds, at };
}

/** The held token if it is for this epoch. */
export function tokenFor(state: ReportState, epoch: number, epochSeconds: number): string | undefined {
  return state.token && state.token.epoch === epoch && state.token.epochSeconds === epochSeconds ? state.token.value : undefined;
}

/** The state with this epoch's report created: pending, and recorded in the ledger. */
export function withReport(state: ReportState, report: { epoch: number; epochSeconds: number; epsilon: number; body: string }, now: number): ReportState {
  return {
    ...state,
    plan: null,
    token: null, // spent on this report
    pending: { epoch: report.epoch, body: report.body, attempts: 0, nextAttemptAt: 0, inFlightUntil: 0 },
    ledger: recordReport(state.ledger, { epoch: report.epoch, epochSeconds: report.epochSeconds, epsilon: report.epsilon, at: now }),
  };
}

const BACKOFF = { baseMs: 5_000, maxMs: 3_600_000 };

/** How long a report that failed waits: exponential back-off with jitter, or the server's Retry-After if longer. */
export function retryDelayMs(attempts: number, retryAfterMs: number, random: () => number): number {
  const backoff = Math.min(BACKOFF.maxMs, BACKOFF.baseMs * 2 ** (attempts - 1)) * (0.5 + random());
  return Math.max(backoff, retryAfterMs);
}

/** A Retry-After header (seconds or an HTTP date) in ms from `now`; 0 when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number {
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : 0;
}
