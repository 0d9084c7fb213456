// Report tokens in tests of the device against the real server: one issuer key for the whole test
// process (so a restarted server accepts the tokens it issued before), and no per-address issuance
// limit, because every simulated device of a test comes from the same loopback address.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerConfig } from '../../server/config.ts';

let keyPath: string | null = null;

export function testTokenSettings(): Pick<ServerConfig, 'requireToken' | 'tokenKeyPath' | 'tokensPerAddress'> {
  if (!keyPath) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keyPath = join(mkdtempSync(join(tmpdir(), 'tacit-token-key-')), 'issuer.pem');
    writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  }
  return { requireToken: true, tokenKeyPath: keyPath, tokensPerAddress: 0 };
}
