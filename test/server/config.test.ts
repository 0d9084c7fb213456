import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from '../../server/config.ts';

describe('loadConfig', () => {
  it('uses safe defaults with an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 8787,
      host: '127.0.0.1',
      dbPath: '.tacit-data/tacit.sqlite',
      databaseUrl: null,
      taxonomyPath: null,
      shutdownDrainMs: 0,
      epsilon: 4,
      slots: 3,
      epochSeconds: 604_800,
      k: 50,
      releaseEpsilon: 1,
      origins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
      maxBody: 1024,
      rateBurst: 10,
      ratePerMinute: 30,
      requestTimeoutMs: 10_000,
      maxConnections: 1024,
      requireToken: true,
      tokenKeyPath: null,
      tokenPublicKeyPath: null,
      tokenIssuerUrl: null,
      tokenIssuerName: 'tacit',
      tokensPerAddress: 4,
      tokensPerMinute: 600,
      ohttpGateway: false,
      ohttpKeyPaths: [],
      experiment: null,
    });
    expect(loadConfig({})).toEqual({ ...DEFAULT_CONFIG });
  });

  it('reads every setting from the environment', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      TACIT_DB: '/tmp/x.sqlite',
      TACIT_EPSILON: '2.5',
      TACIT_SLOTS: '2',
      TACIT_EPOCH_SECONDS: '60',
      TACIT_K: '0',
      TACIT_RELEASE_EPSILON: '0.5',
      TACIT_ORIGINS: 'https://shop.example, http://localhost:3000',
      TACIT_MAX_BODY: '2048',
      TACIT_RATE_BURST: '4',
      TACIT_RATE_PER_MINUTE: '12',
      TACIT_REQUEST_TIMEOUT_MS: '2500',
      TACIT_DATABASE_URL: 'postgres://tacit:secret@db.internal:5432/tacit',
      TACIT_TAXONOMY: '/etc/tacit/segments.json',
      TACIT_SHUTDOWN_DRAIN_MS: '5000',
      TACIT_MAX_CONNECTIONS: '200',
      TACIT_REQUIRE_TOKEN: 'true',
      TACIT_TOKEN_PUBLIC_KEY: '/etc/tacit/issuer.pub',
      TACIT_TOKEN_ISSUER_URL: 'https://shop.example/tacit-token',
      TACIT_TOKEN_ISSUER_NAME: 'shop.example',
      TACIT_TOKENS_PER_ADDRESS: '0',
      TACIT_TOKENS_PER_MINUTE: '60',
      TACIT_OHTTP_KEY: '/etc/tacit/ohttp.pem, /etc/tacit/ohttp-old.pem',
    });
    expect(config).toEqual({
      port: 9000,
      host: '0.0.0.0',
      dbPath: '/tmp/x.sqlite',
      databaseUrl: 'postgres://tacit:secret@db.internal:5432/tacit',
      taxonomyPath: '/etc/tacit/segments.json',
      shutdownDrainMs: 5000,
      epsilon: 2.5,
      slots: 2,
      epochSeconds: 60,
      k: 0,
      releaseEpsilon: 0.5,
      origins: ['https://shop.example', 'http://localhost:3000'],
      maxBody: 2048,
      rateBurst: 4,
      ratePerMinute: 12,
      requestTimeoutMs: 2500,
      maxConnections: 200,
      requireToken: true,
      tokenKeyPath: null,
      tokenPublicKeyPath: '/etc/tacit/issuer.pub',
      tokenIssuerUrl: 'https://shop.example/tacit-token',
      tokenIssuerName: 'shop.example',
      tokensPerAddress: 0,
      tokensPerMinute: 60,
      ohttpGateway: true,
      ohttpKeyPaths: ['/etc/tacit/ohttp.pem', '/etc/tacit/ohttp-old.pem'],
      experiment: null,
    });
  });

  it.each([
    ['PORT', '80a'],
    ['PORT', '70000'],
    ['TACIT_EPSILON', '0'],
    ['TACIT_EPSILON', '-1'],
    ['TACIT_EPSILON', 'Infinity'],
    ['TACIT_EPSILON', '1e3'],
    ['TACIT_SLOTS', '0'],
    ['TACIT_SLOTS', '1.5'],
    ['TACIT_EPOCH_SECONDS', '59'],
    ['TACIT_K', '-5'],
    ['TACIT_RELEASE_EPSILON', 'abc'],
    ['TACIT_ORIGINS', 'shop.example'],
    ['TACIT_ORIGINS', 'https://shop.example/'],
    ['TACIT_ORIGINS', 'https://shop.example/path'],
    ['TACIT_ORIGINS', 'ftp://shop.example'],
    ['TACIT_MAX_BODY', '10'],
    ['TACIT_RATE_BURST', '0'],
    ['HOST', 'bad host'],
    ['TACIT_REQUEST_TIMEOUT_MS', '999'],
    ['TACIT_REQUEST_TIMEOUT_MS', '10s'],
    ['TACIT_DATABASE_URL', 'mysql://u:p@h/db'],
    ['TACIT_DATABASE_URL', 'db.internal:5432'],
    ['TACIT_SHUTDOWN_DRAIN_MS', '-1'],
    ['TACIT_MAX_CONNECTIONS', '0'],
    ['TACIT_REQUIRE_TOKEN', 'maybe'],
    ['TACIT_TOKEN_ISSUER_URL', 'https://shop.example/token'], // without TACIT_TOKEN_PUBLIC_KEY
    ['TACIT_TOKEN_PUBLIC_KEY', '/k.pem'], // without TACIT_TOKEN_ISSUER_URL
    ['TACIT_TOKEN_ISSUER_NAME', 'bad name'],
    ['TACIT_TOKENS_PER_MINUTE', '0'],
    ['TACIT_EXPERIMENT', '{"id":"x"'],
    ['TACIT_EXPERIMENT', '{"id":"x","arms":["control"]}'],
    ['TACIT_EXPERIMENT', '{"id":"x","arms":["control","personal"],"epsilon":0}'],
    ['TACIT_EXPERIMENT', '{"id":"x","arms":["control","personal"],"split":[1]}'],
    ['TACIT_EXPERIMENT', '{"id":"x","arms":["control","personal"],"epsilon":4}'], // nothing left for the segments
  ])('rejects %s=%s with an error naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});

describe('TACIT_DATABASE_URL', () => {
  it('never repeats the URL in an error (it may hold a password)', () => {
    expect(() => loadConfig({ TACIT_DATABASE_URL: 'mysql://tacit:hunter2@db/x' })).toThrow(/^(?!.*hunter2).*TACIT_DATABASE_URL/);
  });
});

describe('token settings', () => {
  it('refuse an issuer URL that is not https, and both key kinds at once', () => {
    expect(() => loadConfig({ TACIT_TOKEN_PUBLIC_KEY: '/k.pem', TACIT_TOKEN_ISSUER_URL: 'http://shop.example/t' })).toThrow(/TACIT_TOKEN_ISSUER_URL must be an https URL/);
    expect(() => loadConfig({ TACIT_TOKEN_KEY: '/a.pem', TACIT_TOKEN_PUBLIC_KEY: '/b.pem', TACIT_TOKEN_ISSUER_URL: 'https://x.example/t' })).toThrow(/not both/);
  });

  it('refuse required tokens on PostgreSQL without a shared key (each process would make up its own)', () => {
    expect(() => loadConfig({ TACIT_REQUIRE_TOKEN: 'true', TACIT_DATABASE_URL: 'postgres://u@db/t' })).toThrow(/needs TACIT_TOKEN_KEY/);
    expect(loadConfig({ TACIT_REQUIRE_TOKEN: 'true', TACIT_DATABASE_URL: 'postgres://u@db/t', TACIT_TOKEN_KEY: '/k.pem' }).requireToken).toBe(true);
  });
});

describe('TACIT_EXPERIMENT', () => {
  it('reads one experiment; its ε comes out of the default ε of 4 unless TACIT_EPSILON says otherwise', () => {
    const config = loadConfig({ TACIT_EXPERIMENT: '{"id":"shelf-1","arms":["control","personal"],"outcomes":["click","order"],"split":[3,1]}' });
    expect(config.experiment).toEqual({
      id: 'shelf-1',
      arms: ['control', 'personal'],
      outcomes: ['click', 'order'],
      revenueBuckets: [25, 100, 250],
      epsilon: 2,
      split: [0.75, 0.25],
    });
    expect(config.epsilon).toBe(2);
    expect(loadConfig({ TACIT_EXPERIMENT: '{"id":"e","arms":["control","personal"],"epsilon":1}' }).epsilon).toBe(3);
    expect(loadConfig({ TACIT_EXPERIMENT: '{"id":"e","arms":["control","personal"],"epsilon":1}', TACIT_EPSILON: '4' }).epsilon).toBe(4);
  });
});
