// The QA panel: a drawer, opened from a floating button on every page (or with ?tacit-debug in the
// URL), that shows what Tacit holds and does on this device, live. Every value and button carries a
// stable data-testid so browser tests can read and drive it.
import { personas } from '../catalog/personas.ts';
import type { Catalog } from '../shop/catalog.ts';
import { escapeHtml } from '../shop/format.ts';
import { onTacit, tacit, tacitLoaded, withTimeout } from '../shop/tacit-client.ts';
import { describeStep, readJourney, resumeJourney, startJourney, stopJourney } from './journey.ts';
import { asArray, clock, DASH, ms, percent, score, text, when, type Snapshot } from './snapshot.ts';

const OPEN_KEY = 'tacit-demo-panel-open';
const TAB_KEY = 'tacit-demo-panel-tab';
const TABS = [
  ['overview', 'Overview'],
  ['events', 'Events'],
  ['profile', 'Profile'],
  ['recommendations', 'Recs'],
  ['report', 'Report'],
  ['journeys', 'Journeys'],
] as const;
type Tab = (typeof TABS)[number][0];

const row = (label: string, testid: string, extra = '') =>
  `<dt>${label}</dt><dd data-testid="${testid}" ${extra}>${DASH}</dd>`;

const template = () => `
  <header class="tp-head">
    <div>
      <strong>Tacit QA panel</strong>
      <span class="tp-status" data-testid="panel-sdk-status" data-state="not-loaded">SDK not loaded yet</span>
    </div>
    <button type="button" class="tp-close" data-testid="tacit-panel-close" aria-label="Close the QA panel">×</button>
  </header>
  <nav class="tp-tabs" role="tablist">${TABS.map(
    ([id, label]) => `<button type="button" role="tab" data-tab="${id}" data-testid="panel-tab-${id}">${label}</button>`,
  ).join('')}</nav>
  <div class="tp-body">
    <section data-panel="overview" role="tabpanel">
      <h3>Consent &amp; storage</h3>
      <dl class="tp-kv">
        ${row('Consent', 'consent-state')}
        ${row('Storage', 'storage-backend')}
      </dl>
      <div class="tp-buttons">
        <button type="button" data-testid="btn-consent-grant">Grant consent</button>
        <button type="button" data-testid="btn-consent-deny">Deny consent</button>
        <button type="button" data-testid="btn-forget" class="danger">Forget me</button>
        <button type="button" data-testid="btn-export">Export my data</button>
        <button type="button" data-testid="btn-sync">Force sync now</button>
      </div>
      <p class="tp-message" data-testid="action-message" role="status"></p>
      <h3>Model</h3>
      <dl class="tp-kv">
        ${row('Model', 'model-id')}
        ${row('Backend', 'model-backend')}
        ${row('Threads', 'model-threads')}
        ${row('Status', 'model-status')}
        ${row('Load time', 'model-load-ms')}
      </dl>
      <div class="tp-progress">
        <progress max="100" value="0" data-testid="model-progress" data-value=""></progress>
        <span data-testid="model-progress-text">${DASH}</span>
      </div>
      <p class="tp-small" data-testid="model-progress-file"></p>
      <h3>Timings (last call)</h3>
      <dl class="tp-kv">
        ${row('Embedding', 'timing-embed-ms')}
        ${row('Ranking', 'timing-rank-ms')}
        ${row('recommend()', 'timing-recommend-ms')}
      </dl>
    </section>
    <section data-panel="events" role="tabpanel">
      <div class="tp-toolbar">
        <input type="search" placeholder="Filter events (name or property)" data-testid="events-filter" aria-label="Filter events">
        <span data-testid="events-count">${DASH}</span>
      </div>
      <ol class="tp-events" data-testid="events-list"></ol>
    </section>
    <section data-panel="profile" role="tabpanel">
      <h3>Strongest contributing items</h3>
      <ol class="tp-bars" data-testid="profile-list"></ol>
      <h3>Segments</h3>
      <ol class="tp-bars" data-testid="segments-list"></ol>
    </section>
    <section data-panel="recommendations" role="tabpanel">
      <h3>Ranked recommendations</h3>
      <ol class="tp-recs" data-testid="recs-list"></ol>
    </section>
    <section data-panel="report" role="tabpanel">
      <p class="tp-small">The report below is the <strong>only</strong> thing Tacit sends off this device: one per epoch,
        each segment slot randomized.</p>
      <h3>Last report sent</h3>
      <pre class="tp-raw" data-testid="report-body">${DASH}</pre>
      <dl class="tp-kv">
        ${row('Sent at', 'report-sent-at')}
        ${row('HTTP status', 'report-status')}
        ${row('Acknowledgement', 'report-ack')}
      </dl>
      <h3>Pending report</h3>
      <pre class="tp-raw" data-testid="report-pending">${DASH}</pre>
      <h3>Next epoch</h3>
      <dl class="tp-kv">
        ${row('Epoch', 'next-epoch')}
        ${row('Starts', 'next-epoch-starts')}
      </dl>
      <h3>Privacy parameters</h3>
      <dl class="tp-kv">
        ${row('ε per epoch', 'config-epsilon')}
        ${row('Slots', 'config-slots')}
        ${row('k (segments)', 'config-k')}
        ${row('Epoch length', 'config-epoch-seconds')}
        ${row('Server', 'config-server')}
      </dl>
    </section>
    <section data-panel="journeys" role="tabpanel">
      <p class="tp-small">Plays a scripted shopper through this shop, one step a second. Events are only stored while
        consent is granted.</p>
      <p class="tp-journey-status" data-testid="journey-status">No journey playing.</p>
      <button type="button" data-testid="journey-stop" hidden>Stop journey</button>
      <ul class="tp-personas">${personas
        .map(
          (p) => `<li data-testid="persona-${p.id}">
            <div><strong>${escapeHtml(p.name)}</strong> <span class="tp-small">${p.steps.length} steps · ${escapeHtml(p.expectCategories.join(', '))}</span>
              <p class="tp-small">${escapeHtml(p.summary)}</p></div>
            <button type="button" data-testid="journey-play-${p.id}">Play</button></li>`,
        )
        .join('')}</ul>
    </section>
  </div>`;

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
  let lastProgress: { file?: string; loaded?: number; total?: number; progress?: number } | null = null;
  let inFlight = false;
  let poll: ReturnType<typeof setInterval> | undefined;
  let eventsKey = '';

  const render = () => {
    const loaded = tacitLoaded();
    const status = el('panel-sdk-status');
    status.dataset.state = loaded ? (snapshot ? 'ready' : 'loading') : 'not-loaded';
    status.textContent = loaded
      ? `SDK ${text(tacit()?.version)} loaded${snapshot ? '' : ' — waiting for inspect()'}`
      : 'SDK not loaded yet';
    const s = snapshot ?? {};
    const consent = text(s.consent);
    set('consent-state', consent);
    el('consent-state').dataset.value = s.consent ?? '';
    toggle.dataset.consent = s.consent ?? 'unknown';
    set('storage-backend', text(s.storage));
    set('model-id', text(s.model?.id));
    set('model-backend', text(s.model?.backend));
    set('model-threads', text(s.model?.threads));
    set('model-status', text(s.model?.status));
    set('model-load-ms', ms(s.model?.loadMs));
    const pct = percent(s.model?.progress ?? lastProgress?.progress);
    const bar = el('model-progress') as HTMLProgressElement;
    bar.value = pct ?? 0;
    bar.dataset.value = pct === null ? '' : pct.toFixed(1);
    set('model-progress-text', pct === null ? DASH : `${pct.toFixed(0)} %`);
    set(
      'model-progress-file',
      lastProgress?.file && (pct ?? 0) < 100
        ? `Loading ${lastProgress.file}${lastProgress.total ? ` (${((lastProgress.loaded ?? 0) / 1048576).toFixed(1)} of ${(lastProgress.total / 1048576).toFixed(1)} MB)` : ''}`
        : '',
    );
    set('timing-embed-ms', ms(s.timings?.embedMs));
    set('timing-rank-ms', ms(s.timings?.rankMs));
    set('timing-recommend-ms', ms(s.timings?.lastRecommendMs));
    renderEvents(s);
    renderProfile(s);
    renderRecs(s);
    renderReport(s);
    renderJourneyStatus();
  };

  const renderEvents = (s: Snapshot) => {
    const events = asArray(s.events);
    const filter = (el('events-filter') as HTMLInputElement).value.trim().toLowerCase();
    const last = events[events.length - 1];
    const key = `${events.length}:${last?.seq}:${filter}`;
    if (key === eventsKey) return;
    eventsKey = key;
    const rows = events
      .slice()
      .reverse()
      .map((e) => ({ e, props: text(e.properties ?? {}) }))
      .filter(({ e, props }) => !filter || `${e.event ?? ''} ${props}`.toLowerCase().includes(filter));
    const shown = rows.slice(0, 300);
    set(
      'events-count',
      `${events.length} stored${filter ? `, ${rows.length} match` : ''}${shown.length < rows.length ? `, showing ${shown.length}` : ''}`,
    );
    el('events-list').innerHTML = shown
      .map(
        ({ e, props }) => `<li data-testid="event-row" data-seq="${escapeHtml(text(e.seq))}">
          <span class="tp-seq">#${escapeHtml(text(e.seq))}</span>
          <span class="tp-time">${escapeHtml(clock(e.ts))}</span>
          <strong data-testid="event-name">${escapeHtml(text(e.event))}</strong>
          <code data-testid="event-props">${escapeHtml(props)}</code></li>`,
      )
      .join('') || `<li class="tp-empty">${events.length ? 'No event matches the filter.' : 'No events stored.'}</li>`;
  };

  const bar = (value: number | undefined, max: number) =>
    `<span class="tp-bar"><span style="width:${max > 0 && typeof value === 'number' ? Math.max(2, (100 * value) / max).toFixed(1) : 0}%"></span></span>`;

  const renderProfile = (s: Snapshot) => {
    const top = asArray(s.profile?.top);
    const maxWeight = Math.max(0, ...top.map((t) => (typeof t.weight === 'number' ? t.weight : 0)));
    el('profile-list').innerHTML = top.length
      ? top
          .map(
            (t) => `<li data-testid="profile-item" data-item-id="${escapeHtml(text(t.itemId))}">
              <span class="tp-label">${escapeHtml(t.title ?? catalog?.byId.get(String(t.itemId))?.title ?? text(t.itemId))}</span>
              ${bar(t.weight, maxWeight)}<span class="tp-num" data-testid="profile-weight">${score(t.weight)}</span></li>`,
          )
          .join('')
      : '<li class="tp-empty">No profile yet: browse some products.</li>';
    const segments = asArray(s.segments);
    const maxScore = Math.max(0, ...segments.map((g) => (typeof g.score === 'number' ? g.score : 0)));
    el('segments-list').innerHTML = segments.length
      ? segments
          .map(
            (g) => `<li data-testid="segment-row" data-segment-id="${escapeHtml(text(g.id))}">
              <span class="tp-label" data-testid="segment-name">${escapeHtml(text(g.name))} <span class="tp-small">#${escapeHtml(text(g.id))}</span></span>
              ${bar(g.score, maxScore)}<span class="tp-num" data-testid="segment-score">${score(g.score)}</span></li>`,
          )
          .join('')
      : '<li class="tp-empty">No segments assigned yet.</li>';
  };

  const renderRecs = (s: Snapshot) => {
    const recs = s.recommendations;
    el('recs-list').innerHTML = Array.isArray(recs) && recs.length
      ? recs
          .map((r, i) => {
            const reason = typeof r.reason === 'string' ? { text: r.reason } : (r.reason ?? {});
            const title = catalog?.byId.get(String(r.id))?.title ?? text(r.id);
            return `<li data-testid="rec-row" data-item-id="${escapeHtml(text(r.id))}">
              <div><span class="tp-rank">${i + 1}</span> <strong>${escapeHtml(title)}</strong>
                <span class="tp-small">${escapeHtml(text(r.id))}</span>
                <span class="tp-num" data-testid="rec-score">${score(r.score)}</span></div>
              <div class="tp-reason" data-testid="rec-reason">${reason.kind ? `<span class="tp-kind">${escapeHtml(reason.kind)}</span> ` : ''}${escapeHtml(text(reason.text))}</div></li>`;
          })
          .join('')
      : `<li class="tp-empty">${recs === null || recs === undefined ? 'Nothing ranked yet on this page.' : 'The last ranking returned no items.'}</li>`;
  };

  const renderReport = (s: Snapshot) => {
    const report = s.lastReport;
    set('report-body', report?.body ?? (report ? text(report) : 'No report sent yet.'));
    set('report-sent-at', when(report?.sentAt));
    set('report-status', text(report?.status));
    set('report-ack', text(report?.ack));
    const pending = s.pendingReport;
    set(
      'report-pending',
      pending === null || pending === undefined
        ? 'None.'
        : typeof pending === 'string'
          ? pending
          : typeof (pending as { body?: unknown }).body === 'string'
            ? (pending as { body: string }).body
            : text(pending),
    );
    set('next-epoch', text(s.nextEpoch?.epoch));
    set('next-epoch-starts', when(s.nextEpoch?.startsAt));
    set('config-epsilon', text(s.config?.epsilon));
    set('config-slots', text(s.config?.slots));
    set('config-k', text(s.config?.k));
    const seconds = s.config?.epochSeconds;
    set(
      'config-epoch-seconds',
      typeof seconds === 'number' ? `${seconds} s${seconds >= 86400 ? ` (${(seconds / 86400).toFixed(seconds % 86400 ? 1 : 0)} days)` : ''}` : DASH,
    );
    set('config-server', text(s.config?.server));
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
  el('events-filter').addEventListener('input', () => renderEvents(snapshot ?? {}));

  // Buttons
  const action = (testid: string, run: () => Promise<string>) => {
    el(testid).addEventListener('click', async () => {
      const button = el(testid) as HTMLButtonElement;
      button.disabled = true;
      message(tacitLoaded() ? 'Working…' : 'SDK not loaded yet: the call is queued until it loads.');
      try {
        message(await run());
      } catch (error) {
        message(`Failed: ${error instanceof Error ? error.message : String(error)}`, 'error');
      } finally {
        button.disabled = false;
        void refresh();
      }
    });
  };
  const api = () => {
    const t = tacit();
    if (!t) throw new Error('the Tacit snippet is not on this page');
    return t;
  };
  action('btn-consent-grant', async () => `Consent is now ${text(await api().consent?.('granted'))}.`);
  action('btn-consent-deny', async () => `Consent is now ${text(await api().consent?.('denied'))}.`);
  action('btn-forget', async () => {
    await api().forget?.();
    return 'Forgot everything: all Tacit data on this device was deleted.';
  });
  action('btn-export', async () => {
    const data = await api().export?.();
    if (!data) throw new Error('export() returned nothing');
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `tacit-export-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    return `Exported ${Array.isArray((data as { events?: unknown }).events) ? (data as { events: unknown[] }).events.length : 'your'} events to ${link.download}.`;
  });
  action('btn-sync', async () => `Sync: ${text(await api().sync?.())}`);

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
