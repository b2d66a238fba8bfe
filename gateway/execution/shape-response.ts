/**
 * The last step of executing a query plan: from the subgraphs' merged answers to the
 * response the client asked for — only the fields it selected, under their aliases, in
 * its order, `__typename` filled in, invalid leaf values and nulls in non-null positions
 * reported and bubbled up.
 *
 * The rules are @apollo/gateway's (`computeResponse`, 2.14), so a response is the same
 * byte for byte whichever executor made it (the parity suite checks that). What differs
 * is when the work is done. Apollo walks the operation's selection objects for every
 * value of every response, and asks each selection for its @skip/@include directives
 * and each field for its type. Here an operation is compiled once per plan into plain
 * steps: response names, the type's shape (non-null, list, object, leaf check), and
 * skip/include turned into a test of one variable. A response then costs one pass over
 * its values. In front of these steps, code generated per operation (generated-shaper.ts)
 * builds well-formed responses faster still; anything else it hands back, and the steps
 * shape the response from the start.
 */
import {
  assert,
  ERRORS,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  Variable,
  type CompositeType,
  type Directive,
  type FieldSelection,
  type Operation,
  type Schema,
  type Selection,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';
import { BAIL, generateShaper, type GeneratedShaper } from './generated-shaper';

type Variables = Record<string, unknown>;
type Path = (string | number)[];

/** Introspection fields (`__schema`, `__type`) are answered from the API schema by graphql-js. */
export type IntrospectionHandler = (selection: FieldSelection) => unknown;

/** true: leave the selection out for these variables. */
type SkipTest = (variables: Variables) => boolean;

export type Shape =
  | { kind: 'nonNull'; of: Shape; selected: boolean }
  | { kind: 'list'; of: Shape; selected: boolean; name: string }
  | { kind: 'composite'; type: CompositeType; steps: Step[]; selected: boolean; plainObjects: boolean; name: string }
  | { kind: 'leaf'; valid: (value: unknown) => boolean; selected: boolean; name: string };

export type Step =
  | { kind: 'field'; responseName: string; skip: SkipTest | null; shape: Shape }
  | { kind: 'typename'; responseName: string; skip: SkipTest | null }
  | { kind: 'introspection'; responseName: string; skip: SkipTest | null; selection: FieldSelection }
  | { kind: 'fragment'; skip: SkipTest | null; applies: (typename: string | undefined, parentType: CompositeType) => boolean; typeCondition: CompositeType | undefined; steps: Step[] };

export interface ShapedResponse {
  data: Record<string, unknown> | null;
  errors: GraphQLError[];
}

export interface ResponseShaper {
  /** The generated fast path `shape` tries first, when the operation has one (generated-shaper.ts); exposed for its parity test. */
  readonly generated: GeneratedShaper | undefined;
  /** `variables`: the request's, over the defaults the operation declares. */
  shape(input: Record<string, unknown>, variables: Variables | undefined, introspection: IntrospectionHandler): ShapedResponse;
}

/**
 * Compiles an operation (built over the API schema) into its response shaper, or answers
 * undefined for an operation this compiler leaves to Apollo's executor. `generated`
 * false: the interpreter alone, as the parity test needs it.
 */
export function compileResponseShaper(operation: Operation, { generated = true }: { generated?: boolean } = {}): ResponseShaper | undefined {
  const schema = operation.schema();
  const rootType = schema.schemaDefinition.rootType(operation.rootKind);
  if (!rootType) return undefined;
  const compiler = new ShapeCompiler(schema);
  const steps = compiler.steps(operation.selectionSet);
  if (compiler.unsupported) return undefined;
  const rootPlain = plainObjectsFor(steps);
  const defaults = operation.collectDefaultedVariableValues();
  const defaultedVariables = Object.keys(defaults).length > 0 ? defaults : undefined;
  const fast = generated && rootPlain ? generateShaper(schema, rootType, steps) : undefined;
  return {
    generated: fast,
    shape(input, requestVariables, introspection) {
      if (fast) {
        try {
          return { data: fast(input), errors: [] };
        } catch (error) {
          if (error !== BAIL) throw error;
        }
      }
      const variables = defaultedVariables ? { __proto__: null, ...defaultedVariables, ...requestVariables } : (requestVariables ?? {});
      const run: Run = { schema, variables, errors: [], path: [], introspection, invalid: false, hasErrors: false };
      const data = rootPlain ? {} : Object.create(null);
      const bubbled = applySteps(steps, input, data, run, rootType);
      return { data: bubbled ? null : data, errors: run.errors };
    },
  };
}

interface Run {
  schema: Schema;
  variables: Variables;
  errors: GraphQLError[];
  path: Path;
  introspection: IntrospectionHandler;
  /** Set by `updateValue` for its caller: the value is null where null is not allowed. */
  invalid: boolean;
  /** Set by `updateValue` for its caller: an error was reported for the value. */
  hasErrors: boolean;
}

class ShapeCompiler {
  /** Set when the operation needs something this compiler does not do. */
  unsupported = false;

  constructor(private readonly schema: Schema) {}

  steps(selectionSet: SelectionSet): Step[] {
    return selectionSet.selections().map((selection) => this.step(selection));
  }

  private step(selection: Selection): Step {
    const skip = skipTest(selection.element.appliedDirectivesOf(this.schema.skipDirective()), selection.element.appliedDirectivesOf(this.schema.includeDirective()));
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      const responseName = field.responseName();
      if (responseName === '__proto__') this.unsupported = true;
      if (field.definition.isSchemaIntrospectionField()) return { kind: 'introspection', responseName, skip, selection };
      if (field.name === '__typename') return { kind: 'typename', responseName, skip };
      return { kind: 'field', responseName, skip, shape: this.shape(field.definition.type!, selection.selectionSet) };
    }
    const typeCondition = selection.element.typeCondition;
    const memo = new Map<string, boolean>();
    const schema = this.schema;
    const applies = typeCondition
      ? (typename: string | undefined, parentType: CompositeType) => {
          const key = typename ? `t:${typename}` : `p:${parentType.name}`;
          let answer = memo.get(key);
          if (answer === undefined) {
            if (typename) {
              const type = schema.type(typename);
              answer = !!type && isSubtype(typeCondition, type);
            } else {
              answer = isSubtype(typeCondition, parentType);
            }
            memo.set(key, answer);
          }
          return answer;
        }
      : () => true;
    return { kind: 'fragment', skip, applies, typeCondition, steps: this.steps(selection.selectionSet) };
  }

  private shape(type: Type, selectionSet: SelectionSet | undefined): Shape {
    const selected = selectionSet !== undefined;
    if (isNonNullType(type)) return { kind: 'nonNull', of: this.shape(type.ofType, selectionSet), selected };
    if (isListType(type)) return { kind: 'list', of: this.shape(type.ofType, selectionSet), selected, name: type.toString() };
    if (isCompositeType(type)) {
      if (!selectionSet) {
        this.unsupported = true;
        return { kind: 'leaf', valid: () => false, selected, name: type.toString() };
      }
      const steps = this.steps(selectionSet);
      return { kind: 'composite', type, steps, selected, plainObjects: plainObjectsFor(steps), name: type.toString() };
    }
    return { kind: 'leaf', valid: this.leafCheck(type), selected, name: type.toString() };
  }

  /** Apollo's `isValidLeafValue`, decided per type once instead of per value. */
  private leafCheck(type: Type): (value: unknown) => boolean {
    const schema = this.schema;
    if (isCustomScalarType(type)) return () => true;
    const isBoolean = type === schema.booleanType();
    const isInt = type === schema.intType();
    const isId = type === schema.idType();
    const isFloat = type === schema.floatType();
    const enumType = isEnumType(type) ? type : undefined;
    return (value) => {
      if (typeof value === 'string') {
        if (enumType) return enumType.value(value) !== undefined;
        return !isBoolean && !isInt && !isFloat;
      }
      if (typeof value === 'boolean') return isBoolean;
      if (typeof value === 'number' && isFinite(value)) {
        if (isInt || isId) return INTEGER.test(String(value));
        return isFloat;
      }
      return false;
    };
  }
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/**
 * Response objects are plain objects (fast to build and to serialise) unless a response
 * name would reach Object.prototype (`constructor`, `toString` …): then null-prototype.
 */
function plainObjectsFor(steps: Step[]): boolean {
  return steps.every((step) => (step.kind === 'fragment' ? plainObjectsFor(step.steps) : !(step.responseName in Object.prototype)));
}

function skipTest(skips: Directive<any, { if: boolean | Variable }>[], includes: Directive<any, { if: boolean | Variable }>[]): SkipTest | null {
  const skip = skips[0] && condition(skips[0]);
  const include = includes[0] && condition(includes[0]);
  if (!skip && !include) return null;
  return (variables) => (!!skip && skip(variables)) || (!!include && !include(variables));
}

function condition(directive: Directive<any, { if: boolean | Variable }>): SkipTest {
  const arg = directive.arguments().if;
  if (arg instanceof Variable) {
    const name = arg.name;
    return (variables) => {
      const value = variables[name];
      if (value === undefined || typeof value !== 'boolean') assert(false, () => `Unexpected value ${value} for variable ${arg} of ${directive}`);
      return value as boolean;
    };
  }
  return () => arg;
}

/** Applies one selection set; true when a non-null violation bubbles up to the caller's value. */
function applySteps(steps: Step[], input: any, output: any, run: Run, parentType: CompositeType): boolean {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.skip !== null && step.skip(run.variables)) continue;
    if (step.kind === 'fragment') {
      const typename = input.__typename;
      if (typename && typeof typename !== 'string') assert(false, () => `Got unexpected value for __typename: ${typename}`);
      if (step.applies(typename, parentType) && applySteps(step.steps, input, output, run, step.typeCondition ?? parentType)) return true;
      continue;
    }
    const responseName = step.responseName;
    const outputValue = output[responseName];
    if (step.kind === 'introspection') {
      if (outputValue === undefined) output[responseName] = run.introspection(step.selection);
      continue;
    }
    let inputValue = Object.hasOwn(input, responseName) ? (input[responseName] ?? null) : null;
    if (step.kind === 'typename') {
      if (outputValue === undefined) {
        if (inputValue === null && responseName !== '__typename') inputValue = input.__typename ?? null;
        const type = inputValue !== null && typeof inputValue === 'string' ? (run.schema.type(inputValue) ?? parentType) : parentType;
        if (!isObjectType(type)) return true;
        output[responseName] = type.name;
      }
      continue;
    }
    run.path.push(responseName);
    output[responseName] = updateValue(outputValue, step.shape, inputValue, run, parentType);
    run.path.pop();
    if (run.invalid) return true;
  }
  return false;
}

