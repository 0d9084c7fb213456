// The debug log, loaded only with init({ debug: true }) (debug.ts notes what happens until it is here):
// one collapsed console group per call, decision and event, titled so the closed groups read as a story,
// the details inside:
//
//   ▸ [tacit] recommend({"limit":8}) → 8 item(s), strategy profile (12.4 ms)
//   ▸ [tacit] decision: consent granted (remembered from an earlier visit)
//   ▸ [tacit] event: stored
//
// It also opens the QA panel (its own chunk) when the page asks with ?tacit-debug. A console the host
// page replaced or broke never breaks Tacit.

import type { DebugEntry, DebugHost } from './debug-types.ts';

/** Events not worth a console group each (dozens per model load). */
const QUIET_EVENTS: readonly string[] = ['model-progress', 'panel'];
const SESSION_KEY = 'tacit-debug';

/** Each decision's code (sdk.ts) in words, from what it was made from. */
const DECISIONS: Record<string, (detail: unknown) => string> = {
  configuration: () => 'configuration resolved (every default filled in)',
  consent: (d) => {
    const { state, reason } = d as { state: string; reason: string };
    const why: Record<string, string> = { configured: 'init({ consent })', remembered: 'remembered from an earlier choice', 'global-privacy-control': 'Global Privacy Control is on' };
    return `consent ${state} (${why[reason] ?? reason})`;
  },
  'track-held': (d) => `${(d as [string])[0]}: not stored yet, kept in memory until consent is granted`,
  'track-dropped': (d) => `${(d as [string])[0]}: not kept, consent is denied`,
  'recommend-engine': () => 'recommend: the engine ranks, in the worker',
  'recommend-saved': (d) => `recommend: the shelf the engine saved at ${new Date((d as { savedAt: number }).savedAt).toISOString()} (its worker is still loading on this page)`,
  'recommend-main-thread': (d) => `recommend: popularity on the main thread (consent is ${(d as { consent: string }).consent}: no engine)`,
};

/** ?tacit-debug (remembered for the tab's session), or ?tacit-debug=off (forgotten). */
export function panelWanted(search: string): boolean {
  const value = new URLSearchParams(search).get('tacit-debug');
  try {
    if (value === 'off') sessionStorage.removeItem(SESSION_KEY);
    else if (value !== null) sessionStorage.setItem(SESSION_KEY, '1');
    return value !== null ? value !== 'off' : sessionStorage.getItem(SESSION_KEY) === '1';
  } catch {
    return value !== null && value !== 'off';
  }
}

/** A short, one-line view of a value for a group's title. */
function brief(value: unknown, max = 80): string {
  let text: string;
  try {
    text = typeof value === 'function' ? 'ƒ' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** What a call answered, in words, for the methods whose answers have a shape. */
export function summarize(method: string, value: unknown): string {
  const v = value as Record<string, unknown> | null | undefined;
  if (method === 'recommend' && v && Array.isArray(v.items)) return `${v.items.length} item(s), strategy ${String(v.strategy)}${v.limitedBy ? `, limited by ${String(v.limitedBy)}` : ''}`;
  if (method === 'export' && v && Array.isArray(v.events)) return `${v.events.length} event(s), storage ${String(v.storage)}`;
  if (method === 'segments' && Array.isArray(value)) return `${value.length} segment(s)`;
  if (method === 'inspect') return "the QA panel's snapshot";
  if (method === 'on') return 'unsubscribe()';
  return value === undefined ? 'done' : brief(value);
}

function group(title: string, lines: [string, unknown][]): void {
  try {
    console.groupCollapsed(`[tacit] ${title}`);
    for (const [label, value] of lines) console.log(label, value);
    console.groupEnd();
  } catch {
    // never into the page
  }
}

export function consoleLog(entry: DebugEntry): void {
  if (entry.kind === 'decision') {
    group(`decision: ${DECISIONS[entry.title]?.(entry.detail) ?? entry.title}`, entry.detail === undefined ? [] : [['from', entry.detail]]);
    return;
  }
  if (entry.kind === 'event') {
    if (!QUIET_EVENTS.includes(entry.title)) group(`event: ${entry.title}`, [['detail', entry.detail]]);
    return;
  }
  const args = Array.isArray(entry.detail) ? entry.detail : [];
  const call = `${entry.title}(${args.map((a) => brief(a, 60)).join(', ')})`;
  void entry.result?.then(
    (value) => {
      const ms = performance.now() - entry.at;
      group(`${call} → ${summarize(entry.title, value)} (${ms.toFixed(1)} ms)`, [
        ['arguments', args],
        ['answer', value],
      ]);
    },
    (error: unknown) => group(`${call} → failed`, [['error', error]]),
  );
}

/** Opens the panel if the page asks for it; returns how each noted entry is shown. */
export function startDebugLog(host: DebugHost): (entry: DebugEntry) => void {
  if (typeof document !== 'undefined' && typeof location !== 'undefined' && panelWanted(location.search)) {
    import('./panel/panel.ts')
      .then(({ mountPanel }) => host.panelMounted(mountPanel(host.panelApi, { open: new URLSearchParams(location.search).has('tacit-debug') })))
      .catch((error: unknown) => host.warn('debug-panel', `the QA panel could not be loaded (${String(error)})`));
  }
  return consoleLog;
}
