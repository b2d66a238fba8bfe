/** The operation each list kind sends (the .graphql files schema:check reads). */
import type { ListKind } from './list-filters';
import APPLICATION_LIST from './operations/DashboardApplicationList.graphql?raw';
import PROJECT_LIST from './operations/DashboardProjectList.graphql?raw';
import UNAPPLIED_LIST from './operations/DashboardUnappliedList.graphql?raw';

export const LIST_OPERATIONS: Record<ListKind, string> = { projects: PROJECT_LIST, applications: APPLICATION_LIST, unapplied: UNAPPLIED_LIST };
