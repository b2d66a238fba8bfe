import { badUserInput } from '../../lib/errors';

/** Page cursors are opaque to callers; inside they are the offset of the next record. */
export const encodeCursor = (offset: number): string => Buffer.from(`offset:${offset}`).toString('base64url');

export function decodeCursor(cursor: string | null | undefined): number {
  if (!cursor) return 0;
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badUserInput('argument "after" is not a cursor this API gave out; pass a pageInfo.endCursor', 'after');
  return Number(match[1]);
}
