import {
  checkConstructionPermitNumber,
  checkElectronicLicenceId,
  checkMobilePhone,
  checkProjectCode,
  checkResidentIdNumber,
  checkTownCode,
  checkUnitNumber,
  checkUscc,
} from '../../domain/identifiers';
import { DATASET_DATE, generateCounty } from '../../mocks/shared/county';

const county = generateCounty();

describe('the seeded county data set', () => {
  it('is the same for the same seed and different for another', () => {
    const again = generateCounty();
    expect(again.projects.map((p) => p.code)).toEqual(county.projects.map((p) => p.code));
    expect(again.enterprises[123]).toEqual(county.enterprises[123]);
    expect(generateCounty(1).projects[0]!.code).not.toBe(county.projects[0]!.code);
  });

  it('has at least 2,000 enterprises, 1,000 parcels and 500 projects, each key unique', () => {
    expect(county.enterprises.length).toBeGreaterThanOrEqual(2000);
    expect(county.parcels.length).toBeGreaterThanOrEqual(1000);
    expect(county.projects.length).toBeGreaterThanOrEqual(500);
    expect(new Set(county.enterprises.map((e) => e.uscc)).size).toBe(county.enterprises.length);
    expect(new Set(county.parcels.map((p) => p.unitNumber)).size).toBe(county.parcels.length);
    expect(new Set(county.projects.map((p) => p.code)).size).toBe(county.projects.length);
  });

  it('passes every identifier check', () => {
    const failures: string[] = [];
    const expectValid = (what: string, r: { valid: boolean }) => {
      if (!r.valid) failures.push(what);
    };
    const today = new Date(DATASET_DATE);
    for (const e of county.enterprises) {
      expectValid(e.uscc, checkUscc(e.uscc));
      expectValid(e.legalRepresentative.idNumber, checkResidentIdNumber(e.legalRepresentative.idNumber, today));
      expectValid(e.legalRepresentative.mobile, checkMobilePhone(e.legalRepresentative.mobile));
      expectValid(e.businessLicenceId, checkElectronicLicenceId(e.businessLicenceId));
    }
    for (const p of county.parcels) {
      expectValid(p.unitNumber, checkUnitNumber(p.unitNumber));
      expectValid(p.townCode, checkTownCode(p.townCode));
      expectValid(p.certificateLicenceId, checkElectronicLicenceId(p.certificateLicenceId));
    }
    for (const p of county.projects) {
      expectValid(p.code, checkProjectCode(p.code));
      if (p.constructionPermit) expectValid(p.constructionPermit.number, checkConstructionPermitNumber(p.constructionPermit.number));
    }
    for (const d of Object.values(county.departments)) expectValid(d.uscc, checkUscc(d.uscc));
    expect(failures).toEqual([]);
  });

  it('resolves every cross-reference', () => {
    const enterprises = new Set(county.enterprises.map((e) => e.uscc));
    const parcels = new Map(county.parcels.map((p) => [p.unitNumber, p]));
    for (const project of county.projects) {
      expect(enterprises.has(project.applicantUscc)).toBe(true);
      expect(parcels.get(project.parcelUnitNumber)?.holderUscc).toBe(project.applicantUscc);
      for (const participant of project.participants) expect(enterprises.has(participant.uscc)).toBe(true);
    }
    for (const parcel of county.parcels) expect(enterprises.has(parcel.holderUscc)).toBe(true);
  });

  it('spreads projects over every stage and many towns', () => {
    expect(new Set(county.projects.map((p) => p.stage)).size).toBe(4);
    expect(new Set(county.projects.map((p) => p.townCode)).size).toBeGreaterThanOrEqual(10);
  });

  it('holds the edge cases it names', () => {
    const project = (code: string) => county.projects.find((p) => p.code === code)!;
    const enterprise = (uscc: string) => county.enterprises.find((e) => e.uscc === uscc)!;
    const { edgeCases } = county;
    expect(enterprise(project(edgeCases.revokedApplicantProject).applicantUscc).status).toBe('吊销');
    const listed = enterprise(project(edgeCases.abnormalListedApplicantProject).applicantUscc);
    expect(listed.abnormalRecords.some((r) => r.removedOn === null)).toBe(true);
    const parcel = county.parcels.find((p) => p.unitNumber === project(edgeCases.expiredLandRightProject).parcelUnitNumber)!;
    expect(parcel.termEnd < DATASET_DATE).toBe(true);
    expect(project(edgeCases.permitExemptProject).constructionPermitRequired).toBe(false);
    expect(project(edgeCases.permitExemptProject).constructionPermit).toBeNull();
  });
});
