/**
 * One HTTP/1.1 request written byte for byte on a fresh socket (so a test controls the request line
 * exactly: percent-encoded paths, absolute-form targets), and the response's status, headers and body.
 */
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function rawRequest(port: number, head: string, body = ''): Promise<RawResponse | null> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no response within 10 s to: ${head.split('\r\n')[0]}`));
    }, 10_000);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const text = received.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return resolve(null); // closed without a response
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) });
    });
    const bodyBytes = Buffer.from(body);
    const lengthHeader = body === '' && !/^POST/.test(head) ? '' : `Content-Length: ${bodyBytes.length}\r\n`;
    socket.end(Buffer.concat([Buffer.from(`${head}\r\n${lengthHeader}Connection: close\r\n\r\n`), bodyBytes]));
  });
}
