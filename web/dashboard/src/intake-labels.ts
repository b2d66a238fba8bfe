/** Chinese names for the checklist's enums, as the window clerk says them (综合窗口受理). */
import { LICENCE_TYPE_NAMES } from '../../../domain/licences';

export const CHECKLIST_STATUS_NAMES: Record<string, string> = { SHARED: '免提交', REQUIRED: '需提交', BLOCKED: '受阻' };

/** The licences as domain/licences.ts names them, and the other documents a department can supply (SharedDocumentType). */
export const DOCUMENT_TYPE_NAMES: Record<string, string> = {
  ...LICENCE_TYPE_NAMES,
  PROJECT_FILING: '项目审批（核准、备案）文件',
  TRANSFER_CONTRACT: '国有建设用地使用权出让合同',
  DRAWING_REVIEW_CERTIFICATE: '施工图审查合格书',
};

export const NECESSITY_NAMES: Record<string, string> = { REQUIRED: '必要', OPTIONAL: '非必要', DEFERRABLE: '容缺（可后补）' };

export const FORM_NAMES: Record<string, string> = { PAPER: '纸质', ELECTRONIC: '电子', PAPER_AND_ELECTRONIC: '纸质和电子' };
