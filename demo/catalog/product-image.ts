// Flat SVG product illustrations: a card tinted in the category's colour, a line glyph (the
// category's, or one for the product type where the category's would mislead) and a short label.
// Deterministic and small (about 1 KB each) so the generated images can be committed.

/** Line-art glyphs drawn in a 100×100 box with a round stroke; one per category slug. */
const glyphs: Record<string, string> = {
  running: '<path d="M10 70c0-8 4-16 12-18l18-4 8-16c2-4 8-4 10 0l6 12c8 4 20 8 26 14 4 4 4 12-2 12H10z"/><path d="M8 72h84v4c0 3-2 5-5 5H13c-3 0-5-2-5-5zM42 44l10 5M38 52l10 5"/>',
  hiking: '<path d="M10 80L50 22l40 58z"/><path d="M50 22v58M38 80l12-22 12 22M4 80h92"/>',
  cycling: '<circle cx="24" cy="66" r="16"/><circle cx="76" cy="66" r="16"/><path d="M24 66l16-30h26l10 30M40 36l12 30 14-30M36 30h12M62 28h10"/>',
  fitness: '<path d="M30 50h40M12 38v24M22 32v36M78 32v36M88 38v24"/>',
  kitchen: '<circle cx="40" cy="54" r="26"/><circle cx="40" cy="54" r="14"/><path d="M66 54h28"/>',
  baking: '<path d="M26 54h48l-8 30H34z"/><path d="M24 54c0-14 12-24 26-24s26 10 26 24M42 54l2 30M58 54l-2 30M50 30v-8"/>',
  coffee: '<path d="M20 42h50v22c0 12-10 20-25 20S20 76 20 64z"/><path d="M70 48h6c6 0 10 4 10 9s-4 9-10 9h-7M34 14c-4 6 4 10 0 18M48 14c-4 6 4 10 0 18"/>',
  audio: '<path d="M18 62V50c0-18 14-32 32-32s32 14 32 32v12"/><rect x="12" y="56" width="16" height="26" rx="6"/><rect x="72" y="56" width="16" height="26" rx="6"/>',
  photo: '<rect x="12" y="32" width="76" height="50" rx="8"/><circle cx="50" cy="57" r="15"/><path d="M34 32l6-10h20l6 10M74 42h4"/>',
  books: '<path d="M50 28c-10-8-26-8-38-4v54c12-4 28-4 38 4 10-8 26-8 38-4V24c-12-4-28-4-38 4z"/><path d="M50 28v54"/>',
  toys: '<rect x="18" y="18" width="64" height="64" rx="12"/><circle cx="36" cy="36" r="3"/><circle cx="64" cy="36" r="3"/><circle cx="50" cy="50" r="3"/><circle cx="36" cy="64" r="3"/><circle cx="64" cy="64" r="3"/>',
  baby: '<path d="M38 36h24v44c0 4-4 6-12 6s-12-2-12-6z"/><path d="M42 36v-8h16v8M46 28c0-8 8-8 8 0M38 52h10M38 64h10"/>',
  beauty: '<path d="M34 44h32v36c0 4-4 6-16 6s-16-2-16-6z"/><path d="M42 44v-8h16v8M46 36V20c0-4 8-4 8 0v16M50 58v12"/>',
  home: '<path d="M14 50h72v22H14z"/><path d="M20 50V38c0-6 4-10 10-10h40c6 0 10 4 10 10v12M20 72v8M80 72v8M14 58h72"/>',
  garden: '<path d="M50 86V44"/><path d="M50 56c-20 0-30-12-30-30 20 0 30 12 30 30zM50 46c0-16 10-26 30-26 0 18-12 26-30 26z"/>',
  pets: '<ellipse cx="50" cy="64" rx="18" ry="15"/><circle cx="26" cy="44" r="7"/><circle cx="40" cy="28" r="7"/><circle cx="60" cy="28" r="7"/><circle cx="74" cy="44" r="7"/>',
};

