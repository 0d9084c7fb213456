/**
 * POST /v1/tokens: Privacy Pass token issuance (RFC 9578 §6, token type 2), when this server holds
 * the issuer key; and the issuer directory (RFC 9578 §4). See protocol/token.ts for the device's
 * side and tokens/issuer.ts for the limits.
 */
import type { FastifyInstance } from 'fastify';
import { ISSUER_DIRECTORY_PATH, TOKENS_PATH } from '../../protocol/paths.ts';
import { encodeBase64Url, TOKEN_REQUEST_MEDIA_TYPE, TOKEN_RESPONSE_MEDIA_TYPE, TOKEN_TYPE } from '../../protocol/token-params.ts';
import { errorBody } from '../http-errors.ts';
import { TokenIssueError, type TokenIssuer } from '../tokens/issuer.ts';
import type { TokenKeys } from '../tokens/keys.ts';
import { mediaType } from './reports.ts';

export interface TokensRouteOptions {
  issuer: TokenIssuer;
  keys: TokenKeys;
}

export function tokensRoutes(app: FastifyInstance, { issuer, keys }: TokensRouteOptions): void {
  app.post(TOKENS_PATH, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (mediaType(request.headers['content-type']) !== TOKEN_REQUEST_MEDIA_TYPE || !Buffer.isBuffer(request.body)) {
      return reply.code(415).send(errorBody('unsupported_media_type', `send the token request with Content-Type: ${TOKEN_REQUEST_MEDIA_TYPE}`));
    }
    try {
      const response = issuer.issue(new Uint8Array(request.body), request.raw.socket.remoteAddress);
      return reply.type(TOKEN_RESPONSE_MEDIA_TYPE).send(Buffer.from(response));
    } catch (error) {
      if (!(error instanceof TokenIssueError)) throw error;
      if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.code(error.statusCode).send(errorBody(error.code, error.message));
    }
  });

  app.get(ISSUER_DIRECTORY_PATH, async (_request, reply) =>
    reply
      .header('cache-control', 'public, max-age=3600')
      .type('application/private-token-issuer-directory')
      .send(JSON.stringify({ 'issuer-request-uri': TOKENS_PATH, 'token-keys': [{ 'token-type': TOKEN_TYPE, 'token-key': encodeBase64Url(keys.tokenKey) }] })),
  );
}
