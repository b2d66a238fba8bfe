import { http, HttpResponse, type RequestHandler } from 'msw';

/** Faults a test, the benchmark or `MOCK_*` variables put on a department system at run time. */
export interface DepartmentFaults {
  /** Added to every request, in milliseconds. */
  latencyMs: number;
  /** Share of requests answered 503, from 0 to 1. */
  failureRate: number;
  /** Every request answered 503: the system is down. */
  down: boolean;
  /** The next this-many requests are answered 503, then it recovers (deterministic failures for tests). */
  failNext?: number;
  /** `failNext` counts only requests to this endpoint (`POST /api/applications`): fail one write among reads. */
  failOnly?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  search: string;
  body: unknown;
  /** The `x-request-id` the caller passed on, if any. */
  requestId: string | null;
  /** The W3C `traceparent` the caller passed on, if any (the mocks make no spans). */
  traceparent: string | null;
}

/** A department system as msw handlers: served in-process (setupServer) or over HTTP (serve.ts). */
export interface MockDepartment {
  id: string;
  name: string;
  /** Where in-process interception expects it; the HTTP server maps its own origin onto this. */
  baseUrl: string;
  handlers: RequestHandler[];
  faults: DepartmentFaults;
  /** Every request the system received, in order: tests count these. */
  requests: RecordedRequest[];
  /** The key that checks the e-licences this system issues (SPKI PEM); empty if it issues none. */
  publicKeyPem: string;
  /** Requests being answered right now over HTTP, and the most there ever were at once. */
  load?: { inFlight: number; peak: number };
}

export const noFaults = (): DepartmentFaults => ({ latencyMs: 0, failureRate: 0, down: false });

/**
 * A first handler that records the request and applies the faults; it answers only
 * when it fails the request, otherwise msw falls through to the department's handlers.
 */
export function faultAndRecordHandler(baseUrl: string, faults: DepartmentFaults, requests: RecordedRequest[]): RequestHandler {
  return http.all(`${baseUrl}/*`, async ({ request }) => {
    const url = new URL(request.url);
    let body: unknown = undefined;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const text = await request.clone().text();
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
    }
    requests.push({ method: request.method, path: url.pathname, search: url.search, body, requestId: request.headers.get('x-request-id'), traceparent: request.headers.get('traceparent') });
    // unref: a slow answer still pending must not keep a finished test run alive.
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs).unref());
    const failNow = (faults.failNext ?? 0) > 0 && (!faults.failOnly || faults.failOnly === `${request.method} ${url.pathname}`);
    if (failNow) faults.failNext! -= 1;
    if (faults.down || failNow || (faults.failureRate > 0 && Math.random() < faults.failureRate)) {
      return HttpResponse.json({ error: 'service unavailable' }, { status: 503 });
    }
    return undefined;
  });
}

export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}

/** A list's page from `offset` and `limit` (default 20, at most `maxLimit`), or what is wrong with them. */
export function pageOf(q: URLSearchParams, maxLimit = 200): { offset: number; limit: number } | { problem: string } {
  const offset = Number(q.get('offset') ?? 0);
  const limit = Number(q.get('limit') ?? 20);
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > maxLimit) return { problem: `offset must be >= 0 and limit 1–${maxLimit}` };
  return { offset, limit };
}
