import { checkDefinition, checkSplit } from '../core/experiment-definition.ts';
import { DEFAULT_MAX_EPSILON } from '../core/privacy-accountant.ts';
import { MAX_EXPERIMENT_EPSILON, type ExperimentParams } from '../protocol/experiment.ts';

/**
 * Server settings, all from environment variables with safe defaults.
 * Every value is validated; a bad value stops the server with a message that
 * names the variable, instead of running with a surprising setting.
 */

/** The experiment the server counts: what devices must agree on, its ε, and the split devices draw with (for the sample-ratio check). */
export interface ServerExperiment extends ExperimentParams {
  split: number[];
}

/** ε of an experiment's part of a report when TACIT_EXPERIMENT does not say. */
export const DEFAULT_EXPERIMENT_EPSILON = 2;

export interface ServerConfig {
  /** TCP port (PORT, default 8787; 0 = any free port) */
  port: number;
  /** interface to listen on (HOST, default 127.0.0.1) */
  host: string;
  /** SQLite file (TACIT_DB, default .tacit-data/tacit.sqlite; ':memory:' for tests); unused with databaseUrl */
  dbPath: string;
  /**
   * PostgreSQL instead of SQLite (TACIT_DATABASE_URL, postgres://user:password@host:port/database):
   * any number of server processes may share it. Unset (null): the SQLite file.
   */
  databaseUrl: string | null;
  /** the shop's own segment list (TACIT_TAXONOMY, a JSON file; null: the built-in server/taxonomy.json) */
  taxonomyPath: string | null;
  /**
   * on SIGTERM, how long the health check answers 503 before the server stops accepting connections
   * (TACIT_SHUTDOWN_DRAIN_MS, default 0), so that a load balancer stops sending new requests first
   */
  shutdownDrainMs: number;
  /**
   * per-epoch LDP budget of one device's segment report (TACIT_EPSILON, default 4; with an experiment
   * 4 minus the experiment's ε, so that a report with both stays within devices' default cap of 4)
   */
  epsilon: number;
  /** values per report (TACIT_SLOTS, default 3); each gets epsilon / slots */
  slots: number;
  /** epoch length in seconds (TACIT_EPOCH_SECONDS, default 604800 = one week; ≥ 60) */
  epochSeconds: number;
  /** released segments with a noisy estimate below k are suppressed (TACIT_K, default 50) */
  k: number;
  /** Laplace budget of each epoch's release (TACIT_RELEASE_EPSILON, default 1) */
  releaseEpsilon: number;
  /** shop origins allowed to call the API from a browser (TACIT_ORIGINS, comma-separated) */
  origins: string[];
  /** largest accepted request body in bytes (TACIT_MAX_BODY, default 1024) */
  maxBody: number;
  /** token bucket per connection: capacity (TACIT_RATE_BURST, default 10) */
  rateBurst: number;
  /** token bucket per connection: tokens added per minute (TACIT_RATE_PER_MINUTE, default 30) */
  ratePerMinute: number;
  /**
   * longest time a client may take to send one whole request, headers and body
   * (TACIT_REQUEST_TIMEOUT_MS, default 10000); slower requests (slowloris) get 408 and are cut off
   */
  requestTimeoutMs: number;
  /** connections held at once; more are closed unanswered (TACIT_MAX_CONNECTIONS, default 1024) */
  maxConnections: number;
  /**
   * Privacy Pass report tokens (protocol/token.ts). requireToken (TACIT_REQUIRE_TOKEN, default true):
   * reports without a valid unspent token for their epoch are refused, so a poisoner needs a token per
   * fake report (devices fetch one per epoch, tacit-sdk does it by itself).
   */
  requireToken: boolean;
  /** the issuer's private key, PKCS#8 PEM (TACIT_TOKEN_KEY): this server issues tokens at POST /v1/tokens */
  tokenKeyPath: string | null;
  /** an external issuer's public key, SPKI PEM (TACIT_TOKEN_PUBLIC_KEY): the shop issues tokens at its own edge */
  tokenPublicKeyPath: string | null;
  /** where devices ask for tokens when the shop issues them (TACIT_TOKEN_ISSUER_URL, https://…) */
  tokenIssuerUrl: string | null;
  /** the issuer name in token challenges (TACIT_TOKEN_ISSUER_NAME, default "tacit") */
  tokenIssuerName: string;
  /** tokens issued per client address per epoch, counted in memory only (TACIT_TOKENS_PER_ADDRESS, default 4; 0 = no such limit) */
  tokensPerAddress: number;
  /** tokens this process issues per minute in all (TACIT_TOKENS_PER_MINUTE, default 600) */
  tokensPerMinute: number;
  /**
   * Oblivious HTTP gateway (RFC 9458, server/routes/gateway.ts): reports encapsulated by devices come
   * through a relay to POST /v1/gateway; GET /v1/ohttp-keys publishes the key configuration
   * (TACIT_OHTTP_GATEWAY, default false; on whenever TACIT_OHTTP_KEY is set)
   */
  ohttpGateway: boolean;
  /**
   * the gateway's X25519 private keys, PKCS#8 PEM files (TACIT_OHTTP_KEY, comma-separated: the first is
   * published first, the others still decrypt while devices move to it); none: a key made at start
   */
  ohttpKeyPaths: string[];
  /**
   * the A/B test devices report on (TACIT_EXPERIMENT, JSON {"id","arms",["outcomes"],["revenueBuckets"],
   * ["epsilon"],["split"]}, core/experiments.ts), or null; published in GET /v1/params, results at
   * GET /v1/experiments
   */
  experiment: ServerExperiment | null;
}

