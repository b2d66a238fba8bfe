import { startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());
beforeEach(() => stack.resetCounts());

describe('bad input gets a clear error and asks no department', () => {
  it.each([
    ['enterprise', 'uscc', '91522633MA6DJ2R3X1', /统一社会信用代码/],
    ['enterprise', 'uscc', '9152263', /18 characters/],
    ['parcel', 'unitNumber', '522633001001XB00001F00010001', /不动产单元号/],
    ['constructionProject', 'code', '2413-522633-89-01-123457', /YYMM/],
    ['constructionProject', 'code', 'not-a-code', /投资项目代码 must look like/],
  ])('%s(%s: "%s") is BAD_USER_INPUT saying which check failed', async (field, argument, value, reason) => {
    const { status, data, errors } = await stack.query(`query($v: ID!) { ${field}(${argument}: $v) { __typename } }`, { v: value });
    expect(status).toBe(200);
    expect(data).toEqual({ [field]: null });
    expect(errors).toHaveLength(1);
    expect(errors![0]).toMatchObject({ path: [field], extensions: { code: 'BAD_USER_INPUT', argument } });
    expect(errors![0]!.message).toMatch(reason);
    expect(stack.requests('enterprise').length + stack.requests('land').length + stack.requests('construction').length).toBe(0);
  });

  it('answers null without an error for a well-formed code nobody registered', async () => {
    const { county } = stack.departments;
    // Well-formed: a real code with its project-sequence part changed.
    const project = `${county.projects[0]!.code.slice(0, -6)}000000`;
    const parcel = '522633001001GB99999W99999999';
    const { data, errors } = await stack.query(
      `query($p: ID!, $u: ID!, $e: ID!) { constructionProject(code: $p) { name } parcel(unitNumber: $u) { area } enterprise(uscc: $e) { name } }`,
      { p: project, u: parcel, e: '91350100M000100Y43' },
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({ constructionProject: null, parcel: null, enterprise: null });
  });

  it('keeps the good half of a request when one argument is bad', async () => {
    const good = stack.departments.county.projects[0]!;
    const { data, errors } = await stack.query(
      `query($good: ID!) { ok: constructionProject(code: $good) { code } bad: enterprise(uscc: "X") { name } }`,
      { good: good.code },
    );
    expect(data).toEqual({ ok: { code: good.code }, bad: null });
    expect(errors).toEqual([expect.objectContaining({ path: ['bad'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  });
});
