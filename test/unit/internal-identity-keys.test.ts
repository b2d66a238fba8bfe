/**
 * The gateway → subgraph identity as replicas deploy it: the gateway command's key (or
 * its refusal), the subgraph command's JWKS, and a rotation from one key to another.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { internalIdentityJwk, internalIdentityKey, internalIdentityKeys, signInternalIdentity, verifyInternalIdentity, type InternalIdentity } from '../../contracts/internal-identity';
import { readInternalIdentity } from '../../gateway/config';
import type { IncomingMessage } from 'node:http';
import { readSubgraphCommandConfig } from '../../subgraphs/command-config';
import { InternalIdentityVerifier } from '../../subgraphs/shared/caller';
import { recordingLogger } from '../helpers/logs';

const dir = mkdtempSync(join(tmpdir(), 'identity-keys-'));
const pemFile = (name: string, type: 'ed25519' | 'rsa' = 'ed25519') => {
  const file = join(dir, name);
  const { privateKey } = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { file, privateKey };
};
const CALLER: InternalIdentity = { kind: 'user', subject: 'zjj-reviewer-3', name: '梁文杰', region: '522633', org: '522633-zjj', scopes: ['construction:read'], purpose: 'case:2026-0001' };
const PRODUCTION = { NODE_ENV: 'production' };

describe('the gateway command\'s identity key', () => {
  it('refuses to start in production without a key unless told to forward no identity', async () => {
    await expect(readInternalIdentity(PRODUCTION)).rejects.toThrow(/INTERNAL_IDENTITY_KEY_FILE.*INTERNAL_IDENTITY=off/);
    expect(await readInternalIdentity({ ...PRODUCTION, INTERNAL_IDENTITY: 'off' })).toEqual({ key: undefined, source: 'off' });
  });

  it.each([
    [{ INTERNAL_IDENTITY: 'none' }, /the only value is off/],
    [{ INTERNAL_IDENTITY: 'off', INTERNAL_IDENTITY_PRIVATE_KEY: 'x' }, /both set/],
    [{ INTERNAL_IDENTITY_KEY_FILE: join(dir, 'missing.pem') }, /does not exist.*identity:key -- new/],
    [{ INTERNAL_IDENTITY_KEY_FILE: pemFile('rsa.pem', 'rsa').file }, /must be Ed25519/],
    [{ INTERNAL_IDENTITY_PRIVATE_KEY: 'not a key' }, /not an Ed25519 private key in PEM/],
  ])('refuses %j', async (env, message) => {
    await expect(readInternalIdentity({ ...PRODUCTION, ...env })).rejects.toThrow(message);
  });

  it('signs with a kid that is the key\'s JWK thumbprint, from a file or inline', async () => {
    const { file, privateKey } = pemFile('gateway.pem');
    const thumbprint = await calculateJwkThumbprint(await exportJWK(privateKey));
    const fromFile = await readInternalIdentity({ ...PRODUCTION, INTERNAL_IDENTITY_KEY_FILE: file });
    const inline = await readInternalIdentity({ ...PRODUCTION, INTERNAL_IDENTITY_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().replace(/\n/g, '\\n') });
    expect(fromFile.key?.kid).toBe(thumbprint);
    expect(inline.key?.kid).toBe(thumbprint);
    const token = await signInternalIdentity(CALLER, fromFile.key!);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'EdDSA', kid: thumbprint });
  });
});

describe('a rotation, replica by replica', () => {
  it('a subgraph trusting {old, new} accepts both gateways; one trusting only the new key refuses the old', async () => {
    const [oldKey, newKey] = [pemFile('old.pem'), pemFile('new.pem')];
    const [oldSigning, newSigning] = await Promise.all([internalIdentityKey(oldKey.privateKey), internalIdentityKey(newKey.privateKey)]);
    const both = internalIdentityKeys({ keys: [await internalIdentityJwk(oldKey.privateKey), await internalIdentityJwk(newKey.privateKey)] });
    const newOnly = internalIdentityKeys({ keys: [await internalIdentityJwk(newKey.privateKey)] });
    for (const signing of [oldSigning, newSigning]) expect(await verifyInternalIdentity(await signInternalIdentity(CALLER, signing), both)).toEqual(CALLER);
    expect(await verifyInternalIdentity(await signInternalIdentity(CALLER, newSigning), newOnly)).toEqual(CALLER);
    await expect(verifyInternalIdentity(await signInternalIdentity(CALLER, oldSigning), newOnly)).rejects.toThrow();
  });
});

describe('a subgraph refusing the gateway\'s identity', () => {
  it('says why in its log, once a minute per kind, naming the key but never the token', async () => {
    const trusted = pemFile('trusted.pem');
    const rotatedAway = await internalIdentityKey(pemFile('unknown.pem').privateKey);
    const { logger, lines } = recordingLogger();
    const verifier = new InternalIdentityVerifier({ keys: [await internalIdentityJwk(trusted.privateKey)] }, logger);
    const tokens = await Promise.all([1, 2, 3].map(() => signInternalIdentity(CALLER, rotatedAway)));
    for (const token of [...tokens, 'not-a-jwt', 'not-a-jwt-either']) {
      await expect(verifier.verify({ headers: { 'x-county-identity': token } } as unknown as IncomingMessage)).rejects.toMatchObject({ status: 401 });
    }
    expect(lines.map((l) => ({ code: l.code, kid: l.kid }))).toEqual([
      { code: 'ERR_JWKS_NO_MATCHING_KEY', kid: rotatedAway.kid },
      { code: 'ERR_JWS_INVALID', kid: null },
    ]);
    expect(JSON.stringify(lines)).not.toContain(tokens[0]);
  });
});

describe('a subgraph keeping the tokens it verified', () => {
  afterEach(() => jest.useRealTimers());

  it('answers a token it has verified from memory, the same frozen caller, and refuses it once it expires', async () => {
    const key = pemFile('kept.pem');
    const verifier = new InternalIdentityVerifier({ keys: [await internalIdentityJwk(key.privateKey)] });
    const token = await signInternalIdentity(CALLER, await internalIdentityKey(key.privateKey), 120);
    const first = await verifier.verifyToken(token);
    expect({ ...first, scopes: [...first.scopes] }).toEqual(CALLER);
    expect(Object.isFrozen(first)).toBe(true);
    expect(await verifier.verifyToken(token)).toBe(first);
    // Another token of the same caller is verified on its own: only the exact text is remembered.
    const forged = `${token.slice(0, -4)}AAAA`;
    await expect(verifier.verifyToken(forged)).rejects.toMatchObject({ status: 401 });
    jest.useFakeTimers({ now: Date.now() + 121_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    await expect(verifier.verifyToken(token)).rejects.toMatchObject({ status: 401 });
  });
});

describe('the subgraph command\'s settings', () => {
  const department = { ENTERPRISE_DEPARTMENT_URL: 'http://127.0.0.1:4101', ENTERPRISE_DEPARTMENT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nMCow\\n-----END PUBLIC KEY-----' };

  it('names every missing setting at once, production asking for the gateway\'s keys', async () => {
    await expect(readSubgraphCommandConfig(['approval'], PRODUCTION)).rejects.toThrow(
      /APPROVAL_DEPARTMENT_URL must be set[\s\S]*LICENCE_ISSUERS must be set[\s\S]*INTERNAL_IDENTITY_JWKS_FILE or INTERNAL_IDENTITY_JWKS_URL must be set in production/,
    );
  });

  it.each([[[]], [['parks']], [['enterprise', '--port']], [['enterprise', '--verbose']]])('refuses the arguments %j with the usage', async (argv) => {
    await expect(readSubgraphCommandConfig(argv, { ...department })).rejects.toThrow(/usage: subgraph <enterprise\|land\|construction\|approval>/);
  });

  it.each([
    ['not JSON', 'keys'],
    [JSON.stringify({ keys: [] }), 'the JWKS has no keys'],
    [JSON.stringify({ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', kid: 'r' }] }), 'kty OKP'],
    [JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc' }] }), 'needs its kid'],
  ])('refuses a JWKS file holding %s', async (text, message) => {
    const file = join(dir, `jwks-${Math.random()}.json`);
    writeFileSync(file, text);
    await expect(readSubgraphCommandConfig(['enterprise'], { ...PRODUCTION, ...department, INTERNAL_IDENTITY_JWKS_FILE: file })).rejects.toThrow(message === 'keys' ? /INTERNAL_IDENTITY_JWKS_FILE/ : new RegExp(message));
  });

  it('reads a whole configuration: the department, its client defaults, Redis, the keys', async () => {
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [await internalIdentityJwk(pemFile('k.pem').privateKey)] }));
    const config = await readSubgraphCommandConfig(['land', '--port', '4302'], {
      ...PRODUCTION,
      LAND_DEPARTMENT_URL: 'http://127.0.0.1:4102',
      LAND_DEPARTMENT_PUBLIC_KEY: department.ENTERPRISE_DEPARTMENT_PUBLIC_KEY,
      INTERNAL_IDENTITY_JWKS_FILE: file,
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config).toMatchObject({ name: 'land', port: 4302, redisUrl: 'redis://127.0.0.1:6379', connection: { url: 'http://127.0.0.1:4102' }, settings: { timeoutMs: 5000, maxConcurrency: 4 }, identity: { source: file } });
  });
});
