import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calendarDay, DEFAULT_TIME_ZONE } from '../../gateway/audit/log';
import { parsePartnerClients, readSecurityConfig } from '../../gateway/config';
import { sha256 } from '../../lib/hash';
import { readOperationTexts, registerPartner, type PartnerRegistration } from '../../scripts/partner-register';

const ROOT = join(__dirname, '..', '..');
const OPERATION = 'query BankEnterpriseCheck($uscc: ID!) { enterprise(uscc: $uscc) { name status } }';
const bank: PartnerRegistration = {
  id: 'bank-cjrcb',
  name: '从江农商银行',
  region: '522633',
  scopes: ['enterprise:read'],
  purposes: ['project'],
  operations: [OPERATION],
  ratePerMinute: 60,
};

describe('registering a partner system', () => {
  it('keeps only the SHA-256 of its new API key and of each operation text', () => {
    const { client, apiKey } = registerPartner(bank);
    expect(apiKey).toMatch(/^cjk_[\w-]{32}$/);
    expect(client).toEqual({ ...bank, keySha256: sha256(apiKey), operations: [sha256(OPERATION)] });
    expect(JSON.stringify(client)).not.toContain(apiKey);
    expect(registerPartner(bank).apiKey).not.toBe(apiKey);
  });

  it('names every problem at once', () => {
    const attempt = () => registerPartner({ ...bank, region: '5226', scopes: ['enterprise:write'], purposes: ['loan'], operations: [], ratePerMinute: 0 });
    expect(attempt).toThrow(/unknown scope\(s\) enterprise:write/);
    expect(attempt).toThrow(/no operations/);
    expect(attempt).toThrow(/unknown purpose kind\(s\) loan; known: case, item, project/);
    expect(attempt).toThrow(/ratePerMinute must be greater than 0/);
    expect(() => registerPartner({ ...bank, region: '52263' })).toThrow(/region must be a division code/);
  });

  it('reads a .graphql file as written and a persisted-documents manifest entry by entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'partner-ops-'));
    const file = join(dir, 'Check.graphql');
    writeFileSync(file, `# a comment is part of the text\n${OPERATION}\n`);
    const manifest = join(dir, 'persisted-documents.json');
    writeFileSync(manifest, JSON.stringify({ [`sha256:${sha256(OPERATION)}`]: OPERATION }));
    expect(readOperationTexts([file, manifest])).toEqual([`# a comment is part of the text\n${OPERATION}\n`, OPERATION]);

    writeFileSync(manifest, JSON.stringify({ [`sha256:${sha256(OPERATION)}`]: `${OPERATION} ` }));
    expect(() => readOperationTexts([manifest])).toThrow(/does not match its text/);
  });

  it('refuses a partner file with a bad record when the gateway starts, naming the record', () => {
    const good = registerPartner(bank).client;
    expect(parsePartnerClients([good])).toEqual([good]);
    expect(() => parsePartnerClients([good, { ...good, ratePerMinute: '60' }])).toThrow(/record 1, ratePerMinute: ratePerMinute must be a number/);
    expect(() => parsePartnerClients([good, good])).toThrow(/client id "bank-cjrcb" is registered twice/);
    expect(() => parsePartnerClients({ clients: [] })).toThrow(/must be a JSON array/);
    const dir = mkdtempSync(join(tmpdir(), 'partners-'));
    writeFileSync(join(dir, 'partners.json'), JSON.stringify([{ ...good, keySha256: 'plain-text-key' }]));
    expect(() => readSecurityConfig({ PARTNER_CLIENTS_FILE: join(dir, 'partners.json') })).toThrow(/PARTNER_CLIENTS_FILE .*record 0, keySha256: keySha256 must be the hex SHA-256/);
  });

  it('follows the partner file every 2 s by default, or as PARTNER_CLIENTS_POLL_MS says, checking each version as at start-up', () => {
    const good = registerPartner(bank).client;
    const file = join(mkdtempSync(join(tmpdir(), 'partners-')), 'partners.json');
    writeFileSync(file, JSON.stringify([good]));
    const { partnersFile } = readSecurityConfig({ PARTNER_CLIENTS_FILE: file });
    expect(partnersFile).toMatchObject({ path: file, pollMs: 2000, version: sha256(JSON.stringify([good])) });
    expect(partnersFile!.parse(JSON.stringify([good]))).toEqual([good]);
    expect(() => partnersFile!.parse(JSON.stringify([{ ...good, ratePerMinute: '60' }]))).toThrow(/record 0, ratePerMinute: ratePerMinute must be a number/);
    expect(readSecurityConfig({ PARTNER_CLIENTS_FILE: file, PARTNER_CLIENTS_POLL_MS: '0' }).partnersFile!.pollMs).toBe(0);
    expect(() => readSecurityConfig({ PARTNER_CLIENTS_FILE: file, PARTNER_CLIENTS_POLL_MS: '10' })).toThrow(/PARTNER_CLIENTS_POLL_MS="10" must be 0 \(watch only\) or .* at least 100/);
  });

  it('takes the purpose kinds from GATEWAY_PURPOSE_KINDS and refuses partners registered for others', () => {
    const good = registerPartner(bank).client;
    expect(readSecurityConfig({}).purposeKinds).toBeUndefined();
    expect(readSecurityConfig({ GATEWAY_PURPOSE_KINDS: 'case, item,project' }).purposeKinds).toEqual(['case', 'item', 'project']);
    expect(() => readSecurityConfig({ GATEWAY_PURPOSE_KINDS: 'case,Item Code' })).toThrow(/GATEWAY_PURPOSE_KINDS="case,Item Code" must be lower-case words/);
    expect(parsePartnerClients([good], ['project'])).toEqual([good]);
    expect(() => parsePartnerClients([good], ['case'])).toThrow(/client "bank-cjrcb" is registered for purposes \(project\) this gateway does not accept/);
    expect(() => parsePartnerClients([{ ...good, purposes: ['Project!'] }])).toThrow(/purposes must be kinds of X-Purpose/);
  });

  it('cuts audit files by the days of AUDIT_TIME_ZONE, China\'s by default', () => {
    expect(readSecurityConfig({}).audit.timeZone).toBeUndefined();
    expect(readSecurityConfig({ AUDIT_TIME_ZONE: 'Asia/Urumqi' }).audit.timeZone).toBe('Asia/Urumqi');
    expect(() => readSecurityConfig({ AUDIT_TIME_ZONE: 'Mars/Olympus' })).toThrow(/AUDIT_TIME_ZONE="Mars\/Olympus" is not a time zone/);
    const day = calendarDay(DEFAULT_TIME_ZONE);
    expect(day(new Date('2026-12-01T15:59:59Z'))).toBe('2026-12-01');
    expect(day(new Date('2026-12-01T16:00:00Z'))).toBe('2026-12-02');
  });

  it('npm run partner:register writes a record the gateway loads and prints the key once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'partners-'));
    const file = join(dir, 'partners.json');
    const manifest = join(dir, 'persisted-documents.json');
    const texts = [OPERATION, 'query ProvinceJointReview($code: ID!) { constructionProject(code: $code) { name } }'];
    writeFileSync(manifest, JSON.stringify(Object.fromEntries(texts.map((t) => [`sha256:${sha256(t)}`, t]))));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'partner-register.ts'), ...args], { env: { ...process.env, PARTNER_CLIENTS_FILE: file }, encoding: 'utf8' });
    const registered = run('--id', 'gz-zwfw', '--name', '贵州省政务服务平台', '--region', '52', '--scopes', 'construction:read approval:read', '--purposes', 'case,project', '--rate', '120', '--operations', manifest);
    expect(registered.status).toBe(0);
    const apiKey = /API key \(shown once; send it as X-Api-Key\): (cjk_\S+)/.exec(registered.stdout)![1]!;
    const [record] = readSecurityConfig({ PARTNER_CLIENTS_FILE: file }).partners;
    expect(record).toMatchObject({ id: 'gz-zwfw', region: '52', scopes: ['construction:read', 'approval:read'], purposes: ['case', 'project'], ratePerMinute: 120, keySha256: sha256(apiKey) });
    expect(record!.operations).toEqual(texts.map(sha256));
    expect(readFileSync(file, 'utf8')).not.toContain(apiKey);

    const refused = run('--id', 'x', '--name', 'x', '--region', '52', '--scopes', 'land:read', '--purposes', 'case');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/missing --operations/);
  });
});
