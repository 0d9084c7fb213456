import { startPage } from '../shop/boot.ts';
import { addToCart } from '../shop/cart.ts';
import { escapeHtml, formatPrice } from '../shop/format.ts';
import { renderProblem } from '../shop/layout.ts';
import { mountShelf } from '../shop/shelf.ts';
import { track } from '../shop/tacit-client.ts';

const id = new URLSearchParams(location.search).get('id') ?? '';
const context = await startPage('Product', {}, { product_id: id });
if (context) {
  const { main, catalog } = context;
  const product = catalog.byId.get(id);
  if (!product) {
    renderProblem(main, 'Product not found', `There is no product with id “${id}”. It may have been discontinued.`);
  } else {
    document.title = document.title.replace('Product', product.title);
    document.body.querySelector(`[data-testid="nav-category-${product.category}"]`)?.setAttribute('aria-current', 'page');
    const tracked = { product_id: product.id, name: product.title, category: product.category, price: product.price };
    void track('Product Viewed', { ...tracked, currency: product.currency });
    main.innerHTML = `
      <nav class="breadcrumbs"><a href="index.html">Home</a> ›
        <a href="category.html?c=${encodeURIComponent(product.category)}">${escapeHtml(product.categoryName)}</a></nav>
      <article class="product" data-testid="product-detail" data-product-id="${escapeHtml(product.id)}">
        <img class="product-image" src="${escapeHtml(product.image)}" alt="${escapeHtml(product.title)}" width="320" height="240">
        <div class="product-info">
          <h1 data-testid="product-title">${escapeHtml(product.title)}</h1>
          <p class="product-price" data-testid="product-price">${formatPrice(product.price)}</p>
          <p class="stock ${product.inStock ? 'in' : 'out'}" data-testid="product-stock">
            ${product.inStock ? 'In stock — ships in 1–2 days' : 'Sold out — back soon'}</p>
          <p class="product-description" data-testid="product-description">${escapeHtml(product.description)}</p>
          <div class="buy">
            <label>Qty <input type="number" min="1" max="10" value="1" data-testid="add-quantity"></label>
            <button type="button" class="primary" data-testid="add-to-cart" ${product.inStock ? '' : 'disabled'}>
              ${product.inStock ? 'Add to cart' : 'Sold out'}</button>
          </div>
          <p class="added" data-testid="added-message" role="status" hidden></p>
          <p class="muted small">Item no. ${escapeHtml(product.id)}</p>
        </div>
      </article>`;
    const quantityInput = main.querySelector<HTMLInputElement>('[data-testid="add-quantity"]')!;
    const added = main.querySelector<HTMLElement>('[data-testid="added-message"]')!;
    main.querySelector('[data-testid="add-to-cart"]')!.addEventListener('click', () => {
      const quantity = Math.max(1, Math.min(10, Math.round(Number(quantityInput.value)) || 1));
      addToCart(product.id, quantity);
      void track('Product Added', { ...tracked, quantity });
      added.hidden = false;
      added.innerHTML = `Added ${quantity} × ${escapeHtml(product.title)}. <a href="cart.html">View cart</a>`;
    });
    mountShelf(main, {
      catalog,
      title: 'Similar items',
      subtitle: `Close to ${product.title}, ranked by what you like.`,
      testid: 'shelf-similar',
      request: { limit: 8, context: { itemId: product.id } },
      fallbackCategory: product.category,
    });
    mountShelf(main, {
      catalog,
      title: 'Recommended for you',
      subtitle: 'Picked in your browser from what you viewed, searched and added.',
      testid: 'shelf-recommended',
      request: { limit: 8, exclude: [product.id] },
    });
  }
}
