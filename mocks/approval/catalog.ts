/**
 * The service center's catalogue (事项目录) and guides (办事指南): the construction items of
 * the four approval stages and a few common enterprise items, each split into cases
 * (情形) by the answers to its questions, each case with its exact material checklist.
 * Names, legal bases and time limits follow the county's published guides; codes are
 * illustrative.
 */
import type { ProjectStage } from '../../domain/stages';

export type Necessity = 'REQUIRED' | 'OPTIONAL' | 'DEFERRABLE';
export type MaterialSource = 'APPLICANT' | 'DEPARTMENT' | 'OTHER';
/** A document a department system holds and can supply instead of the applicant (免提交). */
export type SharedDocumentType =
  | 'BUSINESS_LICENCE'
  | 'PROJECT_FILING'
  | 'LAND_CERTIFICATE'
  | 'TRANSFER_CONTRACT'
  | 'SITE_SELECTION_OPINION'
  | 'LAND_PLANNING_PERMIT'
  | 'ENGINEERING_PLANNING_PERMIT'
  | 'DRAWING_REVIEW_CERTIFICATE'
  | 'CONSTRUCTION_PERMIT';

export interface CatalogMaterial {
  id: string;
  name: string;
  necessity: Necessity;
  form: 'PAPER' | 'ELECTRONIC' | 'PAPER_AND_ELECTRONIC';
  /** What the window does with it: 收取原件 / 核验原件留存复印件 … */
  counterHandling: string;
  originals: number;
  copies: number;
  formats: string[];
  source: MaterialSource;
  /** When a department holds it: that department, the document and the field that carries it. */
  sharedFrom: { department: string; documentType: SharedDocumentType; field: string } | null;
  /** A hard prerequisite (前置条件): when the shared data shows it missing or invalid, the case is blocked. */
  prerequisite: boolean;
}

export interface CatalogCase {
  /** 业务办理项编码 */
  code: string;
  name: string;
  /** Question id → the answer that selects this case; a question left out matches any answer. */
  when: Record<string, string>;
  conditions: string[];
  steps: string[];
  /** Overrides the item's promised days for this case. */
  promisedDays?: number;
  notice?: string;
  materials: CatalogMaterial[];
}

export interface CatalogItem {
  /** 基本编码 */
  code: string;
  /** 实施编码: the item as this county's office implements it. */
  implementationCode: string;
  name: string;
  type: '行政许可' | '行政确认' | '公共服务' | '其他行政权力';
  department: string;
  departmentCode: string;
  legalBasis: string[];
  legalDays: number;
  promisedDays: number;
  fee: string;
  serves: ('PERSON' | 'ORGANISATION')[];
  channels: ('ONLINE' | 'WINDOW')[];
  /** 网办深度: 1 (information online) … 4 (fully online). */
  onlineDepth: number;
  counter: { address: string; hours: string; phone: string };
  result: string;
  stage: ProjectStage | null;
  leadsStage: boolean;
  questions: { id: string; text: string; options: { value: string; label: string }[] }[];
  cases: CatalogCase[];
}

const WINDOW = { address: '从江县政务服务中心一楼 工程建设项目审批综合窗口（丙妹镇滨江大道）', hours: '周一至周五 9:00–12:00，14:30–17:30（法定节假日除外）', phone: '0855-6412345' };
const ENTERPRISE_WINDOW = { ...WINDOW, address: '从江县政务服务中心二楼 市场准入综合窗口' };

const DEPT = {
  zrzy: { department: '从江县自然资源局', departmentCode: 'zrzy' },
  zjj: { department: '从江县住房和城乡建设局', departmentCode: 'zjj' },
  fgj: { department: '从江县发展和改革局', departmentCode: 'fgj' },
  rfb: { department: '从江县人民防空办公室', departmentCode: 'rfb' },
  scjg: { department: '从江县市场监督管理局', departmentCode: 'scjg' },
};

