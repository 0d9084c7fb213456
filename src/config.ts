// Every option of init() and its default, resolved once into one frozen config (as transformers.js's
// env.js does). Nothing else in the SDK or the worker holds a default: they read this. A bad value is
// reported (one warning naming it) and replaced by its default; nothing throws.
//
// Algorithm constants (profile, segments) are defined where the algorithm is (core/) and read here, so
// each number exists once. Two settings only the worker uses, `ranking` and `experiments`, are passed on
// as given and checked by the worker when it starts (worker/settings.ts): their checks stay out of
// tacit.js, and their warnings reach the page from there, once consent has started the worker.

import { DEFAULT_MAX_EPSILON, DEFAULT_MIN_EPOCH_SECONDS } from '../core/privacy-accountant.ts';
import { DEFAULT_MAX_SEGMENTS, DEFAULT_SEGMENT_THRESHOLD } from '../core/segments.ts';
import { DEFAULT_MODEL_ID } from '../model/default.ts';
import type { Retention } from '../worker/storage/store.ts';
import type { ModelConfig, TacitConfig, TacitError } from './types.ts';
import type { EmbedderOptions } from '../worker/embedder.ts';

/** The model settings the worker hands to the embedder as they are. */
export type ModelSettings = Required<Pick<EmbedderOptions, 'model' | 'dtype' | 'pooling' | 'normalize' | 'backend' | 'modelBaseUrl' | 'wasmPaths' | 'allowRemote'>> &
  Pick<EmbedderOptions, 'remoteHost'>;

export interface ResolvedConfig {
  /** Absolute URLs, or null when not configured. */
  catalog: string | null;
  catalogVectors: string | null;
  server: string | null;
  consent: 'granted' | 'pending';
  /** Where Tacit's own files are served (worker.js, ort/, models/), absolute, ending in '/'. */
  baseUrl: string;
  retention: Retention;
  model: ModelSettings;
  /**
   * The shop's ranking settings as given, as plain data: only the worker ranks with them, so the worker
   * checks and resolves them when it starts (worker/settings.ts; core/ranking-config.ts holds their
   * defaults and why), and keeps their checks out of tacit.js.
   */
  ranking: Readonly<Record<string, unknown>>;
  privacy: {
    /** Largest ε one report may spend. */
    maxEpsilon: number;
    /** Shortest epoch this device accepts from a server (at most one report per this many seconds). */
    minEpochSeconds: number;
    /** Largest ε spent in any 365 days; null: derived from the two above (core/privacy-accountant.ts). */
    maxEpsilonPerYear: number | null;
    respectGlobalPrivacyControl: boolean;
    /** Reports through this OHTTP relay (reports/ohttp-transport.ts); null: straight to the server. */
    ohttp: { relay: string; keyConfig: string } | null;
  };
  segments: { maxSegments: number; threshold: number };
  /**
   * init()'s `experiments` as given, as plain data ([] when none). A device takes part only after a grant,
   * in the worker, which checks them then and runs the first valid one (worker/settings.ts): one runs at a
   * time, recommend() shows one strategy. The page only needs to know whether the shop configured one.
   */
  experiments: readonly unknown[];
  /** How long recommend() and segments() wait for the engine before answering with the fallback. */
  engineTimeoutMs: number;
  onError: ((error: TacitError) => void) | null;
  debug: boolean;
  /** Record 'Page Viewed' at init and on every history change to a new path (single-page apps). */
  autoPage: boolean;
}

const DAY_MS = 24 * 3600 * 1000;

/** Every default, in one place. */
export const DEFAULTS = Object.freeze({
  consent: 'pending',
  retention: { maxAgeDays: 90, maxEvents: 5000 },
  model: { id: DEFAULT_MODEL_ID, dtype: 'q8', pooling: 'mean', normalize: true, backend: 'auto', path: 'models/' },
  privacy: { maxEpsilon: DEFAULT_MAX_EPSILON, minEpochSeconds: DEFAULT_MIN_EPOCH_SECONDS, maxEpsilonPerYear: null, respectGlobalPrivacyControl: true, ohttp: null },
  segments: { maxSegments: DEFAULT_MAX_SEGMENTS, threshold: DEFAULT_SEGMENT_THRESHOLD },
  engineTimeoutMs: 8000,
  debug: false,
  autoPage: false,
} as const);

