import { operation, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());

describe('constructionProjects: the dashboard list', () => {
  it('defaults to 20 and counts every project', async () => {
    const { data } = await stack.query(`{ constructionProjects { totalCount nodes { code } pageInfo { hasNextPage endCursor } } }`);
    expect(data.constructionProjects.nodes).toHaveLength(20);
    expect(data.constructionProjects.totalCount).toBe(stack.departments.county.projects.length);
    expect(data.constructionProjects.pageInfo.hasNextPage).toBe(true);
  });

  it('pages through a stage with cursors, every project once', async () => {
    const expected = stack.departments.county.projects.filter((p) => p.stage === 'CONSTRUCTION_PERMIT').map((p) => p.code);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const { data, errors }: any = await stack.query(operation('DashboardProjects'), { first: 40, after, stage: 'CONSTRUCTION_PERMIT' });
      expect(errors).toBeUndefined();
      const connection = data.constructionProjects;
      expect(connection.totalCount).toBe(expected.length);
      seen.push(...connection.nodes.map((n: { code: string; stage: string }) => n.code));
      for (const n of connection.nodes) expect(n.stage).toBe('CONSTRUCTION_PERMIT');
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  it('dates the projects it lists, and a project opened from the list afterwards', async () => {
    await stack.resetCounts();
    const before = Date.now();
    const { data } = await stack.query(`{ constructionProjects(first: 2) { nodes { code dataAsOf } } }`);
    const [first] = data.constructionProjects.nodes;
    expect(Date.parse(first.dataAsOf)).toBeGreaterThanOrEqual(before - 1000);
    const opened = await stack.query(`query($c: ID!) { constructionProject(code: $c) { dataAsOf } }`, { c: first.code });
    expect(opened.data.constructionProject.dataAsOf).toBe(first.dataAsOf);
    expect(stack.requests('construction').map((r) => r.path)).toEqual(['/api/projects']);
  });

  it('filters by town', async () => {
    const town = stack.departments.county.towns[3]!;
    const expected = stack.departments.county.projects.filter((p) => p.townCode === town.code);
    const { data } = await stack.query(operation('DashboardProjects'), { first: 100, townCode: town.code });
    expect(data.constructionProjects.totalCount).toBe(expected.length);
    expect(data.constructionProjects.nodes.map((n: { townCode: string }) => n.townCode)).toEqual(expected.map(() => town.code));
  });

  it('says why a page request is refused', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ first: 0 }, 'first'],
      [{ first: 101 }, 'first'],
      [{ after: 'bm90IGEgY3Vyc29y' }, 'after'],
      [{ townCode: '522633101001' }, 'townCode'],
    ];
    for (const [variables, argument] of cases) {
      const { data, errors } = await stack.query(operation('DashboardProjects'), variables);
      expect(data).toBeNull();
      expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument }) })]);
    }
  });

  it('answers an empty page past the end', async () => {
    const total = stack.departments.county.projects.length;
    const after = Buffer.from(`offset:${total}`).toString('base64url');
    const { data } = await stack.query(`query($after: String) { constructionProjects(after: $after) { nodes { code } pageInfo { hasNextPage endCursor } } }`, { after });
    expect(data.constructionProjects).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});
