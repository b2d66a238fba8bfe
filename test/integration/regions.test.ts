import { startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());

describe('regions: 省—州—县—镇—村 as one tree, and lists by subtree', () => {
  it('walks the tree from the province down to a village and back up', async () => {
    const town = stack.departments.county.towns[0]!;
    const village = town.villages[1]!;
    const { data, errors } = await stack.query(`query($v: ID!) {
      province: region { code name level children { code name } }
      county: region(code: "522633") { level parent { code name } children { code } }
      village: region(code: $v) { name level path { code name level } }
    }`, { v: village.code });
    expect(errors).toBeUndefined();
    expect(data.province).toMatchObject({ code: '52', name: '贵州省', level: 'PROVINCE', children: [{ code: '5226', name: '黔东南苗族侗族自治州' }] });
    expect(data.county).toMatchObject({ level: 'COUNTY', parent: { code: '5226' } });
    expect(data.county.children).toHaveLength(stack.departments.county.towns.length);
    expect(data.village.path.map((r: any) => r.level)).toEqual(['PROVINCE', 'PREFECTURE', 'COUNTY', 'TOWN', 'VILLAGE']);
    expect(data.village.path.map((r: any) => r.code)).toEqual(['52', '5226', '522633', town.code, village.code]);
  });

  it('gives projects, parcels and enterprises their region', async () => {
    const project = stack.departments.county.projects[0]!;
    const { data } = await stack.query(`query($c: ID!) { constructionProject(code: $c) { region { code level } parcel { region { code } } applicant { region { level path { code } } } } }`, { c: project.code });
    expect(data.constructionProject.region).toEqual({ code: project.townCode, level: 'TOWN' });
    expect(data.constructionProject.parcel.region.code).toBe(project.townCode);
    expect(data.constructionProject.applicant.region.level).toBe('VILLAGE');
  });

  it('filters every list by a region’s whole subtree', async () => {
    const { county } = stack.departments;
    const town = county.towns[2]!;
    const projects = await stack.query(`query($r: String) { constructionProjects(regionCode: $r, first: 100) { totalCount } }`, { r: town.code });
    expect(projects.data.constructionProjects.totalCount).toBe(county.projects.filter((p) => p.townCode === town.code).length);
    const all = await stack.query(`{ constructionProjects(regionCode: "5226") { totalCount } }`);
    expect(all.data.constructionProjects.totalCount).toBe(county.projects.length);
    // A province caller may ask about another county (榕江县): none of ours are there.
    const provincial = await stack.issuer.token({ sub: 'gz-1', region: '52', scope: 'construction:read' });
    const elsewhere = await stack.queryWith({ authorization: `Bearer ${provincial}` }, `{ constructionProjects(regionCode: "522632") { totalCount } }`);
    expect(elsewhere.data.constructionProjects.totalCount).toBe(0);

    const enterprises = await stack.query(`query($r: String!) { enterprises(regionCode: $r, first: 5) { totalCount nodes { regionCode } } }`, { r: town.code });
    expect(enterprises.data.enterprises.totalCount).toBe(county.enterprises.filter((e) => e.regionCode.startsWith(town.code.slice(0, 9))).length);
    for (const e of enterprises.data.enterprises.nodes) expect(e.regionCode.startsWith(town.code.slice(0, 9))).toBe(true);

    const applications = await stack.query(`query($r: String) { applications(regionCode: $r, first: 100) { nodes { region { code } } } }`, { r: town.code });
    for (const a of applications.data.applications.nodes) expect(a.region.code).toBe(town.code);
  });

  it('refuses a malformed region code by name', async () => {
    const { errors } = await stack.query(`{ constructionProjects(regionCode: "5226331") { totalCount } }`);
    expect(errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'regionCode' });
  });
});
