import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createGateway } from '../../gateway/server';
import { listen } from '../../lib/listen';
import { SUPERGRAPH_PATH } from '../../scripts/compose';
import { bareGateway } from '../helpers/gateway';
import { removeFieldDirective, variant } from './schema-governance/fixtures';
import { until } from '../helpers/until';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const original = readFileSync(SUPERGRAPH_PATH, 'utf8');
// The same schema with Query.constructionProjects open to anyone: another valid version.
const opened = variant({ construction: removeFieldDirective('Query', 'constructionProjects', 'requiresScopes') }).supergraph;
const POLL_MS = 100;

/**
 * A schema registry's download endpoint: the current text with an ETag, 304 to a request
 * that already has it. Counts what it was asked, so tests can see conditional requests.
 */
async function startPublisher(text: string) {
  const state = { text, answer: 'ok' as 'ok' | 'fail' | 'hang', conditional: 0, unconditional: 0, full: 0, notModified: 0, failed: 0 };
  const server: Server = createServer((req, res) => {
    const known = req.headers['if-none-match'];
    if (known) state.conditional++;
    else state.unconditional++;
    if (state.answer === 'hang') return;
    if (state.answer === 'fail') {
      state.failed++;
      res.writeHead(503).end('registry down');
      return;
    }
    const etag = `"${sha256(state.text)}"`;
    if (known === etag) {
      state.notModified++;
      res.writeHead(304, { etag }).end();
      return;
    }
    state.full++;
    res.writeHead(200, { etag, 'content-type': 'text/plain; charset=utf-8' }).end(state.text);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/supergraph.graphql`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}


async function probe(url: string, path: '/readyz' | '/status'): Promise<{ status: number; supergraph: Record<string, any> }> {
  const response = await fetch(new URL(path, url));
  return { status: response.status, supergraph: ((await response.json()) as { supergraph: Record<string, any> }).supergraph };
}

function loggedLines() {
  const lines: Record<string, any>[] = [];
  return { lines, logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

describe('supergraph from a URL, for replicas behind a load balancer', () => {
  let publisher: Awaited<ReturnType<typeof startPublisher>>;
  const replicas: { url: string; stop: () => Promise<void>; lines: Record<string, any>[] }[] = [];

  beforeAll(async () => {
    publisher = await startPublisher(original);
    for (let i = 0; i < 2; i++) {
      const { lines, logger } = loggedLines();
      replicas.push({ ...(await bareGateway({ supergraphUrl: { url: publisher.url, pollMs: POLL_MS }, logger })), lines });
    }
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
    await publisher?.stop();
  });

  const servedIds = async () => Promise.all(replicas.map(async (r) => (await probe(r.url, '/readyz')).supergraph.id as string));

  it('serves what the URL publishes, says where it came from, and asks again conditionally: an unchanged supergraph costs a 304', async () => {
    for (const replica of replicas) {
      const readyz = await probe(replica.url, '/readyz');
      expect(readyz).toEqual({ status: 200, supergraph: expect.objectContaining({ id: sha256(original), source: publisher.url, lastFetchedAt: expect.any(String), failingSince: null }) });
    }
    await until(() => publisher.state.notModified >= 6, 'a few polls answered 304');
    // One full download per replica; every later ask names the version it has.
    expect(publisher.state).toMatchObject({ unconditional: 2, full: 2 });
    expect(publisher.state.conditional).toBeGreaterThanOrEqual(6);
  });

  it('brings every replica to the new version once it is published', async () => {
    const before = publisher.state.full;
    publisher.state.text = opened;
    await until(async () => (await servedIds()).every((id) => id === sha256(opened)), 'both replicas to serve the new version');
    expect(publisher.state.full - before).toBe(2);
    for (const replica of replicas) expect(replica.lines).toContainEqual(expect.objectContaining({ msg: 'supergraph reloaded', supergraph: sha256(opened), previous: sha256(original), source: publisher.url }));
  });

  it('refuses a broken version on every replica, which keep serving the one they have, and checks it only once', async () => {
    const broken = 'type Query {';
    publisher.state.text = broken;
    const refused = (lines: Record<string, any>[]) => lines.filter((l) => l.msg === 'supergraph refused; still serving the previous one' && l.supergraph === sha256(broken));
    await until(() => replicas.every((r) => refused(r.lines).length === 1), 'both replicas to refuse the broken version');
    const asked = publisher.state.notModified;
    await until(() => publisher.state.notModified >= asked + 4, 'more polls after the refusal');
    expect(replicas.map((r) => refused(r.lines).length)).toEqual([1, 1]);
    expect(await servedIds()).toEqual([sha256(opened), sha256(opened)]);
  });

  it('keeps serving through an outage of the URL, logs it once, and shows it in /status', async () => {
    publisher.state.text = opened;
    publisher.state.answer = 'fail';
    const failedBefore = publisher.state.failed;
    await until(() => publisher.state.failed >= failedBefore + 8, 'several failed polls');
    for (const replica of replicas) {
      const status = await probe(replica.url, '/status');
      expect(status.supergraph).toMatchObject({ id: sha256(opened), source: publisher.url, failingSince: expect.any(String), lastError: { at: expect.any(String), reason: 'it answered HTTP 503' } });
      expect(replica.lines.filter((l) => l.msg.startsWith('cannot fetch the supergraph'))).toHaveLength(1);
    }
    expect((await probe(replicas[0]!.url, '/readyz')).status).toBe(200);
    publisher.state.answer = 'ok';
    await until(async () => (await Promise.all(replicas.map((r) => probe(r.url, '/status')))).every((s) => s.supergraph.failingSince === null), 'the replicas to reach the URL again');
    for (const replica of replicas) expect(replica.lines.filter((l) => l.msg === 'the supergraph URL answers again')).toHaveLength(1);
  });
});

describe('supergraph URL at start-up', () => {
  it('is not ready while the URL cannot be reached, answers requests 503 NOT_READY, and stops cleanly', async () => {
    const publisher = await startPublisher(original);
    const unreachable = publisher.url;
    await publisher.stop();
    const { logger } = loggedLines();
    const gateway = createGateway({ supergraphUrl: { url: unreachable, pollMs: POLL_MS }, logger });
    const listening = await listen(gateway.server, 0, '127.0.0.1', 'test');
    const starting = gateway.start();
    try {
      await until(async () => (await probe(listening.url, '/readyz')).supergraph.lastError !== null, 'a failed fetch on /readyz');
      expect(await probe(listening.url, '/readyz')).toEqual({
        status: 503,
        supergraph: { id: null, loadedAt: null, source: unreachable, lastFetchedAt: null, failingSince: expect.any(String), lastError: { at: expect.any(String), reason: expect.stringContaining('ECONNREFUSED') } },
      });
      const response = await fetch(`${listening.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('NOT_READY');
    } finally {
      await listening.close();
      await gateway.stop();
    }
    await expect(starting).resolves.toBeUndefined();
  });

  it('becomes ready once the URL answers with a valid supergraph, after refusing an invalid one', async () => {
    const publisher = await startPublisher('type Query {');
    publisher.state.answer = 'fail';
    const { lines, logger } = loggedLines();
    const gateway = createGateway({ supergraphUrl: { url: publisher.url, pollMs: POLL_MS }, logger });
    const listening = await listen(gateway.server, 0, '127.0.0.1', 'test');
    const starting = gateway.start();
    try {
      await until(() => publisher.state.failed >= 2, 'failed tries');
      publisher.state.answer = 'ok';
      await until(() => lines.some((l) => l.msg.startsWith('supergraph refused; this replica stays not ready')), 'the invalid supergraph refused');
      expect((await probe(listening.url, '/readyz')).status).toBe(503);
      publisher.state.text = original;
      await starting;
      expect(await probe(listening.url, '/readyz')).toEqual({ status: 200, supergraph: expect.objectContaining({ id: sha256(original), source: publisher.url, failingSince: null, lastError: expect.objectContaining({ reason: 'it answered HTTP 503' }) }) });
    } finally {
      await listening.close();
      await gateway.stop();
      await publisher.stop();
    }
  });

  it('gives up on an answer too large or too slow: not ready, the reason on /readyz', async () => {
    const publisher = await startPublisher(original);
    const { logger } = loggedLines();
    const small = createGateway({ supergraphUrl: { url: publisher.url, pollMs: POLL_MS, maxBytes: 1000 }, logger });
    const listening = await listen(small.server, 0, '127.0.0.1', 'test');
    void small.start();
    try {
      await until(async () => (await probe(listening.url, '/readyz')).supergraph.lastError !== null, 'the large answer refused');
      expect((await probe(listening.url, '/readyz')).supergraph.lastError.reason).toMatch(/at most 1000 are read|larger than 1000 bytes/);
    } finally {
      await listening.close();
      await small.stop();
    }
    publisher.state.answer = 'hang';
    const slow = createGateway({ supergraphUrl: { url: publisher.url, pollMs: POLL_MS, timeoutMs: 200 }, logger });
    const slowListening = await listen(slow.server, 0, '127.0.0.1', 'test');
    void slow.start();
    try {
      await until(async () => (await probe(slowListening.url, '/readyz')).supergraph.lastError !== null, 'the slow answer given up');
      expect((await probe(slowListening.url, '/readyz')).supergraph.lastError.reason).toMatch(/no answer within the deadline/);
    } finally {
      await slowListening.close();
      await slow.stop();
      await publisher.stop();
    }
  });
});
