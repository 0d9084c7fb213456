import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HALF_LIFE_MS,
  applyEvent,
  applyInteraction,
  buildProfile,
  contributionsAt,
  createProfile,
  decayFactor,
  profileFromJSON,
  profileStrength,
  profileToJSON,
  profileVector,
} from '../../core/profile.ts';
import type { Interaction, StoredEvent } from '../../core/types.ts';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);
const vectors: Record<string, Float32Array> = {
  shoe: Float32Array.of(1, 0, 0, 0),
  jacket: Float32Array.of(0, 1, 0, 0),
  tent: Float32Array.of(0, 0, 1, 0),
  'query:rain gear': Float32Array.of(0, 3, 0, 4), // not unit: must be normalised
};
const lookup = (i: Interaction) => (i.itemId !== undefined ? vectors[i.itemId] : vectors[`query:${i.query}`]);

function interaction(seq: number, ts: number, kind: Interaction['kind'], weight: number, target: string): Interaction {
  return target.startsWith('query:')
    ? { seq, ts, kind, weight, query: target.slice(6), title: target.slice(6) }
    : { seq, ts, kind, weight, itemId: target, title: target.toUpperCase() };
}

/** P(t) straight from the formula, for comparison. */
function formula(list: Interaction[], now: number, halfLife = DEFAULT_HALF_LIFE_MS): number[] {
  const p = [0, 0, 0, 0];
  for (const i of list) {
    const v = lookup(i);
    const n = Math.hypot(...v);
    const w = i.weight * Math.pow(2, -(now - i.ts) / halfLife);
    for (let k = 0; k < 4; k++) p[k] += (w * v[k]) / n;
  }
  return p;
}

/** The profile's P(t) = decay(t − refTime) · sum. */
function valueAt(profile: ReturnType<typeof createProfile>, now: number): number[] {
  const f = decayFactor(now - profile.refTime, profile.halfLifeMs);
  return Array.from(profile.sum, (x) => x * f);
}

describe('decay and weights', () => {
  it('halves an interaction per half-life', () => {
    const p = createProfile('m', 4);
    applyInteraction(p, interaction(1, T0, 'view', 1, 'shoe'), vectors.shoe);
    expect(profileStrength(p, T0)).toBeCloseTo(1, 12);
    expect(profileStrength(p, T0 + 14 * DAY)).toBeCloseTo(0.5, 12);
    expect(profileStrength(p, T0 + 28 * DAY)).toBeCloseTo(0.25, 12);
    const custom = createProfile('m', 4, { halfLifeMs: 7 * DAY });
    applyInteraction(custom, interaction(1, T0, 'view', 1, 'shoe'), vectors.shoe);
    expect(profileStrength(custom, T0 + 14 * DAY)).toBeCloseTo(0.25, 12);
  });

  it('weights an order above a view, and a recent view above an old one', () => {
    const p = createProfile('m', 4);
    applyInteraction(p, interaction(1, T0, 'view', 1, 'shoe'), vectors.shoe);
    applyInteraction(p, interaction(2, T0, 'order', 8, 'jacket'), vectors.jacket);
    const v = profileVector(p, T0) as Float32Array;
    expect(v[1] / v[0]).toBeCloseTo(8, 5);

    const q = createProfile('m', 4);
    applyInteraction(q, interaction(1, T0, 'view', 1, 'shoe'), vectors.shoe);
    applyInteraction(q, interaction(2, T0 + 14 * DAY, 'view', 1, 'jacket'), vectors.jacket);
    const u = profileVector(q, T0 + 14 * DAY) as Float32Array;
    expect(u[1] / u[0]).toBeCloseTo(2, 5);
  });

  it('matches the formula P(t) = Σ wᵢ·2^(−(t−tᵢ)/h)·eᵢ, with out-of-order timestamps', () => {
    const list = [
      interaction(1, T0 + 3 * DAY, 'view', 1, 'shoe'),
      interaction(2, T0, 'addToCart', 4, 'jacket'), // older than the first (another tab's clock)
      interaction(3, T0 + 10 * DAY, 'search', 0.75, 'query:rain gear'),
      interaction(4, T0 + 11 * DAY, 'remove', -2, 'jacket'),
    ];
    const p = createProfile('m', 4);
    for (const i of list) applyInteraction(p, i, lookup(i));
    const now = T0 + 40 * DAY;
    const expected = formula(list, now);
    const got = valueAt(p, now);
    for (let k = 0; k < 4; k++) expect(got[k]).toBeCloseTo(expected[k], 10);
  });

  it('has no vector without interactions, or when they cancel out', () => {
    const p = createProfile('m', 4);
    expect(profileVector(p, T0)).toBeNull();
    applyInteraction(p, interaction(1, T0, 'view', 1, 'shoe'), null); // item not embedded
    expect(profileVector(p, T0)).toBeNull();
    expect(p.lastSeq).toBe(1);
    applyInteraction(p, interaction(2, T0, 'addToCart', 4, 'shoe'), vectors.shoe);
    applyInteraction(p, interaction(3, T0, 'remove', -4, 'shoe'), vectors.shoe);
    expect(profileVector(p, T0)).toBeNull();
  });

  it('ignores interactions with a bad time or zero weight, but still advances lastSeq', () => {
    const p = createProfile('m', 4);
    expect(applyInteraction(p, interaction(1, Number.NaN, 'view', 1, 'shoe'), vectors.shoe)).toBe(false);
    expect(applyInteraction(p, interaction(2, T0, 'view', 0, 'shoe'), vectors.shoe)).toBe(false);
    expect(p.count).toBe(0);
    expect(p.lastSeq).toBe(2);
    expect(applyInteraction(p, interaction(3, T0, 'view', 1, 'shoe'), vectors.shoe)).toBe(true);
    expect(p.refTime).toBe(T0);
    expect(() => applyInteraction(p, interaction(4, T0, 'view', 1, 'shoe'), new Float32Array(3))).toThrow(/3 dims/);
  });

  it('drops a profile weaker than minStrength', () => {
    const p = createProfile('m', 4);
    applyInteraction(p, interaction(1, T0, 'view', 1, 'shoe'), vectors.shoe);
    expect(profileVector(p, T0 + 28 * DAY, 0.3)).toBeNull();
    expect(profileVector(p, T0 + 7 * DAY, 0.3)).not.toBeNull();
  });
});

