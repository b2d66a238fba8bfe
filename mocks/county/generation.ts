/**
 * The county's ordinary records, from one seed: the same on every machine. Every
 * cross-reference resolves (a project's applicant and parcel exist, a parcel's right
 * holder exists). Licences are signed by signRecords, once the edge cases are planted, so
 * each signature covers the record as it finally stands.
 */
import { PROJECT_STAGES } from '../../domain/stages';
import { idCardCheckChar, orgCodeCheckChar, USCC_ALPHABET, usccCheckChar } from '../../domain/identifiers';
import type { LicenceContent } from '../../domain/licences';
import { SeededRandom } from '../shared/random';
import { signingKeyFor, signLicence } from '../shared/signing';
import {
  COUNTY_CODE,
  DATASET_DATE,
  type County,
  type EnterpriseRecord,
  type GovernmentDepartment,
  type ParcelRecord,
  type PlanningPermitRecord,
  type ProjectRecord,
  type SignedLicence,
  type Town,
} from './model';

/** Filled in by signRecords, once every record is as it will stay. */
const DAY = 86_400_000;
const daysBefore = (iso: string, days: number) => new Date(Date.parse(iso) - days * DAY).toISOString().slice(0, 10);
/** A word said twice in a row (丰源丰源): any run of two or more characters repeated at once. */
const DOUBLED_WORD = /(.{2,})\1/;

const UNSIGNED: SignedLicence = { content: undefined as unknown as LicenceContent, signature: '' };

/** The county before its edge cases: the same records, no cases named yet, nothing signed. */
export type GeneratedCounty = Omit<County, 'edgeCases'>;

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

export function generateRecords(seed: number): GeneratedCounty {
  return new CountyGenerator(seed).generate();
}

type Departments = GeneratedCounty['departments'];
type ByKind = Record<EnterpriseKind['kind'], EnterpriseRecord[]>;

/**
 * One pass over one random sequence: the order of the steps (and of the draws inside
 * each) is what makes a seed give the same county, so a new record goes at the end.
 */
class CountyGenerator {
  private readonly rnd: SeededRandom;
  private readonly usedOrgCodes = new Set<string>();
  private readonly usedNames = new Set<string>();
  private readonly usedUnitNumbers = new Set<string>();
  private readonly usedProjectCodes = new Set<string>();
  private licenceSerial = 0;
  private certificateSerial = 1000;
  private permitSerial = 0;

  constructor(private readonly seed: number) {
    this.rnd = new SeededRandom(seed);
  }

  generate(): GeneratedCounty {
    const towns = this.towns();
    const departments = this.departments();
    const { enterprises, byKind } = this.enterprises(towns, departments);
    const parcels: ParcelRecord[] = [];
    const projects: ProjectRecord[] = [];
    for (let i = 0; i < 500; i++) projects.push(this.project(i, towns, departments, byKind, parcels));
    // Parcels not under any project: land held by other enterprises in the county.
    while (parcels.length < 1000) {
      const holder = this.rnd.chance(0.6) ? this.rnd.pick(byKind.developer) : this.rnd.pick(byKind.general);
      parcels.push(this.parcel(holder, this.rnd.pick(towns), this.rnd.pick(LAND_USES), this.rnd.int(0, 2), towns, departments));
    }
    return { seed: this.seed, towns, departments, enterprises, parcels, projects };
  }

  private towns(): Town[] {
    return TOWNS.map(([n, name, villages]) => {
      const townCode = `${COUNTY_CODE}${String(n).padStart(3, '0')}000`;
      return {
        code: townCode,
        name,
        villages: villages.map((v, i) => ({ code: `${townCode.slice(0, 9)}${String(i + 1).padStart(3, '0')}`, name: v })),
      };
    });
  }

  private departments(): Departments {
    return {
      marketRegulation: { uscc: this.uscc('1', '1'), name: '从江县市场监督管理局', signingKey: signingKeyFor(this.seed, 'enterprise') },
      naturalResources: { uscc: this.uscc('1', '1'), name: '从江县自然资源局', signingKey: signingKeyFor(this.seed, 'land') },
      housingConstruction: { uscc: this.uscc('1', '1'), name: '从江县住房和城乡建设局', signingKey: signingKeyFor(this.seed, 'construction') },
    };
  }

