import { describe, expect, it } from 'vitest';
import { contentHash, contentKey, fnv1a64 } from '../../core/hash.ts';

/** Reference FNV-1a 64 with BigInt, to check the 16-bit-limb implementation. */
function reference(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

describe('fnv1a64', () => {
  it('matches the published test vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('matches a BigInt reference on multi-byte and long text', () => {
    for (const text of ['Trail Runner GTX — ünïcødé 🏃', 'x'.repeat(5000), '\u0000\uffff']) {
      expect(fnv1a64(text)).toBe(reference(text));
    }
  });
});

describe('contentKey', () => {
  it('differs by model and by text, and is stable', () => {
    const a = contentKey('model-a', 'Red shoe');
    expect(a).toBe(contentKey('model-a', 'Red shoe'));
    expect(a).not.toBe(contentKey('model-b', 'Red shoe'));
    expect(a).not.toBe(contentKey('model-a', 'Red shoes'));
    expect(a).toBe(`model-a:${contentHash('Red shoe')}`);
  });
});
