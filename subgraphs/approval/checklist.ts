/**
 * 照单抓药 with shared data: what each material's status is, given what the departments
 * hold. The facts arrive through the gateway (the `@requires` of ChecklistEntry), so
 * this is a pure function of them: no department is called from here.
 */
import type { Material } from './client';

export interface EnterpriseFacts {
  /** Present for the project's applicant (its key), absent for the applicant asked about. */
  uscc?: string;
  name: string;
  status: 'SUBSISTING' | 'IN_BUSINESS' | 'REVOKED' | 'DEREGISTERED' | 'MOVED_OUT';
  onAbnormalList: boolean;
  establishedOn: string;
  businessLicence: { verified: boolean };
}

interface PermitFacts {
  number: string;
  issuedOn: string;
  verified: boolean;
}

export interface ProjectFacts {
  approvalDocumentNumber: string;
  drawingReview: { result: 'PASSED' | 'FAILED' | 'IN_REVIEW'; certificateNumber: string | null; reviewedOn: string | null } | null;
  constructionPermit: { number: string; issuedOn: string; status: 'VALID' | 'AMENDED' | 'REVOKED'; verified: boolean } | null;
  applicant: EnterpriseFacts | null;
  parcel: {
    landUseRight: {
      certificateNumber: string;
      termStart: string;
      termEnd: string;
      expired: boolean;
      seized: boolean;
      transferContractNumber: string | null;
      certificate: { verified: boolean };
    };
    siteSelectionOpinion: PermitFacts | null;
    landPlanningPermit: PermitFacts | null;
    engineeringPlanningPermit: PermitFacts | null;
  } | null;
}

/** What the checklist was asked for, and what the departments answered (null: no record or no answer). */
export interface ChecklistFacts {
  applicantUscc: string | null;
  projectCode: string | null;
  applicant: EnterpriseFacts | null | undefined;
  project: ProjectFacts | null | undefined;
}

export interface SharedDocument {
  department: string;
  documentType: string;
  documentNumber: string | null;
  issuedOn: string | null;
  verified: boolean | null;
}

export interface Evaluation {
  status: 'SHARED' | 'REQUIRED' | 'BLOCKED';
  sharedFrom: SharedDocument | null;
  reason: string | null;
}

const STATUS_NAMES = { REVOKED: '吊销', DEREGISTERED: '注销', MOVED_OUT: '迁出' } as const;

