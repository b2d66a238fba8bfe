/**
 * Equivalent shapes of one operation: the same question asked with named fragments,
 * nested fragments, inline fragments (typed, untyped, on an interface the type
 * implements), fields repeated (leaves beside themselves, and every selection twice
 * through shared fragments), aliases equal to the field name, `@skip`/`@include`
 * with literal and variable conditions, and fields beside the real ones that are skipped
 * (personal data and entity keys among them). Each shape must get the same answer and
 * the same verdict from every policy as the base; a shape added here is checked against
 * every policy at once.
 */
import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  print,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';

export interface Shape {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const set = (selections: readonly SelectionNode[]): SelectionSetNode => ({ kind: Kind.SELECTION_SET, selections });
const condition = (directive: 'skip' | 'include', value: boolean | string): DirectiveNode => ({
  kind: Kind.DIRECTIVE,
  name: name(directive),
  arguments: [{ kind: Kind.ARGUMENT, name: name('if'), value: typeof value === 'boolean' ? { kind: Kind.BOOLEAN, value } : { kind: Kind.VARIABLE, name: name(value) } }],
});
const booleanVariable = (variable: string): VariableDefinitionNode => ({
  kind: Kind.VARIABLE_DEFINITION,
  variable: { kind: Kind.VARIABLE, name: name(variable) },
  type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: name('Boolean') } },
});

type SetRewrite = (selections: readonly SelectionNode[], type: GraphQLCompositeType, root: boolean, fragments: FragmentDefinitionNode[]) => readonly SelectionNode[];

/** Applies `rewrite` to every selection set, innermost first, and returns the new document. */
function rewriteSets(schema: GraphQLSchema, base: DocumentNode, rewrite: SetRewrite, extraVariables: string[] = []): DocumentNode {
  const operation = base.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments: FragmentDefinitionNode[] = [];
  const walk = (selections: readonly SelectionNode[], type: GraphQLCompositeType, root: boolean): readonly SelectionNode[] => {
    const inner = selections.map((selection): SelectionNode => {
      if (selection.kind === Kind.FIELD && selection.selectionSet) {
        const field = 'getFields' in type ? type.getFields()[selection.name.value] : undefined;
        const child = field && getNamedType(field.type);
        if (child && isCompositeType(child)) return { ...selection, selectionSet: set(walk(selection.selectionSet.selections, child, false)) };
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (condition && isCompositeType(condition)) return { ...selection, selectionSet: set(walk(selection.selectionSet.selections, condition, false)) };
      }
      return selection;
    });
    return rewrite(inner, type, root, fragments);
  };
  const root = schema.getRootType(operation.operation)!;
  const rewritten: OperationDefinitionNode = {
    ...operation,
    variableDefinitions: [...(operation.variableDefinitions ?? []), ...extraVariables.map(booleanVariable)],
    selectionSet: set(walk(operation.selectionSet.selections, root, true)),
  };
  // The base's own fragments stay as they are, beside the ones the rewrite made.
  const own = base.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  return { kind: Kind.DOCUMENT, definitions: [rewritten, ...own, ...fragments] };
}

/** Scalar fields of `type` a selection can take without arguments. */
function plainLeaves(type: GraphQLCompositeType): string[] {
  if (!('getFields' in type)) return [];
  return Object.values(type.getFields())
    .filter((f) => isLeafType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined))
    .map((f) => f.name);
}

