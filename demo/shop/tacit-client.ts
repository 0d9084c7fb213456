// The shop's only door to Tacit: `window.tacit`, as the snippet defines it. Before tacit.js has
// loaded, the snippet's queue stub answers every call with a promise that settles after load; if
// the snippet is missing altogether these helpers do nothing, so the shop never breaks because of it.
import type { Properties, RecommendOptions, RecommendResult, TacitApi, TacitEventName } from '../../src/types.ts';

export type TacitGlobal = Partial<TacitApi> & { loaded?: boolean; version?: string };

declare global {
  interface Window {
    tacit?: TacitGlobal;
    /** Set by a page (or a test) before the snippet to point the demo at another Tacit server. */
    TACIT_SERVER?: string;
  }
}

export function tacit(): TacitGlobal | undefined {
  return typeof window === 'undefined' ? undefined : window.tacit;
}

/** True once tacit.js has replaced the queue stub with the real API. */
export function tacitLoaded(): boolean {
  return tacit()?.loaded === true;
}

/** Resolves with `promise`, or with `fallback` after `ms`; never rejects. */
export function withTimeout<T>(promise: Promise<T> | T, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    Promise.resolve(promise).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

/** Calls a Tacit method if it exists; a missing SDK or a throw becomes `undefined`. */
function call<T>(run: (t: TacitGlobal) => T | Promise<T> | undefined): Promise<T | undefined> {
  const t = tacit();
  if (!t) return Promise.resolve(undefined);
  try {
    return Promise.resolve(run(t)).catch(() => undefined);
  } catch {
    return Promise.resolve(undefined);
  }
}

export function track(event: string, properties: Properties = {}): Promise<void> {
  return call((t) => t.track?.(event, properties)).then(() => undefined);
}

/**
 * Track right before the page navigates away: like Segment's trackLink, hold the navigation for
 * `ms` (and at most `2 * ms` when the call is slow) so the event can reach storage first.
 */
export function trackBeforeLeaving(event: string, properties: Properties, ms = 300): Promise<void> {
  const pause = new Promise<void>((resolve) => setTimeout(resolve, ms));
  return withTimeout(Promise.all([track(event, properties), pause]).then(() => undefined), 2 * ms, undefined);
}

export function page(properties?: Properties): Promise<void> {
  return call((t) => t.page?.(properties)).then(() => undefined);
}

export function recommend(options: RecommendOptions): Promise<RecommendResult | undefined> {
  return call((t) => t.recommend?.(options));
}

/**
 * Subscribes to a Tacit event. Works with the real API (returns the unsubscribe function) and the
 * queue stub (returns a promise of it). Returns a function that unsubscribes either way.
 */
export function onTacit(name: TacitEventName | string, listener: (detail: unknown) => void): () => void {
  let unsubscribe: (() => void) | undefined;
  let cancelled = false;
  const t = tacit();
  try {
    const result = t?.on?.(name as TacitEventName, listener) as unknown;
    if (typeof result === 'function') unsubscribe = result as () => void;
    else if (result instanceof Promise) {
      result.then(
        (fn) => {
          if (typeof fn !== 'function') return;
          if (cancelled) fn();
          else unsubscribe = fn;
        },
        () => {},
      );
    }
  } catch {
    // A broken SDK must not break the page.
  }
  return () => {
    cancelled = true;
    unsubscribe?.();
  };
}
