import { setupServer } from 'msw/node';
import { silentLogger } from '../../lib/logger';
import { createDepartments, generateCounty, type County, type MockDepartment } from '../../mocks';
import { BoundedCache } from '../../subgraphs/shared/cache';
import { DepartmentHttp, type ResilienceOptions } from '../../subgraphs/shared/department-http';
import type { TrustedCaller } from '../../subgraphs/shared/caller';

export const county: County = generateCounty();

/**
 * Intercepts one department system in-process (msw setupServer); a request nothing
 * expects fails the test.
 */
export function interceptDepartment(pick: (d: ReturnType<typeof createDepartments>) => MockDepartment): {
  department: MockDepartment;
  server: ReturnType<typeof setupServer>;
} {
  const department = pick(createDepartments(county));
  const server = setupServer(...department.handlers);
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    department.requests.length = 0;
    Object.assign(department.faults, { latencyMs: 0, failureRate: 0, down: false });
  });
  afterAll(() => server.close());
  return { department, server };
}

export function departmentHttp(department: MockDepartment, timeoutMs = 1000, resilience: Partial<ResilienceOptions> = {}): DepartmentHttp {
  return new DepartmentHttp({
    department: { id: department.id, name: department.name },
    baseUrl: department.baseUrl,
    timeoutMs,
    logger: silentLogger(),
    // Deterministic request counts in client tests: no retries unless a test asks.
    resilience: { retries: 0, ...resilience },
  });
}

export const freshCache = <V>(maxKeys = 1000) => new BoundedCache<V>({ ttlSeconds: 60, maxKeys });

/** County staff as the gateway vouches for them: the whole county is their jurisdiction. */
export const countyCaller: TrustedCaller = { kind: 'user', subject: 'staff-1', name: null, region: '522633', org: '522633-zwzx', scopes: new Set(), purpose: null };