describe('incremental == batch', () => {
  it('gives the same profile applied one by one as buildProfile over the history', () => {
    const targets = ['shoe', 'jacket', 'tent', 'query:rain gear'];
    const kinds: [Interaction['kind'], number][] = [['view', 1], ['click', 2], ['addToCart', 4], ['order', 8], ['remove', -2]];
    const list: Interaction[] = [];
    let ts = T0;
    for (let seq = 1; seq <= 200; seq++) {
      ts += ((seq * 7919) % 13) * 3_600_000 - 6 * 3_600_000; // mostly forward, sometimes back
      const [kind, weight] = kinds[(seq * 31) % kinds.length];
      list.push(interaction(seq, ts, kind, weight, targets[(seq * 17) % targets.length]));
    }
    const incremental = createProfile('m', 4);
    for (const i of list) applyInteraction(incremental, i, lookup(i));
    const batch = buildProfile('m', 4, list, lookup);

    const now = ts + 3 * DAY;
    const a = valueAt(incremental, now);
    const b = valueAt(batch, now);
    const scale = Math.max(...b.map(Math.abs));
    for (let k = 0; k < 4; k++) expect(Math.abs(a[k] - b[k]) / scale).toBeLessThan(1e-9);
    expect(profileStrength(incremental, now)).toBeCloseTo(profileStrength(batch, now), 9);
    expect(incremental.lastSeq).toBe(200);
    expect(batch.lastSeq).toBe(200);
    expect(incremental.count).toBe(batch.count);
    const ca = contributionsAt(incremental, now);
    const cb = contributionsAt(batch, now);
    expect(ca.map((c) => c.title)).toEqual(cb.map((c) => c.title));
    for (let j = 0; j < ca.length; j++) expect(ca[j].weight).toBeCloseTo(cb[j].weight, 9);
  });
});

describe('contributions', () => {
  it('keeps per-item decayed weights, the strongest kind, and the top N', () => {
    const p = createProfile('m', 4, { maxContributions: 2 });
    applyInteraction(p, interaction(1, T0, 'view', 1, 'shoe'), vectors.shoe);
    applyInteraction(p, interaction(2, T0, 'order', 8, 'shoe'), vectors.shoe);
    applyInteraction(p, interaction(3, T0 + 14 * DAY, 'view', 1, 'tent'), vectors.tent);
    applyInteraction(p, interaction(4, T0 + 14 * DAY, 'addToCart', 4, 'jacket'), vectors.jacket);
    const c = contributionsAt(p, T0 + 14 * DAY);
    expect(c.map((x) => [x.itemId, x.kind])).toEqual([
      ['shoe', 'order'],
      ['jacket', 'addToCart'],
    ]);
    expect(c[0].weight).toBeCloseTo(4.5, 9); // (1 + 8) halved
    expect(Array.from(c[0].vector).map((x) => Math.round(x * 100) / 100)).toEqual([1, 0, 0, 0]);
  });

  it('remembers the time and seq of each item\'s newest interaction (what "most recent" means to the ranker)', () => {
    const p = createProfile('m', 4);
    applyInteraction(p, interaction(1, T0, 'view', 1, 'shoe'), vectors.shoe);
    applyInteraction(p, interaction(2, T0 + DAY, 'view', 1, 'tent'), vectors.tent);
    applyInteraction(p, interaction(3, T0 + DAY, 'view', 1, 'shoe'), vectors.shoe);
    const byItem = Object.fromEntries(contributionsAt(p, T0 + DAY).map((c) => [c.itemId, [c.lastTs, c.lastSeq]]));
    expect(byItem).toEqual({ shoe: [T0 + DAY, 3], tent: [T0 + DAY, 2] });
  });

  it('leaves out contributions that are net negative', () => {
    const p = createProfile('m', 4);
    applyInteraction(p, interaction(1, T0, 'view', 1, 'shoe'), vectors.shoe);
    applyInteraction(p, interaction(2, T0, 'remove', -2, 'jacket'), vectors.jacket);
    expect(contributionsAt(p, T0).map((c) => c.itemId)).toEqual(['shoe']);
  });
});