let materialSerial = 0;
function applicant(name: string, options: Partial<CatalogMaterial> = {}): CatalogMaterial {
  return {
    id: `M${String(++materialSerial).padStart(3, '0')}`,
    name,
    necessity: 'REQUIRED',
    form: 'PAPER_AND_ELECTRONIC',
    counterHandling: '收取原件',
    originals: 1,
    copies: 0,
    formats: ['pdf', 'jpg'],
    source: 'APPLICANT',
    sharedFrom: null,
    prerequisite: false,
    ...options,
  };
}
function shared(name: string, department: string, documentType: SharedDocumentType, field: string, prerequisite = false): CatalogMaterial {
  return applicant(name, {
    form: 'ELECTRONIC',
    counterHandling: '系统调取，申请人免提交',
    originals: 0,
    source: 'DEPARTMENT',
    sharedFrom: { department, documentType, field },
    prerequisite,
  });
}

const BUSINESS_LICENCE = () => shared('营业执照', '从江县市场监督管理局', 'BUSINESS_LICENCE', 'Enterprise.businessLicence');
const LAND_CERTIFICATE = (prerequisite = true) =>
  shared('不动产权证书（国有土地使用证）', '从江县自然资源局', 'LAND_CERTIFICATE', 'Parcel.landUseRight.certificate', prerequisite);

