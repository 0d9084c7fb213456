import { startPage } from '../shop/boot.ts';
import { searchProducts } from '../shop/catalog.ts';
import { escapeHtml } from '../shop/format.ts';
import { productGrid } from '../shop/product-card.ts';
import { mountShelf } from '../shop/shelf.ts';
import { track } from '../shop/tacit-client.ts';

const query = (new URLSearchParams(location.search).get('q') ?? '').trim().slice(0, 200);
const context = await startPage(query ? `Search: ${query}` : 'Search', { query });
if (context) {
  const { main, catalog } = context;
  if (!query) {
    main.innerHTML = '<h1>Search</h1><p class="muted" data-testid="search-count">Type what you are looking for above.</p>';
  } else {
    const results = searchProducts(catalog, query);
    void track('Products Searched', { query });
    main.innerHTML = `
      <h1 data-testid="search-title">Results for “${escapeHtml(query)}”</h1>
      <p class="muted" data-testid="search-count">${results.length} ${results.length === 1 ? 'product' : 'products'}</p>`;
    if (results.length > 0) {
      main.append(productGrid(results.slice(0, 48), `search:${query}`, 'search-results'));
    } else {
      main.insertAdjacentHTML('beforeend', '<p data-testid="search-empty">Nothing matched. Try fewer or simpler words.</p>');
      mountShelf(main, {
        catalog,
        title: 'Recommended for you',
        subtitle: 'Picked in your browser from what you viewed, searched and added.',
        testid: 'shelf-recommended',
        request: { limit: 8 },
      });
    }
  }
}
