/**
 * The server's routes, as both sides name them. No word ad blockers filter on (analytics, track,
 * beacon, collect) appears in a path a device calls.
 */
export const PARAMS_PATH = '/v1/params';
export const REPORTS_PATH = '/v1/reports';
export const AGGREGATES_PATH = '/v1/aggregates';
/** Every release of the current taxonomy, for spreadsheets (one row per epoch and segment) and as JSON. */
export const AGGREGATES_CSV_PATH = '/v1/aggregates.csv';
export const AGGREGATES_JSON_PATH = '/v1/aggregates.json';
/** Every API route lives under this prefix (CORS and Origin rules apply to it). */
export const API_PREFIX = '/v1/';
/** Privacy Pass token issuance (RFC 9578 §5/§6): POST a TokenRequest, get a TokenResponse (protocol/token.ts). */
export const TOKENS_PATH = '/v1/tokens';
/** The issuer directory of RFC 9578 §4 (token type and key), for clients that discover issuers the standard way. */
export const ISSUER_DIRECTORY_PATH = '/.well-known/private-token-issuer-directory';
/** The health check, for load balancers: 200 while the server takes reports, 503 while it drains or its database is down. */
export const HEALTH_PATH = '/health';
/** Oblivious HTTP (RFC 9458): the gateway's key configurations (application/ohttp-keys), for the shop's config and its relay. */
export const OHTTP_KEYS_PATH = '/v1/ohttp-keys';
/** Oblivious HTTP: where a relay posts encapsulated reports (message/ohttp-req). */
export const GATEWAY_PATH = '/v1/gateway';
/** An A/B test's results: per-arm rates with 95% intervals, the lift, warnings, the power calculator. */
export const EXPERIMENTS_PATH = '/v1/experiments';
