// The shop's own view of its catalogue: the same /catalog.json that Tacit ranks.
import type { DemoProduct } from '../catalog/product-lines.ts';

export type Product = DemoProduct;

export interface Category {
  slug: string;
  name: string;
  count: number;
}

export interface Catalog {
  products: Product[];
  byId: Map<string, Product>;
  categories: Category[];
}

let loading: Promise<Catalog> | undefined;

export function loadCatalog(): Promise<Catalog> {
  loading ??= fetch('/catalog.json')
    .then((response) => {
      if (!response.ok) throw new Error(`catalog.json: HTTP ${response.status}`);
      return response.json() as Promise<Product[]>;
    })
    .then(indexCatalog)
    .catch((error: unknown) => {
      loading = undefined; // let a later call retry
      throw error;
    });
  return loading;
}

export function indexCatalog(products: Product[]): Catalog {
  const byId = new Map(products.map((p) => [p.id, p]));
  const categories = new Map<string, Category>();
  for (const p of products) {
    const entry = categories.get(p.category) ?? { slug: p.category, name: p.categoryName, count: 0 };
    entry.count++;
    categories.set(p.category, entry);
  }
  return { products, byId, categories: [...categories.values()] };
}

/** Best-sellers first; sold-out items last. The fallback when personal picks are unavailable. */
export function popular(catalog: Catalog, limit: number, exclude: Iterable<string> = []): Product[] {
  const skip = new Set(exclude);
  return catalog.products
    .filter((p) => !skip.has(p.id))
    .sort((a, b) => Number(b.inStock) - Number(a.inStock) || b.popularity - a.popularity)
    .slice(0, limit);
}

/** Popular items of one category, for "Similar items" when Tacit has nothing. */
export function popularInCategory(catalog: Catalog, category: string, limit: number, exclude: string[] = []): Product[] {
  return popular({ ...catalog, products: catalog.products.filter((p) => p.category === category) }, limit, exclude);
}

const normalise = (word: string) => word.toLowerCase().replace(/[^a-z0-9]/g, '').replace(/(es|s)$/, '');

/** Plain keyword search: title matches count most, then category, then description. */
export function searchProducts(catalog: Catalog, query: string): Product[] {
  const terms = query.split(/\s+/).map(normalise).filter((t) => t.length > 1);
  if (terms.length === 0) return [];
  const scored: { product: Product; score: number }[] = [];
  for (const product of catalog.products) {
    const title = new Set(product.title.split(/\s+/).map(normalise));
    const category = new Set(product.categoryName.split(/\s+/).map(normalise));
    const description = new Set(product.description.split(/\s+/).map(normalise));
    let score = 0;
    let matched = 0;
    for (const term of terms) {
      const hit = (title.has(term) ? 3 : 0) + (category.has(term) ? 2 : 0) + (description.has(term) ? 1 : 0);
      if (hit > 0) matched++;
      score += hit;
    }
    // Every term must match somewhere, unless the query is long (then most of them).
    if (matched >= Math.max(1, Math.ceil(terms.length * (terms.length > 2 ? 0.6 : 1)))) {
      scored.push({ product, score });
    }
  }
  return scored
    .sort((a, b) => b.score - a.score || b.product.popularity - a.product.popularity)
    .map((s) => s.product);
}
