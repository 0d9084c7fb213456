// A first segment list from a shop's own catalogue categories, for the shop to edit (`tacit taxonomy
// suggest`). Pure: items in, segments out.
//
// Categories are often paths ("Office Electronics > Printers > Laser Printers"). Every distinct path
// starts as a group; then, smallest first, a group too small (fewer than minItems items) or one too
// many (more than maxSegments groups) is merged into its parent path, until the list fits. A segment's
// description is written from its items (sub-categories, a few titles, distinctive words), because
// devices match their profile against it.

import type { CatalogItem } from '../core/types.ts';
import type { Segment } from '../protocol/taxonomy.ts';

export interface SuggestOptions {
  /** at most this many segments (default 30) */
  maxSegments?: number;
  /** a category with fewer items is merged into its parent, or left out at the top (default 5) */
  minItems?: number;
  /** category path separator; by default the first of > › / | , that most categorised items use */
  separator?: string;
  /** an earlier list: a segment with the same name keeps its id, so counters keep their meaning */
  previous?: readonly Segment[];
}

export interface Suggestion {
  segments: Segment[];
  /** items without a category */
  uncategorised: number;
  /** top-level groups left out (too small, or beyond maxSegments): name and item count */
  leftOut: { name: string; items: number }[];
  separator: string | null;
}

const SEPARATORS = ['>', '›', '/', '|', ','];
const MAX_DESCRIPTION = 600;
const STOPWORDS = new Set(
  'the and for with from your you our this that are was were will can has have had not but all any each per via into onto over under inch inches pack set sets pcs piece pieces count black white blue red green grey gray silver new size sizes color colors colour model series ideal great best one retail packaging'.split(' '),
);

interface Group {
  path: string[];
  items: CatalogItem[];
  /** the full paths merged into this group (for the description) */
  children: Set<string>;
}

function detectSeparator(categories: readonly string[]): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const separator of SEPARATORS) {
    const count = categories.filter((category) => category.includes(separator)).length;
    if (count > bestCount && count >= categories.length / 2) {
      best = separator;
      bestCount = count;
    }
  }
  return best;
}

const splitPath = (category: string, separator: string | null): string[] =>
  (separator === null ? [category] : category.split(separator)).map((part) => part.trim()).filter((part) => part !== '');

const words = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 3 && !/^\d+$/.test(word) && !STOPWORDS.has(word));

/** Words frequent in the group's titles and rarer in the whole catalogue (document frequency × idf). */
function distinctiveWords(group: Group, catalogueFrequency: Map<string, number>, total: number, exclude: Set<string>): string[] {
  const frequency = new Map<string, number>();
  for (const item of group.items) for (const word of new Set(words(item.title))) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  return [...frequency]
    .filter(([word, count]) => count >= 2 && !exclude.has(word))
    .map(([word, count]) => [word, (count / group.items.length) * Math.log(total / (catalogueFrequency.get(word) ?? 1))] as const)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 8)
    .map(([word]) => word);
}

/** The most popular items' titles, one per category first, so that a merged segment shows its range. */
function exampleTitles(items: readonly CatalogItem[], count: number): string[] {
  const byPopularity = [...items].sort((a, b) => (b.popularity ?? 0) - (a.popularity ?? 0));
  const picked: CatalogItem[] = [];
  const categories = new Set<string | undefined>();
  for (const item of byPopularity) {
    if (picked.length === count) break;
    if (!categories.has(item.category)) {
      categories.add(item.category);
      picked.push(item);
    }
  }
  for (const item of byPopularity) if (picked.length < count && !picked.includes(item)) picked.push(item);
  return [...new Set(picked.map((item) => item.title.slice(0, 80).trim()))];
}

