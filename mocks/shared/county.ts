/**
 * A deterministic 从江县 (522633): its towns and villages, enterprises, parcels and
 * construction projects, generated together so every cross-reference resolves
 * (a project's applicant and parcel exist, a parcel's right holder exists).
 *
 * Division codes for towns and villages follow the statistical layout (county 6 +
 * town 3 + village 3) but the numbers are illustrative, not the official table.
 */
import { PROJECT_STAGES, type ProjectStage } from '../../domain/stages';
import {
  idCardCheckChar,
  orgCodeCheckChar,
  USCC_ALPHABET,
  usccCheckChar,
} from '../../domain/identifiers';
import type { LicenceContent } from '../../domain/licences';
import { SeededRandom } from './random';
import { signingKeyFor, signLicence, type SigningKey } from './signing';

export const COUNTY_CODE = '522633';
export const COUNTY_NAME = '从江县';
/** "Today" for the data set: records are dated relative to it, never to the clock. */
export const DATASET_DATE = '2026-11-01';
export const DEFAULT_SEED = 522633;

export interface Village {
  code: string;
  name: string;
}
export interface Town {
  code: string;
  name: string;
  villages: Village[];
}

export type EnterpriseStatus = '存续' | '在业' | '吊销' | '注销' | '迁出';

export interface EnterpriseRecord {
  uscc: string;
  registrationNumber: string | null;
  name: string;
  type: string;
  status: EnterpriseStatus;
  establishedOn: string;
  businessTermFrom: string;
  businessTermTo: string | null;
  registrationAuthority: string;
  legalRepresentative: { name: string; idType: '居民身份证'; idNumber: string; mobile: string };
  registeredCapital: number;
  currency: string;
  address: string;
  regionCode: string;
  businessScope: string;
  industryCode: string;
  industryName: string;
  contactPhone: string;
  investors: { name: string; kind: '自然人' | '企业法人'; subscribedCapital: number }[];
  changes: { changedOn: string; item: string; before: string; after: string }[];
  abnormalRecords: { reason: string; listedOn: string; removedOn: string | null; authority: string }[];
  licenses: { name: string; number: string; issuedOn: string; validUntil: string | null; authority: string }[];
  businessLicenceId: string;
  /** 营业执照: its number is the 统一社会信用代码. */
  businessLicence: SignedLicence;
}

/** A licence as its issuing department keeps it: the signed facts and the signature. */
export interface SignedLicence {
  content: LicenceContent;
  signature: string;
}

export interface PlanningPermitRecord {
  number: string;
  issuedOn: string;
  licenceId: string;
  licence: SignedLicence;
}

export interface ParcelRecord {
  unitNumber: string;
  townCode: string;
  location: string;
  area: number;
  landUseCode: string;
  landUseName: string;
  rightType: string;
  rightNature: '出让' | '划拨';
  termStart: string;
  termEnd: string;
  holderUscc: string;
  holderName: string;
  certificateNumber: string;
  certificateLicenceId: string;
  certificate: SignedLicence;
  mortgaged: boolean;
  seized: boolean;
  supplyMethod: string;
  transferContractNumber: string | null;
  planningConditions: { plotRatio: number; buildingDensity: number; greenRatio: number; heightLimit: number };
  siteSelectionOpinion: PlanningPermitRecord | null;
  landPlanningPermit: PlanningPermitRecord | null;
  engineeringPlanningPermit: PlanningPermitRecord | null;
}


export type ParticipantRole = 'SURVEY' | 'DESIGN' | 'CONSTRUCTION' | 'SUPERVISION';

