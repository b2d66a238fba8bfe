/**
 * The audit capability holds a request's merged subgraph answers from execution to the
 * response and no longer: once the record is made they are let go, so that a request
 * context promoted to V8's old generation does not keep them alive until the next major
 * collection (issue 15, NOTES "What outlives a scavenge").
 */
import { buildSchema, parse } from 'graphql';
import type { AuditLog } from '../../gateway/audit/log';
import { auditCapability } from '../../gateway/capabilities/audit';
import type { GatewayContext } from '../../gateway/capabilities/capability';
import type { SupergraphPolicies } from '../../gateway/supergraph';

const schema = buildSchema(`
  type Query { project(code: ID!): Project }
  type Project { code: ID! name: String }
`);
const policies: SupergraphPolicies = { access: new Map(), personalData: new Map(), entityKeys: new Map([['Project', ['code']]]) } as SupergraphPolicies;

function setUp() {
  const records: Record<string, unknown>[] = [];
  const log = { append: (record: Record<string, unknown>) => records.push(record), close: () => undefined } as unknown as AuditLog;
  const audit = auditCapability(() => policies, log);
  const context = { requestId: 'r1', caller: { kind: 'user', subject: 'u1', name: null, org: 'org', region: '522633', scopes: new Set() }, purpose: null } as unknown as GatewayContext;
  const planned = audit.execution!.planWith!(parse('{ project(code: "P1") { code name } }'), schema);
  const respondWith = async (body: unknown) => {
    const hooks = await (audit.plugin!.requestDidStart as any)({});
    await hooks.willSendResponse({ contextValue: context, schema, operationName: null, response: { body } });
  };
  const respond = (data: Record<string, unknown>) => respondWith({ kind: 'single', singleResult: { data } });
  return { records, audit, context, planned, respond, respondWith };
}

describe('audit capability: merged answers are let go once the record is made', () => {
  it('records the entities from the merged answers, then empties them and forgets them', async () => {
    const { records, audit, context, planned, respond } = setUp();
    const merged: Record<string, unknown> = { project: { code: 'P1', name: '从江县示范项目' } };
    audit.execution!.onMerged!(context, merged, planned);
    const shown = { project: { code: 'P1', name: '从江县示范项目' } };
    await respond(shown);

    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ requestId: 'r1', entities: { Project: ['P1'] } });
    expect(records[0]).not.toHaveProperty('entityKeys');
    // The client's answer is a separate tree: untouched.
    expect(shown).toEqual({ project: { code: 'P1', name: '从江县示范项目' } });
    // The merged root is emptied: nothing the old context may still point at holds the answers.
    expect(Object.keys(merged)).toEqual([]);

    // The entry is gone too: a second response on the same context finds no merged answers.
    await respond(shown);
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({ entityKeys: 'shown-only' });
  });

  it('lets them go when the response is not a single result as well', async () => {
    const { records, audit, context, planned, respond, respondWith } = setUp();
    const merged: Record<string, unknown> = { project: { code: 'P1', name: null } };
    audit.execution!.onMerged!(context, merged, planned);
    await respondWith({ kind: 'incremental' });
    expect(records).toHaveLength(0);
    expect(Object.keys(merged)).toEqual([]);

    // Taken out: the next single response of this context is recorded as showing its keys only.
    await respond({ project: { code: 'P1', name: null } });
    expect(records[0]).toMatchObject({ entityKeys: 'shown-only' });
  });
});
