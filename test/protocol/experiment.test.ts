// The experiment's part of the wire contract: what GET /v1/params publishes and the device reads back,
// and the report's experiment part, written by hand and checked strictly.
import { describe, expect, it } from 'vitest';
import { checkExperimentPart, parseExperimentParams, writeExperimentPart, type ExperimentParams } from '../../protocol/experiment.ts';
import { paramsBody, parseParams, type ReportParams } from '../../protocol/params.ts';

const experiment: ExperimentParams = {
  id: 'shelf-1',
  arms: ['control', 'personal'],
  outcomes: ['impression', 'click', 'cart', 'order', 'revenue'],
  revenueBuckets: [25, 100, 250],
  epsilon: 2,
};
const params: ReportParams = {
  taxonomy: { version: 2, segments: [{ id: 1, name: 'Running', description: 'shoes' }] },
  epsilon: 2,
  slots: 3,
  epochSeconds: 604_800,
  k: 50,
  releaseEpsilon: 1,
};

describe('protocol/experiment: params', () => {
  it('round-trips the experiment; without one the params body has no such key', () => {
    const body = JSON.parse(JSON.stringify(paramsBody({ ...params, experiment }, 10)));
    expect(body.experiment).toEqual(experiment);
    expect(parseParams(body)).toEqual({ ...params, experiment });
    expect(Object.keys(paramsBody(params, 10))).not.toContain('experiment');
    expect(parseParams(JSON.parse(JSON.stringify(paramsBody(params, 10)))).experiment).toBeUndefined();
  });

  it.each([
    [{ ...experiment, epsilon: 0 }, /experiment epsilon/],
    [{ ...experiment, epsilon: undefined }, /experiment epsilon/],
    [{ ...experiment, arms: ['control'] }, /experiment arms/],
    [{ ...experiment, outcomes: ['nope'] }, /experiment outcomes/],
  ])('a server that publishes a bad experiment is refused, naming it: %j', (bad, message) => {
    expect(() => parseExperimentParams(bad)).toThrow(message);
    expect(() => parseParams({ ...params, experiment: bad })).toThrow(message);
  });
});

describe('protocol/experiment: the report part', () => {
  it('writes exactly {"id","arm","outcome","value"}, and the check reads it back', () => {
    const text = writeExperimentPart({ id: 'shelf-1', arm: 1, outcome: 4, value: 3 });
    expect(text).toBe('{"id":"shelf-1","arm":1,"outcome":4,"value":3}');
    expect(checkExperimentPart(JSON.parse(text), experiment)).toEqual({ part: { id: 'shelf-1', arm: 1, outcome: 4, value: 3 } });
  });

  it.each([
    [[1], 400, /must be an object/],
    [{ id: 'shelf-1', arm: 0, outcome: 0 }, 400, /exactly the keys/],
    [{ id: 'shelf-1', arm: 0, outcome: 0, value: 0, extra: 1 }, 400, /exactly the keys/],
    [{ id: 'bad id', arm: 0, outcome: 0, value: 0 }, 400, /id must be/],
    [{ id: 'shelf-1', arm: 0.5, outcome: 0, value: 0 }, 400, /arm must be an integer/],
    [{ id: 'shelf-1', arm: 2, outcome: 0, value: 0 }, 400, /arm must be below 2/],
    [{ id: 'shelf-1', arm: 0, outcome: 5, value: 0 }, 400, /outcome must be below 5/],
    [{ id: 'shelf-1', arm: 0, outcome: 1, value: 2 }, 400, /value of outcome 1 must be below 2/],
    [{ id: 'shelf-1', arm: 0, outcome: 4, value: 5 }, 400, /value of outcome 4 must be below 5/],
    [{ id: 'other', arm: 0, outcome: 0, value: 0 }, 422, /unknown experiment "other": this server counts experiment "shelf-1"/],
  ])('refuses %j (%i)', (value, status, message) => {
    const checked = checkExperimentPart(value, experiment);
    expect('problem' in checked && checked.problem.status).toBe(status);
    expect('problem' in checked && checked.problem.message).toMatch(message);
  });

  it('a server without an experiment refuses every experiment part (422)', () => {
    const checked = checkExperimentPart({ id: 'shelf-1', arm: 0, outcome: 0, value: 0 }, null);
    expect('problem' in checked && checked.problem).toMatchObject({ status: 422, code: 'unknown_experiment', message: expect.stringMatching(/runs no experiment/) });
  });
});
