/**
 * Signing in: which bearer tokens the gateway accepts (they must expire, within a bounded
 * lifetime, and not be dated in the future), and what happens to someone guessing
 * credentials from one address (its failures answered 429 after a few, each logged
 * without what was presented).
 */
import { recordingLogger } from '../helpers/logs';
import { startTestStack, type TestStack } from '../helpers/stack';
import { AUDIENCE, DEV_ISSUER } from '../../stack/dev-issuer';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());

const QUERY = '{ constructionProjects(first: 1) { totalCount } }';
const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: Record<string, unknown>) => ({ iss: DEV_ISSUER, aud: AUDIENCE, sub: 'staff-9', region: '522633', scope: 'construction:read', ...extra });
const ask = (token: string) => stack.queryWith({ authorization: `Bearer ${token}` }, QUERY);

describe('bearer tokens', () => {
  it('accepts a token that expires within the allowed lifetime', async () => {
    const { status, errors } = await ask(await stack.issuer.sign(claims({ iat: now(), exp: now() + 8 * 3600 })));
    expect(status).toBe(200);
    expect(errors).toBeUndefined();
  });

  it.each([
    ['without exp', () => claims({ iat: now() }), /no "exp" claim/],
    ['valid for a hundred years', () => claims({ iat: now(), exp: now() + 100 * 365 * 86400 }), /accepts at most 43200 s/],
    ['valid for a day, without iat', () => claims({ exp: now() + 86400 }), /accepts at most 43200 s/],
    ['issued an hour from now', () => claims({ iat: now() + 3600, exp: now() + 7200 }), /issued in the future/],
  ])('refuses a token %s with 401, saying why', async (_name, make, why) => {
    const { status, errors } = await ask(await stack.issuer.sign(make()));
    expect(status).toBe(401);
    expect(errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(errors![0]!.message).toMatch(why);
  });

  it('allows the configured clock skew for iat', async () => {
    const { status } = await ask(await stack.issuer.sign(claims({ iat: now() + 30, exp: now() + 3600 })));
    expect(status).toBe(200);
  });
});

describe('failed sign-ins', () => {
  const { logger, lines } = recordingLogger();
  let guarded: TestStack;
  beforeAll(async () => {
    guarded = await startTestStack({ logger, failedSignInsPerMinute: 5 });
  });
  afterAll(() => guarded.stop());

  it('are logged without the credential, and answered 429 from one address after the limit; valid credentials still pass', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await guarded.queryWith({ 'x-api-key': `guess-number-${i}-secret` }, QUERY)).status);
    // Five failures a minute allowed (this stack's setting): the rest wait.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const failures = lines.filter((l) => l.msg === 'sign-in failed');
    expect(failures).toHaveLength(5);
    expect(failures[0]).toMatchObject({ level: 40, credential: 'api-key', address: expect.stringMatching(/127\.0\.0\.1/), reason: 'the API key is not registered' });
    expect(JSON.stringify(lines)).not.toMatch(/guess-number/);
    // Someone else behind the same address with a valid credential is not held up by the guesser.
    const valid = await guarded.query(QUERY);
    expect(valid.status).toBe(200);
  });
});
