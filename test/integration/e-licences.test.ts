import { chinaDate } from '../../domain/time';
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
    constructionPermit { number validUntil verified inForce issuingDepartment paperCopyCode }
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

  describe('verifyLicense: a partner checks a printed copy', () => {
    const VERIFY = `query($n: String!, $c: String!) { verifyLicense(number: $n, content: $c) { valid signatureValid inForce checkedOn reason type typeName holder issuerName validUntil } }`;
    const codeOf = async (code: string) => (await stack.query(LICENCES, { code })).data.constructionProject.constructionPermit;
    const today = chinaDate();
    // Chosen by what they are, not where they are: a genuine permit in force today, and a genuine one that has expired.
    const permitted = () => stack.departments.county.projects.filter((p) => p.constructionPermit && p.code !== stack.departments.county.edgeCases.tamperedPermitProject);
    const inForce = () => permitted().find((p) => p.constructionPermit!.issuedOn <= today && p.constructionPermit!.validUntil >= today)!;
    const expired = () => permitted().find((p) => p.constructionPermit!.validUntil < today)!;

    it('accepts the code printed on a genuine licence in force', async () => {
      const project = inForce();
      const permit = await codeOf(project.code);
      const { data, errors } = await stack.query(VERIFY, { n: permit.number, c: permit.paperCopyCode });
      expect(errors).toBeUndefined();
      expect(data.verifyLicense).toMatchObject({ valid: true, signatureValid: true, inForce: true, checkedOn: today, reason: null, type: 'CONSTRUCTION_PERMIT', typeName: '建筑工程施工许可证', holder: project.applicantUscc, issuerName: '从江县住房和城乡建设局' });
    });

    it('tells a genuine licence that has expired apart from a forged one', async () => {
      const project = expired();
      const permit = await codeOf(project.code);
      const { data } = await stack.query(VERIFY, { n: permit.number, c: permit.paperCopyCode });
      expect(data.verifyLicense).toMatchObject({ valid: false, signatureValid: true, inForce: false, reason: `genuine, but expired on ${project.constructionPermit!.validUntil}` });
      // The project page says the same of it.
      expect(permit).toMatchObject({ verified: true, inForce: false });
      expect((await codeOf(inForce().code)).inForce).toBe(true);
    });

    it('rejects the tampered permit, an edited copy and a mismatched number, saying why', async () => {
      const tampered = await codeOf(stack.departments.county.edgeCases.tamperedPermitProject);
      const forged = await stack.query(VERIFY, { n: tampered.number, c: tampered.paperCopyCode });
      expect(forged.data.verifyLicense).toMatchObject({ valid: false, signatureValid: false, inForce: null, reason: expect.stringContaining('signature does not match') });

      const genuine = await codeOf(inForce().code);
      const edited = JSON.stringify({ ...JSON.parse(genuine.paperCopyCode), validUntil: '2099-12-31' });
      expect((await stack.query(VERIFY, { n: genuine.number, c: edited })).data.verifyLicense).toMatchObject({ valid: false, signatureValid: false });
      const otherNumber = await stack.query(VERIFY, { n: '522633202401010101', c: genuine.paperCopyCode });
      expect(otherNumber.data.verifyLicense).toMatchObject({ valid: false, reason: expect.stringContaining('is not the one in its code') });
    });

    it('refuses a code with a field given twice or a field no licence has, instead of picking a value', async () => {
      const genuine = await codeOf(inForce().code);
      // JSON.parse keeps the last of two: a forger's hope that the signature is checked on one value and the other is shown.
      const doubled = genuine.paperCopyCode.replace(/^\{/, '{"validUntil":"2099-12-31",');
      const twice = await stack.query(VERIFY, { n: genuine.number, c: doubled });
      expect(twice.data).toBeNull();
      expect(twice.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'content' });
      expect(twice.errors![0]!.message).toMatch(/"validUntil" is given more than once/);
      const extra = await stack.query(VERIFY, { n: genuine.number, c: JSON.stringify({ ...JSON.parse(genuine.paperCopyCode), note: '正本' }) });
      expect(extra.errors![0]!.message).toMatch(/"note" is not part of a licence/);
    });

    it('answers BAD_USER_INPUT when the content is not a licence code at all', async () => {
      const { errors } = await stack.query(VERIFY, { n: '1', c: 'hello' });
      expect(errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'content' });
    });
  });
});