  private enterprises(towns: Town[], departments: Departments): { enterprises: EnterpriseRecord[]; byKind: ByKind } {
    const enterprises: EnterpriseRecord[] = [];
    const byKind: ByKind = {
      developer: [], contractor: [], designer: [], supervisor: [], surveyor: [], general: [],
    };
    const plan: [EnterpriseKind['kind'], number][] = [
      ['developer', 160], ['contractor', 60], ['designer', 20], ['supervisor', 20], ['surveyor', 15], ['general', 1725],
    ];
    for (const [kindName, count] of plan) {
      for (let i = 0; i < count; i++) {
        const kind = this.rnd.pick(KINDS[kindName]);
        const town = this.rnd.pick(towns);
        const village = this.rnd.pick(town.villages);
        const cooperative = kind.suffix === '农民专业合作社';
        let name = '';
        while (!name || this.usedNames.has(name)) {
          const place = this.rnd.chance(0.5) ? '从江县' : this.rnd.chance(0.5) ? '贵州' : town.name.replace(/(镇|乡|壮族乡)$/, '');
          name = `${place}${this.rnd.pick(BRANDS)}${this.rnd.pick(BRANDS)}${kind.suffix}`;
          // Two draws of the same brand (丰源丰源) is no name a registry would accept.
          if (DOUBLED_WORD.test(name)) name = '';
        }
        this.usedNames.add(name);
        const establishedOn = this.rnd.date('1998-01-01', '2025-06-30');
        const code = this.uscc('9', cooperative ? '3' : '1');
        const capital = kindName === 'developer' ? this.rnd.amount(800, 20000) : kindName === 'general' ? this.rnd.amount(10, 500) : this.rnd.amount(300, 5000);
        const rep = this.personName();
        const record: EnterpriseRecord = {
          uscc: code,
          registrationNumber: establishedOn < '2015-10-01' ? `${COUNTY_CODE}${this.rnd.digits(9)}` : null,
          name,
          type: cooperative ? '农民专业合作社' : this.rnd.chance(0.85) ? '有限责任公司(自然人投资或控股)' : '有限责任公司(自然人独资)',
          status: this.rnd.chance(0.04) ? '注销' : this.rnd.chance(0.5) ? '存续' : '在业',
          establishedOn,
          businessTermFrom: establishedOn,
          businessTermTo: this.rnd.chance(0.7) ? null : `${Number(establishedOn.slice(0, 4)) + 30}${establishedOn.slice(4)}`,
          registrationAuthority: departments.marketRegulation.name,
          legalRepresentative: { name: rep, idType: '居民身份证', idNumber: this.residentId(), mobile: this.mobile() },
          registeredCapital: capital,
          currency: '人民币',
          address: `贵州省黔东南苗族侗族自治州从江县${town.name}${village.name}${this.rnd.int(1, 199)}号`,
          regionCode: village.code,
          businessScope: kind.scope,
          industryCode: kind.industryCode,
          industryName: kind.industryName,
          contactPhone: this.mobile(),
          investors: [{ name: rep, kind: '自然人', subscribedCapital: capital }],
          changes: this.rnd.chance(0.3)
            ? [{ changedOn: this.rnd.date(establishedOn, DATASET_DATE), item: '住所变更', before: `从江县${town.name}`, after: `从江县${town.name}${village.name}` }]
            : [],
          abnormalRecords: [],
          licenses: kind.qualification
            ? [{ name: kind.qualification, number: `D${this.rnd.digits(9)}`, issuedOn: this.rnd.date(establishedOn, '2025-12-31'), validUntil: '2029-12-31', authority: '贵州省住房和城乡建设厅' }]
            : [],
          businessLicenceId: '',
          businessLicence: UNSIGNED,
        };
        record.businessLicenceId = this.licenceId('0101', departments.marketRegulation.uscc, establishedOn);

        if (kindName === 'general' && this.rnd.chance(0.03)) {
          record.abnormalRecords.push({
            reason: this.rnd.pick(['未按照规定期限公示年度报告', '通过登记的住所或者经营场所无法联系']),
            listedOn: this.rnd.date('2022-01-01', '2025-12-31'),
            removedOn: this.rnd.chance(0.5) ? this.rnd.date('2026-01-01', DATASET_DATE) : null,
            authority: departments.marketRegulation.name,
          });
        }
        if (kindName === 'general' && record.status !== '注销' && this.rnd.chance(0.02)) record.status = '吊销';
        enterprises.push(record);
        byKind[kindName].push(record);
      }
    }

    // Builders of projects must be live companies; edge-cases.ts plants the ones that are not.
    for (const k of ['developer', 'contractor', 'designer', 'supervisor', 'surveyor'] as const) {
      for (const e of byKind[k]) e.status = this.rnd.chance(0.5) ? '存续' : '在业';
    }
    return { enterprises, byKind };
  }

