import { readFileSync } from 'node:fs';
import { buildSchema, operationFromDocument, type Schema } from '@apollo/federation-internals';
import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { DEFAULT_SUPERGRAPH } from '../../gateway/config';
import { BAIL } from '../../gateway/execution/generated-shaper';
import { compileResponseShaper, type ResponseShaper } from '../../gateway/execution/shape-response';
import { loadSupergraph } from '../../gateway/supergraph';
import { SeededRandom } from '../../mocks/shared/random';

/**
 * The generated shaper against the interpreter it stands in front of: for operations
 * over every root field of two schemas (the county's API schema and one with every kind
 * of type), in several shapes each (aliases, `__typename` and its aliases, fields repeated
 * through fragments, fragments on the type and on its interfaces, abstract types, and
 * shapes the generator must refuse), and for generated answers — well-formed, and with
 * nulls, missing values, wrong types, unknown `__typename`s and non-lists mixed in — the
 * shaper must answer exactly what the interpreter answers, error for error and byte for
 * byte. Wherever the generated code answers on its own, the interpreter must have found
 * nothing wrong with that answer and built the same bytes.
 */

const KINDS_SDL = `
  scalar JSON
  enum Stage { DRAFT REVIEW DONE }
  interface Node { id: ID! }
  interface Named { name: String }
  type Enterprise implements Node & Named {
    id: ID! name: String uscc: String! stage: Stage score: Float count: Int! active: Boolean
    extra: JSON tags: [String!] matrix: [[Int]] valueOf: String contact: Contact
  }
  type Contact { phone: String email: String }
  type Parcel implements Node { id: ID! area: Float! owner: Enterprise neighbours: [Parcel!]! stages: [Stage!]! }
  union Party = Enterprise | Parcel
  type Query { enterprise(id: ID!): Enterprise node(id: ID!): Node nodes: [Node] parties: [Party!] parcels: [Parcel!]! named: Named! }
  type Mutation { touch(id: ID!): Enterprise! }
`;

/** One selection of the generated operation, kept to generate answers for it. */
type Selection =
  | { kind: 'field'; responseName: string; field: GraphQLField<unknown, unknown>; selections?: Selection[] }
  | { kind: 'typename'; responseName: string }
  | { kind: 'fragment'; on?: string; selections: Selection[] };

/**
 * Writes one operation over a root field. `plain`: fields only; `varied`: aliases,
 * `__typename`s, repeated fields and fragments the generator takes; `refused`: shapes it
 * must leave to the interpreter as well.
 */
