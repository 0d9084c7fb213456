import { startPage } from '../shop/boot.ts';
import { clearCart } from '../shop/cart.ts';
import { pricedCart, trackedProducts } from '../shop/cart-view.ts';
import { escapeHtml, formatPrice } from '../shop/format.ts';
import { trackBeforeLeaving, track } from '../shop/tacit-client.ts';

const context = await startPage('Checkout');
if (context) {
  const { main, catalog } = context;
  const { lines, total } = pricedCart(catalog);
  if (lines.length === 0) {
    main.innerHTML = `<h1>Checkout</h1><p data-testid="checkout-empty">Your cart is empty. <a href="index.html">Keep shopping</a>.</p>`;
  } else {
    void track('Checkout Started', { products: trackedProducts(lines), total, currency: 'EUR' });
    main.innerHTML = `<h1>Checkout</h1>
      <div class="checkout">
        <form class="checkout-form" data-testid="checkout-form">
          <p class="notice">This checkout is fake: nothing is charged and what you type never leaves the page.
             Tacit only learns <em>which products</em> were ordered — never your name or address.</p>
          <label>Name <input name="name" autocomplete="off" value="Alex Example" required data-testid="checkout-name"></label>
          <label>Email <input name="email" type="email" autocomplete="off" value="alex@example.com" required data-testid="checkout-email"></label>
          <label>Address <input name="address" autocomplete="off" value="1 Demo Street, Sample Town" required data-testid="checkout-address"></label>
          <label>Card <input name="card" autocomplete="off" value="4242 4242 4242 4242" data-testid="checkout-card"></label>
          <button type="submit" class="primary" data-testid="place-order">Place order · ${formatPrice(total)}</button>
        </form>
        <aside class="order-summary" data-testid="checkout-summary">
          <h2>Order summary</h2>
          <ul>${lines
            .map((l) => `<li><span>${l.quantity} × ${escapeHtml(l.product.title)}</span><span>${formatPrice(l.lineTotal)}</span></li>`)
            .join('')}</ul>
          <p class="total">Total <strong data-testid="checkout-total">${formatPrice(total)}</strong></p>
        </aside>
      </div>`;
    const form = main.querySelector<HTMLFormElement>('[data-testid="checkout-form"]')!;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const orderId = `PP-${Date.now().toString(36).toUpperCase()}`;
      await trackBeforeLeaving(
        'Order Completed',
        { order_id: orderId, total, currency: 'EUR', products: trackedProducts(lines) },
        500,
      );
      clearCart();
      main.innerHTML = `<section class="confirmation" data-testid="order-confirmation">
        <h1>Thank you — order placed</h1>
        <p>Order number <strong data-testid="order-id">${escapeHtml(orderId)}</strong> · total
           <strong data-testid="order-total">${formatPrice(total)}</strong></p>
        <p class="muted">This was a demo: nothing was charged and nothing will ship.</p>
        <p><a class="button primary" href="index.html">Continue shopping</a></p>
      </section>`;
    });
  }
}
