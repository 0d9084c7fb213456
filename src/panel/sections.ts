// The QA panel's sections, each a function of the latest inspect() snapshot. They write text with
// textContent and build lists from escaped strings only: titles and queries are the shop's and the
// shopper's data, never markup.
import { asArray, clock, DASH, escapeHtml, ms, percent, score, text, when, type Snapshot } from './snapshot.ts';

/** The panel's elements by data-testid, and a setter that touches the DOM only when text changes. */
export interface PanelView {
  el(testid: string): HTMLElement;
  set(testid: string, value: string): void;
}

/** The latest model-progress event (transformers.js's shape). */
export interface ModelProgress {
  file?: string;
  loaded?: number;
  total?: number;
  progress?: number;
}

export function renderOverview({ el, set }: PanelView, s: Snapshot, lastProgress: ModelProgress | null): void {
  set('consent-state', text(s.consent));
  el('consent-state').dataset.value = s.consent ?? '';
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
}

export function renderEvents({ el, set }: PanelView, s: Snapshot, memo: { eventsKey: string }): void {
  const events = asArray(s.events);
  const filter = (el('events-filter') as HTMLInputElement).value.trim().toLowerCase();
  const last = events[events.length - 1];
  const key = `${events.length}:${last?.seq}:${filter}`;
  if (key === memo.eventsKey) return;
  memo.eventsKey = key;
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
}

const bar = (value: number | undefined, max: number) =>
  `<span class="tp-bar"><span style="width:${max > 0 && typeof value === 'number' ? Math.max(2, (100 * value) / max).toFixed(1) : 0}%"></span></span>`;


export function renderProfile({ el }: PanelView, s: Snapshot): void {
  const top = asArray(s.profile?.top);
  const maxWeight = Math.max(0, ...top.map((t) => (typeof t.weight === 'number' ? t.weight : 0)));
  el('profile-list').innerHTML = top.length
    ? top
        .map(
          (t) => `<li data-testid="profile-item" data-item-id="${escapeHtml(text(t.itemId))}">
            <span class="tp-label">${escapeHtml(t.title ?? text(t.itemId))}</span>
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
}

export function renderRecs({ el, set }: PanelView, s: Snapshot): void {
  const saved = s.state?.savedShelf;
  set(
    'saved-shelf',
    saved
      ? `Kept on this device for the next page's first answers (until its engine loads): ${asArray(saved.items).length} items, ranked ${when(saved.savedAt)}.`
      : 'No shelf kept for the next page.',
  );
  const recs = s.recommendations;
  el('recs-list').innerHTML = Array.isArray(recs) && recs.length
    ? recs
        .map((r, i) => {
          const reason = typeof r.reason === 'string' ? { text: r.reason } : (r.reason ?? {});
          const title = r.item?.title ?? text(r.id);
          return `<li data-testid="rec-row" data-item-id="${escapeHtml(text(r.id))}">
            <div><span class="tp-rank">${i + 1}</span> <strong>${escapeHtml(title)}</strong>
              <span class="tp-small">${escapeHtml(text(r.id))}</span>
              <span class="tp-num" data-testid="rec-score">${score(r.score)}</span></div>
            <div class="tp-reason" data-testid="rec-reason">${reason.kind ? `<span class="tp-kind">${escapeHtml(reason.kind)}</span> ` : ''}${escapeHtml(text(reason.text))}</div></li>`;
        })
        .join('')
    : `<li class="tp-empty">${recs === null || recs === undefined ? 'Nothing ranked yet on this page.' : 'The last ranking returned no items.'}</li>`;
}

export function renderReport({ set }: PanelView, s: Snapshot): void {
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
  const privacy = s.privacy;
  set('report-planned-at', when(privacy?.plannedAt ?? undefined));
  set('privacy-spent', typeof privacy?.spentLast365Days === 'number' ? `ε = ${privacy.spentLast365Days}` : DASH);
  set('privacy-ledger-count', text(privacy?.ledger?.length));
  const limits = privacy?.limits;
  set(
    'privacy-limits',
    limits ? `ε ≤ ${limits.maxEpsilon} a report, one report per ≥ ${limits.minEpochSeconds} s, ε ≤ ${limits.maxEpsilonPerYear} a year` : DASH,
  );
  set('privacy-since', when(privacy?.reportingSince ?? undefined));
  set('privacy-refused', privacy ? (privacy.refused ?? 'no') : DASH);
  set('config-epsilon', text(s.config?.epsilon));
  set('config-slots', text(s.config?.slots));
  set('config-k', text(s.config?.k));
  const seconds = s.config?.epochSeconds;
  set(
    'config-epoch-seconds',
    typeof seconds === 'number' ? `${seconds} s${seconds >= 86400 ? ` (${(seconds / 86400).toFixed(seconds % 86400 ? 1 : 0)} days)` : ''}` : DASH,
  );
  set('config-server', text(s.config?.server));
}