class OperationWriter {
  /** Set when the operation has a shape the generator must refuse. */
  refused = false;
  private aliasCount = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rng: SeededRandom,
    private readonly style: 'plain' | 'varied' | 'refused',
  ) {}

  selections(type: GraphQLCompositeType, depth: number, path: string[]): Selection[] {
    const out: Selection[] = [];
    if (isAbstractType(type)) {
      out.push({ kind: 'typename', responseName: '__typename' });
      if (isInterfaceType(type)) out.push(...this.fields(type, depth, path));
      // Fragments on the possible types: the interpreter's to judge, never generated.
      if (this.style === 'refused' || !isInterfaceType(type)) {
        for (const possible of this.schema.getPossibleTypes(type).slice(0, 2)) {
          const inner = this.fields(possible, depth, path).slice(0, 3);
          if (inner.length === 0) continue;
          this.refused = true;
          out.push({ kind: 'fragment', on: possible.name, selections: inner });
        }
      }
      return out;
    }
    out.push(...this.fields(type, depth, path));
    if (this.style !== 'plain') {
      out.push({ kind: 'typename', responseName: this.rng.next() < 0.5 ? '__typename' : this.alias('kind') });
      // Fields again: through a fragment without a type, on the type itself, and on each interface it has.
      const again = out.filter((s) => s.kind === 'field').slice(0, 3);
      const fragment = (on: string | undefined, selections: Selection[]) => selections.length > 0 && out.push({ kind: 'fragment', on, selections });
      fragment(undefined, again);
      // An object selected twice with different fields, which the response must merge: { owner { a b } ... { owner { b c } } }.
      const split = out.findIndex((s) => s.kind === 'field' && (s.selections?.length ?? 0) >= 3);
      if (split >= 0) {
        const whole = out[split] as Extract<Selection, { kind: 'field' }>;
        const half = Math.ceil(whole.selections!.length / 2);
        out[split] = { ...whole, selections: whole.selections!.slice(0, half) };
        fragment(undefined, [{ ...whole, selections: whole.selections!.slice(half - 1) }]);
      }
      fragment(type.name, again.slice(0, 1));
      for (const iface of type.getInterfaces()) {
        const shared = out.filter((s): s is Extract<Selection, { kind: 'field' }> => s.kind === 'field' && s.responseName === s.field.name && !!iface.getFields()[s.field.name]);
        // Inside it, what the interpreter judges by the interface when the answer does not name its type.
        const inside: Selection[] = [...shared.slice(0, 2), { kind: 'typename', responseName: this.alias('inside') }];
        if (again.length > 0) inside.push({ kind: 'fragment', on: type.name, selections: again.slice(0, 1) });
        fragment(iface.name, this.rng.next() < 0.5 ? shared.slice(0, 2) : inside);
      }
    }
    if (this.style === 'refused' && this.rng.next() < 0.5) {
      this.refused = true;
      out.push({ kind: 'typename', responseName: 'constructor' });
    }
    return out;
  }

  private arrayName(taken: Selection[]): string {
    const free = ['at', 'map', 'keys', 'values', 'entries', 'find', 'filter'].filter((name) => !taken.some((s) => 'responseName' in s && s.responseName === name));
    return free[0] ?? this.alias('x');
  }

  private alias(base: string): string {
    return `${base}${this.aliasCount++}`;
  }

  private fields(type: GraphQLObjectType | GraphQLCompositeType, depth: number, path: string[]): Selection[] {
    if (!('getFields' in type)) return [];
    const out: Selection[] = [];
    for (const field of Object.values(type.getFields())) {
      if (this.argumentsFor(field) === undefined) continue;
      // A response name on Object.prototype (valueOf …) needs null-prototype objects: the interpreter's.
      if (field.name in Object.prototype) {
        if (this.style !== 'refused') continue;
        this.refused = true;
      }
      const named = getNamedType(field.type);
      // Aliases, some named after Array.prototype's methods (an array where an object belongs must not answer them).
      const responseName = this.style === 'plain' || this.rng.next() >= 0.3 ? field.name : this.rng.next() < 0.3 ? this.arrayName(out) : this.alias(field.name);
      if (isLeafType(named)) {
        out.push({ kind: 'field', responseName, field });
        continue;
      }
      // Every type once per path: deep enough for every schema path without cycles.
      if (depth === 0 || path.includes(named.name)) continue;
      const inner = this.selections(named as GraphQLCompositeType, depth - 1, [...path, named.name]);
      if (inner.length > 0) out.push({ kind: 'field', responseName, field, selections: inner });
    }
    return out;
  }

  /** Literal arguments for the field's required ones; undefined when one cannot be written. */
  argumentsFor(field: GraphQLField<unknown, unknown>): string | undefined {
    const written: string[] = [];
    for (const argument of field.args) {
      if (!isNonNullType(argument.type)) continue;
      const type = argument.type.ofType;
      if (isInputObjectType(type) || isListType(type)) return undefined;
      const literal = isEnumType(type) ? type.getValues()[0]!.name : type.name === 'Int' || type.name === 'Float' ? '1' : type.name === 'Boolean' ? 'true' : '"x"';
      written.push(`${argument.name}: ${literal}`);
    }
    return written.length ? `(${written.join(', ')})` : '';
  }

  print(selections: Selection[]): string {
    return `{ ${selections
      .map((s) => {
        if (s.kind === 'typename') return s.responseName === '__typename' ? '__typename' : `${s.responseName}: __typename`;
        if (s.kind === 'fragment') return `... ${s.on ? `on ${s.on} ` : ''}${this.print(s.selections)}`;
        const head = `${s.responseName === s.field.name ? '' : `${s.responseName}: `}${s.field.name}${this.argumentsFor(s.field)}`;
        return s.selections ? `${head} ${this.print(s.selections)}` : head;
      })
      .join(' ')} }`;
  }
}

