// Consent decides whether anything may be stored. Nothing is written before a grant, so even the
// record of an earlier grant lives inside Tacit's own database, which only a grant creates.

import { DB_NAME, openTacitDB } from './schema.ts';
import type { ConsentState } from './types.ts';

export const CONSENT_KEY = 'consent';

export interface ConsentInputs {
  configured: 'granted' | 'pending';
  /** The shopper's earlier grant, if this device kept one. */
  storedGrant: boolean;
  /** navigator.globalPrivacyControl */
  globalPrivacyControl: boolean;
  respectGlobalPrivacyControl: boolean;
}

export interface ConsentDecision {
  state: ConsentState;
  reason: 'global-privacy-control' | 'stored-grant' | 'configured';
}

export function initialConsent(inputs: ConsentInputs): ConsentDecision {
  if (inputs.globalPrivacyControl && inputs.respectGlobalPrivacyControl) {
    return { state: 'denied', reason: 'global-privacy-control' };
  }
  if (inputs.storedGrant) return { state: 'granted', reason: 'stored-grant' };
  return { state: inputs.configured, reason: 'configured' };
}

export function globalPrivacyControl(): boolean {
  return (globalThis.navigator as { globalPrivacyControl?: boolean } | undefined)?.globalPrivacyControl === true;
}

/**
 * Reads an earlier grant without creating the database: `indexedDB.databases()` tells whether Tacit's
 * database exists at all; only then is it opened. Where that API is missing we cannot look without
 * writing, so we report no grant (the shop's consent call will come).
 */
export async function readStoredGrant(): Promise<boolean> {
  try {
    if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return false;
    const list = await indexedDB.databases();
    if (!list.some((d) => d.name === DB_NAME)) return false;
    // Another tab may block the open (a pending delete or upgrade): give up after a second rather than
    // holding init() back; the shop's consent call will come.
    let gaveUp = false;
    const opening = openTacitDB();
    opening.then((late) => gaveUp && late.close(), () => {});
    const db = await Promise.race([opening, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('blocked')), 1000))]).catch((error) => {
      gaveUp = true;
      throw error;
    });
    try {
      const record = (await db.get('kv', CONSENT_KEY)) as { state?: string } | undefined;
      return record?.state === 'granted';
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}
