/**
 * The README's example operations (docs/operations) as the explorer's tabs, with variables
 * taken from the seeded county the embedded default serves, so pressing Run shows data
 * from every department for any DATA_SEED.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExplorerExample } from '../gateway/explorer';
import type { County } from '../mocks';

const OPERATIONS = join(__dirname, '..', 'docs', 'operations');

export const operationText = (name: string) => readFileSync(join(OPERATIONS, `${name}.graphql`), 'utf8');

/** Service items of the approval catalogue (mocks/approval/catalog.ts) with answers that pick one case. */
const CONSTRUCTION_PERMIT_ITEM = { itemCode: '000133001000', answers: [{ question: 'scale', value: 'ABOVE' }, { question: 'investor', value: 'ENTERPRISE' }] };
const PLANNING_PERMIT_ITEM = { itemCode: '000127003000', answers: [{ question: 'nature', value: 'NEW' }, { question: 'zone', value: 'INSIDE' }] };

/** Operation name → example, in the order the tabs open. Mutations are left out: Run must change nothing. */
export function explorerExamples(county: County): (ExplorerExample & { name: string })[] {
  const { projects, edgeCases } = county;
  const troubled = new Set(Object.values(edgeCases));
  // The README's joint-review project: at 施工许可, drawings reviewed, four participating units.
  const underReview = projects.find((p) => p.stage === 'CONSTRUCTION_PERMIT' && !troubled.has(p.code))!;
  // Ready for 施工许可 with a sound applicant, land right and drawings: the checklist comes back mostly SHARED.
  const ready = projects.find((p) => p.stage === 'CONSTRUCTION_PERMIT' && p.drawingReview?.result === '合格' && !troubled.has(p.code))!;
  // A construction permit comes after an approved application at each stage before it: the approval system has three.
  const withApplication = projects.find((p) => p.constructionPermit && !troubled.has(p.code))!;
  const examples: [string, Record<string, unknown>][] = [
    ['JointReview', { code: underReview.code }],
    ['DashboardProjects', { first: 10, stage: 'CONSTRUCTION_PERMIT', townCode: underReview.townCode }],
    ['MaterialChecklist', { ...CONSTRUCTION_PERMIT_ITEM, applicant: ready.applicantUscc, project: ready.code }],
    ['ServiceGuide', PLANNING_PERMIT_ITEM],
    ['JointReviewWithApplications', { code: withApplication.code }],
    ['EnterpriseProfile', { uscc: withApplication.applicantUscc }],
    ['Parcel', { unitNumber: withApplication.parcelUnitNumber }],
  ];
  return examples.map(([name, variables]) => ({ name, query: operationText(name), variables }));
}
