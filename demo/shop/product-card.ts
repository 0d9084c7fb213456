// A product tile used by listings and shelves. Clicking it tracks `Product Clicked` first.
import type { Product } from './catalog.ts';
import { escapeHtml, formatPrice } from './format.ts';
import { trackBeforeLeaving } from './tacit-client.ts';

export interface CardOptions {
  /** Why Tacit recommends it ("Because you viewed …"). */
  reason?: string;
  /** Where the click came from, sent with `Product Clicked`. */
  list?: string;
  /** recommend()'s `listId` (a device in an experiment): sent as `list_id`, so the click counts as one on a recommendation. */
  listId?: string;
  position?: number;
}

export function productCard(product: Product, { reason, list, listId, position }: CardOptions = {}): HTMLElement {
  const card = document.createElement('article');
  card.className = 'card';
  card.dataset.testid = 'product-card';
  card.dataset.productId = product.id;
  card.innerHTML = `
    <a href="${escapeHtml(product.url)}" class="card-link" data-testid="product-card-link">
      <img src="${escapeHtml(product.image)}" alt="" loading="lazy" width="320" height="240">
      <span class="card-category">${escapeHtml(product.categoryName)}</span>
      <span class="card-title" data-testid="product-card-title">${escapeHtml(product.title)}</span>
      <span class="card-meta">
        <span class="price" data-testid="product-card-price">${formatPrice(product.price)}</span>
        ${product.inStock ? '' : '<span class="badge sold-out" data-testid="product-card-sold-out">Sold out</span>'}
      </span>
    </a>
    ${
      reason
        ? `<p class="card-reason" data-testid="card-reason" title="${escapeHtml(reason)}"><span>${escapeHtml(reason)}</span></p>`
        : ''
    }`;
  const link = card.querySelector<HTMLAnchorElement>('a')!;
  link.addEventListener('click', (event) => {
    // Let modified clicks (new tab) through untouched; otherwise record the click, then navigate.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    void trackBeforeLeaving('Product Clicked', {
      product_id: product.id,
      name: product.title,
      category: product.category,
      price: product.price,
      ...(list ? { list } : {}),
      ...(listId ? { list_id: listId } : {}),
      ...(position !== undefined ? { position } : {}),
    }).then(() => {
      window.location.href = link.href;
    });
  });
  return card;
}

export function productGrid(products: Product[], list: string, testid = 'product-grid'): HTMLElement {
  const grid = document.createElement('div');
  grid.className = 'grid';
  grid.dataset.testid = testid;
  products.forEach((p, i) => grid.append(productCard(p, { list, position: i + 1 })));
  return grid;
}
