import { startPage } from '../shop/boot.ts';
import { escapeHtml } from '../shop/format.ts';
import { renderProblem } from '../shop/layout.ts';
import { productGrid } from '../shop/product-card.ts';
import type { Product } from '../shop/catalog.ts';

const slug = new URLSearchParams(location.search).get('c') ?? '';
const context = await startPage('Department', { activeCategory: slug }, { category: slug });
if (context) {
  const { main, catalog } = context;
  const category = catalog.categories.find((c) => c.slug === slug);
  if (!category) {
    renderProblem(main, 'Department not found', `There is no department called “${slug}”.`);
  } else {
    document.title = document.title.replace('Department', category.name);
    const sorters: Record<string, (a: Product, b: Product) => number> = {
      popular: (a, b) => b.popularity - a.popularity,
      'price-asc': (a, b) => a.price - b.price,
      'price-desc': (a, b) => b.price - a.price,
    };
    main.innerHTML = `
      <nav class="breadcrumbs"><a href="index.html">Home</a> › ${escapeHtml(category.name)}</nav>
      <div class="listing-head">
        <h1 data-testid="category-title">${escapeHtml(category.name)}</h1>
        <label>Sort by
          <select data-testid="category-sort">
            <option value="popular">Most popular</option>
            <option value="price-asc">Price: low to high</option>
            <option value="price-desc">Price: high to low</option>
          </select>
        </label>
      </div>
      <p class="muted" data-testid="category-count">${category.count} products</p>`;
    const products = catalog.products.filter((p) => p.category === slug);
    let grid = productGrid([...products].sort(sorters.popular), `category:${slug}`);
    main.append(grid);
    main.querySelector<HTMLSelectElement>('[data-testid="category-sort"]')!.addEventListener('change', (event) => {
      const sorter = sorters[(event.target as HTMLSelectElement).value] ?? sorters.popular;
      const next = productGrid([...products].sort(sorter), `category:${slug}`);
      grid.replaceWith(next);
      grid = next;
    });
  }
}
