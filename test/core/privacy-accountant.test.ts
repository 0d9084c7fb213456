import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  checkServerParams,
  defaultMaxEpsilonPerYear,
  fitsYearlyCap,
  readLedger,
  recordReport,
  spentInWindow,
} from '../../core/privacy-accountant.ts';

const limits = { maxEpsilon: 4, minEpochSeconds: 7 * 86400, maxEpsilonPerYear: defaultMaxEpsilonPerYear(4, 7 * 86400) };

describe('core/privacy-accountant', () => {
  it('lets a compliant server through and refuses one asking for more, naming what', () => {
    expect(checkServerParams({ epsilon: 4, epochSeconds: 7 * 86400 }, limits)).toEqual({ ok: true });
    expect(checkServerParams({ epsilon: 4.5, epochSeconds: 7 * 86400 }, limits)).toMatchObject({ ok: false, reason: expect.stringMatching(/ε = 4.5 per report/) });
    expect(checkServerParams({ epsilon: 1, epochSeconds: 60 }, limits)).toMatchObject({ ok: false, reason: expect.stringMatching(/every 60 s/) });
    expect(checkServerParams({ epsilon: Number.NaN, epochSeconds: 7 * 86400 }, limits).ok).toBe(false);
  });

  it('the default yearly cap admits a weekly report at every phase of the year, and not one more', () => {
    expect(limits.maxEpsilonPerYear).toBe(4 * 55); // ceil(365/7) = 53, + 2
    // Weekly reports at random moments of each week: the densest 365-day window holds at most 54.
    let ledger = recordReport([], { epoch: 0, epochSeconds: 7 * 86400, epsilon: 4, at: 7 * DAY_MS - 1 });
    for (let w = 1; w < 53; w++) ledger = recordReport(ledger, { epoch: w, epochSeconds: 7 * 86400, epsilon: 4, at: w * 7 * DAY_MS });
    const now = 53 * 7 * DAY_MS - 1;
    expect(fitsYearlyCap(ledger, 4, limits, now)).toEqual({ ok: true });
    expect(fitsYearlyCap(ledger, 4, { ...limits, maxEpsilonPerYear: spentInWindow(ledger, now) }, now).ok).toBe(false);
  });

  it('forgets entries older than 365 days', () => {
    const old = { epoch: 1, epochSeconds: 86400, epsilon: 4, at: 0 };
    const ledger = recordReport([old], { epoch: 400, epochSeconds: 86400, epsilon: 4, at: 366 * DAY_MS });
    expect(ledger).toHaveLength(1);
    expect(spentInWindow(ledger, 366 * DAY_MS)).toBe(4);
  });

  it('reads a stored ledger defensively', () => {
    expect(readLedger('x')).toEqual([]);
    expect(readLedger([{ epoch: 1, epochSeconds: 60, epsilon: -1, at: 0 }, { epoch: 2, epochSeconds: 60, epsilon: 1, at: 5 }, null])).toEqual([{ epoch: 2, epochSeconds: 60, epsilon: 1, at: 5 }]);
  });
});
