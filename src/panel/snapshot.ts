// The shape of `tacit.inspect()` as the QA panel reads it. Every field may be missing or null (the SDK
// evolves, and a broken SDK must not break the panel), so the panel only touches it through `pick`
// and the formatters below.

export interface Snapshot {
  consent?: string | null;
  storage?: string | null;
  model?: {
    id?: string | null;
    backend?: string | null;
    threads?: number | null;
    loadMs?: number | null;
    progress?: number | null;
    status?: string | null;
  } | null;
  timings?: { embedMs?: number | null; rankMs?: number | null; lastRecommendMs?: number | null } | null;
  events?: { seq?: number; ts?: number; event?: string; properties?: unknown }[] | null;
  profile?: { top?: { itemId?: string; title?: string; weight?: number }[] | null } | null;
  segments?: { id?: number | string; name?: string; score?: number }[] | null;
  recommendations?: { id?: string; score?: number; reason?: { kind?: string; text?: string } | string | null; item?: { title?: string } | null }[] | null;
  state?: { savedShelf?: { savedAt?: number; items?: unknown[] } | null } | null;
  lastReport?: { body?: string; sentAt?: number | string | null; status?: number | string | null; ack?: unknown } | null;
  pendingReport?: unknown;
  nextEpoch?: { epoch?: number; startsAt?: number | string | null } | null;
  privacy?: {
    limits?: { maxEpsilon: number; minEpochSeconds: number; maxEpsilonPerYear: number };
    refused?: string | null;
    spentLast365Days?: number;
    ledger?: unknown[];
    reportingSince?: string | null;
    plannedAt?: string | null;
  };
  config?: {
    epsilon?: number | null;
    slots?: number | null;
    k?: number | null;
    epochSeconds?: number | null;
    server?: string | null;
  } | null;
}

export const DASH = '—';

/** Escapes text for use inside HTML built with template strings. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function asArray<T>(value: T[] | null | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

export function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return DASH;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : DASH;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

export function ms(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${value < 10 ? value.toFixed(1) : Math.round(value)} ms` : DASH;
}

export function score(value: unknown, digits = 3): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : DASH;
}

/** Accepts a fraction (0–1) or a percentage (0–100); returns a percentage, or null. */
export function percent(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
  return Math.min(100, value <= 1 ? value * 100 : value);
}

function toDate(value: unknown): Date | null {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value);
  if (typeof value === 'string' && value) {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

/** "2026-11-29 10:04:12 (in 3 d 4 h)" or "(5 min ago)". */
export function when(value: unknown, now = Date.now()): string {
  const d = toDate(value);
  if (!d) return DASH;
  const local = d.toLocaleString('sv-SE', { hour12: false });
  return `${local} (${relative(d.getTime() - now)})`;
}

export function clock(value: unknown): string {
  const d = toDate(value);
  return d ? d.toLocaleTimeString('en-GB', { hour12: false }) : DASH;
}

function relative(deltaMs: number): string {
  const future = deltaMs >= 0;
  let s = Math.round(Math.abs(deltaMs) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const span = d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
  return future ? `in ${span}` : `${span} ago`;
}
