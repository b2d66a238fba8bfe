import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { canonicalLicenceContent, type LicenceContent } from '../../domain/licences';

/** A department's e-licence signing key. Mock keys come from the data seed, so the
 *  county is the same on every run; they are never written to disk or committed. */
export interface SigningKey {
  privateKey: KeyObject;
  /** SPKI PEM: what a subgraph is configured with to check this department's licences. */
  publicKeyPem: string;
}

// DER header of a PKCS#8 Ed25519 private key; the 32-byte seed follows it.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function signingKeyFor(seed: number, department: string): SigningKey {
  const keySeed = createHash('sha256').update(`county-${seed}:${department}`).digest();
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, keySeed]), format: 'der', type: 'pkcs8' });
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKeyPem };
}

export function signLicence(content: LicenceContent, key: SigningKey): string {
  return sign(null, Buffer.from(canonicalLicenceContent(content)), key.privateKey).toString('base64');
}