  private project(i: number, towns: Town[], departments: Departments, byKind: ByKind, parcels: ParcelRecord[]): ProjectRecord {
    const [kindName, landUseCode, maxFloors] = this.rnd.pick(PROJECT_KINDS);
    const landUse = LAND_USES.find((l) => l[0] === landUseCode)!;
    const town = this.rnd.pick(towns);
    const applicant = this.rnd.pick(byKind.developer);
    const stage = PROJECT_STAGES[i % 4]!;
    const stageIndex = PROJECT_STAGES.indexOf(stage);
    const permitsHeld = stageIndex === 0 ? (this.rnd.chance(0.5) ? 1 : 0) : stageIndex === 1 ? (this.rnd.chance(0.5) ? 2 : 1) : 2;
    // A project further along started earlier: a season per stage at least before the data set's day.
    const startedOn = this.rnd.date('2021-01-01', daysBefore(DATASET_DATE, 90 * (stageIndex + 1)));
    // Each stage's certificate comes after the one before it (land planning, engineering planning, drawing review,
    // construction permit, completion filing), a fortnight apart at least, so each stage's application fits between.
    const [landOn, engineeringOn, reviewedOn, permitOn, filedOn] = this.timeline(startedOn, DATASET_DATE, 5, 14) as [string, string, string, string, string];
    const parcel = this.parcel(applicant, town, landUse, permitsHeld, towns, departments, { startedOn, landOn, engineeringOn });
    parcels.push(parcel);

    const small = i % 97 === 13;
    const totalInvestment = small ? this.rnd.amount(8, 28) : this.rnd.amount(500, 80000);
    const floors = small ? 1 : this.rnd.int(2, maxFloors);
    const buildingArea = small ? this.rnd.amount(60, 280) : this.rnd.amount(1500, 90000);
    const government = landUseCode === '08H2';
    const pick = (k: EnterpriseKind['kind']) => this.rnd.pick(byKind[k]);
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
    const drawingReviewed = stageIndex >= 2 || (stageIndex === 1 && this.rnd.chance(0.3));
    const permitIssued = !small && (stageIndex === 3 || (stageIndex === 2 && this.rnd.chance(0.6)));
    const code = this.projectCode(startedOn);
    return {
      code,
      name: `${town.name}${this.rnd.pick(BRANDS)}${kindName}`,
      applicantUscc: applicant.uscc,
      parcelUnitNumber: parcel.unitNumber,
      location: parcel.location,
      townCode: town.code,
      totalInvestment,
      investorType: government ? '政府投资' : '企业投资',
      approvalMode: government ? '审批' : this.rnd.chance(0.15) ? '核准' : '备案',
      approvalDocumentNumber: government
        ? `从发改投资〔${startedOn.slice(0, 4)}〕${this.rnd.int(1, 120)}号`
        : `备案证明${startedOn.slice(0, 4)}-${this.rnd.digits(4)}`,
      nature: this.rnd.pick(['新建', '新建', '新建', '扩建', '改建']),
      buildingArea,
      floors,
      structure: floors > 6 ? '框架-剪力墙结构' : this.rnd.pick(['框架结构', '砖混结构', '钢结构']),
      stage,
      constructionPermitRequired: !small,
      drawingReview: drawingReviewed
        ? {
            result: stageIndex >= 2 ? '合格' : this.rnd.pick(['审查中', '合格']),
            certificateNumber: stageIndex >= 2 ? `黔施审字[${reviewedOn.slice(0, 4)}]第${this.rnd.digits(4)}号` : null,
            reviewedOn: stageIndex >= 2 ? reviewedOn : null,
            agency: '黔东南州施工图联合审查中心',
          }
        : null,
      constructionPermit: permitIssued
        ? {
            number: `${COUNTY_CODE}${permitOn.replace(/-/g, '')}${String(this.rnd.int(1, 9)).padStart(2, '0')}01`,
            issuedOn: permitOn,
            validUntil: `${Number(permitOn.slice(0, 4)) + 3}${permitOn.slice(4)}`,
            status: '有效',
            licenceId: this.licenceId('0301', departments.housingConstruction.uscc, permitOn),
            licence: UNSIGNED,
            caseNumber: `GC${permitOn.replace(/-/g, '')}${this.rnd.digits(4)}`,
          }
        : null,
      participants,
      projectManager: stageIndex >= 2 ? { name: this.personName(), registrationNumber: `黔${this.rnd.digits(3)}${this.rnd.digits(9)}` } : null,
      completionFiling:
        stageIndex === 3 && this.rnd.chance(0.5)
          ? { number: `JB${COUNTY_CODE}${filedOn.slice(0, 4)}${this.rnd.digits(4)}`, filedOn }
          : null,
    };
  }

