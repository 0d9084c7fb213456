// The shop's cart, kept in the shop's own localStorage (this is the shop's data, not Tacit's).

export interface CartLine {
  id: string;
  quantity: number;
}

const KEY = 'pebble-pine-cart';
const CHANGED = 'pebble-pine-cart-changed';

export function readCart(): CartLine[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (line): line is CartLine =>
        typeof line?.id === 'string' && Number.isInteger(line?.quantity) && line.quantity > 0,
    );
  } catch {
    return [];
  }
}

function writeCart(lines: CartLine[]): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(lines));
  } catch {
    // Storage full or blocked: the cart just does not persist.
  }
  window.dispatchEvent(new CustomEvent(CHANGED));
}

export function addToCart(id: string, quantity = 1): void {
  const lines = readCart();
  const line = lines.find((l) => l.id === id);
  if (line) line.quantity = Math.min(99, line.quantity + quantity);
  else lines.push({ id, quantity });
  writeCart(lines);
}

export function setQuantity(id: string, quantity: number): void {
  const lines = readCart()
    .map((l) => (l.id === id ? { ...l, quantity: Math.max(0, Math.min(99, quantity)) } : l))
    .filter((l) => l.quantity > 0);
  writeCart(lines);
}

export function removeFromCart(id: string): void {
  writeCart(readCart().filter((l) => l.id !== id));
}

export function clearCart(): void {
  writeCart([]);
}

export function cartCount(): number {
  return readCart().reduce((sum, l) => sum + l.quantity, 0);
}

/** Calls `listener` when the cart changes in this tab or another. */
export function onCartChange(listener: () => void): void {
  window.addEventListener(CHANGED, listener);
  window.addEventListener('storage', (event) => {
    if (event.key === KEY) listener();
  });
}
