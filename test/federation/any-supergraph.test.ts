import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { postGraphQL } from '../helpers/stack';
import { startFederationFixture, type FederationFixture } from './fixture';

/**
 * `npm run gateway -- --supergraph <file> --port <n>`: the same gateway process serves a
 * supergraph that has nothing to do with our county.
 */
describe('the gateway command serves any Federation 2 supergraph', () => {
  let fixture: FederationFixture;
  let child: ChildProcess;
  let url: string;
  const logged: { msg?: string; url?: string }[] = [];
  const until = async (condition: () => boolean, what: string) => {
    const deadline = Date.now() + 25_000;
    while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!condition()) throw new Error(`gave up waiting: ${what}`);
  };

  beforeAll(async () => {
    fixture = await startFederationFixture({ startGateway: false });
    child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'gateway', 'index.ts'), '--supergraph', fixture.supergraphPath, '--port', '0'], {
      env: { ...process.env, LOG_LEVEL: 'info', SUPERGRAPH_POLL_MS: '100', AUDIT_DIR: mkdtempSync(join(tmpdir(), 'audit-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: child.stdout! }).on('line', (line) => logged.push(JSON.parse(line) as { msg?: string; url?: string }));
    // Ready means: the JSON log line "gateway ready", carrying the URL it listens on.
    await until(() => logged.some((l) => l.msg === 'gateway ready'), 'the gateway to start');
    url = logged.find((l) => l.msg === 'gateway ready')!.url!;
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await fixture.stop();
  });

  it('answers /healthz and a query across subgraphs, with URLs from the supergraph file', async () => {
    expect((await fetch(url.replace('/graphql', '/healthz'))).status).toBe(200);
    const { data, errors } = await postGraphQL(url, `{ topProducts(first: 1) { name shippingEstimate reviews { author { name } } } }`);
    expect(errors).toBeUndefined();
    expect(data).toEqual({ topProducts: [{ name: 'Table', shippingEstimate: 50, reviews: [{ author: { name: 'Ada' } }] }] });
  });

  it('serves a new version of the supergraph file without a restart, and refuses a broken one', async () => {
    const replace = (text: string) => {
      writeFileSync(`${fixture.supergraphPath}.next`, text);
      renameSync(`${fixture.supergraphPath}.next`, fixture.supergraphPath);
    };
    const inStock = '{ topProducts(first: 1) { name inStock } }';
    expect((await postGraphQL(url, inStock)).data).toEqual({ topProducts: [{ name: 'Table', inStock: true }] });

    replace('schema {');
    await until(() => logged.some((l) => l.msg === 'supergraph refused; still serving the previous one'), 'the broken file to be refused');
    expect((await postGraphQL(url, inStock)).data).toEqual({ topProducts: [{ name: 'Table', inStock: true }] });

    // The same shop without Product.inStock: served as soon as the file is replaced.
    replace(fixture.supergraphSdl.replace(/^\s*inStock: .*\n/m, ''));
    await until(() => logged.some((l) => l.msg === 'supergraph reloaded'), 'the new file to be served');
    expect((await postGraphQL(url, inStock)).errors?.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect((await postGraphQL(url, '{ topProducts(first: 1) { name } }')).data).toEqual({ topProducts: [{ name: 'Table' }] });
  });

  it('shuts down cleanly on SIGTERM', async () => {
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});

describe('the gateway command refuses bad settings with a clear message', () => {
  it('names a missing supergraph file', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'gateway', 'index.ts'), '--supergraph', '/nonexistent.graphql'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toMatch(/no supergraph at \/nonexistent\.graphql/);
  });
});
