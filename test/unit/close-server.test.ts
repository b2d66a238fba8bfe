/**
 * Closing a replica's port (lib/listen.ts): what a load balancer already sent is
 * answered, whatever state its connection was in when the port closed.
 */
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { listen, type Listening } from '../../lib/listen';

let server: Server;
let listening: Listening;
/** Requests to /slow-… held until the test answers them, by path. */
const held = new Map<string, () => void>();

beforeEach(async () => {
  server = createServer((req, res) => {
    const answer = () => res.end(JSON.stringify({ path: req.url }));
    if (req.url!.startsWith('/slow-')) held.set(req.url!, answer);
    else answer();
  });
  listening = await listen(server, 0);
});
afterEach(() => {
  for (const answer of held.values()) answer();
  held.clear();
  server.closeAllConnections();
});

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(listening.port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends one request on `socket` and reads until the server closes it: the raw response, or '' if cut. */
function exchange(socket: Socket, path: string): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.once('close', () => resolve(text));
    socket.on('error', () => {});
    socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`);
  });
}

it('answers a request that arrives on a connection opened before the port closed', async () => {
  const sockets = await Promise.all([open(), open(), open()]);
  // Accepted by the server (a connection still in the kernel's queue when the port closes is refused by the kernel, not by us).
  while ((await new Promise<number>((r) => server.getConnections((_e, n) => r(n)))) < 3) await new Promise((r) => setTimeout(r, 5));
  const closed = listening.closeWithin(10_000);
  // The port no longer accepts…
  await expect(open()).rejects.toThrow(/ECONNREFUSED/);
  // …but each connection already open has its request answered, then is closed.
  const answers = await Promise.all(sockets.map((socket, i) => exchange(socket, `/late-${i}`)));
  for (const [i, answer] of answers.entries()) {
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(answer).toContain(`"path":"/late-${i}"`);
  }
  expect(await closed).toBe(0);
});

it('lets a request in progress finish, and cuts it at the deadline if it has not', async () => {
  const [finishing, stuck] = await Promise.all([open(), open()]);
  const finished = exchange(finishing, '/slow-finish');
  const cut = exchange(stuck, '/slow-stuck');
  while (held.size < 2) await new Promise((r) => setTimeout(r, 5));
  // However late the deadline comes, the one answered is let through and the one never answered is cut; the
  // deadline is far enough off that a loaded machine has closed the answered connection well before it.
  const closed = listening.closeWithin(2000);
  held.get('/slow-finish')!();
  expect(await finished).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*"path":"\/slow-finish"/);
  expect(await cut).toBe('');
  expect(await closed).toBe(1);
});