  /** `count` dates in order after `from` and no later than `to`, each at least `gapDays` after the one before. */
  private timeline(from: string, to: string, count: number, gapDays: number): string[] {
    const span = Math.max(0, (Date.parse(to) - Date.parse(from)) / DAY - gapDays * count);
    const offsets = Array.from({ length: count }, () => Math.floor(this.rnd.next() * (span + 1))).sort((a, b) => a - b);
    return offsets.map((offset, k) => new Date(Date.parse(from) + (offset + gapDays * (k + 1)) * DAY).toISOString().slice(0, 10));
  }

  /** `project`: the dates of the project the parcel is for, whose planning permits it carries. */
  private parcel(
    holder: EnterpriseRecord,
    town: Town,
    landUse: [string, string, number],
    withPermits: number,
    towns: Town[],
    departments: Departments,
    project?: { startedOn: string; landOn: string; engineeringOn: string },
  ): ParcelRecord {
    let unitNumber = '';
    while (!unitNumber || this.usedUnitNumbers.has(unitNumber)) {
      // 地籍区 numbered by town, 地籍子区 within it.
      const district = String(towns.indexOf(town) + 1).padStart(3, '0');
      unitNumber = `${COUNTY_CODE}${district}${String(this.rnd.int(1, 20)).padStart(3, '0')}GB${String(this.rnd.int(1, 99999)).padStart(5, '0')}W00000000`;
    }
    this.usedUnitNumbers.add(unitNumber);
    const allocated = landUse[0] === '08H2' && this.rnd.chance(0.7);
    // The land is held before a project on it is planned.
    const termStart = this.rnd.date('2008-01-01', project && project.startedOn < '2024-12-31' ? project.startedOn : '2024-12-31');
    const termEnd = `${Number(termStart.slice(0, 4)) + landUse[2]}${termStart.slice(4)}`;
    const village = this.rnd.pick(town.villages);
    const issued = (after: string) => this.rnd.date(after, '2026-06-30');
    const siteIssued = project ? this.rnd.date(project.startedOn, project.landOn) : issued(termStart);
    const landIssued = project?.landOn ?? issued(siteIssued);
    const engIssued = project?.engineeringOn ?? issued(landIssued);
    return {
      unitNumber,
      townCode: town.code,
      location: `从江县${town.name}${village.name}${this.rnd.pick(['东', '西', '南', '北'])}侧${this.rnd.pick(['滨江路', '月亮山大道', '侗乡大道', '民族路', '工业园路', '环城北路'])}`,
      area: this.rnd.amount(800, 60000),
      landUseCode: landUse[0],
      landUseName: landUse[1],
      rightType: '国有建设用地使用权',
      rightNature: allocated ? '划拨' : '出让',
      termStart,
      termEnd,
      holderUscc: holder.uscc,
      holderName: holder.name,
      certificateNumber: `黔(${termStart.slice(0, 4)})从江县不动产权第${String(++this.certificateSerial).padStart(7, '0')}号`,
      certificateLicenceId: this.licenceId('0201', departments.naturalResources.uscc, termStart),
      certificate: UNSIGNED,
      mortgaged: this.rnd.chance(0.2),
      seized: this.rnd.chance(0.02),
      supplyMethod: allocated ? '划拨' : this.rnd.pick(['挂牌出让', '拍卖出让', '招标出让']),
      transferContractNumber: allocated ? null : `522633${termStart.slice(0, 4)}B${String(this.rnd.int(1, 999)).padStart(5, '0')}`,
      planningConditions: {
        plotRatio: this.rnd.amount(0.8, 3.5),
        buildingDensity: this.rnd.int(20, 45),
        greenRatio: this.rnd.int(20, 40),
        heightLimit: this.rnd.pick([24, 36, 54, 80]),
      },
      siteSelectionOpinion: allocated ? this.planningPermit(departments, '选字第', '0204', siteIssued) : null,
      landPlanningPermit: withPermits >= 1 ? this.planningPermit(departments, '地字第', '0202', landIssued) : null,
      engineeringPlanningPermit: withPermits >= 2 ? this.planningPermit(departments, '建字第', '0203', engIssued) : null,
    };
  }

