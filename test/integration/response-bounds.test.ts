/**
 * What one request may bring back is bounded while it is built, not only estimated
 * before: an operation that passes the limits but whose answer grows past the bound
 * (bytes from the subgraphs, entities resolved) stops there with RESPONSE_TOO_LARGE and
 * nothing of it, and the gateway serves the next request as before.
 */
import { DEPARTMENT_IDS } from '../../stack/embedded-stack';
import { startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ limits: { maxResponseBytes: 16_000, maxEntities: 40 } });
});
afterAll(() => stack.stop());

const requests = (id: (typeof DEPARTMENT_IDS)[number]) => stack.requests(id).length;

describe('the bound on what comes back', () => {
  it('stops an answer whose bytes pass the bound, with a clear error and no partial data', async () => {
    const { status, data, errors } = await stack.query(`{ enterprises(regionCode: "522633", first: 100) { nodes { uscc name businessScope address changes { item before after } licenses { name number } } } }`);
    expect(status).toBe(200);
    expect(data).toBeNull();
    expect(errors).toEqual([expect.objectContaining({ extensions: { code: 'RESPONSE_TOO_LARGE' }, message: expect.stringMatching(/grew past 16000 bytes.*smaller pages/) })]);
    // Within the bound the same question is answered.
    const small = await stack.query(`{ enterprises(regionCode: "522633", first: 5) { nodes { uscc name } } }`);
    expect(small.errors).toBeUndefined();
    expect(small.data.enterprises.nodes).toHaveLength(5);
  });

  it('stops before sending the entity fetch that would pass the entity bound: the department is not asked', async () => {
    await stack.resetCounts();
    const { data, errors } = await stack.query(`{ constructionProjects(first: 50) { nodes { code applicant { name } parcel { area } } } }`);
    expect(data).toBeNull();
    expect(errors![0]!.extensions).toEqual({ code: 'RESPONSE_TOO_LARGE' });
    expect(errors![0]!.message).toMatch(/more than 40 entities/);
    expect(requests('construction')).toBe(1);
    expect(requests('enterprise') + requests('land')).toBe(0);
    const page = await stack.query(`{ constructionProjects(first: 10) { nodes { code applicant { name } parcel { area } } } }`);
    expect(page.errors).toBeUndefined();
    expect(page.data.constructionProjects.nodes).toHaveLength(10);
  });
});
