/** The JSON error body every route answers with, and Fastify's own errors mapped onto it. */
import type { FastifyError } from 'fastify';

export interface ErrorBody {
  ok: false;
  /** a stable machine code */
  error: string;
  /** what is wrong, for a person */
  message: string;
  [extra: string]: unknown;
}

export function errorBody(error: string, message: string, extra: Record<string, unknown> = {}): ErrorBody {
  return { ok: false, error, message, ...extra };
}

/** Fastify's own 4xx errors, mapped to our stable codes and plainer messages; anything else is a bare 500. */
export function describeFastifyError(error: FastifyError, maxBody: number): { status: number; body: ErrorBody } {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: errorBody('unsupported_media_type', 'send the report with Content-Type: text/plain') };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: errorBody('body_too_large', `the body is larger than ${maxBody} bytes`) };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: errorBody('invalid_body', error.message) };
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  return status === 500
    ? { status, body: errorBody('internal_error', 'internal server error') }
    : { status, body: errorBody('bad_request', error.message) };
}
