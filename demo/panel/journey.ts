// Plays a persona's journey through the shop, one step about every second, across page loads.
// Progress lives in sessionStorage (this tab only), so every page picks the journey up where the last
// one left it; a banner at the top shows where it is and stops it.
import { personas, type JourneyStep, type Persona } from '../catalog/personas.ts';
import type { Catalog } from '../shop/catalog.ts';
import { escapeHtml } from '../shop/format.ts';
import { trackBeforeLeaving } from '../shop/tacit-client.ts';

const KEY = 'tacit-demo-journey';
export const STEP_MS = 1000;

export interface JourneyState {
  personaId: string;
  /** Index of the next step to run; equal to the step count once all have run. */
  next: number;
  /** Set when the product page was opened only to run an 'add' step. */
  openedFor?: number;
  finished?: boolean;
}

export function readJourney(): JourneyState | null {
  try {
    const state = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as JourneyState | null;
    if (!state || typeof state.personaId !== 'string' || !Number.isInteger(state.next)) return null;
    return personas.some((p) => p.id === state.personaId) ? state : null;
  } catch {
    return null;
  }
}

function saveJourney(state: JourneyState | null): void {
  try {
    if (state) sessionStorage.setItem(KEY, JSON.stringify(state));
    else sessionStorage.removeItem(KEY);
  } catch {
    // Without sessionStorage a journey cannot survive navigation; it stops at the next page.
  }
  window.dispatchEvent(new CustomEvent('tacit-demo-journey'));
}

export function startJourney(personaId: string): void {
  if (!personas.some((p) => p.id === personaId)) throw new Error(`unknown persona "${personaId}"`);
  saveJourney({ personaId, next: 0 });
  // Begin from the home page, like a shopper arriving.
  location.href = 'index.html';
}

export function stopJourney(): void {
  saveJourney(null);
  if (timer) clearTimeout(timer);
  timer = undefined;
  document.querySelector('[data-testid="journey-banner"]')?.remove();
}

export function describeStep(step: JourneyStep, catalog?: Catalog): string {
  if (step.action === 'search') return `search “${step.query}”`;
  const title = catalog?.byId.get(step.productId)?.title ?? step.productId;
  return step.action === 'add' ? `add ${title} to the cart` : `${step.action} ${title}`;
}

let timer: ReturnType<typeof setTimeout> | undefined;

function currentProductId(): string | null {
  return location.pathname.endsWith('/product.html') ? new URLSearchParams(location.search).get('id') : null;
}

function renderBanner(persona: Persona, state: JourneyState, catalog?: Catalog): void {
  let banner = document.querySelector<HTMLElement>('[data-testid="journey-banner"]');
  if (!banner) {
    banner = document.createElement('div');
    banner.className = 'journey-banner';
    banner.dataset.testid = 'journey-banner';
    banner.setAttribute('role', 'status');
    document.body.prepend(banner);
  }
  const total = persona.steps.length;
  const done = Math.min(state.next, total);
  const label = state.finished
    ? `Journey “${escapeHtml(persona.name)}” finished: ${total} steps played. The shelves now reflect it.`
    : `Playing “${escapeHtml(persona.name)}” · ${done} of ${total} steps done · ${
        done < total ? `next: ${escapeHtml(describeStep(persona.steps[done], catalog))}` : 'back to the home page'
      }`;
  banner.dataset.persona = persona.id;
  banner.dataset.step = String(done);
  banner.dataset.total = String(total);
  banner.dataset.finished = String(Boolean(state.finished));
  banner.innerHTML = `
    <span data-testid="journey-banner-text">${label}</span>
    <progress max="${total}" value="${done}" data-testid="journey-banner-progress"></progress>
    <button type="button" data-testid="journey-banner-stop">${state.finished ? 'Close' : 'Stop'}</button>`;
  banner.querySelector('button')!.addEventListener('click', stopJourney);
}

async function runStep(persona: Persona, state: JourneyState, catalog?: Catalog): Promise<void> {
  const step = persona.steps[state.next];
  const advance = () => saveJourney({ personaId: persona.id, next: state.next + 1 });
  switch (step.action) {
    case 'view':
      advance();
      location.href = `product.html?id=${encodeURIComponent(step.productId)}`;
      return;
    case 'search':
      advance();
      location.href = `search.html?q=${encodeURIComponent(step.query)}`;
      return;
    case 'click': {
      advance();
      const link = document.querySelector<HTMLAnchorElement>(
        `[data-testid="product-card"][data-product-id="${CSS.escape(step.productId)}"] a`,
      );
      if (link) {
        link.click(); // the card tracks 'Product Clicked' and navigates
        return;
      }
      const product = catalog?.byId.get(step.productId);
      await trackBeforeLeaving('Product Clicked', {
        product_id: step.productId,
        ...(product ? { name: product.title, category: product.category, price: product.price } : {}),
        list: 'journey',
      });
      location.href = `product.html?id=${encodeURIComponent(step.productId)}`;
      return;
    }
    case 'add': {
      const button = document.querySelector<HTMLButtonElement>('[data-testid="add-to-cart"]');
      if (currentProductId() === step.productId && button) {
        advance();
        button.click(); // the page tracks 'Product Added'
        schedule(catalog);
        return;
      }
      if (state.openedFor === state.next) {
        // We opened the page for this step and still cannot add: skip it rather than loop.
        advance();
        schedule(catalog);
        return;
      }
      saveJourney({ ...state, openedFor: state.next });
      location.href = `product.html?id=${encodeURIComponent(step.productId)}`;
    }
  }
}

/** Runs the next step of the journey in progress (if any) after about a second. */
function schedule(catalog?: Catalog): void {
  const state = readJourney();
  if (!state) return;
  const persona = personas.find((p) => p.id === state.personaId)!;
  renderBanner(persona, state, catalog);
  if (state.finished) {
    saveJourney(null); // shown once; the banner stays until closed
    return;
  }
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = undefined;
    const latest = readJourney();
    if (!latest || latest.personaId !== state.personaId || latest.next !== state.next) return; // stopped or moved on
    if (latest.next >= persona.steps.length) {
      saveJourney({ ...latest, finished: true });
      location.href = 'index.html';
      return;
    }
    void runStep(persona, latest, catalog);
  }, STEP_MS);
}

/** Called on every page load: continues a journey started on an earlier page. */
export function resumeJourney(catalog?: Catalog): void {
  schedule(catalog);
}
