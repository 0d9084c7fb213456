// The frame every page shares: demo ribbon, header (logo, search, cart count), category nav, footer.
import { cartCount, onCartChange } from './cart.ts';
import type { Catalog } from './catalog.ts';
import { escapeHtml } from './format.ts';
import { openQaPanel } from '../panel/qa-panel.ts';

export const SHOP_NAME = 'Pebble & Pine';

export interface ShellOptions {
  catalog?: Catalog;
  activeCategory?: string;
  query?: string;
}

/** Builds the page frame into <body> and returns the <main> element for the page's content. */
export function renderShell({ catalog, activeCategory, query = '' }: ShellOptions): HTMLElement {
  const nav = (catalog?.categories ?? [])
    .map(
      (c) =>
        `<a href="category.html?c=${encodeURIComponent(c.slug)}" data-testid="nav-category-${escapeHtml(c.slug)}"` +
        `${c.slug === activeCategory ? ' aria-current="page"' : ''}>${escapeHtml(c.name)}</a>`,
    )
    .join('');
  document.body.insertAdjacentHTML(
    'afterbegin',
    `<div class="ribbon" data-testid="demo-ribbon">
       Demo shop. Recommendations are computed <strong>in your browser</strong> by Tacit — what you browse stays on this device.
       <button type="button" class="linklike" data-open-panel data-testid="open-qa-panel">Open the QA panel</button>
     </div>
     <header class="site-header" data-testid="site-header">
       <div class="header-row">
         <a class="logo" href="index.html" aria-label="${SHOP_NAME} home">
           <span class="logo-mark" aria-hidden="true">◆</span> ${SHOP_NAME}
         </a>
         <form class="search" action="search.html" role="search" data-testid="search-form">
           <input type="search" name="q" placeholder="Search tents, espresso, headphones…" aria-label="Search products"
             value="${escapeHtml(query)}" data-testid="search-input" autocomplete="off">
           <button type="submit" data-testid="search-submit">Search</button>
         </form>
         <a class="cart-link" href="cart.html" data-testid="cart-link">
           Cart <span class="cart-count" data-testid="cart-count">0</span>
         </a>
       </div>
       <nav class="category-nav" aria-label="Departments" data-testid="category-nav">${nav}</nav>
     </header>
     <main id="main" class="page" data-testid="page-main"></main>
     <footer class="site-footer" data-testid="site-footer">
       <div>
         <strong>${SHOP_NAME}</strong> is a made-up shop: products, brands and prices are invented for the demo.
         Checkout is fake and nothing is charged.
       </div>
       <div>
         Personalization by <strong>Tacit</strong>: events are stored in this browser (IndexedDB); the only thing
         sent anywhere is one randomized segment report per epoch. See it in the QA panel under “Report”.
       </div>
     </footer>`,
  );
  const count = document.querySelector<HTMLElement>('[data-testid="cart-count"]')!;
  const updateCount = () => {
    const n = cartCount();
    count.textContent = String(n);
    count.classList.toggle('empty', n === 0);
  };
  updateCount();
  onCartChange(updateCount);
  document.querySelector('[data-open-panel]')!.addEventListener('click', openQaPanel);
  return document.getElementById('main')!;
}

/** Shows a clear message instead of a broken page (e.g. the catalogue failed to load). */
export function renderProblem(main: HTMLElement, title: string, detail: string): void {
  main.innerHTML = `<section class="problem" data-testid="page-problem"><h1>${escapeHtml(title)}</h1>
    <p>${escapeHtml(detail)}</p><p><a href="index.html">Back to the home page</a></p></section>`;
}