export function evaluate(material: Material, facts: ChecklistFacts): Evaluation {
  const source = material.sharedFrom;
  if (!source) {
    return {
      status: 'REQUIRED',
      sharedFrom: null,
      reason: material.source === 'DEPARTMENT' ? '该材料由部门出具但尚未共享，请申请人提交' : null,
    };
  }
  const doc = (documentNumber: string | null, issuedOn: string | null, verified: boolean | null = null): SharedDocument => ({
    department: source.department,
    documentType: source.documentType,
    documentNumber,
    issuedOn,
    verified,
  });
  const shared = (d: SharedDocument): Evaluation => ({ status: 'SHARED', sharedFrom: d, reason: null });
  const blocked = (reason: string, d: SharedDocument | null = null): Evaluation => ({ status: 'BLOCKED', sharedFrom: d, reason });
  /** Not obtainable: the applicant submits it, or the case is blocked if it is a prerequisite that is missing. */
  const required = (reason: string): Evaluation => ({ status: 'REQUIRED', sharedFrom: null, reason });
  const missing = (what: string): Evaluation => (material.prerequisite ? blocked(`${what}，须先办结`) : required(`${what}，请申请人提交`));

  if (source.documentType === 'BUSINESS_LICENCE') {
    if (!facts.applicantUscc && !facts.projectCode) return required('未提供申请人统一社会信用代码，无法调取，请申请人提交');
    const enterprise = facts.applicantUscc ? facts.applicant : facts.project?.applicant;
    if (!enterprise) return required(`${source.department}暂未提供该企业的登记信息（无记录或系统暂不可用），请申请人提交`);
    const number = facts.applicantUscc ?? enterprise.uscc ?? null;
    const d = doc(number, enterprise.establishedOn, enterprise.businessLicence.verified);
    const builder = facts.project?.applicant?.uscc;
    if (facts.applicantUscc && builder && builder !== facts.applicantUscc) {
      return blocked(`申请人 ${facts.applicantUscc} 不是项目 ${facts.projectCode} 的建设单位（${builder}）`, d);
    }
    if (enterprise.status in STATUS_NAMES) {
      return blocked(`${enterprise.name}登记状态为「${STATUS_NAMES[enterprise.status as keyof typeof STATUS_NAMES]}」，不能以该主体申请`, d);
    }
    if (enterprise.onAbnormalList) return blocked(`${enterprise.name}被列入经营异常名录，须先申请移出`, d);
    if (!enterprise.businessLicence.verified) return blocked('营业执照电子证照验签未通过，请核实', d);
    return shared(d);
  }

  if (!facts.projectCode) return required('未提供投资项目代码，无法调取，请申请人提交');
  const project = facts.project;
  if (!project) return required('住建局系统暂未提供该项目信息（无记录或系统暂不可用），请申请人提交');

  switch (source.documentType) {
    case 'PROJECT_FILING':
      return shared(doc(project.approvalDocumentNumber, null));
    case 'DRAWING_REVIEW_CERTIFICATE': {
      const review = project.drawingReview;
      if (!review) return missing('施工图尚未送审');
      if (review.result !== 'PASSED' || !review.certificateNumber) {
        return missing(review.result === 'FAILED' ? '施工图审查不合格' : '施工图审查尚未通过（审查中）');
      }
      return shared(doc(review.certificateNumber, review.reviewedOn));
    }
    case 'CONSTRUCTION_PERMIT': {
      const permit = project.constructionPermit;
      if (!permit) return missing('尚未取得建筑工程施工许可证');
      const d = doc(permit.number, permit.issuedOn, permit.verified);
      if (permit.status === 'REVOKED') return blocked('施工许可证已注销', d);
      if (!permit.verified) return blocked('施工许可证电子证照验签未通过，请核实', d);
      return shared(d);
    }
  }

  const parcel = project.parcel;
  if (!parcel) return required('自然资源局系统暂未提供该宗地信息（无记录或系统暂不可用），请申请人提交');
  const right = parcel.landUseRight;
  switch (source.documentType) {
    case 'LAND_CERTIFICATE': {
      const d = doc(right.certificateNumber, right.termStart, right.certificate.verified);
      if (right.expired) return blocked(`土地使用权已于 ${right.termEnd} 到期，须先办理续期`, d);
      if (right.seized) return blocked('不动产已被司法查封', d);
      if (!right.certificate.verified) return blocked('不动产权证书电子证照验签未通过，请核实', d);
      return shared(d);
    }
    case 'TRANSFER_CONTRACT':
      return right.transferContractNumber ? shared(doc(right.transferContractNumber, right.termStart)) : missing('未登记国有建设用地使用权出让合同');
    case 'SITE_SELECTION_OPINION':
    case 'LAND_PLANNING_PERMIT':
    case 'ENGINEERING_PLANNING_PERMIT': {
      const key = ({ SITE_SELECTION_OPINION: 'siteSelectionOpinion', LAND_PLANNING_PERMIT: 'landPlanningPermit', ENGINEERING_PLANNING_PERMIT: 'engineeringPlanningPermit' } as const)[
        source.documentType
      ];
      const permit = parcel[key];
      if (!permit) return missing(`${material.name}尚未核发`);
      const d = doc(permit.number, permit.issuedOn, permit.verified);
      if (!permit.verified) return blocked(`${material.name}电子证照验签未通过，请核实`, d);
      return shared(d);
    }
  }
  return required(`${source.department}的该类材料暂不支持调取，请申请人提交`);
}
