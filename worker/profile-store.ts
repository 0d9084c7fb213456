// The shopper's interest profile in the worker: restored from the device's storage, advanced by the
// events stored since it was last saved, saved again. Events come from an EventLog: IndexedDB read
// through the storage module, or the page's memory store when the page could not open IndexedDB.

import type { InteractionWeights } from '../core/event-kinds.ts';
import { eventToInteractions, purchasedIds } from '../core/interactions.ts';
import { applyEvent, profileFromJSON, profileToJSON, type Profile, type VectorLookup } from '../core/profile.ts';
import { noteCartEvent, noteSeenEvent } from '../core/shelf.ts';
import type { StoredEvent } from '../core/types.ts';
import { KV_KEYS } from './storage/schema.ts';
import type { EventLog } from './storage/store.ts';

/** Where the profile is kept between pages (IndexedDB's kv store); none in memory-only mode. */
export interface ProfileKeeper {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

export interface ProfileSettings {
  modelId: string;
  dim: number;
  halfLifeMs: number;
  weights: InteractionWeights;
}

interface SavedProfile {
  profile?: unknown;
  purchased?: unknown;
  cart?: unknown;
  seen?: unknown;
}

export class ProfileStore {
  profile: Profile | null = null;
  /** Items the shopper bought: never recommended again. */
  purchased = new Set<string>();
  /** Items in the cart now (added, not removed or ordered since): never recommended. */
  cart = new Set<string>();
  /** Every item the shopper interacted with: left out of recommendations with excludeSeen. */
  seen = new Set<string>();

  constructor(private readonly settings: ProfileSettings) {}

  /**
   * Applies the events stored since the profile's last update and saves the result. `prepare` runs on
   * the new events first (the engine embeds their search queries there). Returns whether anything changed.
   */
  async update(
    log: EventLog,
    keeper: ProfileKeeper | null,
    vectorFor: VectorLookup,
    prepare: (events: StoredEvent[]) => Promise<void>,
  ): Promise<boolean> {
    if (!this.profile) await this.restore(keeper);
    const profile = this.profile!;
    const events = await log.events(profile.lastSeq);
    if (events.length === 0) return false;
    // A query that cannot be embedded is skipped, never a reason to stop following the events.
    await prepare(events).catch(() => {});
    for (const event of events) {
      applyEvent(profile, event, vectorFor, this.settings.weights);
      noteCartEvent(this.cart, event);
      noteSeenEvent(this.seen, event);
    }
    for (const id of purchasedIds(events)) this.purchased.add(id);
    const saved: SavedProfile = { profile: profileToJSON(profile), purchased: [...this.purchased], cart: [...this.cart], seen: [...this.seen] };
    await keeper?.set(KV_KEYS.profile, saved).catch(() => {});
    return true;
  }

  /** The search queries among these events that have no vector yet. */
  queriesIn(events: readonly StoredEvent[], known: (query: string) => boolean): string[] {
    const queries = new Set<string>();
    for (const event of events) {
      for (const i of eventToInteractions(event, this.settings.weights)) {
        if (i.query !== undefined && !known(i.query)) queries.add(i.query);
      }
    }
    return [...queries];
  }

  /** Forgets the shopper: the next update starts from the stored events again. */
  reset(): void {
    this.profile = null;
    this.purchased = new Set();
    this.cart = new Set();
    this.seen = new Set();
  }

  private async restore(keeper: ProfileKeeper | null): Promise<void> {
    const { modelId, dim, halfLifeMs } = this.settings;
    const saved = (await keeper?.get<SavedProfile>(KV_KEYS.profile).catch(() => undefined)) ?? undefined;
    this.profile = profileFromJSON(saved?.profile, { modelId, dim, halfLifeMs });
    // Kept only beside the profile they were derived with (a fresh profile replays every event).
    const list = (value: unknown) => new Set(this.profile!.lastSeq > 0 && Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : []);
    this.purchased = list(saved?.purchased);
    this.cart = list(saved?.cart);
    this.seen = list(saved?.seen);
  }
}