export const DEFAULT_CONFIG: Readonly<ServerConfig> = Object.freeze({
  port: 8787,
  host: '127.0.0.1',
  dbPath: '.tacit-data/tacit.sqlite',
  databaseUrl: null,
  taxonomyPath: null,
  shutdownDrainMs: 0,
  epsilon: 4,
  slots: 3,
  epochSeconds: 604_800,
  k: 50,
  releaseEpsilon: 1,
  origins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
  maxBody: 1024,
  rateBurst: 10,
  ratePerMinute: 30,
  requestTimeoutMs: 10_000,
  maxConnections: 1024,
  requireToken: true,
  tokenKeyPath: null,
  tokenPublicKeyPath: null,
  tokenIssuerUrl: null,
  tokenIssuerName: 'tacit',
  tokensPerAddress: 4,
  tokensPerMinute: 600,
  ohttpGateway: false,
  ohttpKeyPaths: [],
  experiment: null,
});

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = raw(env, name);
  if (text === undefined) return fallback;
  if (!/^-?\d+$/.test(text)) throw new ConfigError(`${name} must be an integer (got "${text}")`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got ${text})`);
  }
  return value;
}

function positiveNumber(env: Env, name: string, fallback: number, max: number): number {
  const text = raw(env, name);
  if (text === undefined) return fallback;
  const value = /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new ConfigError(`${name} must be a number > 0 and ≤ ${max} (got "${text}")`);
  }
  return value;
}

function originList(env: Env, name: string, fallback: readonly string[]): string[] {
  const text = raw(env, name);
  if (text === undefined) return [...fallback];
  const origins = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  for (const origin of origins) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(`${name}: "${origin}" is not a URL origin such as https://shop.example`);
    }
    // An origin is scheme://host[:port] exactly, as browsers send it in the Origin header.
    if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.origin !== origin) {
      throw new ConfigError(`${name}: "${origin}" is not an origin; write it as ${parsed.origin} (no path, no trailing slash)`);
    }
  }
  return origins;
}

