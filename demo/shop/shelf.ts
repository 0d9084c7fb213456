// "Recommended for you" and "Similar items": skeleton first, then Tacit's picks with their reasons.
// If Tacit is missing, fails, returns nothing or is slow, the shelf shows popular items instead and
// swaps in the personal picks if they arrive later. The page never waits on it and never breaks.
import type { RecommendOptions, RecommendResult } from '../../src/types.ts';
import { popular, popularInCategory, type Catalog, type Product } from './catalog.ts';
import { escapeHtml } from './format.ts';
import { productCard } from './product-card.ts';
import { onTacit, recommend, tacitLoaded, withTimeout } from './tacit-client.ts';

export interface ShelfOptions {
  catalog: Catalog;
  title: string;
  testid: string;
  /** Shown under the title while personal picks are shown. */
  subtitle: string;
  request: RecommendOptions;
  /** Used for the fallback of "Similar items": popular items of this category. */
  fallbackCategory?: string;
  /** How long to wait before showing the fallback. */
  patienceMs?: number;
}

const LIMIT = 8;

export function mountShelf(parent: HTMLElement, options: ShelfOptions): HTMLElement {
  const { catalog, title, testid, subtitle, request, fallbackCategory, patienceMs = 4000 } = options;
  const section = document.createElement('section');
  section.className = 'shelf';
  section.dataset.testid = testid;
  section.dataset.state = 'loading';
  section.innerHTML = `
    <div class="shelf-head">
      <h2>${escapeHtml(title)}</h2>
      <p class="shelf-note" data-testid="${testid}-note">Finding picks for you…</p>
    </div>
    <div class="shelf-row" data-testid="${testid}-items" aria-busy="true">
      ${'<div class="card skeleton" aria-hidden="true"><div class="sk-img"></div><div class="sk-line"></div><div class="sk-line short"></div></div>'.repeat(LIMIT)}
    </div>`;
  parent.append(section);
  const row = section.querySelector<HTMLElement>('.shelf-row')!;
  const note = section.querySelector<HTMLElement>('.shelf-note')!;
  const exclude = new Set([...(request.exclude ?? []), ...(request.context?.itemId ? [request.context.itemId] : [])]);

  const show = (cards: { product: Product; reason?: string }[], state: string, text: string, listId?: string) => {
    row.replaceChildren(...cards.map((c, i) => productCard(c.product, { reason: c.reason, list: testid, listId, position: i + 1 })));
    row.removeAttribute('aria-busy');
    section.dataset.state = state;
    note.textContent = text;
  };
  const showFallback = (why: string) => {
    const items = fallbackCategory
      ? popularInCategory(catalog, fallbackCategory, LIMIT, [...exclude])
      : popular(catalog, LIMIT, exclude);
    show(items.map((product) => ({ product })), 'fallback', why);
  };
  /** Shows Tacit's answer; false when it has nothing worth showing here. */
  const showTacit = (result: RecommendResult | undefined): boolean => {
    const items = result?.items ?? [];
    const cards: { product: Product; reason?: string }[] = [];
    for (const item of items) {
      const product = catalog.byId.get(String(item?.id));
      if (product && !exclude.has(product.id)) cards.push({ product, reason: item?.reason?.text || undefined });
    }
    cards.splice(LIMIT);
    if (cards.length === 0) return false;
    // Be honest about what Tacit returned: popularity (cold start, no model) is not personal.
    const onlyPopular = items.every((item) => item?.reason?.kind === 'popular') || /popular/i.test(result?.strategy ?? '');
    section.dataset.strategy = String(result?.strategy ?? '');
    if (onlyPopular && fallbackCategory) return false; // "Similar items" should at least stay in the department
    show(
      cards,
      onlyPopular ? 'popular' : 'personal',
      onlyPopular ? 'Popular right now — browse a little and this shelf becomes yours.' : subtitle,
      result?.listId,
    );
    return true;
  };
  const categoryNote = fallbackCategory
    ? `Popular in ${catalog.categories.find((c) => c.slug === fallbackCategory)?.name ?? 'this department'}.`
    : 'Popular right now.';

  const pending = recommend({ limit: LIMIT, ...request });
  const waited: Promise<RecommendResult | undefined | 'timeout'> = withTimeout<RecommendResult | undefined | 'timeout'>(
    pending,
    patienceMs,
    'timeout',
  );
  void waited.then((first) => {
    if (first === 'timeout') {
      showFallback(tacitLoaded() ? `${categoryNote} Personal picks are still loading.` : categoryNote);
      // Swap in Tacit's picks if they arrive later (and say something the fallback does not).
      void pending.then((late) => {
        if (!late?.items?.length || !showTacit(late)) note.textContent = categoryNote;
      });
      return;
    }
    if (!showTacit(first)) showFallback(first && !fallbackCategory ? `${categoryNote} Browse a little and this shelf becomes yours.` : categoryNote);
  });
  // Tacit answers with popularity until its model is ready; ask once more when it is.
  const unsubscribe = onTacit('model-ready', () => {
    unsubscribe();
    if (section.dataset.state === 'personal') return;
    void recommend({ limit: LIMIT, ...request }).then((again) => {
      if (again?.items?.length) showTacit(again);
    });
  });
  return section;
}
