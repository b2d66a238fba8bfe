import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../lib/logger';
import type { DepartmentId } from '../../mocks';
import { DEPARTMENT_IDS, startEmbeddedStack, type EmbeddedStack } from '../../scripts/embedded-stack';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  extensions?: Record<string, unknown>;
}

export interface TestStack extends EmbeddedStack {
  query<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Requests each department system received since the last `resetCounts()`. */
  requests(id: DepartmentId): EmbeddedStack['departments']['enterprise']['requests'];
  /** Forget request logs and every subgraph cache, so counts start from cold. */
  resetCounts(): void;
}

/** The embedded stack on ephemeral ports, no artificial latency, silent logs. */
export async function startTestStack(options: { timeoutMs?: number; landMaxConcurrency?: number; approvalClock?: () => Date } = {}): Promise<TestStack> {
  const client = (maxConcurrency: number) => ({
    timeoutMs: options.timeoutMs ?? 2000,
    cacheTtlSeconds: 60,
    cacheMaxKeys: 10_000,
    maxConcurrency,
  });
  const stack = await startEmbeddedStack({
    departmentClients: { enterprise: client(8), land: client(options.landMaxConcurrency ?? 4), construction: client(8), approval: client(8) },
    approvalClock: options.approvalClock,
    faults: {
      enterprise: { latencyMs: 0, failureRate: 0, down: false },
      land: { latencyMs: 0, failureRate: 0, down: false },
      construction: { latencyMs: 0, failureRate: 0, down: false },
      approval: { latencyMs: 0, failureRate: 0, down: false },
    },
    logger: silentLogger(),
  });
  return {
    ...stack,
    query: (query, variables) => postGraphQL(stack.gatewayUrl, query, variables),
    requests: (id) => stack.departments[id].requests,
    resetCounts: () => {
      for (const id of DEPARTMENT_IDS) {
        stack.departments[id].requests.length = 0;
        stack.subgraphs[id].clearCaches();
      }
    },
  };
}

export async function postGraphQL<T = any>(url: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}

/** An operation from docs/operations, the same text the README shows. */
export function operation(name: string): string {
  return readFileSync(join(__dirname, '..', '..', 'docs', 'operations', `${name}.graphql`), 'utf8');
}
