import type { EnterpriseRecord, ProjectRecord } from '../../mocks/county';
import { operation, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());
beforeEach(() => stack.resetCounts());

const STATUS: Record<string, string> = { 存续: 'SUBSISTING', 在业: 'IN_BUSINESS', 吊销: 'REVOKED', 注销: 'DEREGISTERED', 迁出: 'MOVED_OUT' };

describe('the joint-review query (联审) in one request', () => {
  const pick = () => {
    const { projects } = stack.departments.county;
    return ['PROJECT_LAND_PLANNING', 'ENGINEERING_PERMIT', 'CONSTRUCTION_PERMIT', 'COMPLETION_ACCEPTANCE'].map(
      (stage) => projects.find((p) => p.stage === stage)!,
    );
  };

  it('returns consistent data from all three departments for a project at every stage', async () => {
    const { county } = stack.departments;
    const enterprise = (uscc: string) => county.enterprises.find((e) => e.uscc === uscc)!;
    for (const project of pick()) {
      const { data, errors } = await stack.query(operation('JointReview'), { code: project.code });
      expect(errors).toBeUndefined();
      const p = data.constructionProject;
      const parcel = county.parcels.find((x) => x.unitNumber === project.parcelUnitNumber)!;
      const applicant = enterprise(project.applicantUscc);
      expect(p).toMatchObject({
        code: project.code,
        name: project.name,
        stage: project.stage,
        totalInvestment: project.totalInvestment,
        applicant: { uscc: applicant.uscc, name: applicant.name, status: STATUS[applicant.status], legalRepresentative: { name: applicant.legalRepresentative.name } },
        parcel: {
          unitNumber: parcel.unitNumber,
          area: parcel.area,
          landUse: parcel.landUseName,
          planningConditions: parcel.planningConditions,
          rightHolder: { uscc: parcel.holderUscc, name: enterprise(parcel.holderUscc).name },
          landPlanningPermit: parcel.landPlanningPermit && { number: parcel.landPlanningPermit.number, issuedOn: parcel.landPlanningPermit.issuedOn },
          engineeringPlanningPermit: parcel.engineeringPlanningPermit && {
            number: parcel.engineeringPlanningPermit.number,
            issuedOn: parcel.engineeringPlanningPermit.issuedOn,
          },
        },
        constructionPermit: project.constructionPermit && { number: project.constructionPermit.number, issuedOn: project.constructionPermit.issuedOn },
      });
      expect(p.participants).toEqual(
        project.participants.map((x: ProjectRecord['participants'][number]) => {
          const e: EnterpriseRecord = enterprise(x.uscc);
          return { role: x.role, enterprise: { uscc: e.uscc, name: e.name, status: STATUS[e.status] } };
        }),
      );
    }
  });

  // 500 joint reviews: on two shared cores beside the browser tests this outgrows the default 30 s hang guard.
  it('agrees with the department data for every project code the list gives out', async () => {
    const { county } = stack.departments;
    const codes: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await stack.query(`query($after: String) { constructionProjects(first: 100, after: $after) { nodes { code } pageInfo { hasNextPage endCursor } } }`, { after });
      codes.push(...page.data.constructionProjects.nodes.map((n: { code: string }) => n.code));
      after = page.data.constructionProjects.pageInfo.hasNextPage ? page.data.constructionProjects.pageInfo.endCursor : null;
    } while (after);
    expect(codes).toHaveLength(county.projects.length);
    const names = new Map(county.enterprises.map((e) => [e.uscc, e.name]));
    const mismatches: string[] = [];
    for (let i = 0; i < codes.length; i += 10) {
      await Promise.all(
        codes.slice(i, i + 10).map(async (code) => {
          const { data, errors } = await stack.query(operation('JointReview'), { code });
          const project = county.projects.find((p) => p.code === code)!;
          const p = data?.constructionProject;
          const consistent =
            !errors &&
            p.applicant.uscc === project.applicantUscc &&
            p.applicant.name === names.get(project.applicantUscc) &&
            p.parcel.unitNumber === project.parcelUnitNumber &&
            p.parcel.rightHolder.uscc === project.applicantUscc &&
            p.participants.every((x: any, k: number) => x.enterprise.uscc === project.participants[k]!.uscc && x.enterprise.name === names.get(x.enterprise.uscc));
          if (!consistent) mismatches.push(code);
        }),
      );
    }
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('asks each department once: one project, one enterprise batch, one parcel', async () => {
    const project = pick()[2]!;
    await stack.query(operation('JointReview'), { code: project.code });
    expect(stack.requests('construction')).toHaveLength(1);
    expect(stack.requests('land')).toEqual([expect.objectContaining({ path: '/bdc/query', search: `?bdcdyh=${project.parcelUnitNumber}` })]);
    // Applicant and participants go in one batch; the right holder (the applicant) is then cached.
    expect(stack.requests('enterprise')).toHaveLength(1);
    const asked = (stack.requests('enterprise')[0]!.body as { usccList: string[] }).usccList;
    expect(new Set(asked)).toEqual(new Set([project.applicantUscc, ...project.participants.map((x) => x.uscc)]));
  });

  it('shows the edge cases a reviewer must see: revoked applicant, abnormal-list entry, expired land right', async () => {
    const { edgeCases } = stack.departments.county;
    const revoked = await stack.query(operation('JointReview'), { code: edgeCases.revokedApplicantProject });
    expect(revoked.data.constructionProject.applicant.status).toBe('REVOKED');

    const listed = await stack.query(operation('JointReview'), { code: edgeCases.abnormalListedApplicantProject });
    expect(listed.data.constructionProject.applicant.abnormalRecords).toContainEqual({ reason: '未按照规定期限公示年度报告', listedOn: '2026-07-15' });

    const expired = await stack.query(
      `query($code: ID!) { constructionProject(code: $code) { parcel { landUseRight { termEnd expired } } } }`,
      { code: edgeCases.expiredLandRightProject },
    );
    expect(expired.data.constructionProject.parcel.landUseRight).toEqual({ termEnd: '2026-03-01', expired: true });
  });

  it('masks the legal representative’s ID number and mobile', async () => {
    const project = pick()[0]!;
    const applicant = stack.departments.county.enterprises.find((e) => e.uscc === project.applicantUscc)!;
    const { data } = await stack.query(`query($uscc: ID!) { enterprise(uscc: $uscc) { legalRepresentative { idNumber mobile } } }`, { uscc: applicant.uscc });
    const { idNumber, mobile } = applicant.legalRepresentative;
    expect(data.enterprise.legalRepresentative).toEqual({
      idNumber: `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`,
      mobile: `${mobile.slice(0, 3)}****${mobile.slice(-4)}`,
    });
  });

  it('finds an enterprise’s projects through the construction subgraph', async () => {
    const { county } = stack.departments;
    const developer = county.projects[0]!.applicantUscc;
    const expected = county.projects.filter((p) => p.applicantUscc === developer || p.participants.some((x) => x.uscc === developer));
    const { data, errors } = await stack.query(operation('EnterpriseProfile'), { uscc: developer });
    expect(errors).toBeUndefined();
    expect(data.enterprise.projects.map((p: { code: string }) => p.code).sort()).toEqual(expected.map((p) => p.code).sort());
  });

  it('answers a parcel lookup with its right and permits', async () => {
    const parcel = stack.departments.county.parcels.find((p) => p.engineeringPlanningPermit)!;
    const { data, errors } = await stack.query(operation('Parcel'), { unitNumber: parcel.unitNumber });
    expect(errors).toBeUndefined();
    expect(data.parcel).toMatchObject({
      unitNumber: parcel.unitNumber,
      parcelCode: parcel.unitNumber.slice(0, 19),
      landUseRight: { certificateNumber: parcel.certificateNumber, termEnd: parcel.termEnd, holderName: parcel.holderName },
      rightHolder: { uscc: parcel.holderUscc },
      engineeringPlanningPermit: { number: parcel.engineeringPlanningPermit!.number, licenceId: parcel.engineeringPlanningPermit!.licenceId },
    });
  });
});
