/**
 * Release once: a closed epoch's release is computed the first time anyone asks for it, stored
 * under its (taxonomy, epoch length, epoch) key, and from then on the stored one is served.
 * Re-drawing the noise on every request would let an observer average it away.
 *
 * Before computing, the reports still queued for this process's group commit are committed: one
 * accepted just before the epoch closed would otherwise be missing from the release forever. Another
 * process's queue cannot be flushed from here; instead the store shuts out writes to the epoch while
 * it computes, and refuses them once it is released (Store.releaseOnce): such a late batch is
 * answered 503 and its devices retry, then get 422 epoch_closed. No acknowledged report is ever
 * missing from a release.
 *
 * What is released does not tell which epochs had reports: every closed epoch from the first one
 * with data on is released, from its counters or, without any, from zero counts (noise only). The
 * list of releases holds the recent closed epochs whether or not anyone reported in them.
 */
import type { RandomSource } from '../core/random.ts';
import { isClosed } from '../protocol/epoch.ts';
import type { Taxonomy } from '../protocol/taxonomy.ts';
import { computeRelease, type Release } from './release.ts';
import type { EpochCounts, ReleaseSeries, Store } from './storage/store.ts';

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

/** How many of the latest closed epochs a listing releases (if not yet released). */
export const RELEASE_WINDOW = 12;

export class ReleaseService {
  private readonly series: ReleaseSeries;

  constructor(private readonly options: ReleaseServiceOptions) {
    this.series = { taxonomy: options.taxonomy.version, epochSeconds: options.settings.epochSeconds };
  }

  private compute(epoch: number, counts: EpochCounts | null): string {
    const { taxonomy, settings } = this.options;
    const release = computeRelease({
      taxonomy: taxonomy.version,
      epoch,
      epochSeconds: settings.epochSeconds,
      segments: taxonomy.segments,
      counts: counts?.counts ?? new Map(),
      epsilon: settings.epsilon,
      slots: settings.slots,
      k: settings.k,
      releaseEpsilon: settings.releaseEpsilon,
      random: this.options.random,
    });
    return JSON.stringify(release);
  }

  /**
   * The release JSON of a closed epoch, computing and storing it on first use; null for an epoch
   * before the first one with data (nothing was ever counted under this taxonomy and epoch length).
   */
  async releaseJson(epoch: number, currentEpoch: number): Promise<string | null> {
    if (!isClosed(epoch, currentEpoch)) throw new RangeError(`epoch ${epoch} is not closed`);
    const key = { ...this.series, epoch };
    const stored = await this.options.store.release(key);
    if (stored !== null) return stored;
    await this.options.flushQueuedReports(); // also makes the first epoch with data visible
    const first = await this.options.store.firstEpoch(this.series);
    if (first === null || epoch < first) return null;
    return this.options.store.releaseOnce(key, (counts) => this.compute(epoch, counts));
  }

  /** Releases the latest RELEASE_WINDOW closed epochs (from the first with data on), then lists the stored releases, newest first. */
  async latestReleases(currentEpoch: number, limit: number): Promise<Release[]> {
    const newestClosed = currentEpoch - 2;
    for (let epoch = newestClosed; epoch > newestClosed - RELEASE_WINDOW && epoch >= 0; epoch--) {
      if ((await this.releaseJson(epoch, currentEpoch)) === null) break; // before the first epoch with data
    }
    return (await this.options.store.releases(this.series, limit)).map((json) => JSON.parse(json) as Release);
  }
}
