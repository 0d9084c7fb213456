// GET /v1/params: the server's body is what the device's parser reads back; the device rejects a body
// that would make it leak more or report nonsense, naming the field.
import { describe, expect, it } from 'vitest';
import { paramsBody, parseParams, type ReportParams } from '../../protocol/params.ts';

const params: ReportParams = {
  taxonomy: { version: 2, segments: [{ id: 1, name: 'Running', description: 'shoes' }] },
  epsilon: 4,
  slots: 3,
  epochSeconds: 604_800,
  k: 50,
  releaseEpsilon: 1,
};

describe('protocol/params', () => {
  it('round-trips: the device reads exactly what the server publishes', () => {
    const body = paramsBody(params, 10);
    expect(body.currentEpochEndsAt).toBe(new Date(11 * 604_800_000).toISOString());
    expect(parseParams(JSON.parse(JSON.stringify(body)))).toEqual(params);
  });

  it.each([
    ['epsilon', { epsilon: 0 }, /epsilon/],
    ['slots', { slots: 17 }, /slots/],
    ['epochSeconds', { epochSeconds: 59 }, /epochSeconds/],
    ['taxonomy', { taxonomy: { version: 1, segments: [{ id: 0, name: 'x' }] } }, /taxonomy: segment 0: id/],
    ['duplicate ids', { taxonomy: { version: 1, segments: [{ id: 1, name: 'a' }, { id: 1, name: 'b' }] } }, /duplicate/],
  ])('rejects a bad %s with a message naming it', (_name, change, message) => {
    expect(() => parseParams({ ...params, ...change })).toThrow(message);
  });

  it('reads a segment without a description as an empty one', () => {
    const parsed = parseParams({ ...params, taxonomy: { version: 1, segments: [{ id: 3, name: 'Tea' }] } });
    expect(parsed.taxonomy.segments).toEqual([{ id: 3, name: 'Tea', description: '' }]);
  });
});
