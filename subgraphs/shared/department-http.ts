import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { departmentError, departmentUnavailable, type DepartmentRef } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { currentRequestId } from '../../lib/request-scope';
import { tracerFor, type Component } from '../../lib/tracing';
import { CircuitBreaker, type BreakerState } from './breaker';
import type { DepartmentObserver } from './metrics';

export interface ResilienceOptions {
  /** Extra attempts for an idempotent read that failed (network, timeout, 5xx). */
  retries: number;
  /** First backoff in ms; each retry doubles it, with full jitter. */
  backoffMs: number;
  /** Consecutive failures that open the breaker, and how long it stays open. */
  breakerFailures: number;
  breakerOpenMs: number;
  /** Most requests in flight to the department at once, from this process (bulkhead). */
  maxConcurrency: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = { retries: 2, backoffMs: 50, breakerFailures: 5, breakerOpenMs: 10_000, maxConcurrency: 32 };

export interface DepartmentHttpOptions {
  department: DepartmentRef;
  baseUrl: string;
  /** The whole budget of one call, retries included. */
  timeoutMs: number;
  logger: Logger;
  resilience?: Partial<ResilienceOptions>;
  observer?: DepartmentObserver;
}

export interface DepartmentAnswer<T> {
  status: number;
  body: T | undefined;
}

export interface DepartmentStats {
  requests: number;
  failures: number;
  retries: number;
  rejectedByBreaker: number;
  inFlight: number;
  peakInFlight: number;
  breaker: BreakerState;
}

class Unavailable extends Error {}

/**
 * The only way a subgraph talks to its department: JSON over HTTP, with a deadline, a
 * circuit breaker, a bulkhead and retries for reads. A department that is down, slow or
 * answering 5xx becomes DEPARTMENT_UNAVAILABLE naming it; 4xx answers go back to the
 * typed client, which knows what 404 means there. Writes are never retried: a repeated
 * write could apply twice.
 */
export class DepartmentHttp {
  readonly department: DepartmentRef;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  observer: DepartmentObserver | undefined;
  /** Whose client spans the calls are (the subgraph's), while tracing runs. */
  tracedAs: Component | undefined;
  private readonly resilience: ResilienceOptions;
  private readonly breaker: CircuitBreaker;
  private readonly waiting: (() => void)[] = [];
  /** The department's host and port, for its client spans. */
  private readonly server: { 'server.address': string; 'server.port': number };
  /** Retry budget: retries may add at most a fifth to the load (a token per five requests). */
  private retryTokens = 10;
  private readonly counters = { requests: 0, failures: 0, retries: 0, rejectedByBreaker: 0, inFlight: 0, peakInFlight: 0 };

