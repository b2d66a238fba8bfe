/**
 * Signed checkpoints of an audit chain. The hash chain alone shows an edit only to
 * someone who trusts the rest of the chain: whoever can write the files can edit a
 * record and recompute every hash after it, or cut records from either end, and the
 * chain still links. A checkpoint is the chain's head (the hash of its newest record and
 * its sequence number) signed with an Ed25519 key that only the gateway holds, kept in
 * its own file beside the records (`checkpoints-<day>.jsonl`, rotated and deleted with
 * them) and copied off the host by the operator. Each checkpoint also carries the hash
 * of the one before it, so checkpoints cannot be dropped from the middle unnoticed.
 *
 * Kinds: `genesis` opens a chain (sequence 0, a random chain id); `retention` anchors
 * the first record kept after older files were deleted; `recovery` follows a torn last
 * line set aside at start-up; `periodic` and `shutdown` anchor the head as it grows.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export type CheckpointKind = 'genesis' | 'periodic' | 'shutdown' | 'retention' | 'recovery';

export interface Checkpoint {
  checkpoint: CheckpointKind;
  chain: string;
  /** Sequence number of the record `head` names; 0 with the genesis hash for an empty chain. */
  seq: number;
  /** Hash of record `seq` (for `retention`: of the last record deleted, which the first kept points at). */
  head: string;
  time: string;
  /** Hash of the previous checkpoint line of this chain; the genesis hash for the first. */
  prev: string;
  /** Which key signed it: the first 16 hex digits of the SHA-256 of its public key (SPKI DER). */
  key: string;
  signature: string;
}

export const GENESIS = '0'.repeat(64);

export const keyIdOf = (key: KeyObject): string =>
  createHash('sha256')
    .update((key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);

/** The bytes a checkpoint's signature covers: its JSON without the signature, fields in order. */
const signedBytes = (fields: Omit<Checkpoint, 'signature'>) => Buffer.from(JSON.stringify(fields));

export function signCheckpoint(fields: Omit<Checkpoint, 'key' | 'signature'>, privateKey: KeyObject): Checkpoint {
  const unsigned = { ...fields, key: keyIdOf(privateKey) };
  return { ...unsigned, signature: sign(null, signedBytes(unsigned), privateKey).toString('base64') };
}

/** Whether one of `publicKeys` signed the checkpoint; `why` when not. */
export function checkSignature(checkpoint: Checkpoint, publicKeys: ReadonlyMap<string, KeyObject>): { ok: true } | { ok: false; why: string } {
  const key = publicKeys.get(checkpoint.key);
  if (!key) return { ok: false, why: `signed with key ${checkpoint.key}, which is not among the public keys given` };
  const { signature, ...fields } = checkpoint;
  const good = typeof signature === 'string' && verify(null, signedBytes(fields), key, Buffer.from(signature, 'base64'));
  return good ? { ok: true } : { ok: false, why: 'its signature does not verify: it was changed or not signed by the gateway' };
}

export const lineHash = (line: string) => createHash('sha256').update(line).digest('hex');

/** Public keys by key id, from PEM texts (SPKI, or a private key whose public half is used). */
export function publicKeysFrom(pems: readonly string[]): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const pem of pems) {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('audit checkpoint keys are Ed25519');
    keys.set(keyIdOf(key), key);
  }
  return keys;
}
