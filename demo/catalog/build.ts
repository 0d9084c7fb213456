// Writes the demo shop's catalogue: demo/public/catalog.json and one SVG per product in
// demo/public/img/. Deterministic, so the output can be committed and diffed.
//
//   npx tsx demo/catalog/build.ts
//
// It also checks the personas in personas.ts against the catalogue, so a journey can never
// point at a product that does not exist.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { categories } from './categories.ts';
import { generateCategory, type DemoProduct } from './product-lines.ts';
import { productImageSvg } from './product-image.ts';
import { personas } from './personas.ts';

const here = dirname(fileURLToPath(import.meta.url));
const publicDir = join(here, '..', 'public');
const imageDir = join(publicDir, 'img');

function checkPersonas(products: DemoProduct[]): string[] {
  const byId = new Map(products.map((p) => [p.id, p]));
  const problems: string[] = [];
  for (const persona of personas) {
    if (persona.steps.length < 6 || persona.steps.length > 10) {
      problems.push(`persona ${persona.id}: ${persona.steps.length} steps (want 6–10)`);
    }
    persona.steps.forEach((step, i) => {
      if (step.action === 'search') {
        if (!step.query) problems.push(`persona ${persona.id} step ${i + 1}: search without a query`);
        return;
      }
      const product = step.productId ? byId.get(step.productId) : undefined;
      if (!product) {
        problems.push(`persona ${persona.id} step ${i + 1}: unknown product "${step.productId}"`);
      } else if (!persona.expectCategories.includes(product.category)) {
        problems.push(`persona ${persona.id} step ${i + 1}: ${product.id} is outside ${persona.expectCategories.join('/')}`);
      } else if (step.action === 'add' && !product.inStock) {
        problems.push(`persona ${persona.id} step ${i + 1}: ${product.id} is out of stock and cannot be added`);
      }
    });
  }
  return problems;
}

function main(): void {
  const generated = categories.flatMap(generateCategory);
  const products = generated.map((g) => g.product);

  const problems = checkPersonas(products);
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    process.exitCode = 1;
    return;
  }

  mkdirSync(imageDir, { recursive: true });
  // Remove images of products that no longer exist, so the folder mirrors the catalogue.
  const keep = new Set(products.map((p) => `${p.id}.svg`));
  for (const file of readdirSync(imageDir)) {
    if (file.endsWith('.svg') && !keep.has(file)) rmSync(join(imageDir, file));
  }
  let imageBytes = 0;
  for (const { product, imageLabel, imageVariant } of generated) {
    const hue = categories.find((c) => c.slug === product.category)!.hue;
    const svg = productImageSvg({ categorySlug: product.category, hue, variant: imageVariant, label: imageLabel });
    imageBytes += svg.length;
    writeFileSync(join(imageDir, `${product.id}.svg`), svg);
  }
  const json = `${JSON.stringify(products, null, 1)}\n`;
  writeFileSync(join(publicDir, 'catalog.json'), json);

  const outOfStock = products.filter((p) => !p.inStock).length;
  console.log(
    `catalog.json: ${products.length} products in ${categories.length} categories ` +
      `(${outOfStock} out of stock), ${(json.length / 1024).toFixed(1)} KiB; ` +
      `${generated.length} images, ${(imageBytes / 1024).toFixed(1)} KiB in all`,
  );
}

main();
