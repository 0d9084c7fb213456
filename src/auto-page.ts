// init({ autoPage: true }), for single-page apps: a page view whenever the history moves to a new path,
// as Segment's and PostHog's SPA page views do. pushState and replaceState are wrapped (the page's own
// call runs first and unchanged; what it returns or throws is what the page gets), back and forward come
// as popstate. Only the path counts: a new query string or fragment on the same path is no new page, and
// neither ever reaches the event (sdk.page() records the path alone).

export function followPageViews(onNewPath: () => void): void {
  if (typeof history === 'undefined' || typeof location === 'undefined' || typeof addEventListener !== 'function') return;
  let path = location.pathname;
  const check = () => {
    try {
      if (location.pathname === path) return;
      path = location.pathname;
      onNewPath();
    } catch {
      // never into the page
    }
  };
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name];
    if (typeof original !== 'function') continue;
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      check();
      return result;
    };
  }
  addEventListener('popstate', check);
}
