// The cart's lines joined with the catalogue, for the cart and checkout pages.
import { readCart } from './cart.ts';
import type { Catalog, Product } from './catalog.ts';

export interface PricedLine {
  product: Product;
  quantity: number;
  lineTotal: number;
}

export function pricedCart(catalog: Catalog): { lines: PricedLine[]; total: number } {
  const lines = readCart()
    .map((line) => ({ product: catalog.byId.get(line.id), quantity: line.quantity }))
    .filter((l): l is { product: Product; quantity: number } => l.product !== undefined)
    .map((l) => ({ ...l, lineTotal: Math.round(l.product.price * l.quantity * 100) / 100 }));
  const total = Math.round(lines.reduce((sum, l) => sum + l.lineTotal, 0) * 100) / 100;
  return { lines, total };
}

/** The `products` array of Segment's cart and order events. */
export function trackedProducts(lines: PricedLine[]) {
  return lines.map((l) => ({
    product_id: l.product.id,
    name: l.product.title,
    category: l.product.category,
    price: l.product.price,
    quantity: l.quantity,
  }));
}
