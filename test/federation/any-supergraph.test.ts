import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
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

  beforeAll(async () => {
    fixture = await startFederationFixture({ startGateway: false });
    child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'gateway', 'index.ts'), '--supergraph', fixture.supergraphPath, '--port', '0'], {
      env: { ...process.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Ready means: the JSON log line "gateway ready", carrying the URL it listens on.
    const lines = createInterface({ input: child.stdout! });
    for await (const line of lines) {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'gateway ready') {
        url = entry.url!;
        break;
      }
    }
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
