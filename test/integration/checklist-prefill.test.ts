import { operation, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await stack.resetCounts();
  for (const id of ['enterprise', 'land', 'construction', 'approval'] as const) Object.assign(stack.departments[id].faults, { down: false });
});

const CONSTRUCTION_PERMIT = { itemCode: '000133001000', answers: [{ question: 'scale', value: 'ABOVE' }, { question: 'investor', value: 'ENTERPRISE' }] };
const byName = (entries: any[]) => Object.fromEntries(entries.map((e) => [e.material.name, e]));

describe('materialChecklist: 照单抓药 pre-filled from every department, in one request', () => {
  const ready = () => stack.departments.county.projects.find((p) => p.stage === 'CONSTRUCTION_PERMIT' && p.drawingReview?.result === '合格' && p.code !== stack.departments.county.edgeCases.revokedApplicantProject)!;

  it('marks what the departments hold SHARED, with the document number and date', async () => {
    const project = ready();
    const parcel = stack.departments.county.parcels.find((p) => p.unitNumber === project.parcelUnitNumber)!;
    const applicant = stack.departments.county.enterprises.find((e) => e.uscc === project.applicantUscc)!;
    const { data, errors } = await stack.query(operation('MaterialChecklist'), { ...CONSTRUCTION_PERMIT, applicant: project.applicantUscc, project: project.code });
    expect(errors).toBeUndefined();
    const entries = byName(data.materialChecklist);
    expect(entries['营业执照']).toEqual({
      material: { name: '营业执照', required: true },
      status: 'SHARED',
      sharedFrom: { department: '从江县市场监督管理局', documentNumber: applicant.uscc, issuedOn: applicant.establishedOn, verified: true },
      reason: null,
    });
    expect(entries['不动产权证书（国有土地使用证）']).toMatchObject({ status: 'SHARED', sharedFrom: { documentNumber: parcel.certificateNumber, issuedOn: parcel.termStart } });
    expect(entries['建设工程规划许可证']).toMatchObject({ status: 'SHARED', sharedFrom: { documentNumber: parcel.engineeringPlanningPermit!.number } });
    expect(entries['施工图审查合格书']).toMatchObject({ status: 'SHARED', sharedFrom: { documentNumber: project.drawingReview!.certificateNumber } });
    expect(entries['中标通知书及施工合同']).toMatchObject({ status: 'REQUIRED', sharedFrom: null });
    expect(entries['建设资金已落实承诺书']).toMatchObject({ status: 'REQUIRED', material: { required: false } });
    // One request to each department: the gateway carried the facts to the approval subgraph.
    expect(['enterprise', 'land', 'construction', 'approval'].map((d) => stack.requests(d as any).length)).toEqual([1, 1, 1, 1]);
  });

  it('BLOCKS on what the shared data shows: revoked licence, abnormal list, expired land right, missing prerequisite', async () => {
    const { edgeCases, projects } = stack.departments.county;
    const reasons = async (code: string) => {
      const { data } = await stack.query(operation('MaterialChecklist'), { ...CONSTRUCTION_PERMIT, project: code });
      return Object.fromEntries(data.materialChecklist.filter((e: any) => e.status === 'BLOCKED').map((e: any) => [e.material.name, e.reason]));
    };
    expect((await reasons(edgeCases.revokedApplicantProject))['营业执照']).toMatch(/「吊销」/);
    expect((await reasons(edgeCases.abnormalListedApplicantProject))['营业执照']).toMatch(/经营异常名录/);
    expect((await reasons(edgeCases.expiredLandRightProject))['不动产权证书（国有土地使用证）']).toMatch(/2026-03-01 到期/);
    const early = projects.find((p) => p.stage === 'PROJECT_LAND_PLANNING' && p.code !== edgeCases.revokedApplicantProject)!;
    expect((await reasons(early.code))['建设工程规划许可证']).toMatch(/尚未核发/);
  });

  it('BLOCKS an applicant that is not the project’s construction unit', async () => {
    const project = ready();
    const stranger = stack.departments.county.enterprises.find((e) => e.uscc !== project.applicantUscc && e.status === '存续' && e.abnormalRecords.length === 0)!;
    const { data } = await stack.query(operation('MaterialChecklist'), { ...CONSTRUCTION_PERMIT, applicant: stranger.uscc, project: project.code });
    expect(byName(data.materialChecklist)['营业执照']).toMatchObject({ status: 'BLOCKED', reason: expect.stringContaining('不是项目') });
  });

  it('asks the applicant for everything when it cannot look anything up, and says why', async () => {
    const { data, errors } = await stack.query(operation('MaterialChecklist'), CONSTRUCTION_PERMIT);
    expect(errors).toBeUndefined();
    expect(data.materialChecklist.every((e: any) => e.status === 'REQUIRED')).toBe(true);
    expect(byName(data.materialChecklist)['营业执照'].reason).toMatch(/未提供申请人/);
    expect(['enterprise', 'land', 'construction'].map((d) => stack.requests(d as any).length)).toEqual([0, 0, 0]);
  });

  it('with the land system down, asks for its documents with a reason and still shares the rest', async () => {
    stack.departments.land.faults.down = true;
    const project = ready();
    const { data, errors } = await stack.query(operation('MaterialChecklist'), { ...CONSTRUCTION_PERMIT, project: project.code });
    const entries = byName(data.materialChecklist);
    expect(entries['不动产权证书（国有土地使用证）']).toMatchObject({ status: 'REQUIRED', reason: expect.stringContaining('自然资源局') });
    expect(entries['营业执照'].status).toBe('SHARED');
    expect(entries['施工图审查合格书'].status).toBe('SHARED');
    // The gateway reports the outage on each entry's path to the parcel.
    expect(errors!.length).toBeGreaterThan(0);
    for (const error of errors!) expect(error.extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'land' });
  });

  it('refuses bad input by name: item, answers, applicant, project', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ itemCode: 'NOPE', answers: [] }, 'itemCode'],
      [{ itemCode: '000133001000', answers: [{ question: 'scale', value: 'HUGE' }] }, 'answers'],
      [{ ...CONSTRUCTION_PERMIT, applicant: '91522633MA6DJ2R3X1' }, 'applicant'],
      [{ ...CONSTRUCTION_PERMIT, project: '2413-522633-89-01-123457' }, 'project'],
    ];
    for (const [variables, argument] of cases) {
      const { errors } = await stack.query(operation('MaterialChecklist'), variables);
      expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument }) })]);
    }
  });
});

