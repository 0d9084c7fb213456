import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface StaticServer {
  server: Server;
  url: string;
  close(): Promise<unknown>;
}

export function startStaticServer(options: {
  mounts: { prefix: string; dir: string }[];
  port?: number;
  host?: string;
  isolated?: boolean;
  headers?: Record<string, string>;
  onRequest?: (req: IncomingMessage, res: ServerResponse) => boolean | void;
}): Promise<StaticServer>;
