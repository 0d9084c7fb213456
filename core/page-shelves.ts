// Shelves on one page never repeat each other (a shelf rule of core/shelf.ts). Kept apart from the
// event-based rules because the main-thread SDK needs only this: its chunk then carries no event reading.

/**
 * The items each shelf of one page has shown, so a shelf repeats none of the *other* shelves' items (the
 * home shelf beside "Similar items"), while a shelf asked again (re-rendered) keeps its own: rank with
 * `exclude: shelves.excludeFor(page, shelf, exclude)`, then `shelves.record(page, shelf, ids)`. The
 * first shelf to show an item keeps it. A different page key (a new navigation) starts afresh; only
 * the current page is remembered.
 */
export class PageShelves {
  private page: string | null = null;
  private shown = new Map<string, string>(); // item id → the shelf that showed it first

  excludeFor(page: string, shelf: string, exclude: readonly string[] = []): string[] {
    if (page !== this.page) return [...exclude];
    const others = [...this.shown].filter(([, owner]) => owner !== shelf).map(([id]) => id);
    return [...new Set([...exclude, ...others])];
  }

  record(page: string, shelf: string, ids: readonly string[]): void {
    if (page !== this.page) {
      this.page = page;
      this.shown = new Map();
    }
    for (const id of ids) if (!this.shown.has(id)) this.shown.set(id, shelf);
  }
}
