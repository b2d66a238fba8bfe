import { createServer, type IncomingMessage } from 'node:http';
import { getResponse } from 'msw';
import { listen, type Listening } from '../../lib/listen';
import type { MockDepartment } from './department';

export type ServedDepartment = Listening;

/**
 * Serves a department's msw handlers over real HTTP, so the running stack talks HTTP
 * end to end with the same handlers tests intercept in-process.
 */
export async function serveDepartment(department: MockDepartment, port = 0, host = '127.0.0.1'): Promise<ServedDepartment> {
  const load = (department.load ??= { inFlight: 0, peak: 0 });
  const server = createServer((req, res) => {
    load.inFlight++;
    load.peak = Math.max(load.peak, load.inFlight);
    res.once('close', () => load.inFlight--);
    void answer(department, req)
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(error) }));
      });
  });
  server.keepAliveTimeout = 30_000;
  return listen(server, port, host, `set ${department.id.toUpperCase()}_DEPARTMENT_PORT`);
}

async function answer(department: MockDepartment, req: IncomingMessage): Promise<Response> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  const request = new Request(new URL(req.url ?? '/', department.baseUrl), {
    method: req.method,
    headers,
    body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
  });
  const response = await getResponse(department.handlers, request);
  return response ?? Response.json({ error: `no such endpoint: ${req.method} ${req.url}` }, { status: 404 });
}
