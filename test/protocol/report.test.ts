// The report is written by the device and parsed by the server from one module: what one side writes,
// the other accepts, and nothing else is canonical.
import { describe, expect, it } from 'vitest';
import { reportRules } from '../../protocol/params.ts';
import { isCanonicalReport, parseReport, writeReportBody } from '../../protocol/report.ts';

const rules = reportRules({ slots: 3, taxonomy: { version: 4, segments: [1, 2, 3].map((id) => ({ id, name: `s${id}`, description: '' })) } });

describe('protocol/report', () => {
  it('the server parses exactly what the device writes', () => {
    const body = writeReportBody({ taxonomy: 4, epoch: 99, segments: [3, 0, 1] });
    expect(body).toBe('{"taxonomy":4,"epoch":99,"segments":[3,0,1]}');
    expect(parseReport(body, rules)).toEqual({ taxonomy: 4, epoch: 99, segments: [3, 0, 1] });
    expect(isCanonicalReport(body, rules, 99)).toBe(true);
  });

  it('the writer ignores a patched Array.prototype.toJSON (Prototype.js)', () => {
    const proto = Array.prototype as unknown as { toJSON?: () => string };
    proto.toJSON = () => 'oops';
    try {
      expect(writeReportBody({ taxonomy: 1, epoch: 2, segments: [1, 2, 3] })).toBe('{"taxonomy":1,"epoch":2,"segments":[1,2,3]}');
    } finally {
      delete proto.toJSON;
    }
  });

  it.each([
    ['another epoch', '{"taxonomy":4,"epoch":98,"segments":[3,0,1]}'],
    ['spaces (valid JSON, not canonical)', '{"taxonomy":4, "epoch":99,"segments":[3,0,1]}'],
    ['an extra key', '{"taxonomy":4,"epoch":99,"segments":[3,0,1],"user":"x"}'],
    ['a segment outside the taxonomy', '{"taxonomy":4,"epoch":99,"segments":[3,0,9]}'],
    ['too few slots', '{"taxonomy":4,"epoch":99,"segments":[3,0]}'],
    ['another taxonomy', '{"taxonomy":5,"epoch":99,"segments":[3,0,1]}'],
    ['not a string', { taxonomy: 4 }],
  ])('a stored body with %s is not a report the device would send', (_name, body) => {
    expect(isCanonicalReport(body, rules, 99)).toBe(false);
  });
});
