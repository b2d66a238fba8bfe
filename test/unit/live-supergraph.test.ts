import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { LiveSupergraph } from '../../gateway/live-supergraph';
import { silentLogger } from '../../lib/logger';
import { SUPERGRAPH_PATH } from '../../scripts/compose';
import { removeFieldDirective, variant } from '../integration/schema-governance/fixtures';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const original = readFileSync(SUPERGRAPH_PATH, 'utf8');
// The same schema with Query.constructionProjects open to anyone: only the rules differ.
const opened = variant({ construction: removeFieldDirective('Query', 'constructionProjects', 'requiresScopes') }).supergraph;

/** A real @apollo/gateway on a LiveSupergraph, recording every schema it publishes (no HTTP needed). */
async function loadGateway(live: LiveSupergraph) {
  const gateway = new ApolloGateway({ supergraphSdl: live.hook, logger: silentLogger() });
  const schemas: GraphQLSchema[] = [];
  live.attach(gateway);
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => schemas.push(apiSchema));
  await gateway.load();
  return { gateway, schemas };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 25_000;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (!condition()) throw new Error(`gave up waiting: ${what}`);
}

describe('LiveSupergraph', () => {
  it('keeps each schema\'s rules: a request that started on the old schema is judged by the old rules', async () => {
    const live = new LiveSupergraph(original, silentLogger());
    const { gateway, schemas } = await loadGateway(live);
    try {
      const before = live.describe().id;
      expect(live.reload(opened)).toEqual({ status: 'reloaded', id: sha256(opened), previous: before });
      expect(live.describe()).toMatchObject({ id: sha256(opened), source: 'reloadSupergraph' });
      expect(schemas).toHaveLength(2);
      expect(live.policiesFor(schemas[0]!).access.get('Query.constructionProjects')).toEqual({ authenticated: true, scopes: [['construction:read']] });
      expect(live.policiesFor(schemas[1]!).access.has('Query.constructionProjects')).toBe(false);
      expect(() => live.policiesFor(buildSchema('type Query { a: Int }'))).toThrow(/no authorization rules are known for this schema/);
    } finally {
      await gateway.stop();
    }
  });

  it('does not bother the gateway with the same schema written differently, and refuses anything after stop', async () => {
    const live = new LiveSupergraph(original, silentLogger());
    const { gateway, schemas } = await loadGateway(live);
    const reworded = `# the same supergraph, with a comment\n${original}`;
    expect(live.reload(reworded)).toEqual({ status: 'unchanged', id: expect.any(String) });
    expect(live.describe().id).toBe(sha256(reworded));
    expect(schemas).toHaveLength(1);
    await gateway.stop();
    expect(live.reload(opened)).toEqual({ status: 'refused', reason: 'the gateway is not running', serving: live.describe().id });
  });

  it('picks up a replaced file by watching alone (no polling)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'live-supergraph-')), 'supergraph.graphql');
    writeFileSync(file, original);
    const live = new LiveSupergraph(original, silentLogger(), { path: file, pollMs: 0 });
    const { gateway, schemas } = await loadGateway(live);
    writeFileSync(`${file}.next`, opened);
    renameSync(`${file}.next`, file);
    await until(() => schemas.length === 2, 'the watched file to be served');
    expect(live.describe().source).toBe(file);
    expect(live.policiesFor(schemas[1]!).access.has('Query.constructionProjects')).toBe(false);
    await gateway.stop();
  });
});
