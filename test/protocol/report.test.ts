// The report is written by the device and parsed by the server from one module: what one side writes,
// the other accepts, and nothing else is canonical.
import { describe, expect, it } from 'vitest';
import { reportRules } from '../../protocol/params.ts';
import { isCanonicalReport, NONCE_PATTERN, parseReport, writeReportBody } from '../../protocol/report.ts';

const rules = reportRules({ slots: 3, taxonomy: { version: 4, segments: [1, 2, 3].map((id) => ({ id, name: `s${id}`, description: '' })) } });

describe('protocol/report', () => {
  const NONCE = 'q1w2e3r4t5y6u7i8o9p0-_';

  it('the server parses exactly what the device writes', () => {
    const body = writeReportBody({ taxonomy: 4, epoch: 99, segments: [3, 0, 1], nonce: NONCE });
    expect(body).toBe(`{"taxonomy":4,"epoch":99,"segments":[3,0,1],"nonce":"${NONCE}"}`);
    expect(parseReport(body, rules)).toEqual({ taxonomy: 4, epoch: 99, segments: [3, 0, 1], nonce: NONCE });
    expect(isCanonicalReport(body, rules, 99)).toBe(true);
  });

  it('draws a fresh random nonce for each report written without one: 16 bytes as 22 base64url characters', () => {
    const nonces = Array.from({ length: 200 }, () => parseReport(writeReportBody({ taxonomy: 4, epoch: 99, segments: [3, 0, 1] }), rules).nonce);
    for (const nonce of nonces) expect(nonce).toMatch(NONCE_PATTERN);
    expect(new Set(nonces).size).toBe(200);
    const bits = nonces.join('').split('').filter((c) => c === 'A').length / (200 * 22);
    expect(bits).toBeLessThan(0.05); // not mostly zero bytes
  });

  it('carries a token after the nonce when the device has one', () => {
    const token = 'AAI' + 'x'.repeat(469);
    const body = writeReportBody({ taxonomy: 4, epoch: 99, segments: [3, 0, 1], nonce: NONCE, token });
    expect(body).toBe(`{"taxonomy":4,"epoch":99,"segments":[3,0,1],"nonce":"${NONCE}","token":"${token}"}`);
    expect(parseReport(body, rules)).toEqual({ taxonomy: 4, epoch: 99, segments: [3, 0, 1], nonce: NONCE, token });
    expect(isCanonicalReport(body, rules, 99)).toBe(true);
    expect(() => writeReportBody({ taxonomy: 4, epoch: 99, segments: [3, 0, 1], nonce: 'short' })).toThrow(RangeError);
    expect(() => writeReportBody({ taxonomy: 4, epoch: 99, segments: [3, 0, 1], token: 'not"base64' })).toThrow(RangeError);
  });

  it('the writer ignores a patched Array.prototype.toJSON (Prototype.js)', () => {
    const proto = Array.prototype as unknown as { toJSON?: () => string };
    proto.toJSON = () => 'oops';
    try {
      expect(writeReportBody({ taxonomy: 1, epoch: 2, segments: [1, 2, 3], nonce: NONCE })).toBe(`{"taxonomy":1,"epoch":2,"segments":[1,2,3],"nonce":"${NONCE}"}`);
    } finally {
      delete proto.toJSON;
    }
  });

  it.each([
    ['another epoch', '{"taxonomy":4,"epoch":98,"segments":[3,0,1],"nonce":"q1w2e3r4t5y6u7i8o9p0-_"}'],
    ['spaces (valid JSON, not canonical)', '{"taxonomy":4, "epoch":99,"segments":[3,0,1],"nonce":"q1w2e3r4t5y6u7i8o9p0-_"}'],
    ['an extra key', '{"taxonomy":4,"epoch":99,"segments":[3,0,1],"nonce":"q1w2e3r4t5y6u7i8o9p0-_","user":"x"}'],
    ['a segment outside the taxonomy', '{"taxonomy":4,"epoch":99,"segments":[3,0,9],"nonce":"q1w2e3r4t5y6u7i8o9p0-_"}'],
    ['too few slots', '{"taxonomy":4,"epoch":99,"segments":[3,0],"nonce":"q1w2e3r4t5y6u7i8o9p0-_"}'],
    ['another taxonomy', '{"taxonomy":5,"epoch":99,"segments":[3,0,1],"nonce":"q1w2e3r4t5y6u7i8o9p0-_"}'],
    ['no nonce (the form before nonces)', '{"taxonomy":4,"epoch":99,"segments":[3,0,1]}'],
    ['the nonce before the segments', '{"taxonomy":4,"epoch":99,"nonce":"q1w2e3r4t5y6u7i8o9p0-_","segments":[3,0,1]}'],
    ['not a string', { taxonomy: 4 }],
  ])('a stored body with %s is not a report the device would send', (_name, body) => {
    expect(isCanonicalReport(body, rules, 99)).toBe(false);
  });

  describe('the experiment part', () => {
    const experiment = { id: 'shelf-1', arms: ['control', 'personal'], outcomes: ['impression', 'click', 'cart', 'order', 'revenue'] as const, revenueBuckets: [25, 100, 250], epsilon: 2 };
    const withExperiment = reportRules({ slots: 3, taxonomy: { version: 4, segments: [1, 2, 3].map((id) => ({ id, name: `s${id}`, description: '' })) }, experiment: { ...experiment, outcomes: [...experiment.outcomes] } });
    const part = { id: 'shelf-1', arm: 1, outcome: 4, value: 3 };
    const token = 'AAI' + 'x'.repeat(469);

    it('goes after the nonce and before the token, in exactly this form; parsing and writing again keeps it (a token renewed)', () => {
      const body = writeReportBody({ taxonomy: 4, epoch: 99, segments: [3, 0, 1], nonce: NONCE, experiment: part, token });
      expect(body).toBe(`{"taxonomy":4,"epoch":99,"segments":[3,0,1],"nonce":"${NONCE}","experiment":{"id":"shelf-1","arm":1,"outcome":4,"value":3},"token":"${token}"}`);
      expect(parseReport(body, withExperiment)).toEqual({ taxonomy: 4, epoch: 99, segments: [3, 0, 1], nonce: NONCE, experiment: part, token });
      expect(writeReportBody({ ...parseReport(body, withExperiment), token: 'AAI' + 'y'.repeat(469) })).toContain('"experiment":{"id":"shelf-1","arm":1,"outcome":4,"value":3},"token":"AAIyyy');
      expect(isCanonicalReport(body, withExperiment, 99)).toBe(true);
      expect(isCanonicalReport(body, rules, 99)).toBe(false); // a server without the experiment would refuse it
    });

    it.each([
      ['an unknown experiment', { ...part, id: 'other' }, 422, 'unknown_experiment'],
      ['an arm out of range', { ...part, arm: 2 }, 400, 'invalid_report'],
      ['a revenue bucket out of range', { ...part, value: 5 }, 400, 'invalid_report'],
      ['an extra key', { ...part, user: 'x' }, 400, 'invalid_report'],
    ])('the server refuses %s', (_name, bad, status, code) => {
      const body = `{"taxonomy":4,"epoch":99,"segments":[3,0,1],"nonce":"${NONCE}","experiment":${JSON.stringify(bad)}}`;
      expect(() => parseReport(body, withExperiment)).toThrow(expect.objectContaining({ statusCode: status, code }));
    });

    it('a server that runs no experiment refuses a report with one (422)', () => {
      const body = writeReportBody({ taxonomy: 4, epoch: 99, segments: [3, 0, 1], nonce: NONCE, experiment: part });
      expect(() => parseReport(body, rules)).toThrow(expect.objectContaining({ statusCode: 422, code: 'unknown_experiment' }));
    });
  });
});
