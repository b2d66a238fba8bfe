import type DataLoader from 'dataloader';
import { departmentError } from '../../lib/errors';
import type { BoundedCache } from '../shared/cache';
import { createCachedLoader } from '../shared/cached-loader';
import type { DepartmentHttp } from '../shared/department-http';
import type { TrustedCaller } from '../shared/caller';
import { Jurisdiction } from '../shared/jurisdiction';

/** The land system's wire format: pinyin-initial names, HTTP 200 with its own result codes. */
interface LegacyPermit {
  zh: string;
  fzrq: string;
  dzzzbs: string;
  /** 签名 */
  qm: string;
}
interface LegacyParcel {
  /** 发证机关 and its 统一社会信用代码 */
  fzjg: string;
  fzjgdm: string;
  bdcdyh: string;
  zddm: string;
  xzqdm: string;
  zl: string;
  mj: number;
  tdyt: string;
  tdytmc: string;
  qllx: string;
  qlxz: string;
  syqqssj: string;
  syqjssj: string;
  qlr: string;
  qlrzjh: string;
  bdcqzh: string;
  bdcqzdzzzbs: string;
  bdcqzqm: string;
  sfdy: string;
  sfcf: string;
  gyfs: string;
  crhth: string | null;
  ghtj: { rjl: number; jzmd: number; lhl: number; jzxg: number } | null;
  xzyjs: LegacyPermit | null;
  ydghxkz: LegacyPermit | null;
  gcghxkz: LegacyPermit | null;
}
interface LegacyAnswer {
  code: string;
  msg: string;
  data?: LegacyParcel;
}

const FOUND = '0000';
const NOT_FOUND = '1004';

export interface PlanningPermit {
  number: string;
  issuedOn: string;
  licenceId: string;
  signature: string;
}

/** Who issued the parcel's certificate and permits. */
export interface Issuer {
  name: string;
  uscc: string;
}

export interface Parcel {
  unitNumber: string;
  parcelCode: string;
  townCode: string;
  location: string;
  area: number;
  landUse: string;
  landUseCode: string;
  landUseRight: {
    rightType: string;
    nature: 'GRANTED' | 'ALLOCATED';
    supplyMethod: string;
    transferContractNumber: string | null;
    termStart: string;
    termEnd: string;
    certificateNumber: string;
    certificateLicenceId: string;
    certificateSignature: string;
    holderName: string;
    holderUscc: string;
    mortgaged: boolean;
    seized: boolean;
  };
  planningConditions: { plotRatio: number; buildingDensity: number; greenRatio: number; heightLimit: number } | null;
  siteSelectionOpinion: PlanningPermit | null;
  landPlanningPermit: PlanningPermit | null;
  engineeringPlanningPermit: PlanningPermit | null;
  issuer: Issuer;
}

export interface LandDepartment {
  /** Its bulkhead keeps the legacy system at a few requests at once (LAND_DEPARTMENT_MAX_CONCURRENCY). */
  http: DepartmentHttp;
  cache: BoundedCache<Parcel>;
}

/**
 * 自然资源局 land and planning, for one GraphQL request of one caller. The system has no
 * batch endpoint, so a batch becomes one request per distinct parcel, de-duplicated by
 * the DataLoader; the department connection's bulkhead keeps them to a few at once.
 * Every parcel it hands out is inside the caller's jurisdiction (shared/jurisdiction.ts).
 */
export class LandClient {
  private readonly byUnitNumber: DataLoader<string, Parcel | null>;
  private readonly jurisdiction: Jurisdiction;

  constructor(private readonly registry: LandDepartment, caller: TrustedCaller, onStale?: (ageSeconds: number) => void) {
    this.jurisdiction = Jurisdiction.of(caller);
    this.byUnitNumber = createCachedLoader(
      registry.cache,
      (unitNumbers) => Promise.all(unitNumbers.map((u) => this.fetchOne(u).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))))),
      { maxBatchSize: 1000, onStale },
    );
  }

  /** The parcel, or null when the system has none or it is outside the caller's region. */
  async parcel(unitNumber: string): Promise<Parcel | null> {
    return this.jurisdiction.admit(await this.byUnitNumber.load(unitNumber), (p) => p.townCode);
  }

  private async fetchOne(unitNumber: string): Promise<Parcel | null> {
    const { http } = this.registry;
    const answer = await http.get<LegacyAnswer>(`/bdc/query?bdcdyh=${encodeURIComponent(unitNumber)}`);
    const body = answer.body;
    if (answer.status !== 200 || !body) throw departmentError(http.department, `query answered HTTP ${answer.status}`);
    if (body.code === NOT_FOUND) return null;
    if (body.code !== FOUND || !body.data) throw departmentError(http.department, `result code ${body.code}: ${body.msg}`);
    return toParcel(body.data, http);
  }
}

const permit = (p: LegacyPermit | null): PlanningPermit | null =>
  p ? { number: p.zh, issuedOn: p.fzrq, licenceId: p.dzzzbs, signature: p.qm } : null;

function toParcel(d: LegacyParcel, http: DepartmentHttp): Parcel {
  if (d.qlxz !== '出让' && d.qlxz !== '划拨') throw departmentError(http.department, `unknown right nature "${d.qlxz}"`);
  return {
    unitNumber: d.bdcdyh,
    parcelCode: d.zddm,
    townCode: d.xzqdm,
    location: d.zl,
    area: d.mj,
    landUse: d.tdytmc,
    landUseCode: d.tdyt,
    landUseRight: {
      rightType: d.qllx,
      nature: d.qlxz === '出让' ? 'GRANTED' : 'ALLOCATED',
      supplyMethod: d.gyfs,
      transferContractNumber: d.crhth,
      termStart: d.syqqssj,
      termEnd: d.syqjssj,
      certificateNumber: d.bdcqzh,
      certificateLicenceId: d.bdcqzdzzzbs,
      certificateSignature: d.bdcqzqm,
      holderName: d.qlr,
      holderUscc: d.qlrzjh,
      mortgaged: d.sfdy === '是',
      seized: d.sfcf === '是',
    },
    planningConditions: d.ghtj
      ? { plotRatio: d.ghtj.rjl, buildingDensity: d.ghtj.jzmd, greenRatio: d.ghtj.lhl, heightLimit: d.ghtj.jzxg }
      : null,
    siteSelectionOpinion: permit(d.xzyjs),
    landPlanningPermit: permit(d.ydghxkz),
    engineeringPlanningPermit: permit(d.gcghxkz),
    issuer: { name: d.fzjg, uscc: d.fzjgdm },
  };
}
