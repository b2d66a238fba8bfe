import { startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());

const LICENCES = `query($code: ID!) {
  constructionProject(code: $code) {
    applicant { businessLicence { number issuingDepartment verified signedContent } }
    parcel {
      landUseRight { certificate { number validUntil verified } }
      landPlanningPermit { number verified issuingDepartment }
      engineeringPlanningPermit { number verified }
    }
    constructionPermit { number validUntil verified issuingDepartment paperCopyCode }
  }
}`;

describe('e-licences (电子证照) carry their department’s signature', () => {
  it('verifies every licence of a project as the departments issued them', async () => {
    const project = stack.departments.county.projects.find(
      (p) => p.stage === 'COMPLETION_ACCEPTANCE' && p.code !== stack.departments.county.edgeCases.tamperedPermitProject,
    )!;
    const { data, errors } = await stack.query(LICENCES, { code: project.code });
    expect(errors).toBeUndefined();
    const p = data.constructionProject;
    expect(p.applicant.businessLicence).toMatchObject({ number: project.applicantUscc, issuingDepartment: '从江县市场监督管理局', verified: true });
    expect(JSON.parse(p.applicant.businessLicence.signedContent)).toMatchObject({ type: 'BUSINESS_LICENCE', holder: project.applicantUscc });
    expect(p.parcel.landUseRight.certificate.verified).toBe(true);
    expect(p.parcel.landPlanningPermit).toMatchObject({ verified: true, issuingDepartment: '从江县自然资源局' });
    expect(p.parcel.engineeringPlanningPermit.verified).toBe(true);
    expect(p.constructionPermit).toMatchObject({ number: project.constructionPermit!.number, verified: true, issuingDepartment: '从江县住房和城乡建设局' });
  });

  it('shows verified: false for the permit whose validity was extended after signing', async () => {
    const { edgeCases, projects } = stack.departments.county;
    const project = projects.find((p) => p.code === edgeCases.tamperedPermitProject)!;
    const { data } = await stack.query(LICENCES, { code: project.code });
    expect(data.constructionProject.constructionPermit).toMatchObject({ validUntil: project.constructionPermit!.validUntil, verified: false });
    // The rest of the project's licences are genuine.
    expect(data.constructionProject.applicant.businessLicence.verified).toBe(true);
  });
});