/** Answers as merged subgraph data would be: keyed by response name, `__typename`s where entities have them. */
class AnswerWriter {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rng: SeededRandom,
    /** Chance that a value is replaced by something wrong. */
    private readonly corruption: number,
  ) {}

  object(type: GraphQLCompositeType, selections: Selection[], root = false): Record<string, unknown> {
    const runtime = isAbstractType(type) ? this.pick(this.schema.getPossibleTypes(type)) : type;
    const out: Record<string, unknown> = {};
    // Under a fragment on an interface an unnamed object is the interpreter's to judge: well-formed answers name it there.
    const named = isAbstractType(type) || (this.corruption === 0 && selections.some((s) => s.kind === 'fragment' && !!s.on && isAbstractType(this.schema.getType(s.on))));
    if (!root && (named || this.rng.next() < 0.7)) out.__typename = this.wrong() ? this.pick(['Nope', 'Stage', 'Query', '', runtime.name]) : runtime.name;
    this.fill(runtime, selections, out);
    return out;
  }

  private fill(runtime: GraphQLObjectType, selections: Selection[], out: Record<string, unknown>): void {
    for (const selection of this.merged(runtime, selections, new Map()).values()) {
      if (selection.kind === 'typename') {
        if (selection.responseName !== '__typename' && this.wrong()) out[selection.responseName] = this.pick(['Nope', 'Parcel', 7]);
        continue;
      }
      if (this.wrong()) {
        // eslint-disable-next-line no-sparse-arrays
        const bad = this.pick([null, undefined, 'x', '', 1.5, -0, NaN, Infinity, -Infinity, 1e20, -1e21, 1e21, 2 ** 53, true, {}, [], ['x'], [, 'a']]);
        if (bad !== undefined) out[selection.responseName] = bad;
        continue;
      }
      out[selection.responseName] = this.value(selection.field.type, selection.selections);
    }
  }

  /** The fields that apply to `runtime`, by response name, each object's selections from all its places. */
  private merged(runtime: GraphQLObjectType, selections: Selection[], into: Map<string, Exclude<Selection, { kind: 'fragment' }>>): Map<string, Exclude<Selection, { kind: 'fragment' }>> {
    for (const selection of selections) {
      if (selection.kind === 'fragment') {
        const on = selection.on ? this.schema.getType(selection.on) : runtime;
        if (on && (on === runtime || (isAbstractType(on) && this.schema.isSubType(on, runtime)))) this.merged(runtime, selection.selections, into);
        continue;
      }
      const first = into.get(selection.responseName);
      if (first?.kind === 'field' && selection.kind === 'field' && first.selections) into.set(selection.responseName, { ...first, selections: [...first.selections, ...(selection.selections ?? [])] });
      else if (!first) into.set(selection.responseName, selection);
    }
    return into;
  }

  private value(type: GraphQLOutputType, selections: Selection[] | undefined): unknown {
    if (isNonNullType(type)) return this.nonNull(type.ofType, selections);
    // Null where null is allowed is well-formed.
    if (this.rng.next() < 0.05) return null;
    return this.nonNull(type, selections);
  }

  private nonNull(type: GraphQLOutputType, selections: Selection[] | undefined): unknown {
    if (isListType(type)) {
      const length = Math.floor(this.rng.next() * 4);
      const list = Array.from({ length }, () => (this.wrong() ? this.pick([null, 'x', 3, undefined]) : this.value(type.ofType, selections)));
      // A real hole, not an undefined element.
      if (length > 0 && this.wrong()) delete list[0];
      return list;
    }
    if (isEnumType(type)) return this.pick(type.getValues()).name;
    if (isScalarType(type)) {
      switch (type.name) {
        case 'String':
          return `s${Math.floor(this.rng.next() * 1000)}`;
        case 'ID':
          return this.rng.next() < 0.5 ? `id${Math.floor(this.rng.next() * 1000)}` : Math.floor(this.rng.next() * 1000);
        case 'Int':
          return Math.floor(this.rng.next() * 2000) - 1000;
        case 'Float':
          return this.rng.next() * 100;
        case 'Boolean':
          return this.rng.next() < 0.5;
        default:
          return this.pick(['text', 12, { nested: [1, 'two'] }, [true]]);
      }
    }
    return this.object(type as GraphQLCompositeType, selections ?? []);
  }

  private wrong(): boolean {
    return this.rng.next() < this.corruption;
  }

  private pick<T>(values: readonly T[]): T {
    return this.rng.pick(values);
  }
}