describe('service items and guides', () => {
  it('lists the items of a stage with the contract fields', async () => {
    const { data } = await stack.query(`{ serviceItems(stage: CONSTRUCTION_PERMIT) { code name department promisedDays questions { id text options { value label } } } }`);
    expect(data.serviceItems.map((i: any) => i.name)).toEqual(['建筑工程施工许可证核发', '特殊建设工程消防设计审查']);
    expect(data.serviceItems[0]).toMatchObject({ department: '从江县住房和城乡建设局', promisedDays: 3, questions: [{ id: 'scale' }, { id: 'investor' }] });
    const all = await stack.query(`{ serviceItems { stage } }`);
    for (const stage of ['PROJECT_LAND_PLANNING', 'ENGINEERING_PERMIT', 'CONSTRUCTION_PERMIT', 'COMPLETION_ACCEPTANCE', null]) {
      expect(all.data.serviceItems.some((i: any) => i.stage === stage)).toBe(true);
    }
  });

  it('gives the guide of the case the answers pick', async () => {
    const { data, errors } = await stack.query(operation('ServiceGuide'), {
      itemCode: '000127003000',
      answers: [{ question: 'nature', value: 'NEW' }, { question: 'zone', value: 'INSIDE' }],
    });
    expect(errors).toBeUndefined();
    expect(data.serviceGuide.case).toMatchObject({ name: '新建项目（园区内，已完成区域评估）', promisedDays: 7, notice: expect.stringContaining('区域评估') });
    expect(data.serviceGuide.case.materials.find((m: any) => m.name === '建设用地规划许可证').sharedFrom).toEqual({
      department: '从江县自然资源局',
      documentType: 'LAND_PLANNING_PERMIT',
      field: 'Parcel.landPlanningPermit',
    });
    expect(data.serviceGuide.answers).toEqual([
      { question: 'nature', text: '建设性质', value: 'NEW', label: '新建' },
      { question: 'zone', text: '项目是否位于已完成区域评估的开发区（园区）内', value: 'INSIDE', label: '园区内' },
    ]);
  });

  it('answers null for an unknown item and BAD_USER_INPUT naming a missing answer', async () => {
    expect((await stack.query(operation('ServiceGuide'), { itemCode: '999', answers: [] })).data.serviceGuide).toBeNull();
    const { errors } = await stack.query(operation('ServiceGuide'), { itemCode: '000127003000', answers: [{ question: 'zone', value: 'INSIDE' }] });
    expect(errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'answers' } });
    expect(errors![0]!.message).toMatch(/missing an answer to nature/);
  });
});