const DTYPES: readonly string[] = ['q8', 'fp32', 'fp16', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'];

export interface ResolveContext {
  /** The page's URL: relative URLs in the config resolve against it. */
  pageUrl: string;
  /** Where tacit.js was loaded from (its folder), unless the config says otherwise. */
  scriptBaseUrl?: string;
  warn(code: string, message: string): void;
}

export function resolveConfig(input: unknown, context: ResolveContext): Readonly<ResolvedConfig> {
  const bad = (key: string, why: string) => context.warn('invalid-config', `init(config): ${key} ${why}; using the default`);
  if (input !== undefined && !isObject(input)) bad('config', 'must be an object');
  const c = (isObject(input) ? input : {}) as TacitConfig & Record<string, unknown>;

  const url = (key: 'catalog' | 'catalogVectors' | 'server' | 'baseUrl', base: string): string | null => {
    const value = c[key];
    if (value === undefined) return null;
    if (typeof value === 'string') {
      try {
        return new URL(value, base).href;
      } catch {
        // falls through to the warning
      }
    }
    bad(key, 'must be a URL string');
    return null;
  };
  const section = <K extends 'retention' | 'model' | 'ranking' | 'privacy' | 'segments'>(key: K): Record<string, unknown> => {
    const value = c[key];
    if (value === undefined) return {};
    if (isObject(value)) return value;
    bad(key, 'must be an object');
    return {};
  };
  const number = (key: string, value: unknown, fallback: number, valid: (n: number) => boolean, why: string): number => {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isFinite(value) && valid(value)) return value;
    bad(key, why);
    return fallback;
  };
  const choice = <T extends string>(key: string, value: unknown, options: readonly T[], fallback: T): T => {
    if (value === undefined) return fallback;
    if (options.includes(value as T)) return value as T;
    bad(key, `must be one of ${options.map((o) => `'${o}'`).join(', ')}`);
    return fallback;
  };
  const flag = (key: string, value: unknown, fallback: boolean): boolean => {
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    bad(key, 'must be true or false');
    return fallback;
  };
  const positive = (n: number) => n > 0;
  // What the worker checks crosses to it by structured clone: a function in it could not.
  const plain = <T>(key: string, value: T, fallback: T): T => {
    try {
      return structuredClone(value);
    } catch {
      bad(key, 'must be plain data (numbers, strings, true/false, arrays, objects)');
      return fallback;
    }
  };

  const scriptBase = context.scriptBaseUrl === undefined ? null : new URL(context.scriptBaseUrl, context.pageUrl).href; // createTacit({ baseUrl: '/tacit/' })
  const baseUrl = withSlash(url('baseUrl', context.pageUrl) ?? scriptBase ?? new URL('/tacit/', context.pageUrl).href);
  const retention = section('retention');
  const model = section('model') as ModelConfig & Record<string, unknown>;
  const ranking = section('ranking');
  const privacy = section('privacy');
  const segments = section('segments');
  const modelBase = typeof model.baseUrl === 'string' ? model.baseUrl : DEFAULTS.model.path;
  if (model.baseUrl !== undefined && typeof model.baseUrl !== 'string') bad('model.baseUrl', 'must be a URL string');

  // A relay the shop asked for but that cannot be used turns reports off: sending them straight to the
  // server instead would show it the address the shop meant to hide.
  const ohttp = relaySettings(privacy.ohttp, context);

  return Object.freeze({
    catalog: url('catalog', context.pageUrl),
    catalogVectors: url('catalogVectors', context.pageUrl),
    server: ohttp === 'invalid' ? null : url('server', context.pageUrl),
    consent: choice('consent', c.consent, ['granted', 'pending'] as const, DEFAULTS.consent),
    baseUrl,
    retention: {
      maxAgeMs: number('retention.maxAgeDays', retention.maxAgeDays, DEFAULTS.retention.maxAgeDays, positive, 'must be a number > 0') * DAY_MS,
      maxEvents: number('retention.maxEvents', retention.maxEvents, DEFAULTS.retention.maxEvents, positive, 'must be a number > 0'),
    },
    model: {
      model: typeof model.id === 'string' && model.id.trim() !== '' ? model.id : (model.id !== undefined && bad('model.id', 'must be a non-empty string'), DEFAULTS.model.id),
      dtype: choice('model.dtype', model.dtype, DTYPES, DEFAULTS.model.dtype) as ModelSettings['dtype'],
      pooling: choice('model.pooling', model.pooling, ['mean', 'cls'] as const, DEFAULTS.model.pooling),
      normalize: flag('model.normalize', model.normalize, DEFAULTS.model.normalize),
      backend: choice('model.backend', model.backend, ['auto', 'webgpu', 'wasm'] as const, DEFAULTS.model.backend),
      modelBaseUrl: sameOriginPath(new URL(modelBase, baseUrl), context.pageUrl),
      wasmPaths: new URL('ort/', baseUrl).href,
      allowRemote: typeof model.remoteHost === 'string',
      ...(typeof model.remoteHost === 'string' ? { remoteHost: model.remoteHost } : {}),
    },
    ranking: plain('ranking', ranking, {}),
    privacy: {
      maxEpsilon: number('privacy.maxEpsilon', privacy.maxEpsilon, DEFAULTS.privacy.maxEpsilon, positive, 'must be a number > 0'),
      minEpochSeconds: number('privacy.minEpochSeconds', privacy.minEpochSeconds, DEFAULTS.privacy.minEpochSeconds, (n) => Number.isInteger(n) && n >= 60, 'must be an integer number of seconds ≥ 60'),
      maxEpsilonPerYear:
        privacy.maxEpsilonPerYear === undefined ? DEFAULTS.privacy.maxEpsilonPerYear : number('privacy.maxEpsilonPerYear', privacy.maxEpsilonPerYear, 0, positive, 'must be a number > 0') || null,
      respectGlobalPrivacyControl: flag('privacy.respectGlobalPrivacyControl', privacy.respectGlobalPrivacyControl, DEFAULTS.privacy.respectGlobalPrivacyControl),
      ohttp: ohttp === 'invalid' ? null : ohttp,
    },
    segments: {
      maxSegments: number('segments.maxSegments', segments.maxSegments, DEFAULTS.segments.maxSegments, (n) => Number.isInteger(n) && n >= 0, 'must be an integer ≥ 0'),
      threshold: number('segments.threshold', segments.threshold, DEFAULTS.segments.threshold, () => true, 'must be a number'),
    },
    experiments: experimentsAsGiven(c.experiments, context.warn),
    engineTimeoutMs: number('engineTimeoutMs', c.engineTimeoutMs, DEFAULTS.engineTimeoutMs, positive, 'must be a number of milliseconds > 0'),
    onError: c.onError === undefined ? null : typeof c.onError === 'function' ? c.onError : (bad('onError', 'must be a function'), null),
    debug: flag('debug', c.debug, DEFAULTS.debug),
    autoPage: flag('autoPage', c.autoPage, DEFAULTS.autoPage),
  });
}

