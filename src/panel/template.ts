// The QA panel's markup: every value and button carries a stable data-testid so browser tests can read
// and drive it. Filled in by sections.ts, wired by panel.ts; a shop's own tabs (addTab) come after.
import { DASH } from './snapshot.ts';

export const TABS = [
  ['overview', 'Overview'],
  ['events', 'Events'],
  ['profile', 'Profile'],
  ['recommendations', 'Recs'],
  ['report', 'Report'],
] as const;
export type Tab = (typeof TABS)[number][0];

const row = (label: string, testid: string, extra = '') =>
  `<dt>${label}</dt><dd data-testid="${testid}" ${extra}>${DASH}</dd>`;

export const template = () => `
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
      <p class="tp-small" data-testid="saved-shelf"></p>
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
        ${row('This epoch\'s report planned at', 'report-planned-at')}
      </dl>
      <h3>Privacy accountant (this device)</h3>
      <dl class="tp-kv">
        ${row('ε spent, last 365 days', 'privacy-spent')}
        ${row('Reports in the ledger', 'privacy-ledger-count')}
        ${row('Device limits', 'privacy-limits')}
        ${row('Reporting since', 'privacy-since')}
        ${row('Refused', 'privacy-refused')}
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
  </div>`;

