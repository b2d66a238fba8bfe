import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type PartnerClient } from '../../gateway/capabilities/sign-in';
import { sha256 } from '../../lib/hash';
import { readSecurityConfig } from '../../gateway/config';
import { bareGateway } from '../helpers/gateway';
import { until } from '../helpers/until';

const OPERATION = '{ __typename }';
const partner = (id: string): PartnerClient => ({
  id,
  name: `partner ${id}`,
  keySha256: sha256(`key-${id}`),
  region: '522633',
  scopes: [],
  purposes: ['case'],
  operations: [sha256(OPERATION)],
  ratePerMinute: 1000,
});


describe('partner registry followed while the gateways run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'partner-registry-'));
  const file = join(dir, 'partners.json');
  /** As `npm run partner:register` does: write aside, rename over, so no replica reads half a file. */
  const publish = (text: string) => {
    writeFileSync(`${file}.next`, text);
    renameSync(`${file}.next`, file);
    return sha256(text);
  };
  const replicas: { url: string; stop: () => Promise<void>; lines: Record<string, any>[] }[] = [];
  let first: string;

  beforeAll(async () => {
    first = publish(JSON.stringify([partner('bank')]));
    const security = readSecurityConfig({ PARTNER_CLIENTS_FILE: file, PARTNER_CLIENTS_POLL_MS: '100', GATEWAY_PURPOSE_KINDS: 'case,item,project' });
    for (let i = 0; i < 2; i++) {
      const lines: Record<string, any>[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
      const gateway = await bareGateway({
        signIn: { partners: security.partners, partnersFile: security.partnersFile },
        purposeKinds: security.purposeKinds,
        // The polls below sign in with unregistered keys many times.
        failedSignInsPerMinute: 10_000,
        logger,
      });
      replicas.push({ ...gateway, lines });
    }
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
  });

  /** Each replica's HTTP status for the partner's registered operation. */
  const statuses = (id: string) =>
    Promise.all(
      replicas.map(async ({ url }) => {
        const response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': `key-${id}`, 'x-purpose': 'case:GC2026001' },
          body: JSON.stringify({ query: OPERATION }),
        });
        await response.arrayBuffer();
        return response.status;
      }),
    );
  const registries = () => Promise.all(replicas.map(async ({ url }) => ((await (await fetch(`${url}/status`)).json()) as { partners: Record<string, any> }).partners));

  it('serves the registry read at start-up and says which one on /status', async () => {
    expect(await statuses('bank')).toEqual([200, 200]);
    expect(await statuses('province')).toEqual([401, 401]);
    for (const registry of await registries()) expect(registry).toEqual({ version: first, count: 1, loadedAt: expect.any(String), source: file, refused: null });
  });

  it('lets a newly registered partner in on every replica without a restart', async () => {
    const version = publish(JSON.stringify([partner('bank'), partner('province')]));
    await until(async () => (await statuses('province')).every((s) => s === 200), 'the new partner to be accepted by both replicas');
    for (const registry of await registries()) expect(registry).toMatchObject({ version, count: 2, refused: null });
    for (const replica of replicas) expect(replica.lines).toContainEqual(expect.objectContaining({ msg: 'partner registry reloaded', version, previous: first, count: 2 }));
  });

  it('refuses a removed partner on every replica', async () => {
    publish(JSON.stringify([partner('province')]));
    await until(async () => (await statuses('bank')).every((s) => s === 401), 'the removed partner to be refused by both replicas');
    expect(await statuses('province')).toEqual([200, 200]);
  });

  it('refuses an invalid file whole, keeps serving the registry it had, and says why on /status', async () => {
    const [serving] = await registries();
    const invalid = publish(JSON.stringify([partner('bank'), { ...partner('court'), ratePerMinute: 'fast' }]));
    await until(async () => (await registries()).every((r) => r.refused?.version === invalid), '/status to show the refused file');
    for (const registry of await registries()) {
      expect(registry).toMatchObject({ version: serving!.version, count: 1, refused: { version: invalid, at: expect.any(String), reason: expect.stringMatching(/record 1, ratePerMinute: ratePerMinute must be a number/) } });
    }
    // Nothing half-applied: the valid record in the refused file did not come in.
    expect(await statuses('bank')).toEqual([401, 401]);
    expect(await statuses('province')).toEqual([200, 200]);
    for (const replica of replicas) expect(replica.lines.filter((l) => l.msg === 'partner registry refused; still serving the previous one')).toHaveLength(1);

    publish('[{"id": "bank",');
    await until(async () => (await registries()).every((r) => /JSON/.test(r.refused?.reason ?? '')), 'the file that is not JSON refused');
    expect(await statuses('province')).toEqual([200, 200]);
  });
});
