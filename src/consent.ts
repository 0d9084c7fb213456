// Consent decides whether anything may be stored. Nothing is written before a grant, so even the
// record of an earlier grant lives inside Tacit's own database, which only a grant creates
// (DeviceStorage.storedGrant reads it without creating anything).

import type { ConsentState } from './types.ts';

export const CONSENT_STATES: readonly ConsentState[] = ['granted', 'denied', 'pending'];

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
