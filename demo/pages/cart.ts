import { startPage } from '../shop/boot.ts';
import { removeFromCart, setQuantity } from '../shop/cart.ts';
import { pricedCart, trackedProducts } from '../shop/cart-view.ts';
import { escapeHtml, formatPrice } from '../shop/format.ts';
import { track } from '../shop/tacit-client.ts';

const context = await startPage('Your cart');
if (context) {
  const { main, catalog } = context;
  const initial = pricedCart(catalog);
  void track('Cart Viewed', { products: trackedProducts(initial.lines), total: initial.total, currency: 'EUR' });

  const render = () => {
    const { lines, total } = pricedCart(catalog);
    if (lines.length === 0) {
      main.innerHTML = `<h1>Your cart</h1>
        <p data-testid="cart-empty">Your cart is empty. <a href="index.html">Keep shopping</a>.</p>`;
      return;
    }
    main.innerHTML = `<h1>Your cart</h1>
      <table class="cart-table" data-testid="cart-lines">
        <thead><tr><th>Product</th><th>Price</th><th>Qty</th><th>Total</th><th></th></tr></thead>
        <tbody>${lines
          .map(
            (l) => `<tr data-testid="cart-line" data-product-id="${escapeHtml(l.product.id)}">
              <td class="cart-product"><img src="${escapeHtml(l.product.image)}" alt="" width="64" height="48">
                <a href="${escapeHtml(l.product.url)}">${escapeHtml(l.product.title)}</a></td>
              <td>${formatPrice(l.product.price)}</td>
              <td><input type="number" min="0" max="99" value="${l.quantity}" aria-label="Quantity" data-testid="cart-quantity"></td>
              <td data-testid="cart-line-total">${formatPrice(l.lineTotal)}</td>
              <td><button type="button" class="linklike" data-testid="cart-remove">Remove</button></td>
            </tr>`,
          )
          .join('')}</tbody>
      </table>
      <div class="cart-summary">
        <p>Total <strong data-testid="cart-total">${formatPrice(total)}</strong></p>
        <a class="button primary" href="checkout.html" data-testid="checkout-link">Checkout</a>
      </div>`;
    for (const row of main.querySelectorAll<HTMLElement>('[data-testid="cart-line"]')) {
      const line = lines.find((l) => l.product.id === row.dataset.productId)!;
      const removed = () =>
        void track('Product Removed', {
          product_id: line.product.id,
          name: line.product.title,
          category: line.product.category,
          price: line.product.price,
          quantity: line.quantity,
        });
      row.querySelector('[data-testid="cart-remove"]')!.addEventListener('click', () => {
        removeFromCart(line.product.id);
        removed();
        render();
      });
      row.querySelector<HTMLInputElement>('[data-testid="cart-quantity"]')!.addEventListener('change', (event) => {
        const quantity = Math.round(Number((event.target as HTMLInputElement).value)) || 0;
        setQuantity(line.product.id, quantity);
        if (quantity <= 0) removed();
        render();
      });
    }
  };
  render();
}
