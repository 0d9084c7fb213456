// What every page does first: styles, catalogue, frame, consent banner, QA panel, page view.
import './styles.css';
import '../panel/panel.css';
import { loadCatalog, type Catalog } from './catalog.ts';
import { mountConsentBanner } from './consent-banner.ts';
import { renderProblem, renderShell, SHOP_NAME, type ShellOptions } from './layout.ts';
import { page } from './tacit-client.ts';
import { mountPanel } from '../panel/panel.ts';

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
  mountPanel(catalog);
  // After the page code has run (it may refine the title), record the page view.
  setTimeout(() => void page({ title: document.title, path: location.pathname, ...pageProperties }), 0);
  if (!catalog) {
    renderProblem(main, 'The shop is having a moment', `The product catalogue could not be loaded (${String(problem)}).`);
    return null;
  }
  return { main, catalog };
}