export interface ProjectRecord {
  code: string;
  name: string;
  applicantUscc: string;
  parcelUnitNumber: string;
  location: string;
  townCode: string;
  totalInvestment: number;
  investorType: '政府投资' | '企业投资';
  approvalMode: '审批' | '核准' | '备案';
  approvalDocumentNumber: string;
  nature: '新建' | '扩建' | '改建';
  buildingArea: number;
  floors: number;
  structure: string;
  stage: ProjectStage;
  constructionPermitRequired: boolean;
  drawingReview: { result: '合格' | '不合格' | '审查中'; certificateNumber: string | null; reviewedOn: string | null; agency: string } | null;
  constructionPermit: {
    number: string;
    issuedOn: string;
    validUntil: string;
    status: '有效' | '变更' | '注销';
    licenceId: string;
    caseNumber: string;
    licence: SignedLicence;
  } | null;
  participants: { role: ParticipantRole; uscc: string; qualification: string }[];
  projectManager: { name: string; registrationNumber: string } | null;
  completionFiling: { number: string; filedOn: string } | null;
}

export interface GovernmentDepartment {
  uscc: string;
  name: string;
  /** Signs the licences this department issues. */
  signingKey: SigningKey;
}

export interface County {
  seed: number;
  towns: Town[];
  departments: {
    marketRegulation: GovernmentDepartment;
    naturalResources: GovernmentDepartment;
    housingConstruction: GovernmentDepartment;
  };
  enterprises: EnterpriseRecord[];
  parcels: ParcelRecord[];
  projects: ProjectRecord[];
  /** Records made on purpose to exercise the rules; named so tests and docs can find them. */
  edgeCases: {
    revokedApplicantProject: string;
    abnormalListedApplicantProject: string;
    expiredLandRightProject: string;
    permitExemptProject: string;
    /** Its construction permit's validity was extended after signing: it must not verify. */
    tamperedPermitProject: string;
  };
}

/** Filled in by the final signing pass, once every record is as it will stay. */
const UNSIGNED: SignedLicence = { content: undefined as unknown as LicenceContent, signature: '' };

// ---------------------------------------------------------------------------

const TOWNS: [number, string, string[]][] = [
  [100, '丙妹镇', ['大塘村', '岜沙村', '小翁村', '孔明村', '东风社区']],
  [101, '贯洞镇', ['贯洞村', '龙图村', '宰门村', '腊全村']],
  [102, '洛香镇', ['洛香村', '赛洞村', '平楼村', '新安村']],
  [103, '下江镇', ['下江村', '高坪村', '巨洞村', '归垒村']],
  [104, '宰便镇', ['宰便村', '加牙村', '摆翁村']],
  [105, '西山镇', ['西山村', '陡寨村', '拱孖村']],
  [106, '停洞镇', ['停洞村', '胜利村', '宰岑村']],
  [107, '往洞镇', ['往洞村', '增冲村', '德秋村']],
  [108, '庆云镇', ['庆云村', '佰你村', '广里村']],
  [109, '斗里镇', ['斗里村', '马安村', '兴隆村']],
  [200, '高增乡', ['高增村', '占里村', '小黄村', '岜扒村']],
  [201, '谷坪乡', ['谷坪村', '山岗村', '留架村']],
  [202, '雍里乡', ['雍里村', '龙江村', '大坪村']],
  [203, '加榜乡', ['加榜村', '党扭村', '加页村']],
  [204, '秀塘壮族乡', ['秀塘村', '打郎村', '联盟村']],
];

const SURNAMES = ['吴', '杨', '石', '潘', '龙', '陆', '王', '李', '张', '刘', '陈', '贾', '梁', '韦', '蒙', '莫', '欧', '胡', '周', '罗'];
const GIVEN = ['永明', '光荣', '秀英', '建国', '志强', '金花', '海波', '春燕', '国平', '德才', '顺福', '红梅', '文杰', '玉兰', '昌盛', '家林', '小燕', '正华', '学军', '桂芳'];
const BRANDS = ['侗乡', '月亮山', '都柳江', '岜沙', '鼓楼', '梯田', '香禾', '翠谷', '苗岭', '银潭', '金鼓', '丰源', '鑫达', '宏远', '兴黔', '诚信', '广顺', '华盛', '瑞丰', '恒通', '锦绣', '润泽', '万和', '嘉禾'];

