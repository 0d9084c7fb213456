// The shop's consent prompt for personalization. Tacit stores nothing until consent is granted;
// the shop remembers only that it asked, so the banner does not come back on every page.
import { onTacit, tacit } from './tacit-client.ts';

const ASKED_KEY = 'pebble-pine-consent-choice';

export function mountConsentBanner(): void {
  const banner = document.createElement('aside');
  banner.className = 'consent-banner';
  banner.dataset.testid = 'consent-banner';
  banner.setAttribute('aria-label', 'Personalization consent');
  banner.innerHTML = `
    <p><strong>Personal picks, computed on this device.</strong>
    If you allow it, what you view and search here is kept <em>in this browser</em> to recommend products.
    Nothing about you is sent to us; once a week your browser sends one randomized interest report that cannot be
    traced back to you.</p>
    <div class="consent-actions">
      <button type="button" class="primary" data-testid="consent-accept">Allow personalization</button>
      <button type="button" data-testid="consent-decline">No thanks</button>
    </div>`;
  document.body.append(banner);

  const remembered = () => {
    try {
      return localStorage.getItem(ASKED_KEY);
    } catch {
      return null;
    }
  };
  const remember = (choice: string | null) => {
    try {
      if (choice) localStorage.setItem(ASKED_KEY, choice);
      else localStorage.removeItem(ASKED_KEY);
    } catch {
      // Without storage the banner simply shows again next time.
    }
  };
  const setVisible = (visible: boolean) => {
    banner.hidden = !visible;
  };
  setVisible(remembered() === null);

  const choose = (state: 'granted' | 'denied') => {
    remember(state);
    setVisible(false);
    try {
      void Promise.resolve(tacit()?.consent?.(state)).catch(() => {});
    } catch {
      // A broken SDK must not break the shop.
    }
  };
  banner.querySelector('[data-testid="consent-accept"]')!.addEventListener('click', () => choose('granted'));
  banner.querySelector('[data-testid="consent-decline"]')!.addEventListener('click', () => choose('denied'));

  // Keep in step with choices made elsewhere (the QA panel, another tab, "forget me").
  const stateOf = (detail: unknown) =>
    typeof detail === 'string' ? detail : (detail as { state?: unknown; consent?: unknown } | null)?.state;
  onTacit('consent', (detail) => {
    const state = stateOf(detail);
    if (state === 'granted' || state === 'denied') {
      remember(state);
      setVisible(false);
    } else if (state === 'pending') {
      remember(null);
      setVisible(true);
    }
  });
  // On load Tacit says what it holds. A grant the shop remembers but Tacit does not (data forgotten,
  // or the page was left before Tacit had loaded) means asking again; a refusal needs no new question.
  onTacit('ready', (detail) => {
    const consent = (detail as { consent?: unknown } | null)?.consent;
    if (consent === 'granted') {
      remember('granted');
      setVisible(false);
    } else if (consent === 'pending' && remembered() === 'granted') {
      remember(null);
      setVisible(true);
    }
  });
}
