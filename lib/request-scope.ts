import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The request id, carried through everything one request does in this process (its
 * resolvers, DataLoader batches, department calls) without threading it through every
 * signature. Each hop passes it on as `x-request-id`: gateway → subgraph → department.
 */
const scope = new AsyncLocalStorage<{ requestId: string }>();

export const currentRequestId = (): string | undefined => scope.getStore()?.requestId;

/** The caller's id if it is a sane one, else a new one. */
export const requestIdFrom = (header: string | string[] | undefined): string =>
  typeof header === 'string' && /^[\w-]{8,64}$/.test(header) ? header : randomUUID();

export function withRequestId<T>(requestId: string, run: () => T): T {
  return scope.run({ requestId }, run);
}