interface EnterpriseKind {
  kind: 'developer' | 'contractor' | 'designer' | 'supervisor' | 'surveyor' | 'general';
  suffix: string;
  industryCode: string;
  industryName: string;
  scope: string;
  qualification?: string;
}
const KINDS: Record<EnterpriseKind['kind'], EnterpriseKind[]> = {
  developer: [{ kind: 'developer', suffix: '房地产开发有限公司', industryCode: '7010', industryName: '房地产开发经营', scope: '房地产开发经营；物业管理；建筑材料销售' }],
  contractor: [{ kind: 'contractor', suffix: '建筑工程有限公司', industryCode: '4710', industryName: '住宅房屋建筑', scope: '房屋建筑工程施工；市政公用工程施工；建筑劳务分包', qualification: '建筑工程施工总承包二级' }],
  designer: [{ kind: 'designer', suffix: '建筑设计院有限公司', industryCode: '7484', industryName: '工程设计活动', scope: '建筑工程设计；城乡规划编制；工程咨询', qualification: '建筑行业（建筑工程）设计乙级' }],
  supervisor: [{ kind: 'supervisor', suffix: '工程建设监理有限公司', industryCode: '7481', industryName: '工程管理服务', scope: '房屋建筑工程监理；市政公用工程监理', qualification: '房屋建筑工程监理乙级' }],
  surveyor: [{ kind: 'surveyor', suffix: '岩土工程勘察有限公司', industryCode: '7482', industryName: '工程勘察活动', scope: '岩土工程勘察；工程测量；地质灾害评估', qualification: '工程勘察专业类（岩土工程）乙级' }],
  general: [
    { kind: 'general', suffix: '农业科技有限公司', industryCode: '0190', industryName: '其他农业', scope: '香猪养殖；稻鱼鸭种养；农产品初加工与销售' },
    { kind: 'general', suffix: '茶业有限公司', industryCode: '0164', industryName: '茶叶种植', scope: '茶叶种植、加工、销售' },
    { kind: 'general', suffix: '商贸有限公司', industryCode: '5219', industryName: '其他综合零售', scope: '日用百货、五金交电、建筑材料销售' },
    { kind: 'general', suffix: '旅游开发有限公司', industryCode: '7291', industryName: '旅行社及相关服务', scope: '旅游景区开发与管理；民宿经营；文化演艺' },
    { kind: 'general', suffix: '食品有限公司', industryCode: '1393', industryName: '肉制品及副产品加工', scope: '腊肉、香猪肉制品生产与销售' },
    { kind: 'general', suffix: '物流有限公司', industryCode: '5430', industryName: '道路货物运输', scope: '普通货物道路运输；仓储服务（不含危险化学品）' },
    { kind: 'general', suffix: '农民专业合作社', industryCode: '0190', industryName: '其他农业', scope: '组织成员种植椪柑、百香果并统一销售' },
  ],
};

const LAND_USES: [string, string, number][] = [
  ['0701', '城镇住宅用地', 70],
  ['0601', '工业用地', 50],
  ['0501', '零售商业用地', 40],
  ['0505', '商务金融用地', 40],
  ['0508', '物流仓储用地', 50],
  ['08H2', '科教文卫用地', 50],
  ['0504', '旅馆用地', 40],
];

const PROJECT_KINDS: [string, string, number][] = [
  ['住宅小区建设项目', '0701', 18],
  ['标准化厂房建设项目', '0601', 4],
  ['农产品冷链物流中心建设项目', '0508', 3],
  ['商业综合体建设项目', '0501', 12],
  ['精品民宿建设项目', '0504', 4],
  ['卫生院业务用房建设项目', '08H2', 5],
  ['中学教学楼建设项目', '08H2', 5],
];

