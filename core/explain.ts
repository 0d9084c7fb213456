// Explanations: one short reason per recommended item (at most 80 characters), naming at most one thing
// the shopper did or is looking at: the query entry that contributed most to the item's score
// (hybrid.ts splits every score exactly into per-entry shares). An item is only ever explained by an
// entry that actually pulled it up, so a reason never names an unrelated item, and it names one item
// once, so it is never circular ("Similar to X, and you viewed X").
//
// Verbs come from core/event-kinds.ts ("bought {items}", "viewed {items}"). The text is plain text made
// of the shop's own titles and the shopper's own queries: the shop renders it with textContent, never
// as HTML.

import { kindRow, type InteractionKind } from './event-kinds.ts';
import { CHANNELS, entryShare, type Channel, type HybridScores, type QueryEntry, type RankSignals } from './hybrid.ts';
import type { Because, Explanation, ReasonKind } from './types.ts';

/** Longest reason text, in UTF-16 units (titles are shortened with an ellipsis to fit). */
export const MAX_REASON_CHARS = 80;

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

/** `template` with {title} filled in, the title shortened (…) so the whole fits MAX_REASON_CHARS. */
export function fitReason(template: string, title: string): string {
  const room = MAX_REASON_CHARS - (template.length - '{title}'.length);
  let shown = title.replace(/\s+/g, ' ').trim();
  if (shown.length > room) {
    let end = Math.max(1, room - 1);
    const last = shown.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end -= 1; // never half a surrogate pair
    shown = shown.slice(0, end).trimEnd() + '…';
  }
  return template.replace('{title}', shown);
}

const POPULAR: Explanation = { kind: 'popular', text: 'Popular in this shop', because: [] };

export interface ExplainInput {
  strategy: ReasonKind;
  /** Catalogue row of the item being explained. */
  row: number;
  signals: RankSignals;
  scores: HybridScores;
  entries: readonly QueryEntry[];
}

/** The explanation of one recommended item. */
export function explain({ strategy, row, signals, scores, entries }: ExplainInput): Explanation {
  let best: { entry: QueryEntry; share: number; channel: Channel } | null = null;
  for (const entry of entries) {
    if (entry.row === row) continue; // never explained by itself
    const shares = entryShare(signals, scores, entry, row);
    let sum = 0;
    let channel: Channel = 'content';
    for (const c of CHANNELS) {
      sum += shares[c];
      if (shares[c] > shares[channel]) channel = c;
    }
    if (sum > 0 && (!best || sum > best.share)) best = { entry, share: sum, channel };
  }
  const popularity = scores.scale.popularity * (scores.raw.popularity?.[row] ?? 0);
  if (!best || best.share <= popularity) {
    return popularity > 0 ? POPULAR : { kind: strategy, text: 'Picked for your interests', because: [] };
  }
  const { entry, channel } = best;
  const because: Because =
    entry.kind === 'context'
      ? { title: entry.title, event: 'context' }
      : { title: entry.title, event: kindRow(entry.kind).name };
  if (entry.itemId !== undefined) because.itemId = entry.itemId;
  let text: string;
  if (channel === 'behaviour') text = fitReason('Often bought with {title}', entry.title);
  else if (entry.kind === 'context') text = fitReason('Similar to {title}', entry.title);
  else text = fitReason(`Because you ${describePast([{ kind: entry.kind, title: '{title}' }])}`, entry.title);
  return { kind: strategy, text, because: [because] };
}
