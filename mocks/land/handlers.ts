/**
 * 自然资源局 land and planning (不动产登记与规划系统): a legacy system. One parcel per
 * request, no batch endpoint; it answers HTTP 200 with its own result codes and
 * pinyin-initial field names, as the real one does.
 */
import { http, HttpResponse } from 'msw';
import type { County, ParcelRecord, PlanningPermitRecord } from '../county';
import { faultAndRecordHandler, type DepartmentFaults, type MockDepartment, type RecordedRequest } from '../shared/department';

export const LAND_URL = 'http://land.department.test';

/** The legacy system's slowness: it answers one parcel at a time, ~15 ms each. */
export const landFaultDefaults = (): DepartmentFaults => ({ latencyMs: 15, failureRate: 0, down: false });

export function createLandSystem(county: County, faults: DepartmentFaults = landFaultDefaults()): MockDepartment {
  const byUnitNumber = new Map<string, ParcelRecord>(county.parcels.map((p) => [p.unitNumber, p]));
  const requests: RecordedRequest[] = [];
  const base = LAND_URL;
  return {
    id: 'land',
    name: '自然资源局 不动产登记与规划系统 (land and planning)',
    baseUrl: base,
    faults,
    requests,
    publicKeyPem: county.departments.naturalResources.signingKey.publicKeyPem,
    handlers: [
      faultAndRecordHandler(base, faults, requests),
      http.get(`${base}/bdc/query`, ({ request }) => {
        const bdcdyh = new URL(request.url).searchParams.get('bdcdyh');
        if (!bdcdyh) return HttpResponse.json({ code: '1001', msg: '缺少参数 bdcdyh' });
        const parcel = byUnitNumber.get(bdcdyh);
        if (!parcel) return HttpResponse.json({ code: '1004', msg: '未找到不动产单元' });
        return HttpResponse.json({ code: '0000', msg: 'success', data: toLegacyFormat(parcel, county.departments.naturalResources) });
      }),
    ],
  };
}

const permit = (p: PlanningPermitRecord | null) => (p ? { zh: p.number, fzrq: p.issuedOn, dzzzbs: p.licenceId, qm: p.licence.signature } : null);
const yesNo = (b: boolean) => (b ? '是' : '否');

function toLegacyFormat(p: ParcelRecord, issuer: County['departments']['naturalResources']) {
  return {
    fzjg: issuer.name,
    fzjgdm: issuer.uscc,
    bdcdyh: p.unitNumber,
    zddm: p.unitNumber.slice(0, 19),
    xzqdm: p.townCode,
    zl: p.location,
    mj: p.area,
    tdyt: p.landUseCode,
    tdytmc: p.landUseName,
    qllx: p.rightType,
    qlxz: p.rightNature,
    syqqssj: p.termStart,
    syqjssj: p.termEnd,
    qlr: p.holderName,
    qlrzjzl: '统一社会信用代码',
    qlrzjh: p.holderUscc,
    bdcqzh: p.certificateNumber,
    bdcqzdzzzbs: p.certificateLicenceId,
    bdcqzqm: p.certificate.signature,
    sfdy: yesNo(p.mortgaged),
    sfcf: yesNo(p.seized),
    gyfs: p.supplyMethod,
    crhth: p.transferContractNumber,
    ghtj: {
      rjl: p.planningConditions.plotRatio,
      jzmd: p.planningConditions.buildingDensity,
      lhl: p.planningConditions.greenRatio,
      jzxg: p.planningConditions.heightLimit,
    },
    xzyjs: permit(p.siteSelectionOpinion),
    ydghxkz: permit(p.landPlanningPermit),
    gcghxkz: permit(p.engineeringPlanningPermit),
  };
}

