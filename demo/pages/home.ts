import { escapeHtml } from '../shop/format.ts';
import { startPage } from '../shop/boot.ts';
import { productGrid } from '../shop/product-card.ts';
import { mountShelf } from '../shop/shelf.ts';

const context = await startPage('Outdoor, kitchen and everyday gear');
if (context) {
  const { main, catalog } = context;
  main.innerHTML = `
    <section class="hero" data-testid="home-hero">
      <div>
        <h1>Gear for the trail, the kitchen and everything between.</h1>
        <p>${catalog.products.length} products in ${catalog.categories.length} departments.
           Browse a little: the shelf below learns what you like — without sending your clicks anywhere.</p>
      </div>
    </section>`;
  mountShelf(main, {
    catalog,
    title: 'Recommended for you',
    subtitle: 'Picked in your browser from what you viewed, searched and added.',
    testid: 'shelf-recommended',
    request: { limit: 8 },
  });
  const departments = document.createElement('section');
  departments.className = 'departments';
  departments.dataset.testid = 'home-departments';
  departments.innerHTML = `<h2>Shop by department</h2><div class="department-grid">${catalog.categories
    .map((c) => {
      const sample = catalog.products.find((p) => p.category === c.slug)!;
      return `<a class="department" href="category.html?c=${encodeURIComponent(c.slug)}" data-testid="department-${escapeHtml(c.slug)}">
        <img src="${escapeHtml(sample.image)}" alt="" loading="lazy"><span>${escapeHtml(c.name)}</span><small>${c.count} products</small></a>`;
    })
    .join('')}</div>`;
  main.append(departments);
  // The newest product line of each department (the catalogue lists them last), in stock.
  const newIn = catalog.categories
    .map((c) => catalog.products.filter((p) => p.category === c.slug && p.inStock).at(-1))
    .filter((p) => p !== undefined)
    .slice(0, 8);
  const best = document.createElement('section');
  best.innerHTML = '<h2>New this season</h2>';
  best.append(productGrid(newIn, 'new-this-season', 'home-new'));
  main.append(best);
}
