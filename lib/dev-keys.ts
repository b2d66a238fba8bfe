/**
 * Development keys (`.dev-keys/`, git-ignored): made on first use so a newcomer's
 * `npm start` and a `npm run gateway` beside it agree on them without anyone making keys.
 * `npm start` (the embedded default, never a production deployment) always uses them; the
 * gateway and subgraph commands only outside production (they check NODE_ENV first).
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEV_KEYS_DIR } from './paths';

/** The key the embedded default's gateway signs callers' identity with, and its subgraphs trust (outside production only). */
export const DEV_INTERNAL_IDENTITY_KEY = join(DEV_KEYS_DIR, 'internal-identity.pem');

/** The Ed25519 private key in `file` (PKCS#8 PEM), made there first if there is none. */
export function developmentKey(file: string): KeyObject {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Written aside and linked into place: processes starting together agree on one key.
    const aside = `${file}.${process.pid}`;
    writeFileSync(aside, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    try {
      linkSync(aside, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(aside);
    }
  }
  return createPrivateKey(readFileSync(file));
}
