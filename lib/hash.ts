import { createHash } from 'node:crypto';

/** SHA-256 of a text, as hex: versions of files, secrets' hashes, operation ids. */
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