/** Glyphs for product types whose category glyph would mislead (a vest is not a shoe). */
const typeGlyphs: Record<string, string> = {
  bag: '<rect x="24" y="30" width="52" height="56" rx="12"/><path d="M38 30v-6c0-6 4-10 12-10s12 4 12 10v6M24 54h52M42 54v8h16v-8"/>',
  shirt: '<path d="M36 16L14 28l8 18 8-4v44h40V42l8 4 8-18-22-12c-2 6-8 10-14 10s-12-4-14-10z"/>',
  watch: '<rect x="30" y="30" width="40" height="40" rx="10"/><path d="M38 30l3-16h18l3 16M38 70l3 16h18l3-16M50 40v10l7 5"/>',
  bulb: '<path d="M36 62c-8-6-12-14-12-22 0-14 12-26 26-26s26 12 26 26c0 8-4 16-12 22v8H36z"/><path d="M38 80h24M42 88h16"/>',
  flame: '<path d="M50 12c4 14 22 22 22 44 0 14-10 26-22 26S28 70 28 56c0-10 6-16 10-22 2 8 6 10 8 10 0-10-2-20 4-32z"/>',
  poles: '<path d="M34 12l-8 76M66 12l8 76M28 22h12M60 22h12"/>',
  drop: '<path d="M50 12C40 30 26 44 26 60a24 24 0 0 0 48 0c0-16-14-30-24-48z"/>',
  mat: '<path d="M14 70h60M14 70V42h60"/><circle cx="74" cy="56" r="14"/><circle cx="74" cy="56" r="5"/>',
  knife: '<path d="M22 78L72 22c6 4 8 12 4 18L40 76z"/><path d="M40 76L28 88c-3 3-8 3-10 0s-3-7 0-10l4-4"/>',
  pot: '<path d="M20 40h60v30c0 8-6 14-14 14H34c-8 0-14-6-14-14z"/><path d="M12 46h8M80 46h8M30 40c0-8 8-12 20-12s20 4 20 12M46 26h8"/>',
  bowl: '<path d="M14 46h72c0 20-16 34-36 34S14 66 14 46z"/><path d="M36 80l-4 8h36l-4-8"/>',
  scale: '<rect x="16" y="40" width="68" height="44" rx="8"/><rect x="32" y="52" width="36" height="14" rx="3"/><path d="M24 40v-8h52v8"/>',
  speaker: '<rect x="26" y="12" width="48" height="76" rx="8"/><circle cx="50" cy="60" r="14"/><circle cx="50" cy="30" r="6"/>',
  record: '<circle cx="50" cy="50" r="36"/><circle cx="50" cy="50" r="10"/><path d="M50 26a24 24 0 0 1 24 24"/>',
  lens: '<circle cx="50" cy="50" r="34"/><circle cx="50" cy="50" r="22"/><circle cx="50" cy="50" r="8"/>',
  tripod: '<rect x="34" y="14" width="32" height="20" rx="4"/><path d="M50 34v16L24 88M50 50l26 38M50 50v38"/>',
  card: '<path d="M28 14h32l14 14v58H28z"/><path d="M38 22v12M46 22v12M54 22v12"/>',
  bed: '<path d="M12 74V30M12 58h76v16M88 74V50c0-6-4-10-10-10H44v18"/><circle cx="28" cy="48" r="8"/>',
  stroller: '<path d="M20 24h6l8 36h46"/><path d="M34 60c0-18 12-32 28-32h18v32"/><circle cx="38" cy="78" r="8"/><circle cx="72" cy="78" r="8"/>',
  table: '<path d="M10 38h80M18 38l-6 48M82 38l6 48M28 38v22h44V38"/>',
  candle: '<rect x="32" y="46" width="36" height="42" rx="6"/><path d="M50 46v-8M50 14c6 6 7 13 0 18-7-5-6-12 0-18z"/>',
};

