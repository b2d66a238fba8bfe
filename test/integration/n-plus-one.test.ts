import { operation, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());
beforeEach(() => stack.resetCounts());

const usccAsked = (s: TestStack) => s.requests('enterprise').flatMap((r) => (r.body as { usccList: string[] }).usccList);

describe('no N+1: a dashboard page of 50 projects', () => {
  it('costs one list request, one enterprise batch per plan level and one request per distinct parcel', async () => {
    const { data, errors } = await stack.query(operation('DashboardProjects'), { first: 50 });
    expect(errors).toBeUndefined();
    const nodes = data.constructionProjects.nodes as any[];
    expect(nodes).toHaveLength(50);

    // 住建局: the page itself (scoped to the caller's county), nothing per project.
    expect(stack.requests('construction')).toEqual([expect.objectContaining({ method: 'GET', path: '/api/projects', search: '?offset=0&limit=50&regionPrefix=522633' })]);

    // 市场监管局: applicants and participants are one plan level and one batch; the right
    // holders (the next level) are those applicants again, so the cache answers them.
    const enterprises = new Set(nodes.flatMap((n) => [n.applicant.uscc, ...n.participants.map((p: any) => p.enterprise.uscc)]));
    expect(stack.requests('enterprise')).toHaveLength(1);
    expect(new Set(usccAsked(stack))).toEqual(enterprises);
    expect(usccAsked(stack)).toHaveLength(enterprises.size); // no code asked twice

    // 自然资源局 (no batch endpoint): one request per distinct parcel, never a repeat.
    const parcels = new Set(nodes.map((n) => n.parcel.unitNumber));
    const landAsks = stack.requests('land').map((r) => r.search);
    expect(landAsks).toHaveLength(parcels.size);
    expect(new Set(landAsks)).toEqual(new Set([...parcels].map((u) => `?bdcdyh=${u}`)));
  });

  it('does not grow with page size: 10 and 100 projects cost the same number of enterprise batches', async () => {
    for (const first of [10, 100]) {
      await stack.resetCounts();
      const { errors } = await stack.query(operation('DashboardProjects'), { first });
      expect(errors).toBeUndefined();
      expect(stack.requests('construction')).toHaveLength(1);
      expect(stack.requests('enterprise')).toHaveLength(1);
    }
  });

  it('fetches a second level of new enterprises in one more batch, not one per enterprise', async () => {
    // Level 1: participants of 20 projects. Level 2: their other projects' applicants.
    const query = `{ constructionProjects(first: 20) { nodes { participants { enterprise { name projects(role: DESIGN) { applicant { name } } } } } } }`;
    const { data, errors } = await stack.query(query);
    expect(errors).toBeUndefined();
    const levelTwo = data.constructionProjects.nodes.flatMap((n: any) => n.participants.flatMap((p: any) => p.enterprise.projects));
    expect(levelTwo.length).toBeGreaterThan(20);
    expect(stack.requests('enterprise').length).toBeLessThanOrEqual(2);
    expect(new Set(usccAsked(stack)).size).toBe(usccAsked(stack).length);
    // 住建局: the list, one projects-by-enterprise batch, one batch of the projects found.
    expect(stack.requests('construction').map((r) => r.path)).toEqual(['/api/projects', '/api/projects/by-enterprise', '/api/projects/batch']);
  });

  it('answers a warm repeat from the subgraph caches without asking any department', async () => {
    await stack.query(operation('DashboardProjects'), { first: 50 });
    for (const id of ['enterprise', 'land', 'construction'] as const) stack.departments[id].requests.length = 0;
    const { errors } = await stack.query(operation('DashboardProjects'), { first: 50, after: undefined });
    expect(errors).toBeUndefined();
    expect(stack.requests('enterprise')).toHaveLength(0);
    expect(stack.requests('land')).toHaveLength(0);
    // The list is asked again (its membership can change); the entities are not.
    expect(stack.requests('construction')).toHaveLength(1);
  });
});
