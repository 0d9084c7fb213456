// Turns the category definitions into catalogue items. Pure and deterministic: the same
// definitions always give the same items, so the generated files diff cleanly.
import type { CategoryDefinition } from './categories.ts';

export interface DemoProduct {
  id: string;
  title: string;
  description: string;
  category: string;
  categoryName: string;
  price: number;
  currency: 'EUR';
  url: string;
  image: string;
  inStock: boolean;
  popularity: number;
}

/** A product plus what its illustration needs. */
export interface GeneratedProduct {
  product: DemoProduct;
  imageLabel: string;
  imageVariant: number;
}

interface ProductType {
  noun: string;
  models: string[];
  blurb: string;
  specs: string[];
  prices: number[];
}

/** mulberry32: a tiny seeded PRNG, so stock and popularity are random-looking but reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function parseProductType(line: string, where: string): ProductType {
  const parts = line.split('|').map((part) => part.trim());
  if (parts.length !== 5) throw new Error(`${where}: expected 5 fields separated by "|", got ${parts.length}`);
  const [noun, models, blurb, specs, prices] = parts;
  const modelList = models.split(',').map((m) => m.trim()).filter(Boolean);
  const specList = specs.split(';').map((s) => s.trim()).filter(Boolean);
  if (modelList.length !== specList.length) {
    throw new Error(`${where}: ${modelList.length} models but ${specList.length} specs`);
  }
  const priceList = prices.split(',').map((p) => Number(p.trim()));
  if (priceList.length !== modelList.length) {
    throw new Error(`${where}: ${modelList.length} models but ${priceList.length} prices`);
  }
  const bad = priceList.find((p) => !Number.isFinite(p) || p <= 0);
  if (bad !== undefined) throw new Error(`${where}: price "${bad}" is not a positive number`);
  return { noun, models: modelList, blurb, specs: specList, prices: priceList };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function generateCategory(category: CategoryDefinition): GeneratedProduct[] {
  const random = seededRandom(seedOf(category.slug));
  const out: GeneratedProduct[] = [];
  category.types.forEach((line, typeIndex) => {
    const type = parseProductType(line, `${category.slug} type ${typeIndex + 1}`);
    type.models.forEach((model, modelIndex) => {
      const n = out.length;
      const id = `${category.slug}-${String(n + 1).padStart(3, '0')}`;
      const brand = category.brands[n % category.brands.length];
      // Books and games read naturally as "Title – kind"; gear as "Brand Model Noun".
      const title = category.slug === 'books' ? `${model} – ${type.noun}` : `${brand} ${model} ${type.noun}`;
      const spec = capitalise(type.specs[modelIndex]);
      const closer = category.closers[n % category.closers.length];
      const byline = category.slug === 'books' ? ` Published by ${brand}.` : '';
      const description = `${type.blurb} ${spec}.${byline} ${closer}`;
      const price = type.prices[modelIndex];
      // About one product in twelve is sold out, as in a real shop.
      const inStock = random() >= 0.08;
      // A few best-sellers and a long tail.
      const popularity = Math.round(100 * Math.pow(random(), 2.2) * 10) / 10;
      out.push({
        product: {
          id,
          title,
          description,
          category: category.slug,
          categoryName: category.name,
          price,
          currency: 'EUR',
          url: `product.html?id=${id}`,
          image: `/img/${id}.svg`,
          inStock,
          popularity,
        },
        imageLabel: type.noun,
        imageVariant: n,
      });
    });
  });
  return out;
}
