/** The county's department systems, as the embedded default and the tests use them. */
import { createConstructionSystem } from './construction/handlers';
import { createEnterpriseRegistry } from './enterprise-registry/handlers';
import { createLandRegistry, landFaultDefaults } from './land-registry/handlers';
import { generateCounty, type County } from './shared/county';
import { noFaults, type DepartmentFaults, type MockDepartment } from './shared/department';

export type DepartmentId = 'enterprise' | 'land' | 'construction';

export interface MockDepartments {
  county: County;
  enterprise: MockDepartment;
  land: MockDepartment;
  construction: MockDepartment;
}

export function defaultFaults(): Record<DepartmentId, DepartmentFaults> {
  return { enterprise: { ...noFaults(), latencyMs: 3 }, land: landFaultDefaults(), construction: { ...noFaults(), latencyMs: 3 } };
}

export function createDepartments(
  county: County = generateCounty(),
  faults: Partial<Record<DepartmentId, DepartmentFaults>> = {},
): MockDepartments {
  return {
    county,
    enterprise: createEnterpriseRegistry(county, faults.enterprise ?? noFaults()),
    land: createLandRegistry(county, faults.land ?? noFaults()),
    construction: createConstructionSystem(county, faults.construction ?? noFaults()),
  };
}

export { generateCounty, type County } from './shared/county';
export type { DepartmentFaults, MockDepartment } from './shared/department';
export { serveDepartment, type ServedDepartment } from './shared/serve';
