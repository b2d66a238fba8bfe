import { GraphQLError } from 'graphql';
import { EnterpriseClient, type Enterprise } from '../../subgraphs/enterprise/client';
import { county, countyCaller, departmentHttp, freshCache, interceptDepartment } from '../helpers/departments';

const { department } = interceptDepartment((d) => d.enterprise);
const [a, b, c] = county.enterprises.map((e) => e.uscc);
const unknown = '91522633MA00000000'.slice(0, 17) + 'X';

function newClient(cache = freshCache<Enterprise>()) {
  return { client: new EnterpriseClient({ http: departmentHttp(department), cache }, countyCaller), cache };
}

describe('EnterpriseClient', () => {
  it('collects the lookups of one tick into one batch query, de-duplicated', async () => {
    const { client } = newClient();
    const found = await Promise.all([client.enterprise(a!), client.enterprise(b!), client.enterprise(a!), client.enterprise(c!)]);
    expect(found.map((e) => e?.uscc)).toEqual([a, b, a, c]);
    expect(department.requests).toHaveLength(1);
    expect(department.requests[0]).toMatchObject({ method: 'POST', path: '/api/v1/enterprises/batch-query', body: { usccList: [a, b, c] } });
  });

  it('maps the registry record to the schema shape', async () => {
    const { client } = newClient();
    const record = county.enterprises.find((e) => e.status === '吊销')!;
    const enterprise = await client.enterprise(record.uscc);
    expect(enterprise).toMatchObject({
      uscc: record.uscc,
      name: record.name,
      status: 'REVOKED',
      businessTerm: { from: record.businessTermFrom, to: record.businessTermTo },
      industry: { code: record.industryCode, name: record.industryName },
    });
  });

  it('answers null for an unknown code, without an error', async () => {
    const { client } = newClient();
    await expect(client.enterprise(unknown)).resolves.toBeNull();
  });

  it('serves the next request from the process cache', async () => {
    const { cache } = newClient();
    await newClient(cache).client.enterprise(a!);
    await newClient(cache).client.enterprise(a!);
    expect(department.requests).toHaveLength(1);
    expect(cache.hits).toBe(1);
  });

  it('fails every key of the batch with DEPARTMENT_UNAVAILABLE naming the registry when it is down', async () => {
    department.faults.down = true;
    const { client } = newClient();
    const results = await Promise.allSettled([client.enterprise(a!), client.enterprise(b!)]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as GraphQLError;
      expect(error.extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'enterprise' });
    }
  });

  it('gives up after its deadline', async () => {
    department.faults.latencyMs = 300;
    const client = new EnterpriseClient({ http: departmentHttp(department, 50), cache: freshCache() }, countyCaller);
    await expect(client.enterprise(a!)).rejects.toMatchObject({ extensions: { code: 'DEPARTMENT_UNAVAILABLE', reason: 'no answer within 50 ms' } });
  });
});
