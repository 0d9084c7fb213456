/**
 * GET /v1/params: what the server publishes for devices. The server writes it with paramsBody; the
 * device reads it with parseParams, which checks every field, because a server that sends nonsense must
 * not make the device leak more. (What the device then accepts is decided on the device, not here.)
 */
import type { ReportRules } from './report.ts';
import { epochStartMs } from './epoch.ts';
import { taxonomyDomain, validateTaxonomy, type Taxonomy } from './taxonomy.ts';
import type { TokenParams } from './token-params.ts';
import { experimentParamsBody, parseExperimentParams, type ExperimentParams } from './experiment.ts';

/** The parameters a device reports under. */
export interface ReportParams {
  taxonomy: Taxonomy;
  /** LDP budget of one report */
  epsilon: number;
  /** values per report; each gets epsilon / slots */
  slots: number;
  epochSeconds: number;
  /** released segments below k are suppressed (information for the device's panel) */
  k: number;
  /** Laplace budget of each release (information) */
  releaseEpsilon: number;
  /**
   * The experiment the server counts (protocol/experiment.ts), or null. Its ε is spent on top of
   * `epsilon` by the devices enrolled in it, and only when the total fits the device's own caps.
   */
  experiment?: ExperimentParams | null;
}

/** The JSON body of GET /v1/params. */
export interface ParamsBody extends ReportParams {
  /** informational: a device computes the epoch from its own clock and epochSeconds (this body may be cached for an hour) */
  currentEpoch: number;
  currentEpochEndsAt: string;
  /** how to get report tokens (protocol/token.ts), or null when the server takes none */
  token: TokenParams | null;
}

export const MAX_SLOTS = 16;
export const MIN_EPOCH_SECONDS = 60;

export function paramsBody(params: ReportParams, currentEpoch: number, token: TokenParams | null = null): ParamsBody {
  return {
    taxonomy: { version: params.taxonomy.version, segments: params.taxonomy.segments },
    epsilon: params.epsilon,
    slots: params.slots,
    epochSeconds: params.epochSeconds,
    k: params.k,
    releaseEpsilon: params.releaseEpsilon,
    currentEpoch,
    currentEpochEndsAt: new Date(epochStartMs(currentEpoch + 1, params.epochSeconds)).toISOString(),
    token,
    // Only when the server runs one: without an experiment the body is what it always was.
    ...(params.experiment ? { experiment: experimentParamsBody(params.experiment) } : {}),
  };
}

/** Reads a params body; throws an Error naming the first bad field. */
export function parseParams(json: unknown): ReportParams {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('parameters: expected a JSON object');
  const o = json as Record<string, unknown>;
  let taxonomy: Taxonomy;
  try {
    const t = o.taxonomy as Record<string, unknown> | undefined;
    // Descriptions are optional on the wire (older servers): an absent one reads as empty.
    const segments = Array.isArray(t?.segments)
      ? t.segments.map((s) => (s && typeof s === 'object' && (s as Record<string, unknown>).description === undefined ? { ...s, description: '' } : s))
      : t?.segments;
    taxonomy = validateTaxonomy(t && typeof t === 'object' ? { ...t, segments } : t);
  } catch (error) {
    throw new Error(`parameters: ${(error as Error).message}`);
  }
  const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (!positive(o.epsilon)) throw new Error('parameters: epsilon must be > 0');
  if (!Number.isSafeInteger(o.slots) || (o.slots as number) < 1 || (o.slots as number) > MAX_SLOTS) {
    throw new Error(`parameters: slots must be 1–${MAX_SLOTS}`);
  }
  if (!Number.isSafeInteger(o.epochSeconds) || (o.epochSeconds as number) < MIN_EPOCH_SECONDS) {
    throw new Error(`parameters: epochSeconds must be ≥ ${MIN_EPOCH_SECONDS}`);
  }
  const experiment = parseExperimentParams(o.experiment);
  return {
    taxonomy,
    epsilon: o.epsilon as number,
    slots: o.slots as number,
    epochSeconds: o.epochSeconds as number,
    k: typeof o.k === 'number' ? o.k : 0,
    releaseEpsilon: typeof o.releaseEpsilon === 'number' ? o.releaseEpsilon : 0,
    ...(experiment ? { experiment } : {}),
  };
}

/** The rules a report under these parameters must follow (the server's and the device's checks). */
export function reportRules(params: Pick<ReportParams, 'taxonomy' | 'slots' | 'experiment'>): ReportRules {
  return { taxonomyVersion: params.taxonomy.version, domain: new Set(taxonomyDomain(params.taxonomy)), slots: params.slots, experiment: params.experiment ?? null };
}
