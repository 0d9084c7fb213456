// A Shopify store's products.json (https://SHOP/products.json, { "products": [...] }) mapped to Tacit's
// catalogue rows: id → id (the product id, as Shopify's themes and analytics name a product), title →
// title, body_html (tags removed) → description, product_type → category, the first variant's price →
// price, any variant available → inStock, /products/<handle> → url, the first image → image. The file
// carries no currency: `--currency` supplies it. Variants stay inside their product.

import { htmlText } from './xml.ts';
import { FeedError, type FeedRow } from './feed-row.ts';

interface ShopifyVariant {
  price?: unknown;
  available?: unknown;
}
interface ShopifyProduct {
  id?: unknown;
  title?: unknown;
  handle?: unknown;
  body_html?: unknown;
  product_type?: unknown;
  variants?: ShopifyVariant[];
  images?: { src?: unknown }[];
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function shopifyProducts(json: unknown, options: { currency?: string } = {}): FeedRow[] {
  const products = (json as { products?: unknown } | null)?.products;
  if (!Array.isArray(products)) throw new FeedError('a Shopify products.json is an object { "products": [...] }');
  return products.map((value: unknown, i): FeedRow => {
    const label = `product ${i + 1}`;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { label, error: 'must be an object' };
    const product = value as ShopifyProduct;
    const row: Record<string, unknown> = {};
    if (typeof product.id === 'number' || typeof product.id === 'string') row.id = String(product.id);
    else if (product.id !== undefined) return { label, error: 'id must be a number or a string' };
    if (product.title !== undefined) row.title = product.title; // core/catalog.ts says what is wrong with it
    const body = text(product.body_html);
    if (body) row.description = htmlText(body);
    if (text(product.product_type)) row.category = product.product_type;
    const handle = text(product.handle);
    if (handle) row.url = `/products/${encodeURIComponent(handle)}`;
    const image = text(product.images?.[0]?.src);
    if (image) row.image = image;
    const variants = Array.isArray(product.variants) ? product.variants : [];
    const price = variants[0]?.price;
    if (price !== undefined && price !== null) {
      const amount = typeof price === 'number' ? price : Number(price);
      if (!Number.isFinite(amount) || amount < 0 || (typeof price === 'string' && price.trim() === '')) {
        return { label, error: `the first variant's price ${JSON.stringify(price)} is not an amount` };
      }
      row.price = amount;
      if (options.currency) row.currency = options.currency;
    }
    if (variants.some((v) => typeof v?.available === 'boolean')) row.inStock = variants.some((v) => v?.available === true);
    return { label, row };
  });
}
