/**
 * How the gateway reads a subgraph's HTTP answer (`postWhole`): whole and decoded however
 * it is split on the wire, charged to the request's budget as it arrives (past the bound
 * the connection is dropped, not read to its end), and a failure before the answer told
 * apart from one in the middle of it.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Agent } from 'undici';
import { postWhole } from '../../gateway/execution/subgraph-data-source';
import { ResponseBudget } from '../../gateway/execution/response-budget';

type Behaviour = (res: ServerResponse, socket: Socket) => void;

let server: Server;
let origin: string;
let behaviour: Behaviour;
let closed = 0;
const agent = new Agent({ connections: 4 });

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => behaviour(res, req.socket));
  });
  server.on('connection', (socket: Socket) => socket.on('close', () => closed++));
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await agent.close();
  await new Promise((done) => server.close(done));
});

const post = (budget?: ResponseBudget) => postWhole(agent, { origin, path: '/graphql' }, { 'content-type': 'application/json' }, '{"query":"{ a }"}', budget);

// 从江县 in UTF-8 is three bytes a character: split mid-character on purpose.
const answer = Buffer.from(JSON.stringify({ data: { name: '从江县丙妹镇'.repeat(2_000) } }));

it('reassembles an answer sent in pieces, split inside a character, with its status and headers', async () => {
  // Pieces of 1,001 bytes, each written once the last has gone, so they arrive as separate chunks.
  behaviour = (res) => {
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'max-age=5' });
    let at = 0;
    const next = () => {
      if (at >= answer.length) return res.end();
      res.write(answer.subarray(at, at + 1_001), next);
      at += 1_001;
    };
    next();
  };
  const whole = await post(new ResponseBudget({ maxResponseBytes: 1_000_000, maxEntities: 10 }));
  expect(whole.statusCode).toBe(201);
  expect(whole.headers['cache-control']).toBe('max-age=5');
  expect(whole.text).toBe(answer.toString('utf8'));
  expect(JSON.parse(whole.text).data.name).toHaveLength(12_000);
});

it('drops an answer that grows past the budget: rejects with the budget error and closes the connection', async () => {
  const closedBefore = closed;
  let finished = false;
  behaviour = (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(answer.subarray(0, 5_000));
    // The rest would come later: the reader must not wait for it.
    setTimeout(() => {
      finished = !res.destroyed && res.write(answer.subarray(5_000));
      res.end();
    }, 200);
  };
  const budget = new ResponseBudget({ maxResponseBytes: 4_000, maxEntities: 10 });
  const refused = await post(budget).catch((error: unknown) => error);
  expect(refused).toBe(budget.exceeded);
  expect(budget.exceeded?.message).toMatch(/grew past 4000 bytes/);
  await new Promise((r) => setTimeout(r, 400));
  expect(closed).toBe(closedBefore + 1);
  expect(finished).toBe(false);
});

it('tells a connection lost mid-answer from one refused before it', async () => {
  behaviour = (res, socket) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(answer.length) });
    res.write(answer.subarray(0, 100), () => socket.destroy());
  };
  const broken = await post().catch((error: Error & { status?: number }) => error);
  expect(broken).toBeInstanceOf(Error);
  expect(broken).toMatchObject({ status: 200 });
  expect(broken.constructor.name).toBe('AnswerBrokeOff');

  const nobody = createServer();
  await new Promise<void>((listening) => nobody.listen(0, '127.0.0.1', listening));
  const port = (nobody.address() as AddressInfo).port;
  await new Promise((done) => nobody.close(done));
  const refused = await postWhole(agent, { origin: `http://127.0.0.1:${port}`, path: '/' }, {}, '{}').catch((error: Error & { code?: string }) => error);
  expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
  expect(refused.constructor.name).not.toBe('AnswerBrokeOff');
});
