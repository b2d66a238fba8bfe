import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  Kind,
  type GraphQLCompositeType,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export type FieldVisitor = (typeName: string, fieldName: string, holder: Record<string, unknown>, responseKey: string) => void;

/** Which fields a walker stops at: `Type.field` of the object type holding it. */
export type FieldFilter = (typeName: string, fieldName: string) => boolean;

/** A field the walk visits or passes through, by response key. */
interface Step {
  key: string;
  typeName: string;
  fieldName: string;
  visit: boolean;
  /** Where the walk goes below this field; absent when nothing below is wanted. */
  below?: Branches;
}

/** The steps for an object, by its runtime type name (an abstract field's members differ). */
interface Branches {
  byType: Map<string, Step[]>;
}

/**
 * Walks responses alongside the operation that produced them, calling the visitor for
 * every field `wanted` accepts that is present in the data, with the object type that
 * holds it. The operation is compiled once (cached by its AST node) into the branches
 * that lead to wanted fields, so a 50-row answer with three wanted fields costs three
 * lookups a row instead of a visit to every field of every row. Fragments on abstract
 * types are matched by `__typename` when the response has it, and all apply when it
 * does not (masking then masks whatever any of the types could hold there).
 */
export type ResponseWalker = (operation: OperationDefinitionNode, data: Record<string, unknown>, visitor: FieldVisitor, shown?: Record<string, unknown>) => void;

export function responseWalker(schema: GraphQLSchema, wanted: FieldFilter): ResponseWalker {
  const compiled = new WeakMap<OperationDefinitionNode, Branches | null>();
  return (operation: OperationDefinitionNode, data: Record<string, unknown>, visitor: FieldVisitor, shown?: Record<string, unknown>): void => {
    let branches = compiled.get(operation);
    if (branches === undefined) {
      // Every kind of operation: a subscription's events are masked and audited like a query's answer.
      const root = schema.getRootType(operation.operation) ?? null;
      branches = root ? compile(schema, root, [operation.selectionSet], wanted) : null;
      compiled.set(operation, branches);
    }
    if (branches) walkObject(branches, data, visitor, shown === undefined ? NOT_SHADOWED : shown);
  };
}

function compile(schema: GraphQLSchema, type: GraphQLCompositeType, selectionSets: readonly SelectionSetNode[], wanted: FieldFilter): Branches | null {
  // An abstract object whose response has no __typename is read through the interface itself.
  const runtimeTypes: readonly (GraphQLObjectType | GraphQLInterfaceType)[] = isAbstractType(type)
    ? [...schema.getPossibleTypes(type), ...(isInterfaceType(type) ? [type] : [])]
    : [type as GraphQLObjectType];
  const byType = new Map<string, Step[]>();
  for (const runtime of runtimeTypes) {
    // Fields of one response key merge across fragments (GraphQL's field collection).
    const fields = new Map<string, { fieldName: string; sets: SelectionSetNode[] }>();
    const collect = (selectionSet: SelectionSetNode) => {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.INLINE_FRAGMENT) {
          const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : runtime;
          const applies = condition === runtime || (condition !== undefined && isAbstractType(condition) && isObjectType(runtime) && schema.isSubType(condition, runtime));
          if (applies) collect(selection.selectionSet);
        } else if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const entry = fields.get(key) ?? { fieldName: selection.name.value, sets: [] };
          if (selection.selectionSet) entry.sets.push(selection.selectionSet);
          fields.set(key, entry);
        }
      }
    };
    for (const set of selectionSets) collect(set);
    const steps: Step[] = [];
    for (const [key, { fieldName, sets }] of fields) {
      const visit = wanted(runtime.name, fieldName);
      const field = runtime.getFields()[fieldName];
      const below = sets.length && field ? compile(schema, getNamedType(field.type) as GraphQLCompositeType, sets, wanted) : null;
      if (visit || below) steps.push({ key, typeName: runtime.name, fieldName, visit, ...(below ? { below } : {}) });
    }
    if (steps.length) byType.set(runtime.name, steps);
  }
  return byType.size ? { byType } : null;
}

/** Walking without a shown response alongside: every object counts. */
const NOT_SHADOWED = Symbol('not shadowed');
type Shadow = unknown;

/**
 * `shown`, when given, is the response as the client got it, walked alongside `object`
 * (another answer to the same question, such as the subgraphs' merged answers with more
 * fields): an object the response shows as null was never disclosed, and is skipped.
 */
function walkObject(branches: Branches, object: Record<string, unknown>, visitor: FieldVisitor, shown: Shadow): void {
  if (shown !== NOT_SHADOWED && (shown === null || typeof shown !== 'object')) return;
  const typename = object.__typename;
  if (typeof typename === 'string') {
    const steps = branches.byType.get(typename);
    if (steps) walkSteps(steps, object, visitor, shown);
    return;
  }
  // An object without __typename could be any of its static type's possible types: take
  // every one's steps, so a field under a fragment on one of them is not missed.
  for (const steps of branches.byType.values()) walkSteps(steps, object, visitor, shown);
}

function walkSteps(steps: readonly Step[], object: Record<string, unknown>, visitor: FieldVisitor, shown: Shadow): void {
  for (const step of steps) {
    if (!(step.key in object)) continue;
    if (step.visit) visitor(step.typeName, step.fieldName, object, step.key);
    const value = object[step.key];
    if (step.below && value !== null && value !== undefined) {
      walkValue(step.below, value, visitor, shown === NOT_SHADOWED ? NOT_SHADOWED : (shown as Record<string, unknown>)[step.key]);
    }
  }
}

function walkValue(branches: Branches, value: unknown, visitor: FieldVisitor, shown: Shadow): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item === null || item === undefined) continue;
      walkValue(branches, item, visitor, shown === NOT_SHADOWED ? NOT_SHADOWED : Array.isArray(shown) ? shown[i] : undefined);
    }
    return;
  }
  if (typeof value === 'object' && value !== null) walkObject(branches, value as Record<string, unknown>, visitor, shown);
}
