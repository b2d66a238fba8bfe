import { CATALOG } from '../../mocks/approval/catalog';
import type { ServiceItem } from '../../subgraphs/approval/client';
import { selectCase } from '../../subgraphs/approval/guide';

const item = (code: string) => CATALOG.find((i) => i.code === code) as unknown as ServiceItem;
const planning = item('000127003000'); // 建设工程规划许可证核发: nature × zone
const permit = item('000133001000'); // 建筑工程施工许可证核发: scale × investor

const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as { message: string; extensions: Record<string, unknown> };
  }
  throw new Error('expected an error');
};

describe('picking the case (情形) from the answers', () => {
  it('picks the one case the answers fit', () => {
    expect(selectCase(planning, [{ question: 'nature', value: 'NEW' }, { question: 'zone', value: 'INSIDE' }]).name).toBe('新建项目（园区内，已完成区域评估）');
    expect(selectCase(permit, [{ question: 'scale', value: 'ABOVE' }, { question: 'investor', value: 'GOVERNMENT' }]).name).toBe('政府投资工程');
  });

  it('does not ask what does not matter for the case', () => {
    expect(selectCase(planning, [{ question: 'nature', value: 'EXTEND' }]).name).toBe('扩建、改建项目');
    expect(selectCase(permit, [{ question: 'scale', value: 'BELOW' }]).materials).toEqual([]);
  });

  it('names a missing answer and its options', () => {
    const error = errorOf(() => selectCase(planning, [{ question: 'zone', value: 'INSIDE' }]));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'answers' });
    expect(error.message).toMatch(/missing an answer to nature \(建设性质\); choose one of NEW \(新建\), EXTEND/);
    expect(errorOf(() => selectCase(permit, [{ question: 'scale', value: 'ABOVE' }])).message).toMatch(/missing an answer to investor/);
  });

  it('names an invalid answer, an unknown question and a repeated one', () => {
    expect(errorOf(() => selectCase(planning, [{ question: 'nature', value: 'DEMOLISH' }])).message).toMatch(/"DEMOLISH" is not an answer to nature/);
    expect(errorOf(() => selectCase(planning, [{ question: 'height', value: '10' }])).message).toMatch(/"height" is not a question of 建设工程规划许可证核发; it asks: nature/);
    expect(
      errorOf(() => selectCase(planning, [{ question: 'nature', value: 'NEW' }, { question: 'nature', value: 'NEW' }])).message,
    ).toMatch(/answered twice/);
  });

  it('every case of the catalogue is reachable by some answers, and every material has an id', () => {
    for (const i of CATALOG) {
      for (const c of i.cases) {
        const answers = Object.entries(c.when).map(([question, value]) => ({ question, value }));
        expect(selectCase(i as unknown as ServiceItem, answers).code).toBe(c.code);
        for (const m of c.materials) expect(m.id).toMatch(/^M\d{3}$/);
      }
    }
  });
});
