// A small shop page for the browser benchmarks: a product grid rendered from the catalogue by the page's
// own script, with or without Tacit (snippet + init). Long tasks are recorded from the first script on.

import { snippetTag } from './browser.ts';

export interface ShopPageOptions {
  /** URL of the catalogue the page renders (and Tacit uses). */
  catalog: string;
  /** Add the snippet and this init config (JSON-serialisable). */
  tacit?: Record<string, unknown>;
  /** Extra inline script run right after init (or at the same point without Tacit). */
  after?: string;
}

export function shopPage(options: ShopPageOptions): string {
  const tacit = options.tacit
    ? `${snippetTag()}<script>window.__t0 = performance.now(); tacit.init(${JSON.stringify(options.tacit)});</script>`
    : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<script>
  window.__longtasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration,
        attribution: (e.attribution || []).map((a) => [a.containerType, a.containerName, a.containerSrc].join(' ')) });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { window.__longtaskError = String(e); }
</script>
${tacit}
<script>${options.after ?? ''}</script>
<style>body{font-family:sans-serif} .grid{display:grid;grid-template-columns:repeat(4,1fr);gap:8px} .card{border:1px solid #ccc;padding:8px}</style>
</head><body><h1>Shop</h1><div class="grid" id="grid"></div>
<script>
  window.__rendered = fetch(${JSON.stringify(options.catalog)}).then((r) => r.json()).then((items) => {
    const grid = document.getElementById('grid');
    for (const item of items.slice(0, 400)) {
      const card = document.createElement('div');
      card.className = 'card';
      card.innerHTML = '<h3></h3><p></p><b></b>';
      card.querySelector('h3').textContent = item.title;
      card.querySelector('p').textContent = item.description || '';
      card.querySelector('b').textContent = item.price + ' ' + (item.currency || '');
      grid.appendChild(card);
    }
    return items.length;
  });
</script></body></html>`;
}

/** Page-side helper: waits until the engine has a model (or failed) and recommend() answers from it. */
export const WAIT_FOR_ENGINE = `async () => {
  const deadline = performance.now() + 240000;
  for (;;) {
    const t = window.tacit;
    if (t && t.loaded) {
      const rec = await t.recommend({ limit: 8 });
      const info = await t.inspect();
      const status = info.model && info.model.status;
      if (status === 'failed') return { strategy: rec.strategy, info };
      if (status === 'ready' && !String(rec.strategy).startsWith('fallback')) return { strategy: rec.strategy, info };
    }
    if (performance.now() > deadline) throw new Error('the engine did not become ready in 240 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}`;
