// The QA panel: a drawer, opened from a floating button on every page (or with ?tacit-debug in the
// URL), that shows what Tacit holds and does on this device, live. The markup is template.ts, the
// sections are drawn by sections.ts; this file mounts it, polls inspect() and wires the buttons.
import { personas } from '../catalog/personas.ts';
import type { Catalog } from '../shop/catalog.ts';
import { onTacit, tacit, tacitLoaded, withTimeout } from '../shop/tacit-client.ts';
import { describeStep, readJourney, resumeJourney, startJourney, stopJourney } from './journey.ts';
import { wireActions } from './actions.ts';
import { renderEvents, renderOverview, renderProfile, renderRecs, renderReport, type ModelProgress } from './sections.ts';
import { text, type Snapshot } from './snapshot.ts';
import { TABS, template, type Tab } from './template.ts';

const OPEN_KEY = 'tacit-demo-panel-open';
const TAB_KEY = 'tacit-demo-panel-tab';

export function mountPanel(catalog?: Catalog): void {
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'tp-toggle';
  toggle.dataset.testid = 'tacit-panel-toggle';
  toggle.setAttribute('aria-expanded', 'false');
  toggle.setAttribute('aria-controls', 'tacit-panel');
  toggle.innerHTML = '<span class="tp-dot" aria-hidden="true"></span> Tacit QA';

  const panel = document.createElement('aside');
  panel.id = 'tacit-panel';
  panel.className = 'tp-panel';
  panel.dataset.testid = 'tacit-panel';
  panel.setAttribute('aria-label', 'Tacit QA panel');
  panel.hidden = true;
  panel.innerHTML = template();
  document.body.append(toggle, panel);

  const el = (testid: string) => panel.querySelector<HTMLElement>(`[data-testid="${testid}"]`)!;
  const set = (testid: string, value: string) => {
    const node = el(testid);
    if (node.textContent !== value) node.textContent = value;
  };
  const view = { el, set };
  const memo = { eventsKey: '' };
  const message = (textValue: string, kind: 'ok' | 'error' = 'ok') => {
    const node = el('action-message');
    node.textContent = textValue;
    node.dataset.kind = kind;
  };

  // Tabs
  const selectTab = (tab: Tab) => {
    for (const button of panel.querySelectorAll<HTMLElement>('[role="tab"]')) {
      button.setAttribute('aria-selected', String(button.dataset.tab === tab));
    }
    for (const section of panel.querySelectorAll<HTMLElement>('[role="tabpanel"]')) {
      section.hidden = section.dataset.panel !== tab;
    }
    sessionStorage.setItem(TAB_KEY, tab);
  };
  panel.querySelector('.tp-tabs')!.addEventListener('click', (event) => {
    const tab = (event.target as HTMLElement).closest<HTMLElement>('[data-tab]')?.dataset.tab as Tab | undefined;
    if (tab) selectTab(tab);
  });
  const savedTab = sessionStorage.getItem(TAB_KEY) as Tab | null;
  selectTab(TABS.some(([id]) => id === savedTab) ? savedTab! : 'overview');

  // Live data
  let snapshot: Snapshot | null = null;
  let lastProgress: ModelProgress | null = null;
  let inFlight = false;
  let poll: ReturnType<typeof setInterval> | undefined;

  const render = () => {
    const loaded = tacitLoaded();
    const status = el('panel-sdk-status');
    status.dataset.state = loaded ? (snapshot ? 'ready' : 'loading') : 'not-loaded';
    status.textContent = loaded
      ? `SDK ${text(tacit()?.version)} loaded${snapshot ? '' : ' — waiting for inspect()'}`
      : 'SDK not loaded yet';
    const s = snapshot ?? {};
    toggle.dataset.consent = s.consent ?? 'unknown';
    renderOverview(view, s, lastProgress);
    renderEvents(view, s, memo);
    renderProfile(view, s, catalog);
    renderRecs(view, s, catalog);
    renderReport(view, s);
    renderJourneyStatus();
  };

  const renderJourneyStatus = () => {
    const state = readJourney();
    const persona = state && personas.find((p) => p.id === state.personaId);
    const stop = el('journey-stop');
    stop.hidden = !persona || state?.finished === true;
    const status = el('journey-status');
    status.dataset.persona = persona ? persona.id : '';
    if (!persona || !state) set('journey-status', 'No journey playing.');
    else if (state.finished) set('journey-status', `${persona.name}: finished.`);
    else {
      const total = persona.steps.length;
      const next = state.next < total ? `next: ${describeStep(persona.steps[state.next], catalog)}` : 'returning to the home page';
      set('journey-status', `${persona.name}: ${Math.min(state.next, total)} of ${total} steps done — ${next}`);
    }
  };

  const refresh = async () => {
    if (!tacitLoaded() || inFlight) {
      render();
      return;
    }
    inFlight = true;
    try {
      const result = await withTimeout(Promise.resolve(tacit()?.inspect?.()), 3000, undefined);
      if (result && typeof result === 'object') snapshot = result as Snapshot;
    } finally {
      inFlight = false;
    }
    render();
  };

  // Open / close
  const setOpen = (open: boolean) => {
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    document.body.classList.toggle('tp-open', open);
    sessionStorage.setItem(OPEN_KEY, open ? '1' : '');
    if (poll) clearInterval(poll);
    poll = undefined;
    if (open) {
      void refresh();
      poll = setInterval(() => void refresh(), 1000);
    }
  };
  toggle.addEventListener('click', () => setOpen(panel.hidden !== false));
  el('tacit-panel-close').addEventListener('click', () => setOpen(false));
  for (const opener of document.querySelectorAll('[data-open-panel]')) opener.addEventListener('click', () => setOpen(true));
  el('events-filter').addEventListener('input', () => renderEvents(view, snapshot ?? {}, memo));

  // Buttons
  wireActions(el, message, refresh);

  // Journeys
  for (const persona of personas) {
    el(`journey-play-${persona.id}`).addEventListener('click', () => {
      const consent = snapshot?.consent;
      if (consent && consent !== 'granted') message(`Consent is ${consent}: this journey's events will not be stored.`, 'error');
      startJourney(persona.id);
    });
  }
  el('journey-stop').addEventListener('click', () => {
    stopJourney();
    renderJourneyStatus();
  });
  window.addEventListener('tacit-demo-journey', renderJourneyStatus);

  // Refresh as soon as Tacit reports something, without waiting for the poll.
  const refreshIfOpen = () => {
    if (!panel.hidden) void refresh();
  };
  for (const name of ['ready', 'stored', 'report', 'model-ready', 'consent', 'error'] as const) onTacit(name, refreshIfOpen);
  onTacit('model-progress', (detail) => {
    if (detail && typeof detail === 'object') lastProgress = detail as typeof lastProgress;
    refreshIfOpen();
  });
  onTacit('consent', (detail) => {
    const state = typeof detail === 'string' ? detail : (detail as { state?: string } | null)?.state;
    if (state) toggle.dataset.consent = state;
  });

  render();
  void refresh(); // once, so the button's consent dot is right even while the panel is closed
  const wantsDebug = new URLSearchParams(location.search).has('tacit-debug');
  setOpen(wantsDebug || sessionStorage.getItem(OPEN_KEY) === '1');
  resumeJourney(catalog);
}
