// The QA panel: a drawer that shows what Tacit holds and does on this device, live. The SDK loads it as
// its own chunk only when init({ debug: true }) and the page was opened with ?tacit-debug (then it stays
// for the tab's session; ?tacit-debug=off ends it). A floating button opens and closes it. The markup is
// template.ts, the sections sections.ts; this file mounts it, polls inspect() and wires the buttons. A
// shop adds its own tabs with tacit.on('panel', (panel) => panel.addTab({ id, label, render })).

import { wireActions, type PanelApi } from './actions.ts';
import { renderEvents, renderOverview, renderProfile, renderRecs, renderReport, type ModelProgress } from './sections.ts';
import { text, type Snapshot } from './snapshot.ts';
import { addPanelStyles } from './styles.ts';
import { TABS, template } from './template.ts';
import type { DebugPanel, PanelTab } from '../types.ts';

export type { PanelApi };

const OPEN_KEY = 'tacit-panel-open';
const TAB_KEY = 'tacit-panel-tab';

function remembered(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}
function remember(key: string, value: string): void {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    // the panel forgets which tab was open; nothing else
  }
}

export function mountPanel(api: PanelApi, options: { open?: boolean } = {}): DebugPanel {
  addPanelStyles();
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

  // Tabs: Tacit's own, then the shop's (addTab).
  const tabs: string[] = TABS.map(([id]) => id);
  const tabList = panel.querySelector<HTMLElement>('.tp-tabs')!;
  const selectTab = (tab: string) => {
    for (const button of panel.querySelectorAll<HTMLElement>('[role="tab"]')) {
      button.setAttribute('aria-selected', String(button.dataset.tab === tab));
    }
    for (const section of panel.querySelectorAll<HTMLElement>('[role="tabpanel"]')) {
      section.hidden = section.dataset.panel !== tab;
    }
    remember(TAB_KEY, tab);
  };
  tabList.addEventListener('click', (event) => {
    const tab = (event.target as HTMLElement).closest<HTMLElement>('[data-tab]')?.dataset.tab;
    if (tab) selectTab(tab);
  });
  const savedTab = remembered(TAB_KEY);
  selectTab(savedTab && tabs.includes(savedTab) ? savedTab : 'overview');

  // Live data
  let snapshot: Snapshot | null = null;
  let lastProgress: ModelProgress | null = null;
  let inFlight = false;
  let poll: ReturnType<typeof setInterval> | undefined;

  const render = () => {
    const status = el('panel-sdk-status');
    status.dataset.state = snapshot ? 'ready' : 'loading';
    status.textContent = `SDK ${text(api.version)} loaded${snapshot ? '' : ' — waiting for inspect()'}`;
    const s = snapshot ?? {};
    toggle.dataset.consent = s.consent ?? 'unknown';
    renderOverview(view, s, lastProgress);
    renderEvents(view, s, memo);
    renderProfile(view, s);
    renderRecs(view, s);
    renderReport(view, s);
  };

  const refresh = async () => {
    if (inFlight) return;
    inFlight = true;
    try {
      const result = await Promise.race([api.inspect(), new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (result && typeof result === 'object') snapshot = result as Snapshot;
    } catch {
      // shown as it was; the next poll tries again
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
    remember(OPEN_KEY, open ? '1' : '');
    if (poll) clearInterval(poll);
    poll = undefined;
    if (open) {
      void refresh();
      poll = setInterval(() => void refresh(), 1000);
    }
  };
  toggle.addEventListener('click', () => setOpen(panel.hidden !== false));
  el('tacit-panel-close').addEventListener('click', () => setOpen(false));
  el('events-filter').addEventListener('input', () => renderEvents(view, snapshot ?? {}, memo));
  wireActions(api, el, message, refresh);

  // Refresh as soon as Tacit reports something, without waiting for the poll.
  const refreshIfOpen = () => {
    if (!panel.hidden) void refresh();
  };
  for (const name of ['ready', 'stored', 'report', 'model-ready', 'consent', 'error'] as const) api.on(name, refreshIfOpen);
  api.on('model-progress', (detail) => {
    if (detail && typeof detail === 'object') lastProgress = detail as ModelProgress;
    refreshIfOpen();
  });

  render();
  void refresh(); // once, so the button's consent dot is right even while the panel is closed
  setOpen(options.open === true || remembered(OPEN_KEY) === '1');

  const handle: DebugPanel = {
    addTab(tab: PanelTab) {
      if (!tab || typeof tab.id !== 'string' || !/^[\w-]+$/.test(tab.id) || tabs.includes(tab.id) || typeof tab.render !== 'function') {
        throw new TypeError('addTab({ id, label, render }): id must be a new word (letters, digits, -), render a function');
      }
      tabs.push(tab.id);
      const button = document.createElement('button');
      button.type = 'button';
      button.setAttribute('role', 'tab');
      button.dataset.tab = tab.id;
      button.dataset.testid = `panel-tab-${tab.id}`;
      button.textContent = String(tab.label ?? tab.id);
      tabList.append(button);
      const section = document.createElement('section');
      section.dataset.panel = tab.id;
      section.setAttribute('role', 'tabpanel');
      panel.querySelector('.tp-body')!.append(section);
      tab.render(section);
      selectTab(remembered(TAB_KEY) ?? 'overview');
    },
    open(tab?: string) {
      if (tab && tabs.includes(tab)) selectTab(tab);
      setOpen(true);
    },
    close: () => setOpen(false),
  };
  return handle;
}
