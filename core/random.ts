/**
 * Sources of uniform random numbers in [0, 1).
 *
 * The randomized-response code takes `random: () => number` as a parameter so
 * that the browser can use a cryptographic source while tests and simulations
 * use a seeded, reproducible one. Pure TypeScript: works in a page, a worker
 * and Node (all of which provide `globalThis.crypto.getRandomValues`).
 */

/** A function returning independent uniform numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * mulberry32: a tiny, fast 32-bit seeded PRNG. Good statistical quality for
 * simulations and tests; NOT for privacy (it is predictable from its output).
 */
export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Refilled in batches: one getRandomValues call per 128 numbers.
const BATCH = 256;
let pool: Uint32Array<ArrayBuffer> | null = null;
let poolIndex = BATCH;

/**
 * Cryptographically secure uniform number in [0, 1) with 53 random bits,
 * from `crypto.getRandomValues`. Use this for anything that protects privacy
 * (randomized response on the device, release noise on the server).
 */
export const cryptoRandom: RandomSource = () => {
  if (poolIndex >= BATCH) {
    const cryptoApi = (globalThis as { crypto?: Crypto }).crypto;
    if (!cryptoApi || typeof cryptoApi.getRandomValues !== 'function') {
      throw new Error('cryptoRandom: crypto.getRandomValues is not available in this environment');
    }
    pool ??= new Uint32Array(BATCH);
    cryptoApi.getRandomValues(pool);
    poolIndex = 0;
  }
  const high = pool![poolIndex++] >>> 5; // 27 bits
  const low = pool![poolIndex++] >>> 6; // 26 bits
  return (high * 67108864 + low) / 9007199254740992; // (high·2^26 + low) / 2^53
};
