import { createServer, type IncomingMessage } from 'node:http';
import { getResponse } from 'msw';
import { listen, type Listening } from '../../lib/listen';
import type { MockDepartment } from './department';

export type ServedDepartment = Listening;

/**
 * Serves a department's msw handlers over real HTTP, so the running stack talks HTTP
 * end to end with the same handlers tests intercept in-process. `/__admin/faults`
 * (GET to read, PUT a JSON patch to change) injects latency, an error rate or an outage
 * at run time, for tests, the benchmark and a person trying the dashboard;
 * `/__admin/requests` counts the requests the system has answered (the benchmark's
 * department requests per gateway request).
 */
export async function serveDepartment(department: MockDepartment, port = 0, host = '127.0.0.1'): Promise<ServedDepartment> {
  const load = (department.load ??= { inFlight: 0, peak: 0 });
  const server = createServer((req, res) => {
    if (req.url === '/__admin/requests') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ total: department.requests.length }));
      return;
    }
    if (req.url === '/__admin/faults') {
      void adminFaults(department, req).then(([status, body]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
      return;
    }
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

async function adminFaults(department: MockDepartment, req: IncomingMessage): Promise<[number, unknown]> {
  if (req.method === 'GET') return [200, department.faults];
  if (req.method !== 'PUT') return [405, { error: 'GET or PUT' }];
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let patch: Record<string, unknown>;
  try {
    patch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return [400, { error: 'body must be JSON: {"latencyMs"?: number, "failureRate"?: 0–1, "down"?: boolean, "failNext"?: number}' }];
  }
  const { latencyMs, failureRate, down, failNext } = patch;
  const valid =
    (latencyMs === undefined || (typeof latencyMs === 'number' && latencyMs >= 0)) &&
    (failureRate === undefined || (typeof failureRate === 'number' && failureRate >= 0 && failureRate <= 1)) &&
    (down === undefined || typeof down === 'boolean') &&
    (failNext === undefined || (typeof failNext === 'number' && Number.isInteger(failNext) && failNext >= 0));
  if (!valid) return [400, { error: 'latencyMs ≥ 0, failureRate 0–1, down true/false, failNext a whole number' }];
  Object.assign(department.faults, Object.fromEntries(Object.entries({ latencyMs, failureRate, down, failNext }).filter(([, v]) => v !== undefined)));
  return [200, department.faults];
}