export const CATALOG: CatalogItem[] = [
  {
    code: '000111001000',
    implementationCode: '11522633MB1529861K000111001000',
    name: '企业投资项目备案',
    type: '其他行政权力',
    ...DEPT.fgj,
    legalBasis: ['《企业投资项目核准和备案管理条例》第十三条'],
    legalDays: 3,
    promisedDays: 1,
    fee: '不收费',
    serves: ['ORGANISATION'],
    channels: ['ONLINE'],
    onlineDepth: 4,
    counter: WINDOW,
    result: '项目备案证明',
    stage: 'PROJECT_LAND_PLANNING',
    leadsStage: false,
    questions: [],
    cases: [
      {
        code: '000111001000-01',
        name: '企业投资项目备案（通过投资项目在线审批监管平台）',
        when: {},
        conditions: ['项目不属于《政府核准的投资项目目录》范围', '已取得投资项目代码'],
        steps: ['在线填报', '备案机关即时告知', '赋码备案'],
        materials: [applicant('项目备案信息表（在线填报）', { form: 'ELECTRONIC', originals: 0 }), BUSINESS_LICENCE()],
      },
    ],
  },
  {
    code: '000127001000',
    implementationCode: '11522633MB1521374X000127001000',
    name: '建设项目用地预审与选址意见书核发',
    type: '行政许可',
    ...DEPT.zrzy,
    legalBasis: ['《中华人民共和国城乡规划法》第三十六条', '《中华人民共和国土地管理法实施条例》第二十四条'],
    legalDays: 20,
    promisedDays: 10,
    fee: '不收费',
    serves: ['ORGANISATION'],
    channels: ['ONLINE', 'WINDOW'],
    onlineDepth: 3,
    counter: WINDOW,
    result: '建设项目用地预审与选址意见书',
    stage: 'PROJECT_LAND_PLANNING',
    leadsStage: true,
    questions: [],
    cases: [
      {
        code: '000127001000-01',
        name: '以划拨方式提供国有土地使用权的建设项目',
        when: {},
        conditions: ['项目符合国土空间规划', '已取得投资项目代码'],
        steps: ['申请', '受理', '审查（含用地预审）', '决定', '制证送达'],
        materials: [
          applicant('建设项目用地预审与选址申请表'),
          BUSINESS_LICENCE(),
          shared('项目批准、核准或备案文件', '从江县发展和改革局（经住建系统共享）', 'PROJECT_FILING', 'ConstructionProject.approvalDocumentNumber', true),
          applicant('建设项目用地预审与选址论证报告', { necessity: 'OPTIONAL' }),
          applicant('标注项目用地范围的土地利用现状图'),
        ],
      },
    ],
  },
  {
    code: '000127002000',
    implementationCode: '11522633MB1521374X000127002000',
    name: '建设用地规划许可证核发',
    type: '行政许可',
    ...DEPT.zrzy,
    legalBasis: ['《中华人民共和国城乡规划法》第三十七条、第三十八条'],
    legalDays: 20,
    promisedDays: 7,
    fee: '不收费',
    serves: ['ORGANISATION'],
    channels: ['ONLINE', 'WINDOW'],
    onlineDepth: 3,
    counter: WINDOW,
    result: '建设用地规划许可证',
    stage: 'PROJECT_LAND_PLANNING',
    leadsStage: false,
    questions: [
      { id: 'supply', text: '土地供应方式', options: [{ value: 'ALLOCATED', label: '划拨' }, { value: 'GRANTED', label: '出让' }] },
    ],
    cases: [
      {
        code: '000127002000-01',
        name: '以划拨方式取得国有土地使用权',
        when: { supply: 'ALLOCATED' },
        conditions: ['已取得建设项目用地预审与选址意见书', '项目已批准、核准或备案'],
        steps: ['申请', '受理', '审查', '决定', '制证送达'],
        materials: [
          applicant('建设用地规划许可申请表'),
          BUSINESS_LICENCE(),
          shared('项目批准、核准或备案文件', '从江县发展和改革局（经住建系统共享）', 'PROJECT_FILING', 'ConstructionProject.approvalDocumentNumber', true),
          shared('建设项目用地预审与选址意见书', '从江县自然资源局', 'SITE_SELECTION_OPINION', 'Parcel.siteSelectionOpinion', true),
          applicant('建设用地范围红线图'),
        ],
      },
      {
        code: '000127002000-02',
        name: '以出让方式取得国有土地使用权',
        when: { supply: 'GRANTED' },
        conditions: ['已签订国有建设用地使用权出让合同', '项目已核准或备案'],
        steps: ['申请', '受理', '审查', '决定', '制证送达'],
        promisedDays: 3,
        materials: [
          applicant('建设用地规划许可申请表'),
          BUSINESS_LICENCE(),
          shared('项目核准或备案文件', '从江县发展和改革局（经住建系统共享）', 'PROJECT_FILING', 'ConstructionProject.approvalDocumentNumber', true),
          shared('国有建设用地使用权出让合同', '从江县自然资源局', 'TRANSFER_CONTRACT', 'Parcel.landUseRight.transferContractNumber', true),
        ],
      },
    ],
  },
  {
    code: '000127003000',
    implementationCode: '11522633MB1521374X000127003000',
    name: '建设工程规划许可证核发',
    type: '行政许可',
    ...DEPT.zrzy,
    legalBasis: ['《中华人民共和国城乡规划法》第四十条'],
    legalDays: 20,
    promisedDays: 10,
    fee: '不收费',
    serves: ['ORGANISATION'],
    channels: ['ONLINE', 'WINDOW'],
    onlineDepth: 3,
    counter: WINDOW,
    result: '建设工程规划许可证',
    stage: 'ENGINEERING_PERMIT',
    leadsStage: true,
    questions: [
      { id: 'nature', text: '建设性质', options: [{ value: 'NEW', label: '新建' }, { value: 'EXTEND', label: '扩建、改建' }] },
      { id: 'zone', text: '项目是否位于已完成区域评估的开发区（园区）内', options: [{ value: 'INSIDE', label: '园区内' }, { value: 'OUTSIDE', label: '园区外' }] },
    ],
    cases: [
      {
        code: '000127003000-01',
        name: '新建项目（园区外）',
        when: { nature: 'NEW', zone: 'OUTSIDE' },
        conditions: ['已取得建设用地规划许可证和不动产权证书', '设计方案符合规划条件'],
        steps: ['申请', '受理', '设计方案审查与批前公示', '决定', '制证送达'],
        materials: [
          applicant('建设工程规划许可申请表'),
          BUSINESS_LICENCE(),
          LAND_CERTIFICATE(),
          shared('建设用地规划许可证', '从江县自然资源局', 'LAND_PLANNING_PERMIT', 'Parcel.landPlanningPermit', true),
          applicant('建设工程设计方案（含总平面图）', { copies: 2 }),
          applicant('地质灾害危险性评估报告'),
        ],
      },
      {
        code: '000127003000-02',
        name: '新建项目（园区内，已完成区域评估）',
        when: { nature: 'NEW', zone: 'INSIDE' },
        conditions: ['已取得建设用地规划许可证和不动产权证书', '设计方案符合规划条件'],
        steps: ['申请', '受理', '设计方案审查', '决定', '制证送达'],
        promisedDays: 7,
        notice: '园区已完成地质灾害、压覆矿产等区域评估，单个项目不再单独评估。',
        materials: [
          applicant('建设工程规划许可申请表'),
          BUSINESS_LICENCE(),
          LAND_CERTIFICATE(),
          shared('建设用地规划许可证', '从江县自然资源局', 'LAND_PLANNING_PERMIT', 'Parcel.landPlanningPermit', true),
          applicant('建设工程设计方案（含总平面图）', { copies: 2 }),
        ],
      },
      {
        code: '000127003000-03',
        name: '扩建、改建项目',
        when: { nature: 'EXTEND' },
        conditions: ['原建筑合法', '扩建、改建方案符合规划条件'],
        steps: ['申请', '受理', '现场踏勘', '审查', '决定', '制证送达'],
        materials: [
          applicant('建设工程规划许可申请表'),
          BUSINESS_LICENCE(),
          LAND_CERTIFICATE(),
          applicant('现状地形图及原建筑测绘图'),
          applicant('扩建、改建设计方案', { copies: 2 }),
        ],
      },
    ],
  },
  {
    code: '000116001000',
    implementationCode: '11522633MB1733021Y000116001000',
    name: '结合民用建筑修建防空地下室审批',
    type: '行政许可',
    ...DEPT.rfb,
    legalBasis: ['《中华人民共和国人民防空法》第二十二条'],
    legalDays: 20,
    promisedDays: 10,
    fee: '不收费（易地建设费按规定缴纳）',
    serves: ['ORGANISATION'],
    channels: ['ONLINE', 'WINDOW'],
    onlineDepth: 3,
    counter: WINDOW,
    result: '防空地下室审批意见',
    stage: 'ENGINEERING_PERMIT',
    leadsStage: false,
    questions: [],
    cases: [
      {
        code: '000116001000-01',
        name: '新建民用建筑结建防空地下室',
        when: {},
        conditions: ['项目属于应建防空地下室的民用建筑'],
        steps: ['申请', '受理', '审查', '决定'],
        materials: [applicant('防空地下室建设审批申请表'), BUSINESS_LICENCE(), applicant('建设工程设计方案总平面图')],
      },
    ],
  },
  {
    code: '000133001000',
    implementationCode: '11522633MB1605437R000133001000',
    name: '建筑工程施工许可证核发',
    type: '行政许可',
    ...DEPT.zjj,
    legalBasis: ['《中华人民共和国建筑法》第七条、第八条', '《建筑工程施工许可管理办法》（住房和城乡建设部令第18号）'],
    legalDays: 7,
    promisedDays: 3,
    fee: '不收费',
    serves: ['ORGANISATION'],
    channels: ['ONLINE', 'WINDOW'],
    onlineDepth: 4,
    counter: WINDOW,
    result: '建筑工程施工许可证',
    stage: 'CONSTRUCTION_PERMIT',
    leadsStage: true,
    questions: [
      { id: 'scale', text: '工程投资额或建筑面积', options: [{ value: 'ABOVE', label: '30万元以上或300平方米以上' }, { value: 'BELOW', label: '30万元以下且300平方米以下' }] },
      { id: 'investor', text: '投资类型', options: [{ value: 'GOVERNMENT', label: '政府投资' }, { value: 'ENTERPRISE', label: '企业投资' }] },
    ],
    cases: [
      {
        code: '000133001000-01',
        name: '企业投资工程',
        when: { scale: 'ABOVE', investor: 'ENTERPRISE' },
        conditions: ['已取得不动产权证书和建设工程规划许可证', '施工图已审查合格', '已确定施工企业', '建设资金已落实'],
        steps: ['申请', '受理', '审查', '决定', '发证（电子证照同步生成）'],
        materials: [
          applicant('建筑工程施工许可证申请表'),
          BUSINESS_LICENCE(),
          LAND_CERTIFICATE(),
          shared('建设工程规划许可证', '从江县自然资源局', 'ENGINEERING_PLANNING_PERMIT', 'Parcel.engineeringPlanningPermit', true),
          shared('施工图审查合格书', '从江县住房和城乡建设局', 'DRAWING_REVIEW_CERTIFICATE', 'ConstructionProject.drawingReview', true),
          applicant('中标通知书及施工合同'),
          applicant('建设资金已落实承诺书', { necessity: 'DEFERRABLE' }),
        ],
      },
      {
        code: '000133001000-02',
        name: '政府投资工程',
        when: { scale: 'ABOVE', investor: 'GOVERNMENT' },
        conditions: ['已取得不动产权证书和建设工程规划许可证', '施工图已审查合格', '已确定施工企业', '财政资金已安排'],
        steps: ['申请', '受理', '审查', '决定', '发证（电子证照同步生成）'],
        materials: [
          applicant('建筑工程施工许可证申请表'),
          BUSINESS_LICENCE(),
          LAND_CERTIFICATE(),
          shared('建设工程规划许可证', '从江县自然资源局', 'ENGINEERING_PLANNING_PERMIT', 'Parcel.engineeringPlanningPermit', true),
          shared('施工图审查合格书', '从江县住房和城乡建设局', 'DRAWING_REVIEW_CERTIFICATE', 'ConstructionProject.drawingReview', true),
          applicant('中标通知书及施工合同'),
          applicant('财政资金安排证明'),
        ],
      },
      {
        code: '000133001000-03',
        name: '限额以下小型工程（无需申领施工许可证）',
        when: { scale: 'BELOW' },
        conditions: ['工程投资额在30万元以下且建筑面积在300平方米以下'],
        steps: ['无需办理'],
        promisedDays: 0,
        notice: '依据《建筑工程施工许可管理办法》第二条，限额以下工程无需申请施工许可证。',
        materials: [],
      },
    ],
  },
  {
    code: '000133002000',
    implementationCode: '11522633MB1605437R000133002000',
    name: '特殊建设工程消防设计审查',
    type: '行政许可',
    ...DEPT.zjj,
    legalBasis: ['《中华人民共和国消防法》第十一条', '《建设工程消防设计审查验收管理暂行规定》'],
    legalDays: 15,
    promisedDays: 10,
    fee: '不收费',
    serves: ['ORGANISATION'],
    channels: ['ONLINE', 'WINDOW'],
    onlineDepth: 3,
    counter: WINDOW,
    result: '特殊建设工程消防设计审查意见书',
    stage: 'CONSTRUCTION_PERMIT',
    leadsStage: false,
    questions: [],
    cases: [
      {
        code: '000133002000-01',
        name: '特殊建设工程',
        when: {},
        conditions: ['属于特殊建设工程'],
        steps: ['申请', '受理', '技术审查', '决定'],
        materials: [
          applicant('特殊建设工程消防设计审查申请表'),
          BUSINESS_LICENCE(),
          applicant('消防设计文件'),
          shared('施工图审查合格书', '从江县住房和城乡建设局', 'DRAWING_REVIEW_CERTIFICATE', 'ConstructionProject.drawingReview'),
        ],
      },
    ],
  },
  {
    code: '000127004000',
    implementationCode: '11522633MB1521374X000127004000',
    name: '建设工程规划条件核实',
    type: '行政确认',
    ...DEPT.zrzy,
    legalBasis: ['《中华人民共和国城乡规划法》第四十五条'],
    legalDays: 15,
    promisedDays: 5,
    fee: '不收费',
    serves: ['ORGANISATION'],
    channels: ['ONLINE', 'WINDOW'],
    onlineDepth: 3,
    counter: WINDOW,
    result: '建设工程规划核实意见书',
    stage: 'COMPLETION_ACCEPTANCE',
    leadsStage: false,
    questions: [],
    cases: [
      {
        code: '000127004000-01',
        name: '建设工程竣工规划核实（多测合一）',
        when: {},
        conditions: ['工程已竣工', '已完成竣工联合测绘'],
        steps: ['申请', '受理', '现场核实', '出具意见'],
        materials: [
          applicant('规划核实申请表'),
          shared('建设工程规划许可证', '从江县自然资源局', 'ENGINEERING_PLANNING_PERMIT', 'Parcel.engineeringPlanningPermit', true),
          applicant('竣工联合测绘成果报告（多测合一）'),
        ],
      },
    ],
  },
  {
    code: '000133003000',
    implementationCode: '11522633MB1605437R000133003000',
    name: '房屋建筑和市政基础设施工程竣工验收备案',
    type: '其他行政权力',
    ...DEPT.zjj,
    legalBasis: ['《建设工程质量管理条例》第四十九条', '《房屋建筑和市政基础设施工程竣工验收备案管理办法》'],
    legalDays: 15,
    promisedDays: 5,
    fee: '不收费',
    serves: ['ORGANISATION'],
    channels: ['ONLINE', 'WINDOW'],
    onlineDepth: 3,
    counter: WINDOW,
    result: '竣工验收备案证明',
    stage: 'COMPLETION_ACCEPTANCE',
    leadsStage: true,
    questions: [],
    cases: [
      {
        code: '000133003000-01',
        name: '联合验收后备案',
        when: {},
        conditions: ['已通过联合验收（规划、消防、人防、档案）'],
        steps: ['申请', '受理', '核查', '备案'],
        materials: [
          applicant('竣工验收备案表'),
          shared('建筑工程施工许可证', '从江县住房和城乡建设局', 'CONSTRUCTION_PERMIT', 'ConstructionProject.constructionPermit', true),
          applicant('工程竣工验收报告'),
          applicant('建设工程规划核实意见', { source: 'DEPARTMENT', counterHandling: '部门出具，暂未共享，由申请人提交' }),
          applicant('特殊建设工程消防验收意见或备案凭证'),
          applicant('工程质量保修书', { necessity: 'DEFERRABLE' }),
        ],
      },
    ],
  },
  {
    code: '000114001000',
    implementationCode: '11522633MB1819630D000114001000',
    name: '企业设立登记',
    type: '行政许可',
    ...DEPT.scjg,
    legalBasis: ['《中华人民共和国市场主体登记管理条例》第三条'],
    legalDays: 3,
    promisedDays: 1,
    fee: '不收费',
    serves: ['PERSON', 'ORGANISATION'],
    channels: ['ONLINE', 'WINDOW'],
    onlineDepth: 4,
    counter: ENTERPRISE_WINDOW,
    result: '营业执照（含电子营业执照）',
    stage: null,
    leadsStage: false,
    questions: [
      {
        id: 'entityType',
        text: '市场主体类型',
        options: [
          { value: 'LLC', label: '有限责任公司' },
          { value: 'SOLE', label: '个人独资企业' },
          { value: 'COOP', label: '农民专业合作社' },
        ],
      },
    ],
    cases: [
      {
        code: '000114001000-01',
        name: '有限责任公司设立登记',
        when: { entityType: 'LLC' },
        conditions: ['名称已自主申报', '有符合规定的住所'],
        steps: ['网上申报', '审核', '发照（一日办结）'],
        materials: [applicant('公司登记（备案）申请书'), applicant('公司章程'), applicant('股东主体资格证明'), applicant('住所使用相关文件'), applicant('法定代表人、董事、监事和经理的任职文件')],
      },
      {
        code: '000114001000-02',
        name: '个人独资企业设立登记',
        when: { entityType: 'SOLE' },
        conditions: ['投资人为一个自然人'],
        steps: ['网上申报', '审核', '发照'],
        materials: [applicant('个人独资企业登记（备案）申请书'), applicant('投资人身份证明'), applicant('住所使用相关文件')],
      },
      {
        code: '000114001000-03',
        name: '农民专业合作社设立登记',
        when: { entityType: 'COOP' },
        conditions: ['成员五名以上，农民至少占百分之八十'],
        steps: ['网上申报', '审核', '发照'],
        materials: [applicant('农民专业合作社登记（备案）申请书'), applicant('全体设立人签名的设立大会纪要'), applicant('合作社章程'), applicant('成员名册及出资清单')],
      },
    ],
  },
  {
    code: '000114002000',
    implementationCode: '11522633MB1819630D000114002000',
    name: '食品经营许可',
    type: '行政许可',
    ...DEPT.scjg,
    legalBasis: ['《中华人民共和国食品安全法》第三十五条', '《食品经营许可和备案管理办法》'],
    legalDays: 10,
    promisedDays: 5,
    fee: '不收费',
    serves: ['ORGANISATION'],
    channels: ['ONLINE', 'WINDOW'],
    onlineDepth: 3,
    counter: ENTERPRISE_WINDOW,
    result: '食品经营许可证',
    stage: null,
    leadsStage: false,
    questions: [
      { id: 'format', text: '经营业态', options: [{ value: 'RETAIL', label: '食品销售经营者' }, { value: 'CATERING', label: '餐饮服务经营者' }] },
    ],
    cases: [
      {
        code: '000114002000-01',
        name: '食品销售经营者',
        when: { format: 'RETAIL' },
        conditions: ['已取得营业执照', '有与经营品种相适应的场所和设施'],
        steps: ['申请', '受理', '审查（必要时现场核查）', '决定', '发证'],
        materials: [applicant('食品经营许可申请书'), BUSINESS_LICENCE(), applicant('经营场所平面图和设备布局图'), applicant('食品安全管理制度文本')],
      },
      {
        code: '000114002000-02',
        name: '餐饮服务经营者',
        when: { format: 'CATERING' },
        conditions: ['已取得营业执照', '厨房布局和工艺流程合理'],
        steps: ['申请', '受理', '现场核查', '决定', '发证'],
        promisedDays: 7,
        materials: [
          applicant('食品经营许可申请书'),
          BUSINESS_LICENCE(),
          applicant('经营场所平面图、设备布局和工艺流程图'),
          applicant('食品安全管理制度文本'),
          applicant('食品安全管理人员培训合格证明', { necessity: 'DEFERRABLE' }),
        ],
      },
    ],
  },
];