function done(run: Run, invalid: boolean, hasErrors: boolean): void {
  run.invalid = invalid;
  run.hasErrors = hasErrors;
}

function updateValue(outputValue: any, shape: Shape, inputValue: any, run: Run, parentType: CompositeType): unknown {
  if (outputValue === null || (outputValue !== undefined && !shape.selected)) {
    done(run, false, false);
    return outputValue;
  }
  if (shape.kind === 'nonNull') {
    const updated = updateValue(outputValue, shape.of, inputValue, run, parentType);
    if (updated === null) {
      if (!run.hasErrors) {
        run.errors.push(ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${describeLast(run.path, innerName(shape.of), parentType)}.`, { path: Array.from(run.path) }));
      }
      done(run, true, true);
      return null;
    }
    done(run, false, false);
    return updated;
  }
  if (inputValue === null) {
    done(run, false, false);
    return null;
  }
  switch (shape.kind) {
    case 'list': {
      if (!Array.isArray(inputValue)) assert(false, () => `Invalid non-list value ${inputValue} returned by subgraph for list type ${shape.name}`);
      if (outputValue !== undefined && !Array.isArray(outputValue)) assert(false, () => `Invalid non-list value ${outputValue} returned by subgraph for list type ${shape.name}`);
      const length = inputValue.length;
      if (outputValue !== undefined && outputValue.length !== length) assert(false, () => `[${inputValue}].length (${length}) !== [${outputValue}].length (${outputValue.length})`);
      const updated = new Array(length);
      let nullify = false;
      let hasErrors = false;
      for (let index = 0; index < length; index++) {
        run.path.push(index);
        updated[index] = updateValue(outputValue === undefined ? undefined : outputValue[index], shape.of, inputValue[index], run, parentType);
        run.path.pop();
        nullify ||= run.invalid;
        hasErrors ||= run.hasErrors;
      }
      done(run, false, hasErrors);
      return nullify ? null : updated;
    }
    case 'composite': {
      if (typeof inputValue !== 'object') assert(false, () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${shape.name}`);
      if (outputValue !== undefined && typeof outputValue !== 'object') assert(false, () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${shape.name}`);
      const typename = inputValue.__typename;
      if (typename !== undefined && typeof typename !== 'string') assert(false, () => `Invalid non-string value ${typename} for __typename at ${run.path}`);
      let objectType: CompositeType = shape.type;
      if (typename) {
        const named = run.schema.type(typename);
        if (!named || !isCompositeType(named)) {
          run.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${describeLast(run.path, shape.name, parentType)}.`, { path: Array.from(run.path) }));
          done(run, false, true);
          return null;
        }
        objectType = named;
      }
      const object = outputValue === undefined ? (shape.plainObjects ? {} : Object.create(null)) : outputValue;
      const bubbled = applySteps(shape.steps, inputValue, object, run, objectType);
      done(run, false, bubbled);
      return bubbled ? null : object;
    }
    case 'leaf': {
      if (outputValue !== undefined) assert(false, () => `Excepted output to be undefined but got ${shape.name} for type ${shape.name}`);
      const valid = shape.valid(inputValue);
      if (!valid) run.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${describeLast(run.path, shape.name, parentType)}.`, { path: Array.from(run.path) }));
      done(run, false, !valid);
      return valid ? inputValue : null;
    }
  }
}

function innerName(shape: Shape): string {
  if (shape.kind === 'nonNull') return `${innerName(shape.of)}!`;
  return shape.name;
}

function describeLast(path: Path, typeName: string, parentType: CompositeType): string {
  const element = path[path.length - 1];
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${typeName} at index ${element}`;
}
