// One version: the SDK reports what its package says, and the two packages move together.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.ts';

const manifest = (name: string) => JSON.parse(readFileSync(resolve(import.meta.dirname, '../../packages', name, 'package.json'), 'utf8')) as { version: string; engines: { node: string } };

describe('versions', () => {
  it('src/version.ts, tacit-sdk and tacit-server agree, and each package states the Node it runs on', () => {
    expect(manifest('tacit-sdk').version).toBe(VERSION);
    expect(manifest('tacit-server').version).toBe(VERSION);
    expect(manifest('tacit-sdk').engines.node).toBe('>=20');
    expect(manifest('tacit-server').engines.node).toBe('>=20');
  });
});
