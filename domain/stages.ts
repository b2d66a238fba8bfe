/**
 * 工程建设项目审批的四个阶段: the stages a construction project passes, in order, with the
 * name the departments write and staff say. One definition for the construction and
 * approval subgraphs (enum ProjectStage), the mock departments, the dashboard and the
 * partner example.
 */
import { readerOf } from './statuses';

export const PROJECT_STAGES = ['PROJECT_LAND_PLANNING', 'ENGINEERING_PERMIT', 'CONSTRUCTION_PERMIT', 'COMPLETION_ACCEPTANCE'] as const;

export type ProjectStage = (typeof PROJECT_STAGES)[number];

export const STAGE_NAMES: Record<ProjectStage, string> = {
  PROJECT_LAND_PLANNING: '立项用地规划许可',
  ENGINEERING_PERMIT: '工程建设许可',
  CONSTRUCTION_PERMIT: '施工许可',
  COMPLETION_ACCEPTANCE: '竣工验收',
};

export const isProjectStage = (value: unknown): value is ProjectStage => (PROJECT_STAGES as readonly unknown[]).includes(value);

/** The stage a department's record names (立项用地规划许可 …), or undefined for a name no stage has. */
export const stageNamed = readerOf(STAGE_NAMES);
