// The demo's part of Tacit's QA panel (the SDK's own panel, which debug: true and ?tacit-debug load): a
// Journeys tab that plays a scripted shopper through the shop (journey.ts), added the way any shop adds
// a tab, on the 'panel' event; and the ribbon's "Open the QA panel" button.
import { personas } from '../catalog/personas.ts';
import type { Catalog } from '../shop/catalog.ts';
import { escapeHtml } from '../shop/format.ts';
import { onTacit } from '../shop/tacit-client.ts';
import type { DebugPanel } from '../../src/types.ts';
import { describeStep, readJourney, startJourney, stopJourney } from './journey.ts';

function render(section: HTMLElement, catalog?: Catalog): void {
  section.innerHTML = `
    <p class="tp-small">Plays a scripted shopper through this shop, one step a second. Events are only stored while
      consent is granted.</p>
    <p class="tp-journey-status" data-testid="journey-status">No journey playing.</p>
    <button type="button" data-testid="journey-stop" hidden>Stop journey</button>
    <p class="tp-message" data-testid="journey-message" role="status"></p>
    <ul class="tp-personas">${personas
      .map(
        (p) => `<li data-testid="persona-${p.id}">
          <div><strong>${escapeHtml(p.name)}</strong> <span class="tp-small">${p.steps.length} steps · ${escapeHtml(p.expectCategories.join(', '))}</span>
            <p class="tp-small">${escapeHtml(p.summary)}</p></div>
          <button type="button" data-testid="journey-play-${p.id}">Play</button></li>`,
      )
      .join('')}</ul>`;
  const el = (testid: string) => section.querySelector<HTMLElement>(`[data-testid="${testid}"]`)!;
  const renderStatus = () => {
    const state = readJourney();
    const persona = state && personas.find((p) => p.id === state.personaId);
    el('journey-stop').hidden = !persona || state?.finished === true;
    const status = el('journey-status');
    status.dataset.persona = persona ? persona.id : '';
    if (!persona || !state) status.textContent = 'No journey playing.';
    else if (state.finished) status.textContent = `${persona.name}: finished.`;
    else {
      const total = persona.steps.length;
      const next = state.next < total ? `next: ${describeStep(persona.steps[state.next], catalog)}` : 'returning to the home page';
      status.textContent = `${persona.name}: ${Math.min(state.next, total)} of ${total} steps done — ${next}`;
    }
  };
  for (const persona of personas) {
    el(`journey-play-${persona.id}`).addEventListener('click', async () => {
      const consent = (await window.tacit?.inspect?.())?.consent;
      if (consent && consent !== 'granted') el('journey-message').textContent = `Consent is ${String(consent)}: this journey's events will not be stored.`;
      startJourney(persona.id);
    });
  }
  el('journey-stop').addEventListener('click', () => {
    stopJourney();
    renderStatus();
  });
  window.addEventListener('tacit-demo-journey', renderStatus);
  renderStatus();
}

let mounted: DebugPanel | null = null;

export function addJourneysTab(catalog?: Catalog): void {
  onTacit('panel', (detail) => {
    mounted = detail as DebugPanel;
    mounted.addTab({ id: 'journeys', label: 'Journeys', render: (section) => render(section, catalog) });
  });
}

/** Opens the panel; before Tacit has loaded it, reloads this page with ?tacit-debug, which does. */
export function openQaPanel(): void {
  if (mounted) {
    mounted.open();
    return;
  }
  const url = new URL(location.href);
  url.searchParams.set('tacit-debug', '');
  location.href = url.href;
}
