import {
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export type FieldVisitor = (typeName: string, fieldName: string, holder: Record<string, unknown>, responseKey: string) => void;

/**
 * Walks a response alongside the operation that produced it, calling `visitor` for every
 * field present in the data with the object type that holds it. Fragments on abstract
 * types are matched by `__typename` when the response has it.
 */
export function walkResponse(schema: GraphQLSchema, operation: OperationDefinitionNode, data: Record<string, unknown>, visitor: FieldVisitor): void {
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (root) walkObject(schema, root, operation.selectionSet, data, visitor);
}

function walkObject(schema: GraphQLSchema, type: GraphQLCompositeType, selectionSet: SelectionSetNode, object: Record<string, unknown>, visitor: FieldVisitor) {
  const runtime = isAbstractType(type) && typeof object.__typename === 'string' ? schema.getType(object.__typename) : type;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : runtime;
      if (condition && (condition === runtime || !isObjectType(runtime) || (isAbstractType(condition) && schema.isSubType(condition, runtime as never)))) {
        walkObject(schema, (condition as GraphQLCompositeType) ?? type, selection.selectionSet, object, visitor);
      }
      continue;
    }
    if (selection.kind !== Kind.FIELD) continue;
    const key = selection.alias?.value ?? selection.name.value;
    if (!(key in object)) continue;
    const holderType = isObjectType(runtime) ? runtime : type;
    visitor(holderType.name, selection.name.value, object, key);
    const value = object[key];
    if (!selection.selectionSet || value === null || value === undefined) continue;
    const field = 'getFields' in holderType ? holderType.getFields()[selection.name.value] : undefined;
    if (!field) continue;
    const child = getNamedType(field.type) as GraphQLCompositeType;
    walkValue(schema, child, selection.selectionSet, value, visitor);
  }
}

function walkValue(schema: GraphQLSchema, type: GraphQLCompositeType, selectionSet: SelectionSetNode, value: unknown, visitor: FieldVisitor) {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && item !== undefined) walkValue(schema, type, selectionSet, item, visitor);
    return;
  }
  if (typeof value === 'object' && value !== null) walkObject(schema, type, selectionSet, value as Record<string, unknown>, visitor);
}
