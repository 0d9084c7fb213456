// The report through an Oblivious HTTP relay (RFC 9458), when the shop configured one
// (privacy.ohttp): the same body, with the same Privacy Pass token, becomes a binary HTTP request
// (protocol/binary-http.ts) to the server's report route, encrypted to the server's gateway key and
// posted to the relay. The relay sees the shopper's address and an opaque, padded message; the server
// sees the report and the relay's address. The server's answer comes back encrypted and is handed to
// sync.ts as a Response, so a 202, a 4xx, a 429 or 503 with Retry-After, a 401 for a token are handled
// exactly as when sent straight.
//
// Loaded only when a relay is configured (HPKE comes with it). The key configuration comes from the
// shop's config, never from the server at run time: a server answering each device with its own key
// could recognise every device by the key its report was encrypted to. Only the report goes through
// the relay; parameters (the same for everyone, cacheable) and token requests (the issuer needs the
// address to limit issuance; blind signatures keep the token unlinkable) go straight to the server.
// Runs in the worker, with the rest of the report sync.
//
// When the relay fails (unreachable, not 200, not an encapsulated response) this throws: sync.ts keeps
// the report and retries with back-off, and never sends it straight instead.

import type { CipherSuite } from '@hpke/core';
import { decodeResponse, encodeRequest } from '../../protocol/binary-http.ts';
import { decodeKeyConfig, encapsulateRequest, OHTTP_PAD_TO, OHTTP_REQUEST_MEDIA_TYPE, OHTTP_RESPONSE_MEDIA_TYPE, ohttpSuite, type KeyConfig } from '../../protocol/ohttp.ts';
import { decodeBase64Url } from '../../protocol/token-params.ts';

export interface RelaySettings {
  relay: string;
  /** base64url of the gateway's key configuration (RFC 9458 §3.1) */
  keyConfig: string;
}

export class RelayError extends Error {
  override name = 'RelayError';
}

/**
 * Posts the report `body` for `url` (the server's report route) through the relay; the server's answer
 * as a Response. `warn` hears of a key configuration that cannot be read (the config only checks its
 * spelling, so that the page's bundle carries no OHTTP code).
 */
export async function postThroughRelay(settings: RelaySettings, url: string, body: string, fetcher: typeof fetch, warn: (message: string) => void): Promise<Response> {
  const config = readKeyConfig(settings.keyConfig, warn);
  const target = new URL(url);
  const message = encodeRequest(
    {
      method: 'POST',
      scheme: target.protocol.slice(0, -1),
      authority: target.host,
      path: target.pathname,
      // Nothing else: no date (it would show the device's clock), no user agent, no cookie.
      headers: [['content-type', 'text/plain']],
      content: new TextEncoder().encode(body),
    },
    OHTTP_PAD_TO,
  );
  const sent = await encapsulateRequest(config, message, { suite: await suiteFor(config) });
  // No keepalive: if the page (and its worker) goes away before the answer, the report stays pending and
  // a later page sends the same report again, newly encapsulated (sync.ts; the server counts a nonce once).
  const outer = await fetcher(settings.relay, {
    method: 'POST',
    body: sent.encapsulated as Uint8Array<ArrayBuffer>,
    headers: { 'content-type': OHTTP_REQUEST_MEDIA_TYPE },
    credentials: 'omit',
    mode: 'cors',
    referrerPolicy: 'no-referrer',
    cache: 'no-store',
  });
  const type = (outer.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (outer.status !== 200 || type !== OHTTP_RESPONSE_MEDIA_TYPE) {
    throw new RelayError(`the relay answered ${outer.status}${type ? ` (${type})` : ''}, not an encapsulated response; the report waits`);
  }
  const inner = decodeResponse(await sent.openResponse(new Uint8Array(await outer.arrayBuffer())));
  const noBody = inner.status === 204 || inner.status === 205 || inner.status === 304;
  return new Response(noBody ? null : (inner.content as Uint8Array<ArrayBuffer>), { status: inner.status, headers: inner.headers });
}

function readKeyConfig(text: string, warn: (message: string) => void): KeyConfig {
  try {
    return decodeKeyConfig(decodeBase64Url(text));
  } catch (error) {
    const message = `init(config): privacy.ohttp.keyConfig is not a key configuration (${error instanceof Error ? error.message : String(error)}); reports wait`;
    warn(message);
    throw new RelayError(message);
  }
}

let suite: Promise<CipherSuite> | null = null;

/**
 * WebCrypto's X25519 where the browser has it (Chromium 133+, Firefox 130+, Safari 17+); elsewhere the
 * pure-JavaScript KEM (@hpke/dhkem-x25519), downloaded only then.
 */
function suiteFor(config: KeyConfig): Promise<CipherSuite> {
  suite ??= globalThis.crypto.subtle.importKey('raw', config.publicKey as Uint8Array<ArrayBuffer>, { name: 'X25519' }, true, []).then(
    () => ohttpSuite(),
    async () => ohttpSuite(new (await import('@hpke/dhkem-x25519')).DhkemX25519HkdfSha256()),
  );
  return suite;
}