function describe(group: Group, name: string, catalogueFrequency: Map<string, number>, total: number): string {
  const parts: string[] = [];
  const subcategories = [...group.children].map((path) => path.split('\u0000').at(-1)!).filter((sub) => sub !== name);
  if (subcategories.length > 0) parts.push(`${name}: ${[...new Set(subcategories)].slice(0, 6).join(', ')}.`);
  else parts.push(`${name}.`);
  const titles = exampleTitles(group.items, 3);
  parts.push(`Items such as ${titles.join('; ')}.`);
  const keywords = distinctiveWords(group, catalogueFrequency, total, new Set(words(name)));
  if (keywords.length > 0) parts.push(`Keywords: ${keywords.join(', ')}.`);
  let description = parts.join(' ');
  if (description.length > MAX_DESCRIPTION) description = `${description.slice(0, MAX_DESCRIPTION - 1).trimEnd()}…`;
  return description;
}

export function suggestTaxonomy(items: readonly CatalogItem[], options: SuggestOptions = {}): Suggestion {
  const maxSegments = options.maxSegments ?? 30;
  const minItems = options.minItems ?? 5;
  const categorised = items.filter((item) => item.category !== undefined);
  const separator = options.separator ?? detectSeparator(categorised.map((item) => item.category!));

  const groups = new Map<string, Group>();
  const groupOf = (path: string[]): Group => {
    const key = path.join('\u0000');
    let group = groups.get(key);
    if (group === undefined) {
      group = { path, items: [], children: new Set() };
      groups.set(key, group);
    }
    return group;
  };
  for (const item of categorised) {
    const path = splitPath(item.category!, separator);
    if (path.length === 0) continue;
    const group = groupOf(path);
    group.items.push(item);
    group.children.add(path.join('\u0000'));
  }

  // Merge the smallest mergeable group into its parent until every group is big enough and they fit.
  for (;;) {
    const mergeable = [...groups.values()].filter((group) => group.path.length > 1).sort((a, b) => a.items.length - b.items.length || b.path.length - a.path.length);
    const smallest = mergeable[0];
    if (smallest === undefined || (smallest.items.length >= minItems && groups.size <= maxSegments)) break;
    groups.delete(smallest.path.join('\u0000'));
    const parent = groupOf(smallest.path.slice(0, -1));
    parent.items.push(...smallest.items);
    for (const child of smallest.children) parent.children.add(child);
  }

  const ranked = [...groups.values()].sort((a, b) => b.items.length - a.items.length || (a.path.join('/') < b.path.join('/') ? -1 : 1));
  const kept = ranked.filter((group) => group.items.length >= minItems).slice(0, maxSegments);
  const keptSet = new Set(kept);
  const leftOut = ranked.filter((group) => !keptSet.has(group)).map((group) => ({ name: group.path.join(' › '), items: group.items.length }));

  // Names: the last part of the path, or more of it where two segments would share a name.
  const names = kept.map((group) => group.path.at(-1)!);
  kept.forEach((group, index) => {
    if (names.filter((name) => name.toLowerCase() === names[index].toLowerCase()).length > 1) names[index] = group.path.slice(-2).join(' › ');
  });

  const catalogueFrequency = new Map<string, number>();
  for (const item of items) for (const word of new Set(words(item.title))) catalogueFrequency.set(word, (catalogueFrequency.get(word) ?? 0) + 1);

  const previousIds = new Map((options.previous ?? []).map((segment) => [segment.name.trim().toLowerCase(), segment.id]));
  const used = new Set<number>();
  const ids = names.map((name) => {
    const id = previousIds.get(name.toLowerCase());
    if (id === undefined || used.has(id)) return undefined;
    used.add(id);
    return id;
  });
  // New segments get ids above every earlier one: an id that meant something else never comes back.
  let next = Math.max(0, ...(options.previous ?? []).map((segment) => segment.id)) + 1;
  const segments = kept.map((group, index): Segment => {
    let id = ids[index];
    if (id === undefined) {
      while (used.has(next)) next++;
      id = next;
      used.add(id);
    }
    return { id, name: names[index], description: describe(group, names[index], catalogueFrequency, items.length) };
  });
  return { segments, uncategorised: items.length - categorised.length, leftOut, separator };
}
