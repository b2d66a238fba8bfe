/**
 * The named edge cases: records made (or found) on purpose so the rules have something to
 * catch, named so the README, the explorer's examples and the tests can find them. Each
 * is chosen by a predicate, never by position, and county-data.test.ts asserts, for every
 * case and several seeds, that the project chosen satisfies it and shows what it claims.
 *
 * Projects that are the ordinary example of their stage (the first one at it, which the
 * README shows) and projects another case has taken are never chosen.
 */
import { DATASET_DATE, type EdgeCaseName, type EnterpriseRecord, type ParcelRecord, type ProjectRecord } from './model';
import { PROJECT_STAGES } from '../../domain/stages';
import { signLicence } from '../shared/signing';
import { isDeveloper, type GeneratedCounty } from './generation';

export interface EdgeCase {
  name: EdgeCaseName;
  /** What the case shows, as the README's table says it. */
  shows: string;
  /** Which projects may carry the case: the first that qualifies is chosen. */
  qualifies(project: ProjectRecord, county: GeneratedCounty): boolean;
  /** Plants the case. `afterSigning`: the change is one the signature must expose. */
  make?(project: ProjectRecord, county: GeneratedCounty): void;
  afterSigning?: boolean;
  /** True when the county shows the case on this project (the test's check). */
  holds(project: ProjectRecord, county: GeneratedCounty): boolean;
}

export const EDGE_CASES: readonly EdgeCase[] = [
  {
    name: 'revokedApplicantProject',
    shows: "the applicant's licence is revoked (吊销)",
    qualifies: (p) => p.stage === 'ENGINEERING_PERMIT',
    // A developer with no other project takes it over, so no other project's applicant changes.
    make: (p, county) => takeOver(p, county, idleDeveloper(county), (e) => (e.status = '吊销')),
    holds: (p, county) => applicant(p, county).status === '吊销' && parcel(p, county).holderUscc === p.applicantUscc,
  },
  {
    name: 'abnormalListedApplicantProject',
    shows: 'the applicant is on the abnormal-operations list (经营异常名录)',
    qualifies: (p) => p.stage === 'CONSTRUCTION_PERMIT',
    make: (p, county) =>
      takeOver(p, county, idleDeveloper(county), (e) =>
        e.abnormalRecords.push({ reason: '未按照规定期限公示年度报告', listedOn: '2026-07-15', removedOn: null, authority: county.departments.marketRegulation.name }),
      ),
    holds: (p, county) => applicant(p, county).abnormalRecords.some((r) => r.removedOn === null) && ['存续', '在业'].includes(applicant(p, county).status),
  },
  {
    name: 'expiredLandRightProject',
    shows: "the parcel's land-use right has expired",
    qualifies: (p) => p.stage === 'COMPLETION_ACCEPTANCE',
    make: (p, county) => Object.assign(parcel(p, county), { landUseCode: '0501', landUseName: '零售商业用地', termStart: '1986-03-01', termEnd: '2026-03-01' }),
    holds: (p, county) => parcel(p, county).termEnd < DATASET_DATE,
  },
  {
    name: 'permitExemptProject',
    shows: 'a small project that needs no construction permit (under 30 万元 or 300 m²)',
    // Generated as such: found, not made.
    qualifies: (p) => !p.constructionPermitRequired,
    holds: (p) => !p.constructionPermitRequired && p.constructionPermit === null && (p.totalInvestment < 30 || p.buildingArea < 300),
  },
  {
    name: 'tamperedPermitProject',
    shows: 'its construction permit was extended by two years after signing: it must not verify',
    qualifies: (p) => p.stage === 'COMPLETION_ACCEPTANCE' && p.constructionPermit !== null,
    // The record now says valid two years longer than what was signed.
    make: (p) => {
      const permit = p.constructionPermit!;
      permit.validUntil = `${Number(permit.validUntil.slice(0, 4)) + 2}${permit.validUntil.slice(4)}`;
      permit.licence = { ...permit.licence, content: { ...permit.licence.content, validUntil: permit.validUntil } };
    },
    afterSigning: true,
    // Signed again over what the record now says, the signature would differ: the one it carries covers the old date.
    holds: (p, county) => {
      const permit = p.constructionPermit;
      return permit !== null && permit.licence.content.validUntil === permit.validUntil && signLicence(permit.licence.content, county.departments.housingConstruction.signingKey) !== permit.licence.signature;
    },
  },
];

/** The project each case is planted on; throws when no project qualifies (a generation change broke a case). */
export function chooseEdgeCases(county: GeneratedCounty): Map<EdgeCase, ProjectRecord> {
  const ordinary = new Set(PROJECT_STAGES.map((stage) => county.projects.find((p) => p.stage === stage)));
  const chosen = new Map<EdgeCase, ProjectRecord>();
  const taken = new Set<ProjectRecord>();
  for (const edgeCase of EDGE_CASES) {
    const project = county.projects.find((p) => !ordinary.has(p) && !taken.has(p) && edgeCase.qualifies(p, county));
    if (!project) throw new Error(`county data: no project qualifies for the edge case ${edgeCase.name} (seed ${county.seed})`);
    chosen.set(edgeCase, project);
    taken.add(project);
  }
  return chosen;
}

const applicant = (p: ProjectRecord, county: GeneratedCounty): EnterpriseRecord => county.enterprises.find((e) => e.uscc === p.applicantUscc)!;
const parcel = (p: ProjectRecord, county: GeneratedCounty): ParcelRecord => county.parcels.find((l) => l.unitNumber === p.parcelUnitNumber)!;

/** A developer that applies for no project yet. */
function idleDeveloper(county: GeneratedCounty): EnterpriseRecord {
  const applicants = new Set(county.projects.map((p) => p.applicantUscc));
  const developer = county.enterprises.find((e) => isDeveloper(e) && !applicants.has(e.uscc));
  if (!developer) throw new Error(`county data: every developer already applies for a project (seed ${county.seed})`);
  return developer;
}

/** `developer` becomes the project's applicant and its parcel's right holder, changed as `change` says. */
function takeOver(p: ProjectRecord, county: GeneratedCounty, developer: EnterpriseRecord, change: (e: EnterpriseRecord) => void): void {
  change(developer);
  p.applicantUscc = developer.uscc;
  const land = parcel(p, county);
  land.holderUscc = developer.uscc;
  land.holderName = developer.name;
}
