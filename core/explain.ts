// Explanations: one short reason per recommended item, built from the past interactions that pull it
// up most (the profile's strongest contributions, by cosine × weight) and, for "similar items", the item
// on screen. Verbs come from core/event-kinds.ts ("bought {items}", "viewed {items}").
//
// The text is plain text made of the shop's own titles and the shopper's own queries: the shop renders
// it with textContent, never as HTML.

import { kindRow, type InteractionKind } from './event-kinds.ts';
import type { DecayedContribution } from './profile.ts';
import type { Because, Explanation, ReasonKind } from './types.ts';
import { norm } from './vectors.ts';

/** Past interactions named in one explanation. */
const MAX_BECAUSE = 2;

/** "viewed A and B", "bought A and viewed B": one verb per phrase, in order of first use. */
export function describePast(parts: readonly { kind: InteractionKind; title: string }[]): string {
  const byPhrase = new Map<string, string[]>();
  for (const { kind, title } of parts) {
    const row = kindRow(kind);
    // Kinds that read the same to a shopper (a click and a view) share one phrase.
    const phrase = row.past ?? 'viewed {items}';
    const shown = row.subject === 'query' ? `"${title}"` : title;
    const titles = byPhrase.get(phrase);
    if (titles) titles.push(shown);
    else byPhrase.set(phrase, [shown]);
  }
  return [...byPhrase].map(([phrase, titles]) => phrase.replace('{items}', titles.join(' and '))).join(' and ');
}

export interface ExplainInput {
  strategy: ReasonKind;
  /** The item being explained and its (dequantized) vector. */
  itemId: string;
  row: Float32Array;
  /** The profile's contributions at ranking time, strongest first (none for 'similar'). */
  contributions: readonly DecayedContribution[];
  /** Precomputed norms of the contributions' vectors. */
  contributionNorms: readonly number[];
  /** The item on screen, for 'similar' and 'blend'. */
  context: Because | null;
  /** A display title for an item id (catalogue title, else the one recorded with the event). */
  titleOf(id: string, fallback: string): string;
}

/** The explanation of one recommended item. */
export function explain(input: ExplainInput): Explanation {
  const { strategy, itemId, row, contributions, contributionNorms, context } = input;
  const because: Because[] = [];
  const phrases: { kind: InteractionKind; title: string }[] = [];
  if (contributions.length > 0) {
    const rowNorm = norm(row);
    const pulls: { c: number; pull: number }[] = [];
    for (let c = 0; c < contributions.length; c++) {
      if (contributions[c].itemId === itemId || rowNorm === 0 || contributionNorms[c] === 0) continue;
      let d = 0;
      const v = contributions[c].vector;
      for (let k = 0; k < row.length; k++) d += row[k] * v[k];
      const pull = (d / (rowNorm * contributionNorms[c])) * contributions[c].weight;
      if (pull > 0) pulls.push({ c, pull });
    }
    // Strongest pull first; equal pulls keep the stronger contribution first (stable sort).
    pulls.sort((a, b) => b.pull - a.pull);
    const wanted = strategy === 'blend' ? 1 : MAX_BECAUSE;
    for (const { c } of pulls.slice(0, wanted)) {
      const contribution = contributions[c];
      const title = contribution.itemId !== undefined ? input.titleOf(contribution.itemId, contribution.title) : (contribution.query ?? '');
      const b: Because = { title, event: kindRow(contribution.kind).name };
      if (contribution.itemId !== undefined) b.itemId = contribution.itemId;
      because.push(b);
      phrases.push({ kind: contribution.kind, title });
    }
  }
  let text: string;
  if (context) {
    because.unshift(context);
    text = `Similar to ${context.title}`;
    if (phrases.length > 0) text += `, and you ${describePast(phrases)}`;
  } else {
    text = phrases.length > 0 ? `Because you ${describePast(phrases)}` : 'Picked for your interests';
  }
  return { kind: strategy, text, because };
}
