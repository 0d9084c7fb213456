/**
 * The report: the only thing a device sends. The body is text/plain (so
 * browsers send it without a CORS preflight) holding exactly
 *   {"taxonomy":<int>,"epoch":<int>,"segments":[<int>, ...],"nonce":"<22 base64url>"}
 * optionally followed by ,"experiment":{"id":"<id>","arm":<int>,"outcome":<int>,"value":<int>} (the
 * experiment part of a device in an A/B test, protocol/experiment.ts), then optionally by
 * ,"token":"<base64url>" (a Privacy Pass token, protocol/token.ts), with `slots` segment values from the
 * report domain, as UTF-8.
 *
 * The nonce is 16 random bytes (base64url, no padding: 22 characters) drawn once per report. The
 * device stores the body it wrote and resends exactly that body when an answer is lost, so the
 * server recognises the resend and counts the report once (it keeps nonces until the epoch closes).
 * It is random, so it says nothing about the device.
 *
 * The device writes it with writeReportBody; the server reads it with
 * parseReport, which rejects anything else (invalid UTF-8, a repeated key, an
 * unknown key, a wrong type) with a message that says what is wrong.
 */
import { checkExperimentPart, writeExperimentPart, type ExperimentPart } from './experiment.ts';
import type { ExperimentDefinition } from '../core/experiment-definition.ts';
import { findDuplicateKey } from './json-keys.ts';

export interface Report {
  taxonomy: number;
  epoch: number;
  segments: number[];
  /** 16 random bytes, base64url without padding */
  nonce: string;
  /** the experiment part, when the device is in the experiment the server counts */
  experiment?: ExperimentPart;
  /** a Privacy Pass token for this epoch, base64url (protocol/token.ts), when the device has one */
  token?: string;
}

/** What the device passes to writeReportBody: a nonce is drawn when none is given. */
export type ReportInput = Omit<Report, 'nonce'> & { nonce?: string };

export const NONCE_BYTES = 16;
/** base64url of NONCE_BYTES bytes, without padding */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** base64url of a serialized token (354 bytes for token type 2: 472 characters); bounded well above it */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,1024}$/;

export interface ReportRules {
  /** the taxonomy version the server counts */
  taxonomyVersion: number;
  /** 0 and the taxonomy's segment ids */
  domain: ReadonlySet<number>;
  slots: number;
  /** the experiment whose parts the server counts; none: a report with an experiment part is refused */
  experiment?: ExperimentDefinition | null;
}

/** A rejected report: HTTP status, a stable machine code and a human message. */
export class ReportError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ReportError';
  }
}

const KEYS = ['taxonomy', 'epoch', 'segments', 'nonce'] as const;
const OPTIONAL_KEYS = ['experiment', 'token'] as const;

// fatal: invalid bytes are an error, not U+FFFD; ignoreBOM: a BOM stays in the text (and fails JSON.parse).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes the body as strict UTF-8. */
export function decodeReportBody(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ReportError(400, 'invalid_encoding', 'the body is not valid UTF-8');
  }
}

