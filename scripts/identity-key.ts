/**
 * The gateway → subgraph identity keys, for operators:
 *   npm run identity:key -- new <file>            an Ed25519 private key (PEM, 0600) for INTERNAL_IDENTITY_KEY_FILE
 *   npm run identity:key -- jwks <file> [<file>…]  the JWKS of their public halves, for INTERNAL_IDENTITY_JWKS_FILE
 * During a rotation the JWKS lists the old key and the new one (README, deployment).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { internalIdentityJwk } from '../contracts/internal-identity';

const USAGE = 'usage: npm run identity:key -- new <private key file> | jwks <key file> [<key file>…]';

/** A PEM file holding a private or a public key. */
function keyFrom(file: string): KeyObject {
  const pem = readFileSync(file, 'utf8');
  const key = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file}: an ${key.asymmetricKeyType} key; the internal identity is signed with Ed25519`);
  return key;
}

async function main(): Promise<number> {
  const [command, ...files] = process.argv.slice(2);
  if (command === 'new' && files.length === 1) {
    const file = files[0]!;
    if (existsSync(file)) {
      console.error(`${file} exists: a key is never overwritten (a gateway may be signing with it)`);
      return 2;
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    const jwk = await internalIdentityJwk(privateKey);
    console.error(`wrote ${file} (kid ${jwk.kid}); its public JWKS follows`);
    console.log(JSON.stringify({ keys: [jwk] }, null, 2));
    return 0;
  }
  if (command === 'jwks' && files.length > 0) {
    try {
      console.log(JSON.stringify({ keys: await Promise.all(files.map((f) => internalIdentityJwk(keyFrom(f)))) }, null, 2));
      return 0;
    } catch (error) {
      console.error((error as Error).message);
      return 2;
    }
  }
  console.error(USAGE);
  return 2;
}

void main().then((code) => process.exit(code));
