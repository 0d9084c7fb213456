// A fast, deterministic, dependency-free string hash for cache keys (not for security).
// FNV-1a 64-bit over the UTF-8 bytes, computed in four 16-bit limbs so it needs
// neither BigInt (slow) nor a crypto API (async in browsers, absent in some workers).

const encoder = new TextEncoder();

/** FNV-1a 64 of the string's UTF-8 bytes, as 16 lowercase hex digits. */
export function fnv1a64(text: string): string {
  const bytes = encoder.encode(text);
  // Offset basis 0xcbf29ce484222325, least significant limb first.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < bytes.length; i++) {
    h0 ^= bytes[i];
    // Multiply by the FNV prime 0x100000001b3 = 2^40 + 0x1b3, modulo 2^64.
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3;
    const t2 = h2 * 0x1b3 + (h0 << 8);
    const t3 = h3 * 0x1b3 + (h1 << 8);
    const c1 = t1 + (t0 >>> 16);
    const c2 = t2 + (c1 >>> 16);
    const c3 = t3 + (c2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = c1 & 0xffff;
    h2 = c2 & 0xffff;
    h3 = c3 & 0xffff;
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** Hash of an item's embedded text; stored per row in the vector file. */
export function contentHash(text: string): string {
  return fnv1a64(text);
}

/**
 * Key of a cached item embedding (IndexedDB `embeddings` store): the model id
 * plus the hash of the text, so a new model or an edited product misses the cache.
 */
export function contentKey(modelId: string, text: string): string {
  return `${modelId}:${contentHash(text)}`;
}
