/** The county's department systems, as the embedded default and the tests use them. */
import { createApprovalSystem } from './approval/handlers';
import { createConstructionSystem } from './construction/handlers';
import { createEnterpriseSystem } from './enterprise/handlers';
import { createLandSystem, landFaultDefaults } from './land/handlers';
import { generateCounty, type County } from './county';
import { noFaults, type DepartmentFaults, type MockDepartment } from './shared/department';

export type DepartmentId = 'enterprise' | 'land' | 'construction' | 'approval';

export interface MockDepartments {
  county: County;
  enterprise: MockDepartment;
  land: MockDepartment;
  construction: MockDepartment;
  approval: MockDepartment;
}

export function createDepartments(
  county: County = generateCounty(),
  faults: Partial<Record<DepartmentId, DepartmentFaults>> = {},
  options: { approvalClock?: () => Date } = {},
): MockDepartments {
  return {
    county,
    enterprise: createEnterpriseSystem(county, faults.enterprise ?? noFaults()),
    land: createLandSystem(county, faults.land ?? landFaultDefaults()),
    construction: createConstructionSystem(county, faults.construction ?? noFaults()),
    approval: createApprovalSystem(county, { faults: faults.approval ?? noFaults(), now: options.approvalClock }),
  };
}

export { generateCounty, type County } from './county';
export type { DepartmentFaults, MockDepartment } from './shared/department';
export { serveDepartment, type ServedDepartment } from './shared/serve';