/** What a shaper answered, as text: the data and errors, or what it threw. */
function outcome(run: () => { data: unknown; errors: { message: string; path?: readonly (string | number)[] }[] }): string {
  try {
    const { data, errors } = run();
    return JSON.stringify({ data, errors: errors.map((e) => ({ message: e.message, path: e.path })) });
  } catch (error) {
    return `threw: ${(error as Error).message}`;
  }
}

interface Tally {
  operations: number;
  generatedOperations: number;
  answers: number;
  /** Answers the generated code built on its own. */
  fast: number;
  /** Answers it left to the interpreter. */
  bailed: number;
}

function checkSchema(name: string, apiSchema: Schema, seed: number): Tally {
  const graphqlSchema = apiSchema.toGraphQLJSSchema();
  // Seeded, so a failure replays.
  const rng = new SeededRandom(seed);
  const tally: Tally = { operations: 0, generatedOperations: 0, answers: 0, fast: 0, bailed: 0 };
  for (const rootKind of ['query', 'mutation'] as const) {
    const root = rootKind === 'query' ? graphqlSchema.getQueryType() : graphqlSchema.getMutationType();
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      for (const style of ['plain', 'varied', 'refused'] as const) {
        const writer = new OperationWriter(graphqlSchema, rng, style);
        const args = writer.argumentsFor(field);
        if (args === undefined) continue;
        const named = getNamedType(field.type);
        const selections: Selection[] = [
          { kind: 'field', responseName: field.name, field, selections: isLeafType(named) ? undefined : writer.selections(named as GraphQLCompositeType, 4, [named.name]) },
        ];
        const text = `${rootKind} ${writer.print(selections)}`;
        const operation = operationFromDocument(apiSchema, parse(text), { validate: false });
        const combined = compileResponseShaper(operation)!;
        const interpreter = compileResponseShaper(operation, { generated: false })!;
        expect(combined).toBeDefined();
        tally.operations++;
        if (writer.refused) {
          // The generator must refuse what it does not handle, rather than answer it its own way.
          expect({ name, text, generated: combined.generated !== undefined }).toEqual({ name, text, generated: false });
          continue;
        }
        expect({ name, text, generated: combined.generated !== undefined }).toEqual({ name, text, generated: true });
        tally.generatedOperations++;
        for (const corruption of [0, 0.01, 0.05, 0.2]) {
          const answers = new AnswerWriter(graphqlSchema, rng, corruption);
          for (let i = 0; i < 15; i++) {
            const input = answers.object(root, selections, true);
            checkAnswer({ name, text, input }, combined, interpreter, tally, corruption === 0);
          }
        }
      }
    }
  }
  return tally;
}

function checkAnswer(label: { name: string; text: string; input: unknown }, combined: ResponseShaper, interpreter: ResponseShaper, tally: Tally, wellFormed: boolean): void {
  const input = label.input as Record<string, unknown>;
  const expected = outcome(() => interpreter.shape(input, undefined, () => null));
  tally.answers++;
  // The shaper as the executor calls it: where the generated code hands over, this is the interpreter's answer again.
  expect({ ...label, answer: outcome(() => combined.shape(input, undefined, () => null)) }).toEqual({ ...label, answer: expected });
  let fast: string | undefined;
  try {
    fast = JSON.stringify({ data: combined.generated!(input), errors: [] });
  } catch (error) {
    if (error !== BAIL) throw error;
  }
  if (fast === undefined) {
    // A well-formed answer needs nothing of the interpreter.
    expect({ ...label, wellFormedHandedOver: wellFormed }).toEqual({ ...label, wellFormedHandedOver: false });
    tally.bailed++;
    return;
  }
  tally.fast++;
  expect({ ...label, fast }).toEqual({ ...label, fast: expected });
}

