import { badUserInput } from '../../lib/errors';

/** Page cursors are opaque to callers; inside they are the offset of the next record. */
export const encodeCursor = (offset: number): string => Buffer.from(`offset:${offset}`).toString('base64url');

export function decodeCursor(cursor: string | null | undefined): number {
  if (!cursor) return 0;
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badUserInput('argument "after" is not a cursor this API gave out; pass a pageInfo.endCursor', 'after');
  return Number(match[1]);
}

const MAX_PAGE_SIZE = 100;

/** `first` and `after` checked and turned into the offset and limit a department list takes. */
export function pageOf(args: { first?: number | null; after?: string | null }): { offset: number; limit: number } {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`argument "first" must be 1–${MAX_PAGE_SIZE}, got ${first}`, 'first');
  }
  return { offset: decodeCursor(args.after), limit: first };
}

/** A connection (nodes, totalCount, pageInfo) for the page that starts at `offset`. */
export function connectionOf<T>(nodes: T[], totalCount: number, offset: number) {
  const end = offset + nodes.length;
  return { nodes, totalCount, pageInfo: { hasNextPage: end < totalCount, endCursor: nodes.length ? encodeCursor(end) : null } };
}
