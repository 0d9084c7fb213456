/**
 * Release once: a closed epoch's release is computed the first time anyone asks for it, stored
 * under its (taxonomy, epoch) key, and from then on the stored one is served. Re-drawing the noise
 * on every request would let an observer average it away.
 *
 * Before computing, the reports still queued for this process's group commit are committed: one
 * accepted just before the epoch closed would otherwise be missing from the release forever. Another
 * process's queue cannot be flushed from here; instead the store shuts out writes to the epoch while
 * it computes, and refuses them once it is released (Store.releaseOnce): such a late batch is
 * answered 503 and its devices retry, then get 422 epoch_closed. No acknowledged report is ever
 * missing from a release.
 */
import type { RandomSource } from '../core/random.ts';
import type { Taxonomy } from '../protocol/taxonomy.ts';
import { computeRelease, type Release } from './release.ts';
import type { Store } from './storage/store.ts';

export interface ReleaseSettings {
  epochSeconds: number;
  epsilon: number;
  slots: number;
  k: number;
  releaseEpsilon: number;
}

export interface ReleaseServiceOptions {
  store: Store;
  taxonomy: Taxonomy;
  settings: ReleaseSettings;
  /** commits every report still queued (the group committer's flush) */
  flushQueuedReports(): Promise<void>;
  /** uniform source for the release noise; crypto by default */
  random?: RandomSource;
}

export class ReleaseService {
  constructor(private readonly options: ReleaseServiceOptions) {}

  /** The stored release JSON of a closed epoch, computing and storing it on first use; null without reports. */
  async releaseJson(epoch: number): Promise<string | null> {
    const { store, taxonomy, settings } = this.options;
    const key = { taxonomy: taxonomy.version, epoch };
    const stored = await store.release(key);
    if (stored !== null) return stored;
    await this.options.flushQueuedReports();
    return store.releaseOnce(key, (counts) => {
      if (counts === null) return null;
      const release = computeRelease({
        taxonomy: taxonomy.version,
        epoch,
        epochSeconds: settings.epochSeconds,
        segments: taxonomy.segments,
        counts: counts.counts,
        epsilon: settings.epsilon,
        slots: settings.slots,
        k: settings.k,
        releaseEpsilon: settings.releaseEpsilon,
        random: this.options.random,
      });
      return JSON.stringify(release);
    });
  }

  /** Releases every epoch before `closedBefore` that has reports (this taxonomy), newest first. */
  async releaseClosedEpochs(closedBefore: number): Promise<Release[]> {
    await this.options.flushQueuedReports(); // so that epochsBefore also sees an epoch whose only reports are queued
    const releases: Release[] = [];
    for (const summary of await this.options.store.epochsBefore(closedBefore)) {
      if (summary.taxonomy !== this.options.taxonomy.version) continue;
      const json = await this.releaseJson(summary.epoch);
      if (json !== null) releases.push(JSON.parse(json) as Release);
    }
    return releases;
  }
}
