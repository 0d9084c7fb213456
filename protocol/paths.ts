/**
 * The server's routes, as both sides name them. No word ad blockers filter on (analytics, track,
 * beacon, collect) appears in a path a device calls.
 */
export const PARAMS_PATH = '/v1/params';
export const REPORTS_PATH = '/v1/reports';
export const AGGREGATES_PATH = '/v1/aggregates';
/** Every API route lives under this prefix (CORS and Origin rules apply to it). */
export const API_PREFIX = '/v1/';
