import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface StaticServer {
  server: Server;
  url: string;
  close(): Promise<unknown>;
}

/** One response as it went out: `bytes` is what the socket carried (status line, headers, body as sent). */
export interface ServedResponse {
  method: string;
  path: string;
  status: number;
  encoding: string | null;
  cacheControl: string | null;
  bytes: number;
}

export interface StaticServerOptions {
  mounts: { prefix: string; dir: string }[];
  port?: number;
  host?: string;
  isolated?: boolean;
  headers?: Record<string, string>;
  onRequest?: (req: IncomingMessage, res: ServerResponse) => boolean | void;
  onResponse?: (response: ServedResponse) => void;
}

export const IMMUTABLE: string;
export const REVALIDATE: string;
export function isHashedName(path: string): boolean;
export function acceptedEncodings(header: string | undefined): Set<string>;
export function startStaticServer(options: StaticServerOptions): Promise<StaticServer>;
