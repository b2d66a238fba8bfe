/**
 * The response shaper's fast path: for one operation, JavaScript source that builds the
 * response with object literals, generated once per plan (as graphql-jit does for
 * execution). Interpreting compiled steps (shape-response.ts) costs a call per value,
 * the path pushed and popped, and objects grown one property at a time; a generated
 * function builds each object in one literal of a fixed shape, which V8 allocates and
 * serialises cheaply. Measured on a 50-project page: shaping and serialising at about two
 * fifths of the interpreter's CPU, and 15% less for the whole gateway (docs/NOTES.md).
 *
 * It covers the well-formed case only. Whatever would need an error, a null to bubble,
 * a variable or a schema lookup — a null where null is not allowed, an invalid leaf, a
 * `__typename` the operation did not expect, fragments on abstract types, @skip/@include,
 * introspection — is left to the interpreter: at compile time by answering undefined, at
 * run time by throwing `BAIL`, after which the interpreter shapes the whole response from
 * the start (the generated code never writes to its input). So the interpreter's rules,
 * which are @apollo/gateway's, stay the only ones, and test/unit/generated-shaper.test.ts
 * checks both give the same bytes over generated answers.
 */
import { isObjectType, isSubtype, possibleRuntimeTypes, type CompositeType, type Schema } from '@apollo/federation-internals';
import type { Shape, Step } from './shape-response';

/** Thrown by generated code when the answer needs the interpreter. */
export const BAIL: unique symbol = Symbol('shape with the interpreter');

export type GeneratedShaper = (input: Record<string, unknown>) => Record<string, unknown>;

type Entry = { kind: 'typename' } | { kind: 'field'; shape: Shape };

class Unsupported extends Error {}

/** The generated shaper for an operation's root steps, or undefined when the operation needs the interpreter. */
export function generateShaper(schema: Schema, rootType: CompositeType, steps: Step[]): GeneratedShaper | undefined {
  try {
    const generator = new Generator(schema);
    const root = generator.object(rootType, steps, true);
    const source = `${PRELUDE}\n${generator.functions.join('\n')}\nreturn ${root};`;
    return new Function('BAIL', 'constants', source)(BAIL, generator.constants) as GeneratedShaper;
  } catch (error) {
    // EvalError: node runs with --disallow-code-generation-from-strings; the interpreter serves alone.
    if (error instanceof Unsupported || error instanceof EvalError) return undefined;
    throw error;
  }
}

/**
 * Leaves: null for a missing or null value, the value when the interpreter would find
 * it valid (`isValidLeafValue`), BAIL otherwise. An integer prints as digits below 1e21,
 * which is the interpreter's test for Int and ID.
 */
const PRELUDE = `"use strict";
function bail() { throw BAIL; }
function nn(v) { if (v === null) throw BAIL; return v; }
function str(v) { if (v === undefined || v === null) return null; if (typeof v === "string") return v; throw BAIL; }
function bool(v) { if (v === undefined || v === null) return null; if (typeof v === "boolean") return v; throw BAIL; }
function integer(v) { return typeof v === "number" && Number.isInteger(v) && v < 1e21 && v > -1e21; }
function int(v) { if (v === undefined || v === null) return null; if (integer(v)) return v; throw BAIL; }
function id(v) { if (v === undefined || v === null) return null; if (typeof v === "string" || integer(v)) return v; throw BAIL; }
function float(v) { if (v === undefined || v === null) return null; if (typeof v === "number" && Number.isFinite(v)) return v; throw BAIL; }
function any(v) { return v === undefined ? null : v; }
function enm(v, values) { if (v === undefined || v === null) return null; if (typeof v === "string" && values.has(v)) return v; throw BAIL; }`;

class Generator {
  readonly functions: string[] = [];
  /** Values the generated source refers to by index: the sets of enum values and of possible types. */
  readonly constants: unknown[] = [];

  constructor(private readonly schema: Schema) {}

  /** A function shaping one object of `type` (the root's takes the whole answer); answers its name. */
  object(type: CompositeType, steps: Step[], root = false): string {
    const flattened = { named: false };
    const entries = this.entries(type, steps, new Map(), flattened);
    const { name, index } = this.reserve('o');
    const properties: string[] = [];
    for (const [responseName, entry] of entries) {
      if (responseName in Object.prototype) throw new Unsupported();
      const read = `v[${JSON.stringify(responseName)}]`;
      properties.push(`${JSON.stringify(responseName)}: ${entry.kind === 'typename' ? this.typename(type, responseName, read) : this.value(entry.shape, read)}`);
    }
    // An array where an object belongs: the interpreter reads only own properties, `v[name]` would find `at`, `map` …
    const guard = root ? '' : 'if (v === undefined || v === null) return null;\n  if (typeof v !== "object" || Array.isArray(v)) throw BAIL;\n  ';
    this.functions[index] = `function ${name}(v) {\n  ${guard}${this.typenameGuard(type, flattened.named)}\n  return {${properties.join(', ')}};\n}`;
    return name;
  }

