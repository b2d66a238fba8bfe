/** Chinese names for the checklist's enums, as the window clerk says them (综合窗口受理). */

export const CHECKLIST_STATUS_NAMES: Record<string, string> = { SHARED: '免提交', REQUIRED: '需提交', BLOCKED: '受阻' };

export const DOCUMENT_TYPE_NAMES: Record<string, string> = {
  BUSINESS_LICENCE: '营业执照',
  PROJECT_FILING: '项目审批（核准、备案）文件',
  LAND_CERTIFICATE: '不动产权证书',
  TRANSFER_CONTRACT: '国有建设用地使用权出让合同',
  SITE_SELECTION_OPINION: '建设项目用地预审与选址意见书',
  LAND_PLANNING_PERMIT: '建设用地规划许可证',
  ENGINEERING_PLANNING_PERMIT: '建设工程规划许可证',
  DRAWING_REVIEW_CERTIFICATE: '施工图审查合格书',
  CONSTRUCTION_PERMIT: '建筑工程施工许可证',
};

export const NECESSITY_NAMES: Record<string, string> = { REQUIRED: '必要', OPTIONAL: '非必要', DEFERRABLE: '容缺（可后补）' };

export const FORM_NAMES: Record<string, string> = { PAPER: '纸质', ELECTRONIC: '电子', PAPER_AND_ELECTRONIC: '纸质和电子' };
