// What every page does first: styles, catalogue, frame, consent banner, the QA panel's journeys tab, page view.
import './styles.css';
import { loadCatalog, type Catalog } from './catalog.ts';
import { mountConsentBanner } from './consent-banner.ts';
import { renderProblem, renderShell, SHOP_NAME, type ShellOptions } from './layout.ts';
import { page } from './tacit-client.ts';
import { resumeJourney } from '../panel/journey.ts';
import { addJourneysTab } from '../panel/qa-panel.ts';

export interface PageContext {
  main: HTMLElement;
  catalog: Catalog;
}

/**
 * Renders the frame and resolves with the catalogue, or shows a clear problem and resolves with
 * null when the catalogue cannot be loaded.
 */
export async function startPage(
  title: string,
  shell: Omit<ShellOptions, 'catalog'> = {},
  pageProperties: Record<string, unknown> = {},
): Promise<PageContext | null> {
  document.title = `${title} · ${SHOP_NAME}`;
  let catalog: Catalog | undefined;
  let problem: unknown;
  try {
    catalog = await loadCatalog();
  } catch (error) {
    problem = error;
  }
  const main = renderShell({ ...shell, catalog });
  mountConsentBanner();
  // Tacit's QA panel (debug: true, opened with ?tacit-debug) gets the demo's journeys as a tab.
  addJourneysTab(catalog);
  resumeJourney(catalog);
  // Record the page view with the page's kind, never its title: the search page's title holds the query
  // ("Search: pregnancy test"), and a page view is no place for it (the search itself is its own event).
  setTimeout(() => void page({ name: pageName(location.pathname), ...pageProperties }), 0);
  if (!catalog) {
    renderProblem(main, 'The shop is having a moment', `The product catalogue could not be loaded (${String(problem)}).`);
    return null;
  }
  return { main, catalog };
}

/** The kind of page, one word per template (tacit.page() adds the path, without its query string). */
function pageName(path: string): string {
  const file = path.slice(path.lastIndexOf('/') + 1).replace(/\.html$/, '');
  return { '': 'Home', index: 'Home', search: 'Search', product: 'Product', category: 'Department', cart: 'Cart', checkout: 'Checkout' }[file] ?? 'Page';
}
