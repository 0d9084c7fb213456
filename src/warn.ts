// Problems are reported, never thrown: each distinct message once through console.warn, and every
// occurrence through the shop's onError hook (whose own exceptions are swallowed).

import type { TacitError } from './types.ts';

export class Warnings {
  private seen = new Set<string>();
  onError: ((error: TacitError) => void) | undefined;
  /** The SDK's own follower: the shop's on('error') listeners. */
  onReport: ((error: TacitError) => void) | undefined;
  private reporting = false;

  report(code: string, message: string): void {
    const error: TacitError = { code, message };
    // An 'error' listener that throws is reported too, but not to itself again.
    if (!this.reporting) {
      this.reporting = true;
      try {
        this.onReport?.(error);
      } finally {
        this.reporting = false;
      }
    }
    if (!this.seen.has(message)) {
      this.seen.add(message);
      try {
        console.warn(`[tacit] ${message}`);
      } catch {
        // A console replaced by the host page must not break us.
      }
    }
    try {
      this.onError?.(error);
    } catch {
      // The shop's hook failing is not our page's problem.
    }
  }
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