/** A PostgreSQL URL; the message never repeats the value (it may hold a password). */
function databaseUrl(env: Env, name: string): string | null {
  const text = raw(env, name);
  if (text === undefined) return null;
  let parsed: URL | null = null;
  try {
    parsed = new URL(text);
  } catch {
    // reported below
  }
  if (parsed === null || (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') || parsed.hostname === '') {
    throw new ConfigError(`${name} must be a PostgreSQL URL such as postgres://user:password@host:5432/tacit (the value is not shown: it may hold a password)`);
  }
  return text;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const text = raw(env, name);
  if (text === undefined) return fallback;
  if (/^(true|1|yes|on)$/i.test(text)) return true;
  if (/^(false|0|no|off)$/i.test(text)) return false;
  throw new ConfigError(`${name} must be true or false (got "${text}")`);
}

/** The token settings, checked together: one way to get keys, and a URL where devices can get tokens. */
function tokenSettings(env: Env) {
  const tokenKeyPath = raw(env, 'TACIT_TOKEN_KEY') ?? null;
  const tokenPublicKeyPath = raw(env, 'TACIT_TOKEN_PUBLIC_KEY') ?? null;
  const tokenIssuerUrl = raw(env, 'TACIT_TOKEN_ISSUER_URL') ?? null;
  if (tokenKeyPath !== null && tokenPublicKeyPath !== null) {
    throw new ConfigError('set TACIT_TOKEN_KEY (this server issues tokens) or TACIT_TOKEN_PUBLIC_KEY (the shop issues them), not both');
  }
  if (tokenPublicKeyPath !== null && tokenIssuerUrl === null) {
    throw new ConfigError('TACIT_TOKEN_PUBLIC_KEY needs TACIT_TOKEN_ISSUER_URL: where devices get tokens from the shop\'s issuer');
  }
  if (tokenIssuerUrl !== null) {
    if (tokenPublicKeyPath === null) throw new ConfigError('TACIT_TOKEN_ISSUER_URL is for an external issuer: set TACIT_TOKEN_PUBLIC_KEY to its public key');
    let url: URL | null = null;
    try {
      url = new URL(tokenIssuerUrl);
    } catch {
      // reported below
    }
    if (url === null || url.protocol !== 'https:') throw new ConfigError(`TACIT_TOKEN_ISSUER_URL must be an https URL (got "${tokenIssuerUrl}")`);
  }
  const tokenIssuerName = raw(env, 'TACIT_TOKEN_ISSUER_NAME') ?? DEFAULT_CONFIG.tokenIssuerName;
  if (!/^[A-Za-z0-9.:\-]{1,255}$/.test(tokenIssuerName)) throw new ConfigError(`TACIT_TOKEN_ISSUER_NAME must be a host-like name (got "${tokenIssuerName}")`);
  return {
    requireToken: boolean(env, 'TACIT_REQUIRE_TOKEN', DEFAULT_CONFIG.requireToken),
    tokenKeyPath,
    tokenPublicKeyPath,
    tokenIssuerUrl,
    tokenIssuerName,
    tokensPerAddress: integer(env, 'TACIT_TOKENS_PER_ADDRESS', DEFAULT_CONFIG.tokensPerAddress, 0, 1_000_000),
    tokensPerMinute: integer(env, 'TACIT_TOKENS_PER_MINUTE', DEFAULT_CONFIG.tokensPerMinute, 1, 6_000_000),
  };
}

/** The OHTTP gateway: on with a key file (or several, during a rotation), or asked for with a key made at start. */
function ohttpSettings(env: Env): Pick<ServerConfig, 'ohttpGateway' | 'ohttpKeyPaths'> {
  const ohttpKeyPaths = (raw(env, 'TACIT_OHTTP_KEY') ?? '').split(',').map((path) => path.trim()).filter((path) => path !== '');
  return { ohttpGateway: ohttpKeyPaths.length > 0 || boolean(env, 'TACIT_OHTTP_GATEWAY', DEFAULT_CONFIG.ohttpGateway), ohttpKeyPaths };
}

/** TACIT_EXPERIMENT: one experiment as JSON, checked as devices check theirs. */
function experimentSetting(env: Env, name: string): ServerExperiment | null {
  const text = raw(env, name);
  if (text === undefined) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`${name} must be JSON such as {"id":"shelf-1","arms":["control","personal"]}`);
  }
  const definition = checkDefinition(json);
  if (!definition.ok) throw new ConfigError(`${name}: ${definition.error}`);
  const { epsilon = DEFAULT_EXPERIMENT_EPSILON, split } = json as { epsilon?: unknown; split?: unknown };
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon <= 0 || epsilon > MAX_EXPERIMENT_EPSILON) {
    throw new ConfigError(`${name}: epsilon must be a number > 0 and ≤ ${MAX_EXPERIMENT_EPSILON}`);
  }
  const shares = checkSplit(split, definition.value.arms.length);
  if (!shares.ok) throw new ConfigError(`${name}: ${shares.error}`);
  return { ...definition.value, arms: [...definition.value.arms], outcomes: [...definition.value.outcomes], revenueBuckets: [...definition.value.revenueBuckets], epsilon, split: shares.value };
}

