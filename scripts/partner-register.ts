/**
 * `npm run partner:register -- --id bank-cjrcb --name "从江农商银行" --region 522633 \
 *    --scopes "enterprise:read" --purposes "project" --rate 120 \
 *    --operations examples/partner/generated/persisted-documents.json[,docs/operations/X.graphql,…]`
 * registers a partner system in PARTNER_CLIENTS_FILE (default .dev-keys/partners.json) and
 * prints its API key once. Only the key's SHA-256 is stored. Registering an id again
 * replaces its record and issues a new key. See docs/partners.md.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parsePartnerClients, partnerClientSchema } from '../gateway/config';
import { type PartnerClient } from '../gateway/capabilities/sign-in';
import { sha256 } from '../lib/hash';
import { PURPOSE_KINDS } from '../domain/purposes';
import { ALL_SCOPES } from '../stack/dev-issuer';

export interface PartnerRegistration {
  id: string;
  name: string;
  /** Division code of its jurisdiction: 52 the province, 522633 the county, a town's 12 digits. */
  region: string;
  scopes: string[];
  /** Kinds of purpose it may state in X-Purpose (domain/purposes.ts: case, item, project). */
  purposes: string[];
  /** The exact texts it will send (trusted documents); only their SHA-256 is kept. */
  operations: string[];
  ratePerMinute: number;
}

/** A new API key and the record the gateway keeps. Throws naming every problem. */
export function registerPartner(registration: PartnerRegistration): { client: PartnerClient; apiKey: string } {
  const problems: string[] = [];
  const unknown = registration.scopes.filter((s) => !ALL_SCOPES.includes(s));
  if (unknown.length) problems.push(`unknown scope(s) ${unknown.join(', ')}; known: ${ALL_SCOPES.join(', ')}`);
  const unknownKinds = registration.purposes.filter((kind) => !(PURPOSE_KINDS as readonly string[]).includes(kind));
  if (unknownKinds.length) problems.push(`unknown purpose kind(s) ${unknownKinds.join(', ')}; known: ${PURPOSE_KINDS.join(', ')}`);
  if (registration.operations.length === 0) problems.push('no operations: a partner system may run only the operations it registered (--operations)');
  const apiKey = `cjk_${randomBytes(24).toString('base64url')}`;
  const record = {
    id: registration.id,
    name: registration.name,
    keySha256: sha256(apiKey),
    region: registration.region,
    scopes: registration.scopes,
    purposes: registration.purposes,
    operations: [...new Set(registration.operations.map(sha256))],
    ratePerMinute: registration.ratePerMinute,
  };
  const parsed = partnerClientSchema.safeParse(record);
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => i.message));
  if (problems.length) throw new Error(`cannot register ${registration.id || 'the partner'}:\n  - ${problems.join('\n  - ')}`);
  return { client: record, apiKey };
}

/**
 * The operation texts in these files: a `.graphql` file is one text, exactly as written;
 * a `.json` file is a persisted-documents manifest (GraphQL Code Generator's
 * `persisted-documents.json`: `{ "sha256:<hash>": "<text>" }`), every text in it.
 */
export function readOperationTexts(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    const content = readFileSync(path, 'utf8');
    if (!path.endsWith('.json')) return [content];
    const manifest = JSON.parse(content) as unknown;
    if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) throw new Error(`${path}: a manifest is a JSON object of hash → operation text`);
    return Object.entries(manifest).map(([hash, text]) => {
      if (typeof text !== 'string') throw new Error(`${path}: the entry ${hash} is not an operation text`);
      // A manifest whose text was edited by hand would register what the client never sends.
      const expected = hash.replace(/^sha256:/, '');
      const actual = createHash('sha256').update(text).digest('hex');
      if (expected !== actual) throw new Error(`${path}: the entry ${hash} does not match its text (SHA-256 ${actual}); regenerate the manifest`);
      return text;
    });
  });
}

function main(): void {
  const flags = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) flags.set(argv[i]!.replace(/^--/, ''), argv[i + 1] ?? '');
  const missing = ['id', 'name', 'region', 'scopes', 'purposes', 'operations'].filter((f) => !flags.get(f));
  if (missing.length) {
    console.error(`missing --${missing.join(', --')}; see the comment at the top of scripts/partner-register.ts and docs/partners.md`);
    process.exit(2);
  }
  const list = (flag: string) => flags.get(flag)!.split(/[\s,]+/).filter(Boolean);
  const file = resolve(process.env.PARTNER_CLIENTS_FILE || '.dev-keys/partners.json');
  try {
    const { client, apiKey } = registerPartner({
      id: flags.get('id')!,
      name: flags.get('name')!,
      region: flags.get('region')!,
      scopes: list('scopes'),
      purposes: list('purposes'),
      operations: readOperationTexts(list('operations')),
      ratePerMinute: Number(flags.get('rate') ?? 60),
    });
    const clients = existsSync(file) ? parsePartnerClients(JSON.parse(readFileSync(file, 'utf8'))) : [];
    mkdirSync(dirname(file), { recursive: true });
    // Written aside and renamed over the file: a running gateway never reads half of it.
    const aside = `${file}.${process.pid}`;
    writeFileSync(aside, JSON.stringify([...clients.filter((c) => c.id !== client.id), client], null, 2), { mode: 0o600 });
    renameSync(aside, file);
    console.log(`registered ${client.id} in ${file} with ${client.operations.length} operation(s); running gateways reading this file pick it up within PARTNER_CLIENTS_POLL_MS`);
    console.log(`API key (shown once; send it as X-Api-Key): ${apiKey}`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

if (require.main === module) main();
