// The page's web storage, where it can be had: even naming `localStorage` or `sessionStorage` throws in
// sandboxed frames and where the browser blocks storage, and every caller must then go on without it.

function reach(get: () => Storage | undefined): Storage | null {
  try {
    return get() ?? null;
  } catch {
    return null; // access throws where storage is blocked
  }
}

/** `localStorage` (the consent record, the saved shelf), or null where there is none or it is blocked. */
export const localStore = (): Storage | null => reach(() => (typeof localStorage === 'undefined' ? undefined : localStorage));

/** `sessionStorage` (the journal of unsaved events), or null where there is none or it is blocked. */
export const sessionStore = (): Storage | null => reach(() => (typeof sessionStorage === 'undefined' ? undefined : sessionStorage));
