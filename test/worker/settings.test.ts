// The settings only the worker uses, checked when it starts (worker/settings.ts): the ranking resolved
// over its defaults, each bad value reported once by name and left at its default; the first valid
// experiment chosen, each bad or extra entry reported by index and ignored.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS } from '../../core/event-kinds.ts';
import { DEFAULT_RANKING } from '../../core/ranking-config.ts';
import { resolveConfig } from '../../src/config.ts';
import { checkSettings } from '../../worker/settings.ts';

function check(input: Record<string, unknown>) {
  const { onError: _onError, ...settings } = resolveConfig(input, { pageUrl: 'https://shop.test/', warn: () => {} });
  return checkSettings(settings);
}

describe('worker/settings', () => {
  it('without ranking settings or experiments: the defaults, no experiment, nothing to report', () => {
    const { config, problems } = check({});
    expect(problems).toEqual([]);
    expect(config.ranking).toEqual(DEFAULT_RANKING);
    expect(config.ranking.weights).toEqual(DEFAULT_WEIGHTS);
    expect(config.experiment).toBeNull();
  });

  it('the shop\'s ranking settings apply over the defaults', () => {
    const { config, problems } = check({ ranking: { lambda: 0.7, channels: { lexical: 0.5 } } });
    expect(problems).toEqual([]);
    expect(config.ranking.lambda).toBe(0.7);
    expect(config.ranking.channels).toEqual({ ...DEFAULT_RANKING.channels, lexical: 0.5 });
  });

  it.each([
    [{ weights: { view: 'x' } }, /interaction weight "view" must be a finite number/],
    [{ lambda: 2 }, /ranking.lambda must be a number within 0…1/],
    [{ channels: { lexical: -1 } }, /ranking.channels.lexical must be a number ≥ 0/],
    [{ excludeSeen: 'yes' }, /ranking.excludeSeen must be true or false/],
  ])('reports ranking %j by name and keeps its default; the other settings still apply', (ranking, message) => {
    const { config, problems } = check({ ranking: { ...ranking, recency: 0.5 } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
    expect(problems[0]).toMatch(/^init\(config\): .*; using the default$/);
    expect(config.ranking.recency).toBe(0.5);
    expect(config.ranking.lambda).toBe(DEFAULT_RANKING.lambda);
  });

  it('experiments: the first valid one runs; each bad or extra entry is reported by index and ignored', () => {
    const { config, problems } = check({
      experiments: [
        { id: 'bad id', arms: ['control', 'personal'] },
        { id: 'shelf-1', arms: ['control', 'personal'], split: [3, 1] },
        { id: 'shelf-2', arms: ['control', 'personal'] },
        { id: 'shelf-3', arms: ['control', 'personal'], onDraw: () => {} }, // not plain data: the page passed null
      ],
    });
    expect(config.experiment).toMatchObject({ id: 'shelf-1', split: [0.75, 0.25], outcomes: ['impression', 'click', 'cart', 'order', 'revenue'] });
    expect(problems).toEqual([
      'init(config): experiments[0] id must be 1–64 letters, digits, ".", "_" or "-"; it is ignored',
      'init(config): experiments[2] ("shelf-2"): one experiment runs at a time ("shelf-1"); it is ignored',
      'init(config): experiments[3] must be an object { id, arms }; it is ignored',
    ]);
  });
});