export function generateCounty(seed: number = DEFAULT_SEED): County {
  const rnd = new SeededRandom(seed);
  const usedOrgCodes = new Set<string>();

  const towns: Town[] = TOWNS.map(([n, name, villages]) => {
    const townCode = `${COUNTY_CODE}${String(n).padStart(3, '0')}000`;
    return {
      code: townCode,
      name,
      villages: villages.map((v, i) => ({ code: `${townCode.slice(0, 9)}${String(i + 1).padStart(3, '0')}`, name: v })),
    };
  });

  function uscc(authority: string, entityType: string, orgCode8?: string): string {
    let org8 = orgCode8;
    while (!org8 || usedOrgCodes.has(org8)) {
      org8 = rnd.chance(0.7) ? `MA${rnd.chars('0123456789ABCDEFGHJKLMNPQRTUWXY', 6)}` : rnd.digits(8);
    }
    usedOrgCodes.add(org8);
    const first17 = `${authority}${entityType}${COUNTY_CODE}${org8}${orgCodeCheckChar(org8)}`;
    if (!first17.split('').every((c) => USCC_ALPHABET.includes(c))) return uscc(authority, entityType);
    return first17 + usccCheckChar(first17);
  }

  const departments = {
    marketRegulation: { uscc: uscc('1', '1'), name: '从江县市场监督管理局', signingKey: signingKeyFor(seed, 'enterprise') },
    naturalResources: { uscc: uscc('1', '1'), name: '从江县自然资源局', signingKey: signingKeyFor(seed, 'land') },
    housingConstruction: { uscc: uscc('1', '1'), name: '从江县住房和城乡建设局', signingKey: signingKeyFor(seed, 'construction') },
  };
  const signed = (issuer: GovernmentDepartment, content: Omit<LicenceContent, 'issuer'>): SignedLicence => {
    const full = { ...content, issuer: issuer.uscc };
    return { content: full, signature: signLicence(full, issuer.signingKey) };
  };

  let licenceSerial = 0;
  const licenceId = (typeCode: string, issuer: string, issuedOn: string) => {
    licenceSerial++;
    return `1.2.156.3005.2.${typeCode}.${issuer}.${issuedOn.slice(0, 4)}${String(licenceSerial).padStart(6, '0')}.001.${rnd.int(0, 9)}`;
  };

  const personName = () => rnd.pick(SURNAMES) + rnd.pick(GIVEN);
  const mobile = () => `1${rnd.pick(['35', '39', '50', '58', '87', '88', '82', '33', '53', '80', '89', '91', '98'])}${rnd.digits(8)}`;
  const residentId = () => {
    const first17 = `${COUNTY_CODE}${rnd.date('1958-01-01', '2000-12-31').replace(/-/g, '')}${rnd.digits(3)}`;
    return first17 + idCardCheckChar(first17);
  };
  const villageIn = (town?: Town) => {
    const t = town ?? rnd.pick(towns);
    return { town: t, village: rnd.pick(t.villages) };
  };

  // --- enterprises -------------------------------------------------------
  const enterprises: EnterpriseRecord[] = [];
  const byKind: Record<EnterpriseKind['kind'], EnterpriseRecord[]> = {
    developer: [], contractor: [], designer: [], supervisor: [], surveyor: [], general: [],
  };
  const usedNames = new Set<string>();
  const plan: [EnterpriseKind['kind'], number][] = [
    ['developer', 160], ['contractor', 60], ['designer', 20], ['supervisor', 20], ['surveyor', 15], ['general', 1725],
  ];
  for (const [kindName, count] of plan) {
    for (let i = 0; i < count; i++) {
      const kind = rnd.pick(KINDS[kindName]);
      const { town, village } = villageIn();
      const cooperative = kind.suffix === '农民专业合作社';
      let name = '';
      while (!name || usedNames.has(name)) {
        const place = rnd.chance(0.5) ? '从江县' : rnd.chance(0.5) ? '贵州' : town.name.replace(/(镇|乡|壮族乡)$/, '');
        name = `${place}${rnd.pick(BRANDS)}${rnd.pick(BRANDS)}${kind.suffix}`;
      }
      usedNames.add(name);
      const establishedOn = rnd.date('1998-01-01', '2025-06-30');
      const code = uscc('9', cooperative ? '3' : '1');
      const capital = kindName === 'developer' ? rnd.int(800, 20000) : kindName === 'general' ? rnd.int(10, 500) : rnd.int(300, 5000);
      const rep = personName();
      const record: EnterpriseRecord = {
        uscc: code,
        registrationNumber: establishedOn < '2015-10-01' ? `${COUNTY_CODE}${rnd.digits(9)}` : null,
        name,
        type: cooperative ? '农民专业合作社' : rnd.chance(0.85) ? '有限责任公司(自然人投资或控股)' : '有限责任公司(自然人独资)',
        status: rnd.chance(0.04) ? '注销' : rnd.chance(0.5) ? '存续' : '在业',
        establishedOn,
        businessTermFrom: establishedOn,
        businessTermTo: rnd.chance(0.7) ? null : `${Number(establishedOn.slice(0, 4)) + 30}${establishedOn.slice(4)}`,
        registrationAuthority: departments.marketRegulation.name,
        legalRepresentative: { name: rep, idType: '居民身份证', idNumber: residentId(), mobile: mobile() },
        registeredCapital: capital,
        currency: '人民币',
        address: `贵州省黔东南苗族侗族自治州从江县${town.name}${village.name}${rnd.int(1, 199)}号`,
        regionCode: village.code,
        businessScope: kind.scope,
        industryCode: kind.industryCode,
        industryName: kind.industryName,
        contactPhone: mobile(),
        investors: [{ name: rep, kind: '自然人', subscribedCapital: capital }],
        changes: rnd.chance(0.3)
          ? [{ changedOn: rnd.date(establishedOn, DATASET_DATE), item: '住所变更', before: `从江县${town.name}`, after: `从江县${town.name}${village.name}` }]
          : [],
        abnormalRecords: [],
        licenses: kind.qualification
          ? [{ name: kind.qualification, number: `D${rnd.digits(9)}`, issuedOn: rnd.date(establishedOn, '2025-12-31'), validUntil: '2029-12-31', authority: '贵州省住房和城乡建设厅' }]
          : [],
        businessLicenceId: '',
        businessLicence: UNSIGNED,
      };
      record.businessLicenceId = licenceId('0101', departments.marketRegulation.uscc, establishedOn);

      if (kindName === 'general' && rnd.chance(0.03)) {
        record.abnormalRecords.push({
          reason: rnd.pick(['未按照规定期限公示年度报告', '通过登记的住所或者经营场所无法联系']),
          listedOn: rnd.date('2022-01-01', '2025-12-31'),
          removedOn: rnd.chance(0.5) ? rnd.date('2026-01-01', DATASET_DATE) : null,
          authority: departments.marketRegulation.name,
        });
      }
      if (kindName === 'general' && record.status !== '注销' && rnd.chance(0.02)) record.status = '吊销';
      enterprises.push(record);
      byKind[kindName].push(record);
    }
  }

  // Builders of projects must be live companies; edge cases below are made on purpose.
  for (const k of ['developer', 'contractor', 'designer', 'supervisor', 'surveyor'] as const) {
    for (const e of byKind[k]) e.status = rnd.chance(0.5) ? '存续' : '在业';
  }

  // --- parcels and projects ---------------------------------------------
  const parcels: ParcelRecord[] = [];
  const projects: ProjectRecord[] = [];
  const usedUnitNumbers = new Set<string>();
  const usedProjectCodes = new Set<string>();
  let certificateSerial = 1000;
  let permitSerial = 0;

  const planningPermit = (prefix: '地字第' | '建字第' | '选字第', typeCode: string, issuedOn: string): PlanningPermitRecord => ({
    number: `${prefix}${COUNTY_CODE}${issuedOn.slice(0, 4)}${String(++permitSerial).padStart(5, '0')}号`,
    issuedOn,
    licenceId: licenceId(typeCode, departments.naturalResources.uscc, issuedOn),
    licence: UNSIGNED,
  });

  function makeParcel(holder: EnterpriseRecord, town: Town, landUse: [string, string, number], withPermits: number): ParcelRecord {
    let unitNumber = '';
    while (!unitNumber || usedUnitNumbers.has(unitNumber)) {
      // 地籍区 numbered by town, 地籍子区 within it.
      const district = String(towns.indexOf(town) + 1).padStart(3, '0');
      unitNumber = `${COUNTY_CODE}${district}${String(rnd.int(1, 20)).padStart(3, '0')}GB${String(rnd.int(1, 99999)).padStart(5, '0')}W00000000`;
    }
    usedUnitNumbers.add(unitNumber);
    const allocated = landUse[0] === '08H2' && rnd.chance(0.7);
    const termStart = rnd.date('2008-01-01', '2024-12-31');
    const termEnd = `${Number(termStart.slice(0, 4)) + landUse[2]}${termStart.slice(4)}`;
    const village = rnd.pick(town.villages);
    const issued = (after: string) => rnd.date(after, '2026-06-30');
    const siteIssued = issued(termStart);
    const landIssued = issued(siteIssued);
    const engIssued = issued(landIssued);
    return {
      unitNumber,
      townCode: town.code,
      location: `从江县${town.name}${village.name}${rnd.pick(['东', '西', '南', '北'])}侧${rnd.pick(['滨江路', '月亮山大道', '侗乡大道', '民族路', '工业园路', '环城北路'])}`,
      area: rnd.amount(800, 60000),
      landUseCode: landUse[0],
      landUseName: landUse[1],
      rightType: '国有建设用地使用权',
      rightNature: allocated ? '划拨' : '出让',
      termStart,
      termEnd,
      holderUscc: holder.uscc,
      holderName: holder.name,
      certificateNumber: `黔(${termStart.slice(0, 4)})从江县不动产权第${String(++certificateSerial).padStart(7, '0')}号`,
      certificateLicenceId: licenceId('0201', departments.naturalResources.uscc, termStart),
      certificate: UNSIGNED,
      mortgaged: rnd.chance(0.2),
      seized: rnd.chance(0.02),
      supplyMethod: allocated ? '划拨' : rnd.pick(['挂牌出让', '拍卖出让', '招标出让']),
      transferContractNumber: allocated ? null : `522633${termStart.slice(0, 4)}B${String(rnd.int(1, 999)).padStart(5, '0')}`,
      planningConditions: {
        plotRatio: rnd.amount(0.8, 3.5),
        buildingDensity: rnd.int(20, 45),
        greenRatio: rnd.int(20, 40),
        heightLimit: rnd.pick([24, 36, 54, 80]),
      },
      siteSelectionOpinion: allocated ? planningPermit('选字第', '0204', siteIssued) : null,
      landPlanningPermit: withPermits >= 1 ? planningPermit('地字第', '0202', landIssued) : null,
      engineeringPlanningPermit: withPermits >= 2 ? planningPermit('建字第', '0203', engIssued) : null,
    };
  }

  const newProjectCode = (startedOn: string) => {
    let code = '';
    while (!code || usedProjectCodes.has(code)) {
      code = `${startedOn.slice(2, 4)}${startedOn.slice(5, 7)}-${COUNTY_CODE}-${rnd.pick(['04', '30', '35', '89'])}-${rnd.pick(['01', '02', '03'])}-${rnd.digits(6)}`;
    }
    usedProjectCodes.add(code);
    return code;
  };

  for (let i = 0; i < 500; i++) {
    const [kindName, landUseCode, maxFloors] = rnd.pick(PROJECT_KINDS);
    const landUse = LAND_USES.find((l) => l[0] === landUseCode)!;
    const town = rnd.pick(towns);
    const applicant = rnd.pick(byKind.developer);
    const stage = PROJECT_STAGES[i % 4]!;
    const stageIndex = PROJECT_STAGES.indexOf(stage);
    const permitsHeld = stageIndex === 0 ? (rnd.chance(0.5) ? 1 : 0) : stageIndex === 1 ? (rnd.chance(0.5) ? 2 : 1) : 2;
    const parcel = makeParcel(applicant, town, landUse, permitsHeld);
    parcels.push(parcel);

    const startedOn = rnd.date('2021-01-01', '2026-09-30');
    const small = i % 97 === 13;
    const totalInvestment = small ? rnd.amount(8, 28) : rnd.amount(500, 80000);
    const floors = small ? 1 : rnd.int(2, maxFloors);
    const buildingArea = small ? rnd.amount(60, 280) : rnd.amount(1500, 90000);
    const government = landUseCode === '08H2';
    const pick = (k: EnterpriseKind['kind']) => rnd.pick(byKind[k]);
    const participants: ProjectRecord['participants'] = [
      { role: 'SURVEY', uscc: pick('surveyor').uscc, qualification: KINDS.surveyor[0]!.qualification! },
      { role: 'DESIGN', uscc: pick('designer').uscc, qualification: KINDS.designer[0]!.qualification! },
    ];
    if (stageIndex >= 2) {
      participants.push(
        { role: 'CONSTRUCTION', uscc: pick('contractor').uscc, qualification: KINDS.contractor[0]!.qualification! },
        { role: 'SUPERVISION', uscc: pick('supervisor').uscc, qualification: KINDS.supervisor[0]!.qualification! },
      );
    }
    const drawingReviewed = stageIndex >= 2 || (stageIndex === 1 && rnd.chance(0.3));
    const permitIssued = !small && (stageIndex === 3 || (stageIndex === 2 && rnd.chance(0.6)));
    const permitDate = rnd.date(parcel.engineeringPlanningPermit?.issuedOn ?? startedOn, DATASET_DATE);
    const code = newProjectCode(startedOn);
    projects.push({
      code,
      name: `${town.name}${rnd.pick(BRANDS)}${kindName}`,
      applicantUscc: applicant.uscc,
      parcelUnitNumber: parcel.unitNumber,
      location: parcel.location,
      townCode: town.code,
      totalInvestment,
      investorType: government ? '政府投资' : '企业投资',
      approvalMode: government ? '审批' : rnd.chance(0.15) ? '核准' : '备案',
      approvalDocumentNumber: government
        ? `从发改投资〔${startedOn.slice(0, 4)}〕${rnd.int(1, 120)}号`
        : `备案证明${startedOn.slice(0, 4)}-${rnd.digits(4)}`,
      nature: rnd.pick(['新建', '新建', '新建', '扩建', '改建']),
      buildingArea,
      floors,
      structure: floors > 6 ? '框架-剪力墙结构' : rnd.pick(['框架结构', '砖混结构', '钢结构']),
      stage,
      constructionPermitRequired: !small,
      drawingReview: drawingReviewed
        ? {
            result: stageIndex >= 2 ? '合格' : rnd.pick(['审查中', '合格']),
            certificateNumber: stageIndex >= 2 ? `黔施审字[${permitDate.slice(0, 4)}]第${rnd.digits(4)}号` : null,
            reviewedOn: stageIndex >= 2 ? rnd.date(startedOn, permitDate) : null,
            agency: '黔东南州施工图联合审查中心',
          }
        : null,
      constructionPermit: permitIssued
        ? {
            number: `${COUNTY_CODE}${permitDate.replace(/-/g, '')}${String(rnd.int(1, 9)).padStart(2, '0')}01`,
            issuedOn: permitDate,
            validUntil: `${Number(permitDate.slice(0, 4)) + 3}${permitDate.slice(4)}`,
            status: '有效',
            licenceId: licenceId('0301', departments.housingConstruction.uscc, permitDate),
            licence: UNSIGNED,
            caseNumber: `GC${permitDate.replace(/-/g, '')}${rnd.digits(4)}`,
          }
        : null,
      participants,
      projectManager: stageIndex >= 2 ? { name: personName(), registrationNumber: `黔${rnd.digits(3)}${rnd.digits(9)}` } : null,
      completionFiling:
        stageIndex === 3 && rnd.chance(0.5)
          ? { number: `JB${COUNTY_CODE}${DATASET_DATE.slice(0, 4)}${rnd.digits(4)}`, filedOn: rnd.date(permitDate, DATASET_DATE) }
          : null,
    });
  }

  // Parcels not under any project: land held by other enterprises in the county.
  while (parcels.length < 1000) {
    const holder = rnd.chance(0.6) ? rnd.pick(byKind.developer) : rnd.pick(byKind.general);
    parcels.push(makeParcel(holder, rnd.pick(towns), rnd.pick(LAND_USES), rnd.int(0, 2)));
  }

  // --- edge cases, made on purpose ----------------------------------------
  const [revoked, abnormal, expired] = [projects[5]!, projects[6]!, projects[7]!];
  const revokedApplicant = byKind.developer.find((e) => !projects.some((p) => p.applicantUscc === e.uscc))!;
  revokedApplicant.status = '吊销';
  revoked.applicantUscc = revokedApplicant.uscc;
  relinkHolder(parcels, revoked.parcelUnitNumber, revokedApplicant);

  const abnormalApplicant = byKind.developer.find(
    (e) => e !== revokedApplicant && !projects.some((p) => p.applicantUscc === e.uscc),
  )!;
  abnormalApplicant.abnormalRecords.push({
    reason: '未按照规定期限公示年度报告',
    listedOn: '2026-07-15',
    removedOn: null,
    authority: departments.marketRegulation.name,
  });
  abnormal.applicantUscc = abnormalApplicant.uscc;
  relinkHolder(parcels, abnormal.parcelUnitNumber, abnormalApplicant);

  const expiredParcel = parcels.find((p) => p.unitNumber === expired.parcelUnitNumber)!;
  expiredParcel.landUseCode = '0501';
  expiredParcel.landUseName = '零售商业用地';
  expiredParcel.termStart = '1986-03-01';
  expiredParcel.termEnd = '2026-03-01';

  // The departments sign what they issued, as the records finally stand.
  for (const e of enterprises) {
    e.businessLicence = signed(departments.marketRegulation, {
      type: 'BUSINESS_LICENCE', number: e.uscc, holder: e.uscc, subject: e.uscc, issuedOn: e.establishedOn, validUntil: e.businessTermTo,
    });
  }
  for (const p of parcels) {
    p.certificate = signed(departments.naturalResources, {
      type: 'LAND_CERTIFICATE', number: p.certificateNumber, holder: p.holderUscc, subject: p.unitNumber, issuedOn: p.termStart, validUntil: p.termEnd,
    });
    const permits: [PlanningPermitRecord | null, LicenceContent['type']][] = [
      [p.siteSelectionOpinion, 'SITE_SELECTION_OPINION'],
      [p.landPlanningPermit, 'LAND_PLANNING_PERMIT'],
      [p.engineeringPlanningPermit, 'ENGINEERING_PLANNING_PERMIT'],
    ];
    for (const [permit, type] of permits) {
      if (permit) {
        permit.licence = signed(departments.naturalResources, {
          type, number: permit.number, holder: p.holderUscc, subject: p.unitNumber, issuedOn: permit.issuedOn, validUntil: null,
        });
      }
    }
  }
  for (const p of projects) {
    const permit = p.constructionPermit;
    if (permit) {
      permit.licence = signed(departments.housingConstruction, {
        type: 'CONSTRUCTION_PERMIT', number: permit.number, holder: p.applicantUscc, subject: p.code, issuedOn: permit.issuedOn, validUntil: permit.validUntil,
      });
    }
  }
  // A forged extension: the record now says valid two years longer than what was signed.
  // Not the first project of its stage: that one is the README's ordinary example.
  const tampered = projects.filter((p) => p.constructionPermit && p.stage === 'COMPLETION_ACCEPTANCE' && p !== revoked && p !== abnormal)[3]!;
  const forged = tampered.constructionPermit!;
  forged.validUntil = `${Number(forged.validUntil.slice(0, 4)) + 2}${forged.validUntil.slice(4)}`;
  forged.licence = { ...forged.licence, content: { ...forged.licence.content, validUntil: forged.validUntil } };

  return {
    seed,
    towns,
    departments,
    enterprises,
    parcels,
    projects,
    edgeCases: {
      revokedApplicantProject: revoked.code,
      abnormalListedApplicantProject: abnormal.code,
      expiredLandRightProject: expired.code,
      permitExemptProject: projects.find((p) => !p.constructionPermitRequired)!.code,
      tamperedPermitProject: tampered.code,
    },
  };
}

function relinkHolder(parcels: ParcelRecord[], unitNumber: string, holder: EnterpriseRecord) {
  const parcel = parcels.find((p) => p.unitNumber === unitNumber)!;
  parcel.holderUscc = holder.uscc;
  parcel.holderName = holder.name;
}
