import { describe, expect, it } from 'vitest';
import {
  VEC_FILE_VERSION,
  VecFileError,
  decodeVecFile,
  encodeVecFile,
  vecFileMatches,
  type VecFile,
} from '../../core/vecfile.ts';
import { VectorMatrix } from '../../core/vectors.ts';

function sample(): VecFile {
  const m = VectorMatrix.fromRows([Float32Array.of(1, 2, 3), Float32Array.of(-1, 0, 0.5), Float32Array.of(0, 0, 0)]);
  return {
    modelId: 'tacit-mini-v1',
    dim: 3,
    count: 3,
    ids: ['sku-1', 'sku-2', 'ünï'],
    contentHashes: ['a1', 'b2', 'c3'],
    scales: m.scales,
    data: m.data,
  };
}

/** Decoding must fail with a VecFileError whose message matches. */
function expectError(bytes: Uint8Array, message: RegExp): void {
  let caught: unknown;
  try {
    decodeVecFile(bytes);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(VecFileError);
  expect((caught as Error).message).toMatch(message);
}

/** Rewrites the JSON header (keeping the byte layout valid otherwise). */
function withHeader(file: VecFile, header: string): Uint8Array {
  const encoded = encodeVecFile(file);
  const view = new DataView(encoded.buffer);
  const oldLength = view.getUint32(12, true);
  const oldPayloadStart = 16 + oldLength + ((4 - ((16 + oldLength) % 4)) % 4);
  const payload = encoded.subarray(oldPayloadStart);
  const h = new TextEncoder().encode(header);
  const pad = (4 - ((16 + h.length) % 4)) % 4;
  const out = new Uint8Array(16 + h.length + pad + payload.length);
  out.set(encoded.subarray(0, 16));
  new DataView(out.buffer).setUint32(12, h.length, true);
  out.set(h, 16);
  out.set(payload, 16 + h.length + pad);
  return out;
}

describe('vector file', () => {
  it('round-trips ids, hashes, scales and rows', () => {
    const file = sample();
    const bytes = encodeVecFile(file);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('TACITVEC');
    const back = decodeVecFile(bytes);
    expect(back.modelId).toBe(file.modelId);
    expect(back.dim).toBe(3);
    expect(back.count).toBe(3);
    expect(back.ids).toEqual(file.ids);
    expect(back.contentHashes).toEqual(file.contentHashes);
    expect(Array.from(back.scales)).toEqual(Array.from(file.scales));
    expect(Array.from(back.data)).toEqual(Array.from(file.data));
    // Also from an ArrayBuffer, and from a Uint8Array at an odd offset in a bigger buffer.
    expect(Array.from(decodeVecFile(bytes.slice().buffer).data)).toEqual(Array.from(file.data));
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(Array.from(decodeVecFile(shifted.subarray(1)).scales)).toEqual(Array.from(file.scales));
  });

  it('round-trips an empty catalogue', () => {
    const empty = { modelId: 'm', dim: 8, count: 0, ids: [], contentHashes: [], scales: new Float32Array(0), data: new Int8Array(0) };
    expect(decodeVecFile(encodeVecFile(empty)).count).toBe(0);
  });

  it('rejects bad magic', () => {
    const bytes = encodeVecFile(sample());
    bytes[0] = 0x58;
    expectError(bytes, /bad magic/);
  });

  it('rejects an unsupported version', () => {
    const bytes = encodeVecFile(sample());
    new DataView(bytes.buffer).setUint32(8, VEC_FILE_VERSION + 1, true);
    expectError(bytes, /unsupported vector file version 2/);
  });

  it('rejects a corrupted header', () => {
    expectError(withHeader(sample(), '{"modelId": "m", "dim": 3, '), /header is not JSON/);
    expectError(withHeader(sample(), '[1,2]'), /not a JSON object/);
    const file = sample();
    expectError(
      withHeader(file, JSON.stringify({ modelId: 'm', dim: 3, count: 3, ids: ['a', 'b'], contentHashes: ['1', '2', '3'] })),
      /lengths disagree: ids has 2 entries but count is 3/,
    );
    expectError(
      withHeader(file, JSON.stringify({ modelId: 'm', dim: 0, count: 3, ids: ['a', 'b', 'c'], contentHashes: ['1', '2', '3'] })),
      /dim must be a positive integer/,
    );
    expectError(
      withHeader(file, JSON.stringify({ modelId: 'm', dim: 3, count: 3, ids: ['a', 'a', 'c'], contentHashes: ['1', '2', '3'] })),
      /duplicate id "a"/,
    );
    // A header claiming more rows than the payload holds.
    expectError(
      withHeader(file, JSON.stringify({ modelId: 'm', dim: 4, count: 3, ids: ['a', 'b', 'c'], contentHashes: ['1', '2', '3'] })),
      /truncated/,
    );
  });

  it('rejects truncated files at every cut point, and trailing bytes', () => {
    const bytes = encodeVecFile(sample());
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(() => decodeVecFile(bytes.subarray(0, cut))).toThrow(VecFileError);
    }
    expectError(bytes.subarray(0, 5), /truncated/);
    expectError(bytes.subarray(0, bytes.length - 1), /truncated: \d+ bytes, expected/);
    const longer = new Uint8Array(bytes.length + 2);
    longer.set(bytes);
    expectError(longer, /2 unexpected bytes/);
  });

  it('refuses to encode parts that disagree', () => {
    expect(() => encodeVecFile({ ...sample(), data: new Int8Array(8) })).toThrow(/expected count × dim = 9/);
    expect(() => encodeVecFile({ ...sample(), scales: new Float32Array(2) })).toThrow(/2 scales for 3 rows/);
  });

  it('tells a model or dimension mismatch', () => {
    const file = decodeVecFile(encodeVecFile(sample()));
    expect(vecFileMatches(file, 'tacit-mini-v1', 3)).toBe(true);
    expect(vecFileMatches(file, 'other-model', 3)).toBe(false);
    expect(vecFileMatches(file, 'tacit-mini-v1', 384)).toBe(false);
  });

  describe('optional sections', () => {
    const withSections = (): VecFile => ({
      ...sample(),
      sections: { neighbours: Uint8Array.of(1, 2, 3, 4, 5), 'catalog-words': Uint8Array.of(9, 8, 7) },
    });

    it('round-trips named sections after the rows, each 4-byte aligned, listed in the header', () => {
      const bytes = encodeVecFile(withSections());
      const back = decodeVecFile(bytes);
      expect(Array.from(back.data)).toEqual(Array.from(sample().data));
      expect(Object.keys(back.sections!)).toEqual(['neighbours', 'catalog-words']);
      expect(Array.from(back.sections!.neighbours)).toEqual([1, 2, 3, 4, 5]);
      expect(Array.from(back.sections!['catalog-words'])).toEqual([9, 8, 7]);
      expect(back.sections!['catalog-words'].byteOffset % 4).toBe(0);
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + new DataView(bytes.buffer).getUint32(12, true))));
      expect(header.sections).toEqual([
        { name: 'neighbours', bytes: 5 },
        { name: 'catalog-words', bytes: 3 },
      ]);
    });

    it('leaves a file without sections byte-identical to the format before them', () => {
      const plain = encodeVecFile(sample());
      expect(encodeVecFile({ ...sample(), sections: {} })).toEqual(plain);
      expect(decodeVecFile(plain).sections).toBeUndefined();
      expect(new TextDecoder().decode(plain)).not.toContain('sections');
    });

    it('rejects a section cut short, bytes after the last section, and a malformed section list', () => {
      const bytes = encodeVecFile(withSections());
      for (let cut = bytes.length - 12; cut < bytes.length; cut++) {
        expect(() => decodeVecFile(bytes.subarray(0, cut))).toThrow(/truncated: .* and 2 section\(s\)/);
      }
      const longer = new Uint8Array(bytes.length + 4);
      longer.set(bytes);
      expectError(longer, /4 unexpected bytes after .* 2 section/);
      const base = { modelId: 'm', dim: 3, count: 3, ids: ['a', 'b', 'c'], contentHashes: ['1', '2', '3'] };
      expectError(withHeader(sample(), JSON.stringify({ ...base, sections: [{ name: 'Bad Name', bytes: 0 }] })), /sections must be/);
      expectError(withHeader(sample(), JSON.stringify({ ...base, sections: { neighbours: 3 } })), /sections must be/);
      expectError(
        withHeader(sample(), JSON.stringify({ ...base, sections: [{ name: 'a', bytes: 0 }, { name: 'a', bytes: 0 }] })),
        /listed twice/,
      );
      expect(() => encodeVecFile({ ...sample(), sections: { 'no spaces': new Uint8Array(1) } })).toThrow(/bad section name/);
    });
  });
});