/** First match wins; product types not listed use their category's glyph. */
const typeGlyphRules: [RegExp, string][] = [
  [/Tent/, 'glyph:hiking'],
  [/Sleeping Bag|Sleeping Mat|Yoga Mat/, 'mat'],
  [/Shoe|Boot|Socks/, 'glyph:running'],
  [/Vest|Backpack|Bag\b|Carrier/, 'bag'],
  [/Jacket|Jersey|Tights|Shorts|Rain Suit/, 'shirt'],
  [/Watch/, 'watch'],
  [/Headlamp|Light|Lamp/, 'bulb'],
  [/Stove/, 'flame'],
  [/Poles/, 'poles'],
  [/Water Filter|Hose/, 'drop'],
  [/Trainer|Balance Bike/, 'glyph:cycling'],
  [/Knife|Sharpener/, 'knife'],
  [/Dutch Oven|Pan Set|Teapot|Kettle\b/, 'pot'],
  [/Bowl/, 'bowl'],
  [/Scale/, 'scale'],
  [/Speaker|Soundbar|Amplifier/, 'speaker'],
  [/Turntable|Vinyl/, 'record'],
  [/Lens/, 'lens'],
  [/Tripod/, 'tripod'],
  [/Memory Card/, 'card'],
  [/Dog Bed|Cot|Bedding/, 'bed'],
  [/Stroller/, 'stroller'],
  [/Table|Desk|Furniture/, 'table'],
  [/Candle/, 'candle'],
  [/Leaf Tea/, 'glyph:garden'],
];

/** The glyph for a product type: a type-specific one where it exists, else the category's. */
export function glyphFor(categorySlug: string, noun: string): string {
  const rule = typeGlyphRules.find(([pattern]) => pattern.test(noun));
  if (rule) {
    const [, name] = rule;
    const glyph = name.startsWith('glyph:') ? glyphs[name.slice(6)] : typeGlyphs[name];
    if (glyph) return glyph;
  }
  const glyph = glyphs[categorySlug];
  if (!glyph) throw new Error(`no glyph for category "${categorySlug}"`);
  return glyph;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Splits a label into at most two lines of about `width` characters, so it fits the card. */
function wrapLabel(label: string, width = 22): string[] {
  const words = label.split(' ');
  const lines: string[] = [''];
  for (const word of words) {
    const current = lines[lines.length - 1];
    if (current.length > 0 && current.length + 1 + word.length > width) {
      if (lines.length === 2) {
        lines[1] = `${current}…`;
        break;
      }
      lines.push(word);
    } else {
      lines[lines.length - 1] = current ? `${current} ${word}` : word;
    }
  }
  return lines;
}

export interface ProductImageInput {
  categorySlug: string;
  hue: number;
  /** Small per-product shift of the hue and lightness so neighbouring cards look different. */
  variant: number;
  /** The product type ("Trail Running Shoe"): printed on the image and used to pick the glyph. */
  label: string;
}

/** The SVG document for one product. */
export function productImageSvg({ categorySlug, hue, variant, label }: ProductImageInput): string {
  const glyph = glyphFor(categorySlug, label);
  const h = (hue + (variant % 5) * 6 - 12 + 360) % 360;
  const light = 90 - (variant % 3) * 3;
  const lines = wrapLabel(label);
  const text = lines
    .map((line, i) => `<text x="160" y="${lines.length === 1 ? 212 : 200 + i * 20}">${escapeXml(line)}</text>`)
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 240" role="img" aria-label="${escapeXml(label)}">` +
    `<rect width="320" height="240" fill="hsl(${h} 55% ${light}%)"/>` +
    `<circle cx="160" cy="98" r="70" fill="hsl(${h} 60% ${light - 12}%)"/>` +
    `<g transform="translate(115 53) scale(.9)" fill="none" stroke="hsl(${h} 45% 28%)" stroke-width="5" ` +
    `stroke-linecap="round" stroke-linejoin="round">${glyph}</g>` +
    `<g font-family="system-ui,sans-serif" font-size="16" font-weight="600" fill="hsl(${h} 40% 24%)" ` +
    `text-anchor="middle">${text}</g></svg>\n`
  );
}