/**
 * Which departments review an application at each stage, and who leads: 一家牵头、并联审批.
 * This varies by county, so it is data of the approval system, not code.
 */
export const STAGE_LANES: Record<ProjectStage, { departmentCode: string; department: string; lead: boolean; promisedDays: number; items: string[] }[]> = {
  PROJECT_LAND_PLANNING: [
    { ...DEPT.zrzy, lead: true, promisedDays: 10, items: ['000127001000', '000127002000'] },
    { ...DEPT.fgj, lead: false, promisedDays: 3, items: ['000111001000'] },
  ],
  ENGINEERING_PERMIT: [
    { ...DEPT.zrzy, lead: true, promisedDays: 10, items: ['000127003000'] },
    { ...DEPT.rfb, lead: false, promisedDays: 10, items: ['000116001000'] },
  ],
  CONSTRUCTION_PERMIT: [
    { ...DEPT.zjj, lead: true, promisedDays: 3, items: ['000133001000'] },
    { department: '从江县住房和城乡建设局（消防审查）', departmentCode: 'zjj-xf', lead: false, promisedDays: 10, items: ['000133002000'] },
  ],
  COMPLETION_ACCEPTANCE: [
    { ...DEPT.zjj, lead: true, promisedDays: 5, items: ['000133003000'] },
    { ...DEPT.zrzy, lead: false, promisedDays: 5, items: ['000127004000'] },
    { ...DEPT.rfb, lead: false, promisedDays: 5, items: [] },
    { department: '从江县档案馆', departmentCode: 'da', lead: false, promisedDays: 5, items: [] },
  ],
};