describe('the generated response shaper answers as the interpreter does', () => {
  test("the county's API schema: every root field, every path to depth 4", () => {
    const apiSchema = loadSupergraph(readFileSync(DEFAULT_SUPERGRAPH, 'utf8')).supergraph.apiSchema();
    const tally = checkSchema('county', apiSchema, 0x522633);
    // Enough of each side to mean something: generated operations, answers built fast and ones handed over.
    expect(tally.generatedOperations).toBeGreaterThanOrEqual(30);
    expect(tally.fast).toBeGreaterThan(tally.answers / 4);
    expect(tally.bailed).toBeGreaterThan(tally.answers / 10);
  });

  test('every kind of type: enums, custom scalars, interfaces, unions, nested lists, non-null, mutations', () => {
    const tally = checkSchema('kinds', buildSchema(KINDS_SDL), 7);
    expect(tally.operations).toBeGreaterThanOrEqual(21);
    expect(tally.fast).toBeGreaterThan(tally.answers / 4);
    expect(tally.bailed).toBeGreaterThan(tally.answers / 10);
  });

  test('a well-formed answer is built by the generated code alone, in the bytes the interpreter builds', () => {
    const schema = buildSchema(KINDS_SDL);
    const text = '{ parcels { id area __typename owner { uscc kind: __typename stage tags matrix extra ... on Named { name } } neighbours { id } stages } }';
    const operation = operationFromDocument(schema, parse(text), { validate: false });
    const shaper = compileResponseShaper(operation)!;
    const input = {
      parcels: [
        {
          __typename: 'Parcel',
          id: 7,
          area: 1.5,
          owner: { __typename: 'Enterprise', uscc: '91522633MA6DXXXX0A', stage: 'REVIEW', tags: ['a'], matrix: [[1, null], []], extra: { any: ['thing'] }, name: '从江' },
          neighbours: [{ id: 'p2', area: 3 }],
          stages: ['DONE'],
        },
      ],
    };
    const expected = {
      parcels: [
        {
          id: 7,
          area: 1.5,
          __typename: 'Parcel',
          owner: { uscc: '91522633MA6DXXXX0A', kind: 'Enterprise', stage: 'REVIEW', tags: ['a'], matrix: [[1, null], []], extra: { any: ['thing'] }, name: '从江' },
          neighbours: [{ id: 'p2' }],
          stages: ['DONE'],
        },
      ],
    };
    expect(JSON.stringify(shaper.generated!(input))).toBe(JSON.stringify(expected));
    expect(JSON.stringify(compileResponseShaper(operation, { generated: false })!.shape(input, undefined, () => null).data)).toBe(JSON.stringify(expected));
  });

  test('where code generation is disallowed (--disallow-code-generation-from-strings) the interpreter serves alone', () => {
    const operation = operationFromDocument(buildSchema(KINDS_SDL), parse('{ parcels { id } }'), { validate: false });
    const original = globalThis.Function;
    globalThis.Function = function disallowed() {
      throw new EvalError('Code generation from strings disallowed for this context');
    } as unknown as FunctionConstructor;
    let shaper: ResponseShaper;
    try {
      shaper = compileResponseShaper(operation)!;
    } finally {
      globalThis.Function = original;
    }
    expect(shaper.generated).toBeUndefined();
    expect(shaper.shape({ parcels: [{ id: 'p1' }] }, undefined, () => null)).toEqual({ data: { parcels: [{ id: 'p1' }] }, errors: [] });
  });

  // Found in review: each needs the interpreter, and an early generator answered them its own way.
  test.each([
    ['a __typename inside a fragment on an interface, the object unnamed (bubbles)', '{ enterprise(id: "1") { id ... on Named { __typename } } }', { enterprise: { id: '1' } }],
    ['a fragment on the type inside one on an interface, the object unnamed (does not apply)', '{ enterprise(id: "1") { id ... on Named { ... on Enterprise { uscc } } } }', { enterprise: { id: '1', uscc: 'u' } }],
    ['a fragment on a union the type belongs to, the object unnamed', '{ enterprise(id: "1") { id ... on Party { k: __typename } } }', { enterprise: { id: '1' } }],
    ["an array where an object belongs, a custom scalar aliased as one of Array.prototype's methods", '{ enterprise(id: "1") { map: extra } }', { enterprise: [] }],
    ['the same, nested, beside a non-null field', '{ parcels { owner { at: extra id } } }', { parcels: [{ owner: [] }] }],
  ])('%s', (_name, text, input) => {
    const operation = operationFromDocument(buildSchema(KINDS_SDL), parse(text), { validate: false });
    const combined = compileResponseShaper(operation)!;
    const interpreter = compileResponseShaper(operation, { generated: false })!;
    expect(combined.generated).toBeDefined();
    let handedOver = false;
    try {
      combined.generated!(input);
    } catch (error) {
      handedOver = error === BAIL;
    }
    expect(handedOver).toBe(true);
    expect(outcome(() => combined.shape(input, undefined, () => null))).toBe(outcome(() => interpreter.shape(input, undefined, () => null)));
  });
});
