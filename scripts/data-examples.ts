/**
 * `npm run data:examples`: identifiers from the seeded county to try queries with
 * (the same on every machine for the same DATA_SEED).
 */
import { generateCounty } from '../mocks';
import { notYetApplied } from '../mocks/approval/history';

const county = generateCounty(process.env.DATA_SEED ? Number(process.env.DATA_SEED) : undefined);
const { projects, edgeCases, towns } = county;
const byStage = (stage: string) => projects.find((p) => p.stage === stage)!;
const troubled = new Set(Object.values(edgeCases));
// Drawings passed, sound applicant and land, and not yet applied for at its stage: the checklist and a new application work.
const fresh = (stage: string) => notYetApplied(county).find((p) => p.stage === stage && p.drawingReview?.result === '合格' && !troubled.has(p.code))!;
const row = (what: string, value: string) => console.log(`${what.padEnd(52)} ${value}`);

row('project at 立项用地规划许可', byStage('PROJECT_LAND_PLANNING').code);
row('project at 工程建设许可', byStage('ENGINEERING_PERMIT').code);
row('project at 施工许可', byStage('CONSTRUCTION_PERMIT').code);
row('project at 竣工验收', byStage('COMPLETION_ACCEPTANCE').code);
row('project whose applicant is revoked (吊销)', edgeCases.revokedApplicantProject);
row('project whose applicant is on 经营异常名录', edgeCases.abnormalListedApplicantProject);
row('project whose land-use right has expired', edgeCases.expiredLandRightProject);
row('project exempt from a construction permit', edgeCases.permitExemptProject);
row('project whose construction permit was tampered with', edgeCases.tamperedPermitProject);
row('project ready for 施工许可, no application yet', `${fresh('CONSTRUCTION_PERMIT').code} (applicant ${fresh('CONSTRUCTION_PERMIT').applicantUscc})`);
row('enterprise (a developer)', projects[0]!.applicantUscc);
row('parcel', projects[0]!.parcelUnitNumber);
row(`town ${towns[0]!.name}`, towns[0]!.code);
