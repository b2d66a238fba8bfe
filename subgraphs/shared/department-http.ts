import { departmentError, departmentUnavailable, type DepartmentRef } from '../../lib/errors';
import type { Logger } from '../../lib/logger';

export interface DepartmentHttpOptions {
  department: DepartmentRef;
  baseUrl: string;
  timeoutMs: number;
  logger: Logger;
}

export interface DepartmentAnswer<T> {
  status: number;
  body: T | undefined;
}

/**
 * The only way a subgraph talks to its department: JSON over HTTP with a deadline.
 * A department that is down, slow or answering 5xx becomes DEPARTMENT_UNAVAILABLE
 * naming it; 4xx answers go back to the typed client, which knows what 404 means there.
 */
export class DepartmentHttp {
  readonly department: DepartmentRef;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly logger: Logger;

  constructor(options: DepartmentHttpOptions) {
    this.department = options.department;
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
    this.timeoutMs = options.timeoutMs;
    this.logger = options.logger;
  }

  get<T>(path: string): Promise<DepartmentAnswer<T>> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<DepartmentAnswer<T>> {
    return this.request<T>('POST', path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<DepartmentAnswer<T>> {
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const reason = isTimeout(error) ? `no answer within ${this.timeoutMs} ms` : `cannot connect: ${describe(error)}`;
      this.logger.warn({ department: this.department.id, method, path: pathOnly(path), reason }, 'department unavailable');
      throw departmentUnavailable(this.department, reason);
    }
    if (response.status >= 500) {
      await response.text().catch(() => ''); // drain, so the connection can be reused
      this.logger.warn({ department: this.department.id, method, path: pathOnly(path), status: response.status }, 'department error');
      throw departmentUnavailable(this.department, `HTTP ${response.status}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw departmentUnavailable(this.department, isTimeout(error) ? `no answer within ${this.timeoutMs} ms` : 'connection dropped');
    }
    if (!text) return { status: response.status, body: undefined };
    try {
      return { status: response.status, body: JSON.parse(text) as T };
    } catch {
      throw departmentError(this.department, `HTTP ${response.status} with a body that is not JSON`);
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