  private projectCode(startedOn: string): string {
    let code = '';
    while (!code || this.usedProjectCodes.has(code)) {
      code = `${startedOn.slice(2, 4)}${startedOn.slice(5, 7)}-${COUNTY_CODE}-${this.rnd.pick(['04', '30', '35', '89'])}-${this.rnd.pick(['01', '02', '03'])}-${this.rnd.digits(6)}`;
    }
    this.usedProjectCodes.add(code);
    return code;
  }

  private planningPermit(departments: Departments, prefix: '地字第' | '建字第' | '选字第', typeCode: string, issuedOn: string): PlanningPermitRecord {
    return {
      number: `${prefix}${COUNTY_CODE}${issuedOn.slice(0, 4)}${String(++this.permitSerial).padStart(5, '0')}号`,
      issuedOn,
      licenceId: this.licenceId(typeCode, departments.naturalResources.uscc, issuedOn),
      licence: UNSIGNED,
    };
  }

  private uscc(authority: string, entityType: string, orgCode8?: string): string {
    let org8 = orgCode8;
    while (!org8 || this.usedOrgCodes.has(org8)) {
      org8 = this.rnd.chance(0.7) ? `MA${this.rnd.chars('0123456789ABCDEFGHJKLMNPQRTUWXY', 6)}` : this.rnd.digits(8);
    }
    this.usedOrgCodes.add(org8);
    const first17 = `${authority}${entityType}${COUNTY_CODE}${org8}${orgCodeCheckChar(org8)}`;
    if (!first17.split('').every((c) => USCC_ALPHABET.includes(c))) return this.uscc(authority, entityType);
    return first17 + usccCheckChar(first17);
  }

  private licenceId(typeCode: string, issuer: string, issuedOn: string): string {
    this.licenceSerial++;
    return `1.2.156.3005.2.${typeCode}.${issuer}.${issuedOn.slice(0, 4)}${String(this.licenceSerial).padStart(6, '0')}.001.${this.rnd.int(0, 9)}`;
  }

  private personName(): string {
    return this.rnd.pick(SURNAMES) + this.rnd.pick(GIVEN);
  }

  private mobile(): string {
    return `1${this.rnd.pick(['35', '39', '50', '58', '87', '88', '82', '33', '53', '80', '89', '91', '98'])}${this.rnd.digits(8)}`;
  }

  private residentId(): string {
    const first17 = `${COUNTY_CODE}${this.rnd.date('1958-01-01', '2000-12-31').replace(/-/g, '')}${this.rnd.digits(3)}`;
    return first17 + idCardCheckChar(first17);
  }
}

/** The departments sign what they issued, as the records finally stand. */
export function signRecords({ departments, enterprises, parcels, projects }: GeneratedCounty): void {
  const signed = (issuer: GovernmentDepartment, content: Omit<LicenceContent, 'issuer'>): SignedLicence => {
    const full = { ...content, issuer: issuer.uscc };
    return { content: full, signature: signLicence(full, issuer.signingKey) };
  };
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
}

/** Real-estate developers: the enterprises that apply for projects. */
export const isDeveloper = (enterprise: EnterpriseRecord): boolean => enterprise.industryCode === KINDS.developer[0]!.industryCode;
