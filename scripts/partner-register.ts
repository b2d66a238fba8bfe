/**
 * `npm run partner:register -- --id bank-ccb --name "建设银行从江支行" --region 522633 \
 *    --scopes "enterprise:read" --purposes "case,project" --rate 120 [--operations docs/operations/EnterpriseProfile.graphql,…]`
 * registers a partner system in PARTNER_CLIENTS_FILE (default .dev-keys/partners.json) and
 * prints its API key once. Only the key's SHA-256 is stored.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { sha256, type PartnerClient } from '../gateway/plugins/identity';

const flags = new Map<string, string>();
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) flags.set(argv[i]!.replace(/^--/, ''), argv[i + 1] ?? '');
const required = ['id', 'name', 'region', 'scopes', 'purposes'];
const missing = required.filter((f) => !flags.get(f));
if (missing.length) {
  console.error(`missing --${missing.join(', --')}; see the comment at the top of scripts/partner-register.ts`);
  process.exit(2);
}
const file = resolve(process.env.PARTNER_CLIENTS_FILE || '.dev-keys/partners.json');
const clients: PartnerClient[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
const key = `cjk_${randomBytes(24).toString('base64url')}`;
const operations = (flags.get('operations') ?? '').split(',').filter(Boolean).map((path) => sha256(readFileSync(path, 'utf8')));
const client: PartnerClient = {
  id: flags.get('id')!,
  name: flags.get('name')!,
  keySha256: sha256(key),
  region: flags.get('region')!,
  scopes: flags.get('scopes')!.split(/[\s,]+/).filter(Boolean),
  purposes: flags.get('purposes')!.split(',').filter(Boolean),
  operations,
  ratePerMinute: Number(flags.get('rate') ?? 60),
};
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify([...clients.filter((c) => c.id !== client.id), client], null, 2), { mode: 0o600 });
console.log(`registered ${client.id} in ${file} with ${operations.length} operation(s)`);
console.log(`API key (shown once; send it as X-Api-Key): ${key}`);