  /**
   * The interpreter takes the object's type from its `__typename` when there is one. Here
   * it must be the operation's own type (an object type) or one of its possible types (an
   * abstract one, which must then be named): anything else is the interpreter's to judge.
   * `named`: the object type's answer must name it too (see `entries`).
   */
  private typenameGuard(type: CompositeType, named: boolean): string {
    if (isObjectType(type)) return `const t = v.__typename; if (${named ? '' : 't !== undefined && '}t !== ${JSON.stringify(type.name)}) throw BAIL;`;
    const possible = new Set(possibleRuntimeTypes(type).map((object) => object.name));
    return `const t = v.__typename; if (typeof t !== "string" || !constants[${this.constant(possible)}].has(t)) throw BAIL;`;
  }

  private typename(type: CompositeType, responseName: string, read: string): string {
    const name = isObjectType(type) ? JSON.stringify(type.name) : 't';
    if (responseName === '__typename') return name;
    // An alias of __typename: the interpreter reads the alias first, then __typename.
    return `(${read} == null || ${read} === ${name} ? ${name} : bail())`;
  }

  /**
   * The selection set's fields by response name, fragments flattened and repeated fields
   * merged, as the interpreter would. Inside a fragment on an interface, the interpreter
   * judges an unnamed object by that interface (a `__typename` there bubbles, a nested
   * fragment on the object's own type does not apply): `flattened.named` then asks the
   * answer to name its type, which makes every such judgement the object type's.
   */
  private entries(type: CompositeType, steps: Step[], into: Map<string, Entry>, flattened: { named: boolean }): Map<string, Entry> {
    for (const step of steps) {
      if (step.skip !== null || step.kind === 'introspection') throw new Unsupported();
      if (step.kind === 'fragment') {
        if (!step.typeCondition) this.entries(type, step.steps, into, flattened);
        // On an abstract type the fragment's test depends on the answer's __typename: the interpreter's.
        else if (!isObjectType(type)) throw new Unsupported();
        else if (isSubtype(step.typeCondition, type)) {
          if (step.typeCondition !== type) flattened.named = true;
          this.entries(type, step.steps, into, flattened);
        }
        continue;
      }
      const existing = into.get(step.responseName);
      const entry: Entry = step.kind === 'typename' ? { kind: 'typename' } : { kind: 'field', shape: step.shape };
      if (!existing) into.set(step.responseName, entry);
      else into.set(step.responseName, merge(existing, entry));
    }
    return into;
  }

  /** An expression shaping the value `read` reads. */
  private value(shape: Shape, read: string): string {
    switch (shape.kind) {
      case 'nonNull':
        return `nn(${this.value(shape.of, read)})`;
      case 'leaf':
        return this.leaf(shape, read);
      case 'composite':
        return `${this.object(shape.type, shape.steps)}(${read})`;
      case 'list': {
        const { name, index } = this.reserve('l');
        // A missing element (a hole) is not null to the interpreter, which reports it or throws.
        const element = this.value(shape.of, 'e');
        this.functions[index] =
          `function ${name}(v) {\n  if (v === undefined || v === null) return null;\n  if (!Array.isArray(v)) throw BAIL;\n  const n = v.length;\n  const out = new Array(n);\n  for (let i = 0; i < n; i++) {\n    const e = v[i];\n    if (e === undefined) throw BAIL;\n    out[i] = ${element};\n  }\n  return out;\n}`;
        return `${name}(${read})`;
      }
    }
  }

  /** A function's name and place, taken before the functions it calls take theirs. */
  private reserve(prefix: 'o' | 'l'): { name: string; index: number } {
    this.functions.push('');
    const index = this.functions.length - 1;
    return { name: `${prefix}${index}`, index };
  }

  private leaf(shape: Extract<Shape, { kind: 'leaf' }>, read: string): string {
    const type = this.schema.type(shape.name);
    switch (shape.name) {
      case 'String':
        return `str(${read})`;
      case 'Boolean':
        return `bool(${read})`;
      case 'Int':
        return `int(${read})`;
      case 'ID':
        return `id(${read})`;
      case 'Float':
        return `float(${read})`;
    }
    if (type?.kind === 'EnumType') return `enm(${read}, constants[${this.constant(new Set(type.values.map((value) => value.name)))}])`;
    if (type?.kind === 'ScalarType') return `any(${read})`;
    throw new Unsupported();
  }

  private constant(value: unknown): number {
    this.constants.push(value);
    return this.constants.length - 1;
  }
}

/** Two selections of one response name, as the interpreter merges them: the first's leaf, both objects' fields. */
function merge(first: Entry, second: Entry): Entry {
  if (first.kind === 'typename' || second.kind === 'typename') {
    if (first.kind !== second.kind) throw new Unsupported();
    return first;
  }
  return { kind: 'field', shape: mergeShapes(first.shape, second.shape) };
}

function mergeShapes(first: Shape, second: Shape): Shape {
  if (first.kind !== second.kind) throw new Unsupported();
  switch (first.kind) {
    case 'leaf':
      return first;
    case 'nonNull':
    case 'list':
      return { ...first, of: mergeShapes(first.of, (second as typeof first).of) };
    case 'composite':
      if (first.type !== (second as typeof first).type) throw new Unsupported();
      return { ...first, steps: [...first.steps, ...(second as typeof first).steps] };
  }
}
