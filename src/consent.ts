// Consent decides whether anything may be stored or sent. It is one state for every tab of the shop's
// origin: a change is announced at once on a BroadcastChannel, and the remembered decision (below) is
// read again before every write, so a tab that missed the message (frozen, just opening) still obeys.
//
// What is remembered, in localStorage under 'tacit:consent', and why:
//   - a grant: { state: 'granted', day } — written when the shopper grants, so later pages need not ask;
//   - a denial: { state: 'denied', day } — written when the shopper denies. It is the one thing Tacit
//     writes without consent: keeping a refusal is strictly necessary to honour it on the next page
//     (no engine, no request, nothing stored). It holds no identifier and no behaviour: a word and a day.
// forget() removes the record. Where localStorage is blocked, a grant is still remembered inside
// Tacit's own database (created only by a grant) and a denial lasts for the page.

import type { ConsentState } from './types.ts';
import { localStore } from './storage/web-storage.ts';

export const CONSENT_STATES: readonly ConsentState[] = ['granted', 'denied', 'pending'];
export const CONSENT_RECORD_KEY = 'tacit:consent';
export const CONSENT_CHANNEL = 'tacit:consent';

export interface ConsentRecord {
  state: 'granted' | 'denied';
  day: string;
}

export interface ConsentInputs {
  configured: 'granted' | 'pending';
  /** The shopper's remembered decision on this device, if any. */
  remembered: 'granted' | 'denied' | null;
  /** navigator.globalPrivacyControl */
  globalPrivacyControl: boolean;
  respectGlobalPrivacyControl: boolean;
}

export interface ConsentDecision {
  state: ConsentState;
  reason: 'global-privacy-control' | 'remembered' | 'configured';
}

export function initialConsent(inputs: ConsentInputs): ConsentDecision {
  if (inputs.globalPrivacyControl && inputs.respectGlobalPrivacyControl) {
    return { state: 'denied', reason: 'global-privacy-control' };
  }
  if (inputs.remembered) return { state: inputs.remembered, reason: 'remembered' };
  return { state: inputs.configured, reason: 'configured' };
}

export function globalPrivacyControl(): boolean {
  return (globalThis.navigator as { globalPrivacyControl?: boolean } | undefined)?.globalPrivacyControl === true;
}

/** The remembered decision, or null (none, unreadable or malformed). */
export function readConsentRecord(): ConsentRecord | null {
  try {
    const raw = localStore()?.getItem(CONSENT_RECORD_KEY);
    if (!raw) return null;
    const record = JSON.parse(raw) as Partial<ConsentRecord>;
    return (record.state === 'granted' || record.state === 'denied') && typeof record.day === 'string' ? { state: record.state, day: record.day } : null;
  } catch {
    return null;
  }
}

/** The day of a moment, as the consent record keeps it: 'YYYY-MM-DD' (UTC). */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Remembers a decision (null forgets it). Returns whether it could be written. */
export function writeConsentRecord(state: 'granted' | 'denied' | null, now: number): boolean {
  const store = localStore();
  if (!store) return false;
  try {
    if (state === null) store.removeItem(CONSENT_RECORD_KEY);
    else store.setItem(CONSENT_RECORD_KEY, JSON.stringify({ state, day: dayOf(now) } satisfies ConsentRecord));
    return true;
  } catch {
    return false;
  }
}

/**
 * Tells the other tabs of this origin about a consent change, and hears theirs. Listens on both the
 * BroadcastChannel and localStorage's `storage` event: either alone can be missing or blocked.
 */
export class ConsentChannel {
  private readonly channel: BroadcastChannel | null;
  private readonly onStorage: (event: StorageEvent) => void;

  constructor(onChange: (state: ConsentState, forgotten: boolean) => void) {
    let channel: BroadcastChannel | null = null;
    try {
      channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CONSENT_CHANNEL) : null;
    } catch {
      channel = null;
    }
    this.channel = channel;
    if (channel) {
      channel.onmessage = (event: MessageEvent) => {
        const data = event.data as { state?: unknown; forgotten?: unknown } | null;
        if (CONSENT_STATES.includes(data?.state as ConsentState)) onChange(data!.state as ConsentState, data!.forgotten === true);
      };
    }
    // A remembered decision written by another tab. (A removed record says nothing: forget() in that
    // tab announces the state it returns to on the channel.)
    this.onStorage = (event: StorageEvent) => {
      if (event.key !== CONSENT_RECORD_KEY) return;
      const record = readConsentRecord();
      if (record) onChange(record.state, false);
    };
    if (typeof addEventListener === 'function') addEventListener('storage', this.onStorage);
  }

  /** `forgotten`: this tab deleted everything (forget()); the others drop what they hold in memory too. */
  announce(state: ConsentState, forgotten = false): void {
    try {
      this.channel?.postMessage({ state, forgotten });
    } catch {
      // a closed channel: the storage event still carries it
    }
  }
}