export function equivalentShapes(schema: GraphQLSchema, baseText: string, baseVariables: Record<string, unknown> = {}): Shape[] {
  const base = parse(baseText, { noLocation: true });
  let serial = 0;
  const shape = (label: string, document: DocumentNode, variables: Record<string, unknown> = {}): Shape => ({
    name: label,
    query: print(document),
    variables: { ...baseVariables, ...variables },
  });
  const asFragment = (selections: readonly SelectionNode[], type: GraphQLCompositeType, fragments: FragmentDefinitionNode[]): SelectionNode => {
    const fragmentName = `F${++serial}_${type.name}`;
    fragments.push({ kind: Kind.FRAGMENT_DEFINITION, name: name(fragmentName), typeCondition: { kind: Kind.NAMED_TYPE, name: name(type.name) }, selectionSet: set(selections) });
    return { kind: Kind.FRAGMENT_SPREAD, name: name(fragmentName) };
  };
  const fields = (selections: readonly SelectionNode[]) => selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
  let alternate = false;
  const shapes: Shape[] = [
    shape('as sent', base),
    shape('named fragments at every level, nested', rewriteSets(schema, base, (s, type, root, fragments) => (root ? s : [asFragment(s, type, fragments)]))),
    shape(
      'one named fragment per root field',
      rewriteSets(schema, base, (s, type, root, fragments) => {
        if (!root) return s;
        return s.map((selection) => {
          if (selection.kind !== Kind.FIELD || !selection.selectionSet) return selection;
          const field = 'getFields' in type ? type.getFields()[selection.name.value] : undefined;
          const child = getNamedType(field!.type) as GraphQLCompositeType;
          return { ...selection, selectionSet: set([asFragment(selection.selectionSet.selections, child, fragments)]) };
        });
      }),
    ),
    shape('inline fragments on the type', rewriteSets(schema, base, (s, type, root) => (root ? s : [{ kind: Kind.INLINE_FRAGMENT, typeCondition: { kind: Kind.NAMED_TYPE, name: name(type.name) }, selectionSet: set(s) }]))),
    shape('inline fragments without a type condition', rewriteSets(schema, base, (s) => [{ kind: Kind.INLINE_FRAGMENT, selectionSet: set(s) }])),
    shape(
      'fragments on an interface the type implements',
      rewriteSets(schema, base, (s, type) => {
        const iface = isObjectType(type) ? type.getInterfaces()[0] : isInterfaceType(type) ? type : undefined;
        if (!iface) return s;
        const onInterface = fields(s).filter((f) => f.name.value in iface.getFields());
        if (onInterface.length === 0) return s;
        return [{ kind: Kind.INLINE_FRAGMENT, typeCondition: { kind: Kind.NAMED_TYPE, name: name(iface.name) }, selectionSet: set(onInterface) }, ...s];
      }),
    ),
    // Composite fields repeated at every level are the shape below; repeated here they would double the text per level.
    shape('every leaf field twice', rewriteSets(schema, base, (s) => s.flatMap((selection) => (selection.kind === Kind.FIELD && !selection.selectionSet ? [selection, selection] : [selection])))),
    shape('aliases equal to the field name', rewriteSets(schema, base, (s) => s.map((sel) => (sel.kind === Kind.FIELD && !sel.alias && sel.name.value !== '__typename' ? { ...sel, alias: name(sel.name.value) } : sel)))),
    shape(
      '@include(if: true) and @skip(if: false)',
      rewriteSets(schema, base, (s) =>
        s.map((sel) => {
          alternate = !alternate;
          return { ...sel, directives: [...(sel.directives ?? []), alternate ? condition('include', true) : condition('skip', false)] };
        }),
      ),
    ),
    shape(
      'conditions from variables',
      rewriteSets(
        schema,
        base,
        (s) =>
          s.map((sel) => {
            alternate = !alternate;
            return { ...sel, directives: [...(sel.directives ?? []), alternate ? condition('include', 'yes') : condition('skip', 'no')] };
          }),
        ['yes', 'no'],
      ),
      { yes: true, no: false },
    ),
    shape(
      'every plain field of the type beside, skipped (personal data and keys among them)',
      rewriteSets(schema, base, (s, type, root) => (root ? s : [...s, ...plainLeaves(type).map((f): FieldNode => ({ kind: Kind.FIELD, name: name(f), directives: [condition('skip', true)] }))])),
    ),
    shape(
      'every plain field of the type beside, left out by a variable',
      rewriteSets(
        schema,
        base,
        (s, type, root) => (root ? s : [...plainLeaves(type).map((f): FieldNode => ({ kind: Kind.FIELD, name: name(f), directives: [condition('include', 'no')] })), ...s]),
        ['no'],
      ),
      { no: false },
    ),
    shape(
      'nested named fragments, twice each, under variable conditions',
      rewriteSets(
        schema,
        base,
        (s, type, root, fragments) => {
          const doubled = s.flatMap((sel) => [sel, { ...sel, directives: [...(sel.directives ?? []), condition('include', 'yes')] }]);
          return root ? doubled : [asFragment(doubled, type, fragments)];
        },
        ['yes'],
      ),
      { yes: true },
    ),
  ];
  // A rewrite that found nothing to do is not a shape of its own.
  const seen = new Set<string>();
  return shapes.filter((s) => (seen.has(s.query) ? false : (seen.add(s.query), true)));
}