describe('applyEvent', () => {
  const events: StoredEvent[] = [
    { seq: 1, ts: T0, event: 'Product Viewed', properties: { product_id: 'shoe' } },
    { seq: 2, ts: T0 + DAY, event: 'Order Completed', properties: { products: [{ product_id: 'jacket' }, { product_id: 'tent' }] } },
    { seq: 3, ts: T0 + 2 * DAY, event: 'Products Searched', properties: { query: 'rain gear' } },
  ];

  it('applies only events newer than lastSeq, each order product once', () => {
    const p = createProfile('m', 4);
    expect(events.map((e) => applyEvent(p, e, lookup))).toEqual([true, true, true]);
    expect(p.count).toBe(4);
    expect(p.lastSeq).toBe(3);
    const before = Array.from(p.sum);
    expect(applyEvent(p, events[1], lookup)).toBe(false);
    expect(Array.from(p.sum)).toEqual(before);
  });

  it('resumes after a reload without double counting', () => {
    const whole = createProfile('m', 4);
    for (const e of events) applyEvent(whole, e, lookup);
    const first = createProfile('m', 4);
    applyEvent(first, events[0], lookup);
    applyEvent(first, events[1], lookup);
    const reloaded = profileFromJSON(JSON.parse(JSON.stringify(profileToJSON(first))), { modelId: 'm', dim: 4 });
    for (const e of events) applyEvent(reloaded, e, lookup); // replays all; only seq 3 is new
    expect(reloaded.count).toBe(4);
    const a = valueAt(whole, T0 + 5 * DAY);
    const b = valueAt(reloaded, T0 + 5 * DAY);
    for (let k = 0; k < 4; k++) expect(b[k]).toBeCloseTo(a[k], 12);
  });
});

describe('toJSON / fromJSON', () => {
  function sample() {
    const p = createProfile('m', 4);
    applyInteraction(p, interaction(1, T0, 'view', 1, 'shoe'), vectors.shoe);
    applyInteraction(p, interaction(2, T0 + DAY, 'search', 0.75, 'query:rain gear'), vectors['query:rain gear']);
    return p;
  }
  const expected = { modelId: 'm', dim: 4 };

  it('round-trips through JSON text', () => {
    const p = sample();
    const back = profileFromJSON(JSON.parse(JSON.stringify(profileToJSON(p))), expected);
    expect(Array.from(back.sum)).toEqual(Array.from(p.sum));
    expect(back.refTime).toBe(p.refTime);
    expect(back.weight).toBe(p.weight);
    expect(back.lastSeq).toBe(2);
    expect(back.contributions.map((c) => c.key).sort()).toEqual(['item:shoe', 'query:rain gear']);
    expect(back.contributions.map((c) => c.lastSeq).sort()).toEqual([1, 2]);
    // A profile saved before lastSeq existed restores with 0.
    const old = profileToJSON(p);
    for (const c of old.contributions) delete c.lastSeq;
    expect(profileFromJSON(old, expected).contributions.map((c) => c.lastSeq)).toEqual([0, 0]);
    expect(Array.from(profileVector(back, T0) as Float32Array)).toEqual(Array.from(profileVector(p, T0) as Float32Array));
  });

  it('returns a fresh profile for corrupt or foreign data instead of throwing', () => {
    const good = profileToJSON(sample());
    const corrupt: unknown[] = [
      null,
      'garbage',
      [],
      { ...good, format: 99 },
      { ...good, modelId: 'other-model' },
      { ...good, dim: 3 },
      { ...good, halfLifeMs: 1000 },
      { ...good, sum: [1, 2, 3] },
      { ...good, sum: [1, 2, 'x', 4] },
      { ...good, weight: null },
      { ...good, lastSeq: -1 },
      { ...good, contributions: 'x' },
      { ...good, contributions: [{ ...good.contributions[0], q: [1, 2] }] },
      { ...good, contributions: [{ ...good.contributions[0], q: [500, 0, 0, 0] }] },
      { ...good, contributions: [{ ...good.contributions[0], kind: 'teleport' }] },
      { ...good, contributions: [{ ...good.contributions[0], lastSeq: 1.5 }] },
      { ...good, contributions: [{ ...good.contributions[0], key: 'item:someone-else' }] },
    ];
    for (const json of corrupt) {
      const p = profileFromJSON(json, expected);
      expect(p.count).toBe(0);
      expect(p.lastSeq).toBe(0);
      expect(p.modelId).toBe('m');
      expect(profileVector(p, T0)).toBeNull();
    }
  });
});