/** The segments' ε: TACIT_EPSILON, or by default what the experiment leaves of the devices' default cap. */
function segmentEpsilon(env: Env, experiment: ServerExperiment | null): number {
  if (raw(env, 'TACIT_EPSILON') !== undefined || experiment === null) return positiveNumber(env, 'TACIT_EPSILON', DEFAULT_CONFIG.epsilon, 50);
  const left = DEFAULT_MAX_EPSILON - experiment.epsilon;
  if (left <= 0) {
    throw new ConfigError(`TACIT_EXPERIMENT's epsilon (${experiment.epsilon}) leaves nothing of the devices' default cap (${DEFAULT_MAX_EPSILON}) for the segments: set TACIT_EPSILON`);
  }
  return left;
}

/** Reads and validates the configuration; throws ConfigError naming the bad variable. */
export function loadConfig(env: Env = process.env): ServerConfig {
  const host = raw(env, 'HOST') ?? DEFAULT_CONFIG.host;
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) throw new ConfigError(`HOST must be a host name or IP address (got "${host}")`);
  const experiment = experimentSetting(env, 'TACIT_EXPERIMENT');
  const config: ServerConfig = {
    port: integer(env, 'PORT', DEFAULT_CONFIG.port, 0, 65_535),
    host,
    dbPath: raw(env, 'TACIT_DB') ?? DEFAULT_CONFIG.dbPath,
    databaseUrl: databaseUrl(env, 'TACIT_DATABASE_URL'),
    taxonomyPath: raw(env, 'TACIT_TAXONOMY') ?? null,
    shutdownDrainMs: integer(env, 'TACIT_SHUTDOWN_DRAIN_MS', DEFAULT_CONFIG.shutdownDrainMs, 0, 600_000),
    epsilon: segmentEpsilon(env, experiment),
    slots: integer(env, 'TACIT_SLOTS', DEFAULT_CONFIG.slots, 1, 16),
    epochSeconds: integer(env, 'TACIT_EPOCH_SECONDS', DEFAULT_CONFIG.epochSeconds, 60, 366 * 86_400),
    k: integer(env, 'TACIT_K', DEFAULT_CONFIG.k, 0, 1_000_000_000),
    releaseEpsilon: positiveNumber(env, 'TACIT_RELEASE_EPSILON', DEFAULT_CONFIG.releaseEpsilon, 50),
    origins: originList(env, 'TACIT_ORIGINS', DEFAULT_CONFIG.origins),
    maxBody: integer(env, 'TACIT_MAX_BODY', DEFAULT_CONFIG.maxBody, 64, 65_536),
    rateBurst: integer(env, 'TACIT_RATE_BURST', DEFAULT_CONFIG.rateBurst, 1, 100_000),
    ratePerMinute: integer(env, 'TACIT_RATE_PER_MINUTE', DEFAULT_CONFIG.ratePerMinute, 1, 6_000_000),
    requestTimeoutMs: integer(env, 'TACIT_REQUEST_TIMEOUT_MS', DEFAULT_CONFIG.requestTimeoutMs, 1000, 300_000),
    maxConnections: integer(env, 'TACIT_MAX_CONNECTIONS', DEFAULT_CONFIG.maxConnections, 1, 1_000_000),
    ...tokenSettings(env),
    ...ohttpSettings(env),
    experiment,
  };
  if (config.requireToken && config.databaseUrl !== null && config.tokenKeyPath === null && config.tokenPublicKeyPath === null) {
    // Without a key file each process would make up its own key, and refuse the tokens of the others.
    throw new ConfigError('TACIT_REQUIRE_TOKEN with TACIT_DATABASE_URL needs TACIT_TOKEN_KEY (one issuer key shared by every process) or TACIT_TOKEN_PUBLIC_KEY');
  }
  if (config.ohttpGateway && config.databaseUrl !== null && config.ohttpKeyPaths.length === 0) {
    // Devices carry one key configuration: every process must decrypt with the same key.
    throw new ConfigError('TACIT_OHTTP_GATEWAY with TACIT_DATABASE_URL needs TACIT_OHTTP_KEY (one gateway key shared by every process)');
  }
  return config;
}

/** The defaults with some settings replaced (tests, embedding the server). */
export function makeConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return { ...DEFAULT_CONFIG, origins: [...DEFAULT_CONFIG.origins], ...overrides };
}