/**
 * privacy.ohttp: an https relay URL (plain http on loopback only: tests and local demos) and a base64url
 * key configuration. The key configuration's bytes are read when the first report goes out
 * (reports/ohttp-transport.ts), so the page's bundle carries no OHTTP code.
 */
function relaySettings(value: unknown, context: ResolveContext): { relay: string; keyConfig: string } | null | 'invalid' {
  if (value === undefined) return DEFAULTS.privacy.ohttp;
  const invalid = (key: string, why: string) => {
    context.warn('invalid-config', `init(config): ${key} ${why}; no report will be sent`);
    return 'invalid' as const;
  };
  if (!isObject(value)) return invalid('privacy.ohttp', 'must be an object { relay, keyConfig }');
  let relay: URL | null = null;
  try {
    relay = typeof value.relay === 'string' ? new URL(value.relay, context.pageUrl) : null;
  } catch {
    // reported below
  }
  const loopback = relay !== null && ['localhost', '127.0.0.1', '[::1]'].includes(relay.hostname);
  if (relay === null || !(relay.protocol === 'https:' || (relay.protocol === 'http:' && loopback))) return invalid('privacy.ohttp.relay', 'must be an https URL');
  if (typeof value.keyConfig !== 'string' || !/^[A-Za-z0-9_-]{8,}={0,2}$/.test(value.keyConfig)) return invalid('privacy.ohttp.keyConfig', 'must be the base64url key configuration the server prints at start');
  return { relay: relay.href, keyConfig: value.keyConfig };
}

/** init()'s experiments, each entry as plain data (one that is not becomes null: the worker reports it by index). */
function experimentsAsGiven(input: unknown, warn: ResolveContext['warn']): unknown[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) {
    warn('invalid-config', 'init(config): experiments must be an array of { id, arms, split? }; no experiment runs');
    return [];
  }
  return input.map((entry: unknown) => {
    try {
      return structuredClone(entry);
    } catch {
      return null;
    }
  });
}

/** A plain object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * transformers.js only looks for local model files under a path: given an absolute http URL it silently
 * skips the tokenizer. Files on the page's origin are therefore passed as a path.
 */
function sameOriginPath(url: URL, pageUrl: string): string {
  return url.origin === new URL(pageUrl).origin ? url.pathname : url.href;
}
