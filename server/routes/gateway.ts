/**
 * The Oblivious HTTP gateway (RFC 9458) in front of the report route, and its key configuration.
 *
 * POST /v1/gateway takes a message/ohttp-req from a relay (server to server: the relay sends no
 * Origin, so the Origin rule of cors.ts lets it through; a browser posting here directly meets that
 * rule like on every route). The gateway decrypts it and allows exactly one inner request:
 * `POST /v1/reports`, whose body and Content-Type go through the same report route by Fastify's
 * inject (parsing, epoch window, token, group commit: nothing is handled twice or differently). Any
 * other inner request is refused inside the encrypted answer (403 route_not_allowed). The inner
 * request's scheme and authority are not used: the gateway forwards to nothing but this server.
 *
 * Errors before decryption (not the media type, too short, unknown key, altered bytes) are answered
 * in the clear (RFC 9458 §5.2): 415, or 400 with a problem body, of type ohttp-key when the key or
 * suite is not ours (§5.3). Everything after decryption, including the report route's own 4xx, 429
 * and 503 with their Retry-After and WWW-Authenticate, is encrypted and sent as 200 message/ohttp-res.
 * Answers are padded to OHTTP_PAD_TO (1 KiB), so the relay cannot tell a 202 from a refusal by its size.
 *
 * Nothing is logged or kept: the relay's address is the only address seen here, and this route does
 * not look at it. No per-connection rate limit: one relay connection carries many devices (the relay
 * limits its clients; tokens bound how many reports count).
 */
import type { FastifyInstance } from 'fastify';
import { BinaryHttpError, decodeRequest, encodeResponse, fieldValue, type BinaryHttpResponse } from '../../protocol/binary-http.ts';
import { decapsulateRequest, OHTTP_KEY_PROBLEM, OHTTP_KEYS_MEDIA_TYPE, OHTTP_PAD_TO, OHTTP_REQUEST_MEDIA_TYPE, OHTTP_RESPONSE_MEDIA_TYPE, OhttpError } from '../../protocol/ohttp.ts';
import { GATEWAY_PATH, OHTTP_KEYS_PATH, REPORTS_PATH } from '../../protocol/paths.ts';
import type { GatewayKeys } from '../gateway/keys.ts';
import { errorBody } from '../http-errors.ts';
import { mediaType } from './reports.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** base64url of the gateway's current key configuration (what a shop puts in privacy.ohttp.keyConfig); absent when the gateway is off */
    readonly ohttpKeyConfig?: string;
  }
}

export interface GatewayRouteOptions {
  keys: GatewayKeys;
  /** the report route's body limit */
  maxBody: number;
}

/** Room for the encapsulation (7 + 32 + 16 bytes), binary HTTP framing, the target and padding. */
const ENCAPSULATION_ALLOWANCE = 2 * OHTTP_PAD_TO;
/** The report route's response fields a device reads: all others stay behind. */
const ANSWERED_FIELDS = ['content-type', 'retry-after', 'www-authenticate'] as const;

export function gatewayRoutes(app: FastifyInstance, { keys, maxBody }: GatewayRouteOptions): void {
  const bodyLimit = maxBody + ENCAPSULATION_ALLOWANCE;
  app.decorate('ohttpKeyConfig', keys.currentKeyConfig);
  app.addContentTypeParser(OHTTP_REQUEST_MEDIA_TYPE, { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
    done(null, body);
  });

  app.get(OHTTP_KEYS_PATH, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type(OHTTP_KEYS_MEDIA_TYPE).send(Buffer.from(keys.published)),
  );

  /** The inner request's answer: the report route's, or a refusal. */
  const answer = async (message: Uint8Array): Promise<BinaryHttpResponse> => {
    let inner;
    try {
      inner = decodeRequest(message);
    } catch (error) {
      if (!(error instanceof BinaryHttpError)) throw error;
      return json(400, errorBody('invalid_binary_http', `the encapsulated request is not a binary HTTP request: ${error.message}`));
    }
    if (inner.method !== 'POST' || inner.path !== REPORTS_PATH) {
      return json(403, errorBody('route_not_allowed', `only POST ${REPORTS_PATH} can be sent through the gateway`));
    }
    const contentType = fieldValue(inner.headers, 'content-type');
    const response = await app.inject({
      method: 'POST',
      url: REPORTS_PATH,
      headers: contentType === null ? {} : { 'content-type': contentType },
      payload: Buffer.from(inner.content),
    });
    const headers: [string, string][] = [];
    for (const name of ANSWERED_FIELDS) {
      const value = response.headers[name];
      if (typeof value === 'string') headers.push([name, value]);
    }
    return { status: response.statusCode, headers, content: new Uint8Array(response.rawPayload) };
  };

  app.post(GATEWAY_PATH, { bodyLimit }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (mediaType(request.headers['content-type']) !== OHTTP_REQUEST_MEDIA_TYPE || !Buffer.isBuffer(request.body)) {
      return reply.code(415).send(errorBody('unsupported_media_type', `send an encapsulated request with Content-Type: ${OHTTP_REQUEST_MEDIA_TYPE}`));
    }
    let opened;
    try {
      opened = await decapsulateRequest(keys.keys, new Uint8Array(request.body));
    } catch (error) {
      if (!(error instanceof OhttpError)) throw error;
      if (error.keyProblem) return reply.code(400).type('application/problem+json').send(JSON.stringify({ type: OHTTP_KEY_PROBLEM, title: error.message }));
      return reply.code(400).send(errorBody('invalid_encapsulation', error.message));
    }
    const encapsulated = await opened.encapsulateResponse(encodeResponse(await answer(opened.request), OHTTP_PAD_TO));
    return reply.type(OHTTP_RESPONSE_MEDIA_TYPE).send(Buffer.from(encapsulated));
  });
}

function json(status: number, body: unknown): BinaryHttpResponse {
  return { status, headers: [['content-type', 'application/json; charset=utf-8']], content: new TextEncoder().encode(JSON.stringify(body)) };
}