  constructor(options: DepartmentHttpOptions) {
    this.department = options.department;
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
    this.timeoutMs = options.timeoutMs;
    this.logger = options.logger;
    this.observer = options.observer;
    this.resilience = { ...DEFAULT_RESILIENCE, ...options.resilience };
    this.breaker = new CircuitBreaker({ failureThreshold: this.resilience.breakerFailures, openMs: this.resilience.breakerOpenMs });
    const url = new URL(this.baseUrl);
    this.server = { 'server.address': url.hostname, 'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
  }

  get stats(): DepartmentStats {
    return { ...this.counters, breaker: this.breaker.state };
  }

  /**
   * Whether the department answers at all (any status below 500 within a second), without
   * retries and past the breaker: readiness must see the department, not our view of it.
   */
  async probe(): Promise<{ reachable: boolean; reason: string | null }> {
    try {
      const response = await fetch(`${this.baseUrl}/`, { signal: AbortSignal.timeout(Math.min(1000, this.timeoutMs)) });
      await response.text().catch(() => '');
      return response.status < 500 ? { reachable: true, reason: null } : { reachable: false, reason: `HTTP ${response.status}` };
    } catch (error) {
      return { reachable: false, reason: isTimeout(error) ? 'no answer within 1 s' : `cannot connect: ${describe(error)}` };
    }
  }

  /** A read: retried on failure within the deadline. */
  get<T>(path: string): Promise<DepartmentAnswer<T>> {
    return this.call<T>('GET', path, undefined, true);
  }

  /** A read sent as POST (batch queries): retried like a GET. */
  query<T>(path: string, body: unknown): Promise<DepartmentAnswer<T>> {
    return this.call<T>('POST', path, body, true);
  }

  /** A write: never retried. */
  post<T>(path: string, body: unknown): Promise<DepartmentAnswer<T>> {
    return this.call<T>('POST', path, body, false);
  }

  private call<T>(method: string, path: string, body: unknown, idempotent: boolean): Promise<DepartmentAnswer<T>> {
    const tracer = this.tracedAs && tracerFor(this.tracedAs);
    if (!tracer) return this.attempts<T>(method, path, body, idempotent, undefined);
    // One span per call, retries included: the caller waited for all of them. Identifiers stay out, as in the logs.
    const endpoint = endpointOf(path);
    const attributes = { 'county.department': this.department.id, 'county.department.endpoint': endpoint, 'http.request.method': method, ...this.server };
    return tracer.startActiveSpan(`${method} ${endpoint}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      try {
        return await this.attempts<T>(method, path, body, idempotent, span);
      } catch (error) {
        const reason = (error as { extensions?: { reason?: unknown } }).extensions?.reason;
        span.setStatus({ code: SpanStatusCode.ERROR, message: typeof reason === 'string' ? reason : String(error) });
        span.setAttribute('error.type', (error as { extensions?: { code?: string } }).extensions?.code ?? 'Error');
        throw error;
      } finally {
        span.end();
      }
    });
  }

  private async attempts<T>(method: string, path: string, body: unknown, idempotent: boolean, span: Span | undefined): Promise<DepartmentAnswer<T>> {
    const deadline = Date.now() + this.timeoutMs;
    this.retryTokens = Math.min(10, this.retryTokens + 0.2);
    for (let attempt = 0; ; attempt++) {
      const allowed = this.breaker.allow();
      if (attempt === 0) span?.setAttribute('county.department.breaker', allowed ? this.breaker.state.state : 'open');
      if (!allowed) {
        this.counters.rejectedByBreaker++;
        throw departmentUnavailable(this.department, 'circuit open after repeated failures; failing fast');
      }
      if (attempt > 0) span?.setAttribute('http.request.resend_count', attempt);
      try {
        const answer = await this.withBulkhead(deadline, () => this.attempt<T>(method, path, body, deadline, span));
        this.breaker.success();
        return answer;
      } catch (error) {
        if (!(error instanceof Unavailable)) throw error;
        this.breaker.failure();
        this.counters.failures++;
        const backoff = Math.random() * this.resilience.backoffMs * 2 ** attempt;
        const canRetry = idempotent && attempt < this.resilience.retries && this.retryTokens >= 1 && Date.now() + backoff < deadline;
        this.logger.warn(
          { requestId: currentRequestId(), department: this.department.id, method, path: pathOnly(path), reason: error.message, attempt, retrying: canRetry },
          'department unavailable',
        );
        span?.addEvent('attempt failed', { 'county.department.attempt': attempt, 'county.department.reason': error.message, 'county.department.retrying': canRetry });
        if (!canRetry) throw departmentUnavailable(this.department, error.message);
        this.retryTokens -= 1;
        this.counters.retries++;
        await new Promise((resolve) => setTimeout(resolve, backoff));
      }
    }
  }

  private async attempt<T>(method: string, path: string, body: unknown, deadline: number, span: Span | undefined): Promise<DepartmentAnswer<T>> {
    const budget = deadline - Date.now();
    if (budget <= 0) throw new Unavailable(`no answer within ${this.timeoutMs} ms`);
    let response: Response;
    this.counters.requests++;
    const started = performance.now();
    const endpoint = endpointOf(path);
    const observe = (status: string) => this.observer?.request(endpoint, status, (performance.now() - started) / 1000);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(currentRequestId() ? { 'x-request-id': currentRequestId()! } : {}),
    };
    // The department sees the call's span as its parent.
    if (span) propagation.inject(trace.setSpan(context.active(), span), headers);
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(budget),
      });
    } catch (error) {
      observe(isTimeout(error) ? 'timeout' : 'error');
      throw new Unavailable(isTimeout(error) ? `no answer within ${this.timeoutMs} ms` : `cannot connect: ${describe(error)}`);
    }
    observe(String(response.status));
    span?.setAttribute('http.response.status_code', response.status);
    if (response.status >= 500) {
      await response.text().catch(() => ''); // drain, so the connection can be reused
      throw new Unavailable(`HTTP ${response.status}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new Unavailable(isTimeout(error) ? `no answer within ${this.timeoutMs} ms` : 'connection dropped');
    }
    if (!text) return { status: response.status, body: undefined };
    try {
      return { status: response.status, body: JSON.parse(text) as T };
    } catch {
      throw departmentError(this.department, `HTTP ${response.status} with a body that is not JSON`);
    }
  }

  /** At most `maxConcurrency` requests in flight from this process; the rest wait their turn. */
  private async withBulkhead<R>(deadline: number, run: () => Promise<R>): Promise<R> {
    if (this.counters.inFlight < this.resilience.maxConcurrency) {
      this.counters.inFlight++;
      this.counters.peakInFlight = Math.max(this.counters.peakInFlight, this.counters.inFlight);
    } else {
      // A finishing request hands its slot straight to the next in line, so none can slip in between.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          const index = this.waiting.indexOf(go);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(new Unavailable(`no answer within ${this.timeoutMs} ms (waiting for a free connection)`));
        }, Math.max(0, deadline - Date.now()));
        const go = () => {
          clearTimeout(timer);
          resolve();
        };
        this.waiting.push(go);
      });
    }
    try {
      return await run();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.counters.inFlight--;
    }
  }
}

// By name, not instanceof: fetch's DOMExceptions come from another realm under test runners.
function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string } })?.cause;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}

/** Paths can carry identifiers; logs keep only the route part. */
const pathOnly = (path: string) => path.split('?', 1)[0]!;

/** The route, identifiers replaced, for metric labels that stay few. */
const endpointOf = (path: string) =>
  pathOnly(path)
    .split('/')
    .map((segment) => (/\d{4}/.test(segment) || segment.length > 24 ? ':id' : segment))
    .join('/');
