import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import pino from 'pino';
import { createGraphQLHttpServer } from '../../lib/graphql-http';
import { listen } from '../../lib/listen';
import { silentLogger } from '../../lib/logger';
import { SUPERGRAPH_PATH } from '../../scripts/compose';
import { ROOT } from '../../scripts/schema-check';
import { operation, startTestStack, type GraphQLResponse, type TestStack } from '../helpers/stack';
import { until } from '../helpers/until';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const NOTICE = '本周六政务服务中心照常办公 The service center is open this Saturday.';

/** A fifth subgraph, not in the county's supergraph: the reload brings it in. */
async function startNoticeSubgraph() {
  const typeDefs = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@shareable"])
    type Query {
      """公告 Notice of the day."""
      countyNotice: String
    }
  `);
  const apollo = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs, resolvers: { Query: { countyNotice: () => NOTICE } } }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  const listening = await listen(createGraphQLHttpServer({ apollo, logger: silentLogger(), context: async () => ({}) }), 0);
  return { url: `${listening.url}/graphql`, stop: async () => (await listening.close(), await apollo.stop()) };
}

/** The county's subgraphs plus `extra`, composed the way `npm run compose` does. */
function composeWith(extra: { name: string; url: string; sdl: string }): string {
  const config = JSON.parse(readFileSync(join(ROOT, 'schema', 'subgraphs.json'), 'utf8')) as { subgraphs: { name: string; schema: string; url: string }[] };
  const services = config.subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(readFileSync(join(ROOT, s.schema), 'utf8')) }));
  const composed = composeServices([...services, { name: extra.name, url: extra.url, typeDefs: parse(extra.sdl) }]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  return composed.supergraphSdl;
}


const original = readFileSync(SUPERGRAPH_PATH, 'utf8');
let notice: Awaited<ReturnType<typeof startNoticeSubgraph>>;
let withNotice: string;
let file: string;
let stack: TestStack;
const logged: Record<string, any>[] = [];

beforeAll(async () => {
  notice = await startNoticeSubgraph();
  withNotice = composeWith({ name: 'notice', url: notice.url, sdl: 'type Query { """公告 Notice of the day.""" countyNotice: String }' });
  file = join(mkdtempSync(join(tmpdir(), 'supergraph-')), 'supergraph.graphql');
  writeFileSync(file, original);
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  stack = await startTestStack({ supergraphFile: { path: file, pollMs: 100 }, logger });
});
afterAll(async () => {
  await stack?.stop();
  await notice?.stop();
});

/** Replaces the file the way a deployment should: write aside, then rename over it. */
function replaceFile(text: string): void {
  writeFileSync(`${file}.next`, text);
  renameSync(`${file}.next`, file);
}

async function served(): Promise<{ id: string; source: string }> {
  const response = await fetch(new URL('/readyz', stack.gatewayUrl));
  return ((await response.json()) as { supergraph: { id: string; source: string } }).supergraph;
}

const refusals = () => logged.filter((l) => l.msg === 'supergraph refused; still serving the previous one');

describe('hot supergraph reload', () => {
  it('serves a new subgraph\'s field once the file is replaced, without a restart, with the rules of the new supergraph', async () => {
    expect(await served()).toEqual(expect.objectContaining({ id: sha256(original), source: file }));
    const before = await stack.query('{ countyNotice }');
    expect(before.errors?.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);

    replaceFile(withNotice);
    await until(async () => (await served()).id === sha256(withNotice), '/readyz to show the new supergraph');
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'supergraph reloaded', supergraph: sha256(withNotice), previous: sha256(original), source: file }));

    expect(await stack.query('{ countyNotice }')).toEqual({ status: 200, data: { countyNotice: NOTICE } });
    // Authorization, masking and subgraph routing came along with the schema.
    const anonymous = await stack.queryWith({}, '{ countyNotice enterprise(uscc: "91522633MA6HLERE2M") { name } }');
    expect(anonymous.data).toEqual({ countyNotice: NOTICE, enterprise: null });
    expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const profile = await stack.query(operation('EnterpriseProfile'), { uscc: '91522633MA6HLERE2M' });
    expect(profile.errors).toBeUndefined();
    expect(profile.data.enterprise.legalRepresentative.idNumber).toMatch(/^\d{6}\*+[\dX]{4}$/);
  });

  it('refuses a broken file with a log line and keeps serving the supergraph it had', async () => {
    const broken = 'type Query {';
    replaceFile(broken);
    await until(() => refusals().some((l) => l.supergraph === sha256(broken)), 'a log line refusing the broken file');
    expect(refusals().find((l) => l.supergraph === sha256(broken))).toMatchObject({ level: 50, serving: sha256(withNotice), source: file, reason: expect.stringContaining('not a GraphQL schema document') });
    expect((await served()).id).toBe(sha256(withNotice));
    expect(await stack.query('{ countyNotice }')).toEqual({ status: 200, data: { countyNotice: NOTICE } });
  });

  it('refuses, whole, a supergraph it cannot serve: not a supergraph, or a security feature it cannot enforce', () => {
    const withPolicy = composeWith({
      name: 'notice',
      url: notice.url,
      sdl: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@policy"]) type Query { countyNotice: String @policy(policies: [["notice"]]) }',
    });
    const outcomes = ['type Query { countyNotice: String }', withPolicy].map((sdl) => stack.gateway!.reloadSupergraph(sdl));
    expect(outcomes).toEqual([
      { status: 'refused', serving: sha256(withNotice), reason: expect.stringContaining('not a supergraph this gateway can serve') },
      { status: 'refused', serving: sha256(withNotice), reason: expect.stringMatching(/policy.*for: SECURITY but is unsupported/) },
    ]);
  });

  // Each reload checks and builds a supergraph twice (here, then in @apollo/gateway): CPU-heavy on a shared machine.
  it('answers every request while the supergraph is replaced under it', async () => {
    const code = stack.departments.county.projects[0]!.code;
    const acrossSubgraphs = 'query Project($code: ID!) { constructionProject(code: $code) { code name applicant { name } parcel { unitNumber } } }';
    const responses: GraphQLResponse[] = [];
    let running = true;
    let inFlight = 0;
    const client = async () => {
      while (running) {
        inFlight++;
        try {
          responses.push(await stack.query(acrossSubgraphs, { code }));
        } finally {
          inFlight--;
        }
      }
    };
    const clients = Array.from({ length: 4 }, client);
    const inFlightAtReload: number[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        await until(() => responses.length >= (i + 1) * 4, 'requests to complete between reloads');
        inFlightAtReload.push(inFlight);
        expect(stack.gateway!.reloadSupergraph(i % 2 === 0 ? original : withNotice).status).toBe('reloaded');
      }
      await until(() => responses.length >= 20, 'requests after the last reload');
    } finally {
      running = false;
      await Promise.all(clients);
    }
    expect(inFlightAtReload.every((n) => n > 0)).toBe(true);
    expect(responses.filter((r) => r.status !== 200 || r.errors || !r.data?.constructionProject)).toEqual([]);
    expect((await served()).id).toBe(sha256(withNotice));
  }, 90_000);
});
