// The device's arm in the shop's experiment (core/experiments.ts): drawn once at random with the split,
// kept in IndexedDB (kv 'experiment'), the same in every tab (one read-modify-write transaction decides
// who draws), deleted with everything else by forget() or a denial. It runs in the worker, which answers
// recommend() with the arm's strategy and the arm's label (worker-api.ts); shops without an experiment
// never construct it.
//
// Who takes part: a device with consent whose storage is IndexedDB and whose worker answers. Before
// consent nothing may be stored, so no arm could be remembered from one page to the next and no outcome
// could be reported: such a shopper sees what every shopper without consent sees (the fallback ranking,
// exactly as without an experiment), and recommend() says `experiment: null`; so does an answer the page
// had to give without the worker (it could not start, or was too slow this time: src/engine/client.ts).
// Memory-only storage likewise: it cannot remember an arm across pages, and it never reports. Rates
// therefore compare consenting devices only, which is what the randomization makes comparable.
//
// The arm stays until the experiment's id changes or the arm is removed from it; a changed split
// applies to devices that draw from then on (re-drawing would bias the comparison).

import { cryptoRandom, type RandomSource } from '../../core/random.ts';
import { LIST_VIEWED_EVENT, listIdFor, type DeviceExperiment } from '../../core/experiment-definition.ts';
import { drawArm } from '../../core/experiments.ts';
import type { WorkerHost } from '../host.ts';
import type { DeviceStorage } from '../storage/device-storage.ts';
import { KV_KEYS } from '../storage/schema.ts';
import type { RecommendResult } from '../../src/types.ts';

/** What kv 'experiment' holds. */
export interface Assignment {
  id: string;
  arm: string;
  /** when the arm was drawn (ms): a report describes an epoch only if the device was in its arm all along */
  assignedAt: number;
}

/** A stored assignment, if it is one for this experiment (storage can be corrupted or planted). */
export function readAssignment(value: unknown, experiment: DeviceExperiment): Assignment | null {
  if (typeof value !== 'object' || value === null) return null;
  const { id, arm, assignedAt } = value as Partial<Assignment>;
  if (id !== experiment.id || typeof arm !== 'string' || !experiment.arms.includes(arm) || typeof assignedAt !== 'number' || !Number.isFinite(assignedAt)) return null;
  return { id, arm, assignedAt };
}

export class ExperimentArms {
  /** Pages whose shelf impression was recorded already (one per page and list). */
  private readonly viewed = new Set<string>();

  constructor(
    private readonly host: WorkerHost,
    private readonly storage: DeviceStorage,
    /** records an event as track() does (the impression) */
    private readonly record: (event: string, properties: Record<string, unknown>) => void,
    private readonly random: RandomSource = cryptoRandom,
  ) {}

  /** This device's arm, drawn now if it has none; null when it takes no part (see above). */
  async assignment(): Promise<Assignment | null> {
    const experiment = this.host.config.experiment;
    if (!experiment || this.host.consent() !== 'granted') return null;
    const store = await this.storage.open().catch(() => null);
    if (!store || store.kind !== 'indexeddb' || this.host.consent() !== 'granted') return null;
    try {
      const kept = readAssignment(await store.get(KV_KEYS.experiment), experiment);
      if (kept) return kept;
      const now = this.host.now();
      const stored = await store.update<unknown>(KV_KEYS.experiment, (current) => {
        // Checked again inside the transaction: another tab may have drawn meanwhile.
        return readAssignment(current, experiment) ?? { id: experiment.id, arm: experiment.arms[drawArm(experiment.split, this.random)], assignedAt: now };
      });
      return readAssignment(stored, experiment);
    } catch (error) {
      this.host.warn('experiment', `the experiment's arm could not be read or stored (${error instanceof Error ? error.message : String(error)}); this page shows what it would without one`);
      return null;
    }
  }

  /**
   * recommend()'s answer with the experiment: the arm and the list id for a device in it (its shelf's
   * impression recorded once per page), `experiment: null` for one that is not.
   */
  label(result: RecommendResult, assignment: Assignment | null, page: string): RecommendResult {
    if (assignment === null) return { ...result, experiment: null };
    const listId = listIdFor(assignment.id, assignment.arm);
    const key = `${page}\n${listId}`;
    if (result.items.length > 0 && !this.viewed.has(key)) {
      this.viewed.add(key);
      this.record(LIST_VIEWED_EVENT, { list_id: listId });
    }
    return { ...result, experiment: { id: assignment.id, arm: assignment.arm }, listId };
  }
}
