/**
 * The executor's own merging and flattening (plan-executor.ts) against what they replace:
 * @apollo/gateway's `deepMerge`, and flattening by `flatMap` at every `@` of a path. Both
 * run over the same generated trees (inherited names such as `constructor` and an own
 * `__proto__`, prototype-less objects, nulls, holes, lists of other lengths, values of the
 * wrong kind) and must leave the same trees, or fail with the same message.
 */
import { deepMerge } from '@apollo/gateway/dist/utilities/deepMerge';
import { flattenAt, mergeInto } from '../../gateway/execution/plan-executor';
import { SeededRandom } from '../../mocks/shared/random';

const KEYS = ['a', 'b', 'c', '0', 'constructor', 'toString', '__proto__', 'hasOwnProperty'];

/** An own, enumerable property, whatever its name (a plain assignment to `__proto__` would set the prototype). */
function own(object: object, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function tree(rng: SeededRandom, depth: number, allowUndefined: boolean): unknown {
  const roll = rng.int(0, 9);
  if (depth <= 0 || roll < 3) return rng.pick([null, 0, 1, 'text', true, ...(allowUndefined ? [undefined] : [])]);
  if (roll < 5) {
    const list: unknown[] = [];
    const length = rng.int(0, 3);
    for (let i = 0; i < length; i++) list.push(tree(rng, depth - 1, allowUndefined));
    if (rng.chance(0.1)) list.length += 1; // a hole at the end
    return list;
  }
  const object = rng.chance(0.3) ? Object.create(null) : {};
  for (let i = rng.int(0, 4); i > 0; i--) own(object, rng.pick(KEYS), tree(rng, depth - 1, allowUndefined));
  return object;
}

/** The tree written out with what a plain comparison misses: prototypes, key order, holes. */
function written(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name}`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${Array.from({ length: value.length }, (_, i) => (i in value ? written(value[i]) : 'hole')).join(',')}]`;
  const proto = Object.getPrototypeOf(value) === null ? 'null' : 'object';
  return `${proto}{${Reflect.ownKeys(value)
    .map((key) => `${String(key)}:${written((value as Record<string | symbol, unknown>)[key])}`)
    .join(',')}}`;
}

/** A copy keeping prototypes, own `__proto__` keys and holes. */
function clone(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    value.forEach((item, i) => (copy[i] = clone(item)));
    return copy;
  }
  const copy = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
  for (const key of Object.keys(value)) own(copy, key, clone((value as Record<string, unknown>)[key]));
  return copy;
}

function outcome(run: () => unknown): string {
  try {
    return `ok ${written(run())}`;
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

describe('mergeInto', () => {
  it("leaves the same tree as @apollo/gateway's deepMerge, over 4,000 generated pairs", () => {
    const rng = new SeededRandom(1507);
    const kinds = new Set<string>();
    for (let i = 0; i < 4000; i++) {
      const target = tree(rng, 4, false);
      const source = tree(rng, 4, true);
      const theirs = clone(target);
      const ours = clone(target);
      const expected = outcome(() => (deepMerge(theirs, clone(source)), theirs));
      const actual = outcome(() => (mergeInto(ours, clone(source)), ours));
      expect(actual).toBe(expected);
      kinds.add(expected.startsWith('throws') ? 'throws' : written(source).includes('__proto__') ? 'own __proto__' : 'merged');
    }
    // The generator reached each kind of case, so the comparison above is not vacuous.
    expect([...kinds].sort()).toEqual(['merged', 'own __proto__', 'throws']);
  });
});

/** The flattening the executor used before: a `flatMap` at every `@`. */
function flatMapAt(value: any, path: readonly (string | number)[], from: number): any {
  if (from === path.length) return value;
  if (value === undefined || value === null) return value;
  const current = path[from]!;
  if (current === '@') return value.flatMap((element: unknown) => flatMapAt(element, path, from + 1));
  if (typeof current !== 'string') throw new Error(`Unexpected ${typeof current} found in path`);
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${current}`);
  return flatMapAt(Object.hasOwn(value, current) ? value[current] : undefined, path, from + 1);
}

describe('flattenAt', () => {
  it('finds what flatMap at every @ found, over 6,000 generated trees and paths', () => {
    const rng = new SeededRandom(2203);
    let lists = 0;
    let failures = 0;
    for (let i = 0; i < 6000; i++) {
      const data = tree(rng, 5, false);
      const path: (string | number)[] = [];
      for (let n = rng.int(0, 5); n > 0; n--) path.push(rng.chance(0.05) ? 1 : rng.pick(['a', 'b', '@', '@', 'constructor']));
      const from = rng.int(0, Math.min(1, path.length));
      const expected = outcome(() => flatMapAt(clone(data), path, from));
      expect(outcome(() => flattenAt(clone(data), path, from))).toBe(expected);
      if (expected.startsWith('ok [')) lists++;
      if (expected.startsWith('throws')) failures++;
    }
    expect(lists).toBeGreaterThan(500);
    expect(failures).toBeGreaterThan(100);
  });
});
