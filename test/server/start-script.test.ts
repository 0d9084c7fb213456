// `npm start` (scripts/start.js) runs the aggregation server as its child: a SIGTERM to npm start must
// stop the server too, not leave it listening as an orphan (issue 15, "Low").
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-start-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('stops the aggregation server when it gets SIGTERM', async () => {
    const [demoPort, serverPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['scripts/start.js', '--no-build'], {
      env: { ...process.env, DEMO_PORT: String(demoPort), PORT: String(serverPort), TACIT_DB: join(dir, 'tacit.sqlite') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const health = `http://127.0.0.1:${serverPort}/health`;
    const deadline = Date.now() + 60_000;
    while (!(await answers(health))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the server did not come up:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await answers(health)).toBe(false); // nothing left listening
    expect(output).toContain('tacit server: stopped (SIGTERM)');
  }, 90_000);
});