/** Parses and validates the body; does not check the epoch window (the caller knows the clock). */
export function parseReport(body: string, rules: ReportRules): Report {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ReportError(400, 'invalid_json', 'the body is not valid JSON');
  }
  const duplicate = findDuplicateKey(body);
  if (duplicate !== null) {
    throw new ReportError(400, 'duplicate_key', `the key ${JSON.stringify(duplicate)} occurs more than once in one object`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ReportError(400, 'invalid_report', 'the report must be a JSON object {"taxonomy","epoch","segments","nonce"}');
  }
  const record = json as Record<string, unknown>;
  const known: readonly string[] = [...KEYS, ...OPTIONAL_KEYS];
  const unknownKeys = Object.keys(record).filter((key) => !known.includes(key));
  if (unknownKeys.length > 0) {
    throw new ReportError(
      400,
      'invalid_report',
      `unknown key(s) ${unknownKeys.map((key) => JSON.stringify(key)).join(', ')}; a report has only taxonomy, epoch, segments, nonce (and experiment, token)`,
    );
  }
  for (const key of KEYS) {
    if (!Object.hasOwn(record, key)) throw new ReportError(400, 'invalid_report', `missing key "${key}"`);
  }
  const { taxonomy, epoch, segments, nonce, experiment, token } = record;
  if (!Number.isSafeInteger(taxonomy) || (taxonomy as number) < 1) {
    throw new ReportError(400, 'invalid_report', '"taxonomy" must be an integer ≥ 1 (the taxonomy version)');
  }
  if (!Number.isSafeInteger(epoch) || (epoch as number) < 0) {
    throw new ReportError(400, 'invalid_report', '"epoch" must be an integer ≥ 0');
  }
  if (!Array.isArray(segments)) throw new ReportError(400, 'invalid_report', '"segments" must be an array of integers');
  if (segments.length !== rules.slots) {
    throw new ReportError(400, 'invalid_report', `"segments" must hold exactly ${rules.slots} values (got ${segments.length})`);
  }
  for (const value of segments) {
    if (!Number.isSafeInteger(value)) throw new ReportError(400, 'invalid_report', `"segments" values must be integers (got ${JSON.stringify(value)})`);
  }
  if (typeof nonce !== 'string' || !NONCE_PATTERN.test(nonce)) {
    throw new ReportError(400, 'invalid_report', '"nonce" must be 16 random bytes as 22 base64url characters');
  }
  if (token !== undefined && (typeof token !== 'string' || !TOKEN_PATTERN.test(token))) {
    throw new ReportError(400, 'invalid_report', '"token" must be a Privacy Pass token in base64url');
  }
  if (taxonomy !== rules.taxonomyVersion) {
    throw new ReportError(422, 'unknown_taxonomy', `unknown taxonomy version ${String(taxonomy)}; this server counts version ${rules.taxonomyVersion} (see GET /v1/params)`);
  }
  for (const value of segments as number[]) {
    if (!rules.domain.has(value)) {
      throw new ReportError(400, 'invalid_report', `segment id ${value} is not in taxonomy version ${rules.taxonomyVersion} (allowed: 0 and the ids in GET /v1/params)`);
    }
  }
  const report: Report = { taxonomy: taxonomy as number, epoch: epoch as number, segments: [...(segments as number[])], nonce };
  if (experiment !== undefined) {
    const checked = checkExperimentPart(experiment, rules.experiment ?? null);
    if ('problem' in checked) throw new ReportError(checked.problem.status, checked.problem.code, checked.problem.message);
    report.experiment = checked.part;
  }
  if (token !== undefined) report.token = token as string;
  return report;
}

/** A fresh report nonce: NONCE_BYTES from the platform's cryptographic generator, base64url. */
export function newReportNonce(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The body as the device sends it, written by hand: a host page may have patched JSON.stringify or
 * Array.prototype.toJSON (Prototype.js does), and what leaves the device must be exactly this. Without
 * a nonce, a fresh one is drawn; store the body and resend it unchanged, so that the server can tell
 * a resend from a new report. The nonce and token are written only if they have their documented
 * form (they are then plain ASCII, with nothing to escape).
 */
export function writeReportBody(report: ReportInput): string {
  const { segments } = report;
  const nonce = report.nonce ?? newReportNonce();
  if (!NONCE_PATTERN.test(nonce)) throw new RangeError('report nonce must be 22 base64url characters');
  if (report.token !== undefined && !TOKEN_PATTERN.test(report.token)) throw new RangeError('report token must be base64url');
  let ids = '';
  for (let i = 0; i < segments.length; i++) ids += (i > 0 ? ',' : '') + String(Math.trunc(segments[i]));
  const experiment = report.experiment === undefined ? '' : ',"experiment":' + writeExperimentPart(report.experiment);
  const token = report.token === undefined ? '' : ',"token":"' + report.token + '"';
  return (
    '{"taxonomy":' + String(Math.trunc(report.taxonomy)) + ',"epoch":' + String(Math.trunc(report.epoch)) + ',"segments":[' + ids + '],"nonce":"' + nonce + '"' + experiment + token + '}'
  );
}

/**
 * Whether `body` is exactly the report the device would write for these rules and this epoch: it
 * parses strictly and is byte for byte its canonical form. The device checks what it finds in storage
 * with this before sending it (storage can be corrupted or planted).
 */
export function isCanonicalReport(body: unknown, rules: ReportRules, epoch: number): boolean {
  if (typeof body !== 'string') return false;
  try {
    const report = parseReport(body, rules);
    return report.epoch === epoch && writeReportBody(report) === body;
  } catch {
    return false;
  }
}
