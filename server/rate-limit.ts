/**
 * Token-bucket rate limiting per connection. Buckets live in a WeakMap keyed
 * by the socket object, so they vanish with the connection and no address is
 * ever stored or logged. (A client can open new connections to get fresh
 * buckets; this limit only stops one connection from flooding the server.)
 */

export interface TokenBucketOptions {
  /** bucket capacity: requests allowed in a burst */
  burst: number;
  /** tokens added per minute */
  perMinute: number;
  /** clock in milliseconds (injectable for tests) */
  now?: () => number;
}

export interface RateDecision {
  allowed: boolean;
  /** seconds until a token is available (when not allowed) */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class ConnectionRateLimiter {
  private readonly buckets = new WeakMap<object, Bucket>();
  private readonly burst: number;
  private readonly tokensPerMs: number;
  private readonly now: () => number;

  constructor(options: TokenBucketOptions) {
    this.burst = options.burst;
    this.tokensPerMs = options.perMinute / 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Takes one token from the connection's bucket if there is one. */
  take(connection: object): RateDecision {
    const now = this.now();
    let bucket = this.buckets.get(connection);
    if (!bucket) {
      bucket = { tokens: this.burst, updatedMs: now };
      this.buckets.set(connection, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedMs) * this.tokensPerMs);
    bucket.updatedMs = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.tokensPerMs / 1000)) };
  }
}
