/**
 * The one form of an operation every policy reads. A client can ask for the same data
 * in many shapes: named fragments, nested fragments, inline fragments, fragments on an
 * interface the type implements, a field repeated, a field under `@include(if: $yes)`.
 * Each policy that walked the raw document on its own forgot some of these in its own
 * way (masking skipped named fragments, the limits skipped every fragment spread). So
 * before any policy runs, the operation is rewritten once into a form with none of them:
 *
 * - named fragments are inlined with their type conditions;
 * - `@skip` and `@include` are resolved against the request's variables (their
 *   defaults applied) and disappear, with whatever they leave out (a selection left
 *   empty keeps one literal `__typename @skip(if: true)`, see NOTHING_SELECTED);
 * - an inline fragment that always applies where it stands (no type condition, or one
 *   the enclosing type always satisfies) is spliced into its parent;
 * - fields with the same response key are merged into the first, their selections
 *   joined (before they are expanded), and adjacent inline fragments on the same type
 *   are merged;
 * - aliases (but `name: name`), arguments, variables and any other directive
 *   (`@defer` …) are kept.
 *
 * Every rewrite keeps GraphQL's field collection order, so executing the normalized
 * document answers the same bytes as the document the client sent; the gateway plans
 * and executes it (its hash is the plan cache's key). A new construct added to the
 * language has to be handled here once, not in each policy.
 *
 * Expansion is bounded: a document whose fragments multiply past `maxSelections`
 * selections is refused while it is being expanded, before anything is planned.
 */
import { createHash } from 'node:crypto';
import {
  GraphQLError,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  getNamedType,
  Kind,
  print,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export interface NormalizedOperation {
  /** One operation, no fragment definitions, no `@skip`/`@include`: what is planned and executed. */
  readonly document: DocumentNode;
  readonly definition: OperationDefinitionNode;
  readonly name: string | undefined;
  readonly kind: OperationDefinitionNode['operation'];
  /** SHA-256 of the printed normalized document. */
  readonly hash: string;
  /** Fields in the normalized form (after merging). */
  readonly selections: number;
}

export interface NormalizeOptions {
  /** Fields the expansion may produce before the operation is refused. */
  maxSelections: number;
  /** Fields kept in cached forms, all documents together (default 200,000: about 25 MB). */
  maxCachedSelections?: number;
}

/** A refusal while normalizing: the request is answered with it, nothing is planned. */
export class OperationRefused extends GraphQLError {
  constructor(message: string, code: 'BAD_REQUEST' | 'BAD_USER_INPUT' = 'BAD_REQUEST') {
    super(message, { extensions: { code, http: { status: 400 } } });
  }
}

type Variables = Record<string, unknown> | null | undefined;

interface DocumentForms {
  /** Variables `@skip`/`@include` read: their values select the form. */
  conditionVariables: readonly string[];
  forms: Map<string, NormalizedOperation>;
}

/**
 * Normalizes operations over one schema, caching each form by the document's hash, the
 * operation's name and the values of the variables its conditions read. The cache is
 * bounded by the fields it holds, not by a count of documents: forms are cached before
 * the limits judge them, and a form may be large.
 */
export class OperationNormalizer {
  private readonly cache = new Map<string, DocumentForms>();
  private cachedSelections = 0;
  private readonly maxCachedSelections: number;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly options: NormalizeOptions,
  ) {
    this.maxCachedSelections = options.maxCachedSelections ?? 200_000;
  }

  normalize(document: DocumentNode, queryHash: string, operationName: string | null | undefined, variables: Variables): NormalizedOperation {
    const key = `${queryHash}\u0000${operationName ?? ''}`;
    const { operation, fragments } = pick(document, operationName);
    let forms = this.cache.get(key);
    if (forms) {
      // Least recently used goes first: re-inserted at the end.
      this.cache.delete(key);
      this.cache.set(key, forms);
    } else {
      forms = { conditionVariables: conditionVariables(operation, fragments), forms: new Map() };
      this.cache.set(key, forms);
    }
    const values = forms.conditionVariables.map((name) => conditionValue(operation, name, variables));
    const formKey = values.map((v) => (v ? '1' : '0')).join('');
    let form = forms.forms.get(formKey);
    if (!form) {
      const conditions = new Map(forms.conditionVariables.map((name, i) => [name, values[i]!]));
      form = normalizeOperation(this.schema, operation, fragments, conditions, this.options.maxSelections);
      // Condition variables are few and boolean: at most a handful of forms per document.
      if (forms.forms.size < 64) {
        forms.forms.set(formKey, form);
        this.cachedSelections += form.selections;
        this.evict(key);
      }
    }
    return form;
  }

  private evict(keep: string): void {
    for (const [key, forms] of this.cache) {
      if (this.cachedSelections <= this.maxCachedSelections) return;
      if (key === keep) continue;
      this.cache.delete(key);
      for (const form of forms.forms.values()) this.cachedSelections -= form.selections;
    }
  }
}

/** One normalizer per schema (a reloaded supergraph has its own types), shared by whoever normalizes. */
export function normalizers(options: NormalizeOptions): (schema: GraphQLSchema) => OperationNormalizer {
  const bySchema = new WeakMap<GraphQLSchema, OperationNormalizer>();
  return (schema) => {
    let normalizer = bySchema.get(schema);
    if (!normalizer) bySchema.set(schema, (normalizer = new OperationNormalizer(schema, options)));
    return normalizer;
  };
}

function pick(document: DocumentNode, operationName: string | null | undefined): { operation: OperationDefinitionNode; fragments: Map<string, FragmentDefinitionNode> } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  let operations = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    operations++;
    if (operationName ? definition.name?.value === operationName : true) operation = definition;
  }
  if (!operation) throw new OperationRefused(operationName ? `the document has no operation named "${operationName}"` : 'the document has no operation');
  if (!operationName && operations > 1) throw new OperationRefused('the document has several operations: say which one in operationName');
  return { operation, fragments };
}

const isCondition = (d: DirectiveNode) => d.name.value === 'skip' || d.name.value === 'include';

function conditionVariables(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): string[] {
  const names = new Set<string>();
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      for (const directive of selection.directives ?? []) {
        if (!isCondition(directive)) continue;
        const value = directive.arguments?.find((a) => a.name.value === 'if')?.value;
        if (value?.kind === Kind.VARIABLE) names.add(value.name.value);
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) {
          seen.add(fragment.name.value);
          visit(fragment.selectionSet);
        }
      } else if (selection.selectionSet) visit(selection.selectionSet);
    }
  };
  visit(operation.selectionSet);
  return [...names].sort();
}

/** A condition variable's value for this request: given, else its default; it must be a boolean. */
function conditionValue(operation: OperationDefinitionNode, name: string, variables: Variables): boolean {
  const given = variables && Object.hasOwn(variables, name) ? variables[name] : undefined;
  let value: unknown = given;
  if (value === undefined) {
    const fallback = operation.variableDefinitions?.find((d) => d.variable.name.value === name)?.defaultValue;
    value = fallback?.kind === Kind.BOOLEAN ? fallback.value : undefined;
  }
  if (typeof value !== 'boolean') {
    throw new OperationRefused(`variable $${name} decides an @skip or @include and must be true or false; it is ${value === undefined ? 'missing' : JSON.stringify(value)}`, 'BAD_USER_INPUT');
  }
  return value;
}

function normalizeOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  conditions: Map<string, boolean>,
  maxSelections: number,
): NormalizedOperation {
  const root = schema.getRootType(operation.operation);
  if (!root) throw new OperationRefused(`this schema has no ${operation.operation} type`);
  let expanded = 0;

  const included = (directives: readonly DirectiveNode[] | undefined): boolean => {
    for (const directive of directives ?? []) {
      if (!isCondition(directive)) continue;
      const argument = directive.arguments?.find((a) => a.name.value === 'if')?.value;
      const value = argument ? literal(argument, conditions) : false;
      if (directive.name.value === 'skip' ? value : !value) return false;
    }
    return true;
  };
  const otherDirectives = (directives: readonly DirectiveNode[] | undefined): readonly DirectiveNode[] | undefined => {
    const kept = directives?.filter((d) => !isCondition(d));
    return kept && kept.length > 0 ? kept : undefined;
  };

  /**
   * One selection set in two steps, as GraphQL collects fields: first every selection
   * that applies is gathered (fragments that always apply spliced in, conditions
   * resolved) into fields grouped by response key at their first position, and narrowing
   * fragments in place; then each group is built once, from all its nodes' selections
   * together. A field repeated at every level therefore costs one expansion, not two to
   * the depth; what is counted against `maxSelections` is the merged form.
   */
  type Entry = { kind: 'field'; nodes: FieldNode[] } | { kind: 'fragment'; type: GraphQLCompositeType; directives: readonly DirectiveNode[] | undefined; sets: SelectionSetNode[] };

  // Every selection visited while collecting, spliced or not: the walk itself is bounded, not only what it yields.
  let visited = 0;
  const maxVisits = maxSelections * 20;

  const collect = (sets: readonly SelectionSetNode[], parent: GraphQLCompositeType, out: Entry[], fields: Map<string, FieldNode[]>, spread: Set<string>): void => {
    for (const set of sets) {
      for (const selection of set.selections) {
        if (++visited > maxVisits) throw new OperationRefused(`the operation's fragments spread more than ${maxVisits} selections; ask for less in one request`);
        if (!included(selection.directives)) continue;
        if (selection.kind === Kind.FIELD) {
          // Reserved for introspection by the specification; the gateway's own aliases live there too.
          if (selection.alias?.value.startsWith('__')) throw new OperationRefused(`alias "${selection.alias.value}": names beginning with "__" are reserved; choose another alias`);
          const key = selection.alias?.value ?? selection.name.value;
          const group = fields.get(key);
          if (group) group.push(selection);
          else {
            const nodes = [selection];
            fields.set(key, nodes);
            out.push({ kind: 'field', nodes });
          }
          continue;
        }
        let typeCondition: string | undefined;
        let body: SelectionSetNode;
        if (selection.kind === Kind.INLINE_FRAGMENT) {
          typeCondition = selection.typeCondition?.name.value;
          body = selection.selectionSet;
        } else {
          // As GraphQL collects fields: a fragment spread twice into one selection adds nothing the second time.
          if (spread.has(selection.name.value)) continue;
          spread.add(selection.name.value);
          const fragment = fragments.get(selection.name.value);
          // Validation has refused unknown fragments; a stale document cannot reach here.
          if (!fragment) throw new OperationRefused(`unknown fragment "${selection.name.value}"`);
          typeCondition = fragment.typeCondition.name.value;
          body = fragment.selectionSet;
        }
        const type = typeCondition ? schema.getType(typeCondition) : parent;
        if (!type || !isCompositeType(type)) throw new OperationRefused(`unknown type "${typeCondition}" in a type condition`);
        const directives = otherDirectives(selection.directives);
        if (!directives && alwaysApplies(schema, type, parent)) {
          collect([body], parent, out, fields, spread);
          continue;
        }
        if (!mayApply(schema, type, parent)) continue;
        const previous = out.at(-1);
        // Adjacent fragments on one type merge: nothing of the parent's lies between them.
        if (previous?.kind === 'fragment' && !previous.directives && !directives && previous.type === type) previous.sets.push(body);
        else out.push({ kind: 'fragment', type, directives, sets: [body] });
      }
    }
  };

  const build = (sets: readonly SelectionSetNode[], parent: GraphQLCompositeType): SelectionNode[] => {
    const entries: Entry[] = [];
    collect(sets, parent, entries, new Map(), new Set());
    const out: SelectionNode[] = [];
    for (const entry of entries) {
      if (entry.kind === 'field') {
        if (++expanded > maxSelections) {
          throw new OperationRefused(`the operation expands to more than ${maxSelections} fields once its fragments are inlined; ask for less in one request`);
        }
        out.push(buildField(entry.nodes, parent));
        continue;
      }
      const inner = build(entry.sets, entry.type);
      if (inner.length === 0) continue;
      out.push({
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: entry.type.name } },
        ...(entry.directives ? { directives: entry.directives } : {}),
        selectionSet: { kind: Kind.SELECTION_SET, selections: inner },
      } satisfies InlineFragmentNode);
    }
    return out;
  };

  /** A field from every node of its response key (validation made them mergeable: one name, the same arguments). */
  const buildField = (nodes: FieldNode[], parent: GraphQLCompositeType): FieldNode => {
    const field = nodes[0]!;
    const directives = otherDirectives(field.directives);
    const base: FieldNode = {
      kind: Kind.FIELD,
      // `name: name` is no alias at all: the response key is the same.
      ...(field.alias && field.alias.value !== field.name.value ? { alias: field.alias } : {}),
      name: field.name,
      ...(field.arguments && field.arguments.length > 0 ? { arguments: field.arguments } : {}),
      ...(directives ? { directives } : {}),
    };
    const sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    if (sets.length === 0) return base;
    const definition = fieldDefinition(schema, parent, field.name.value);
    const type = definition ? getNamedType(definition.type) : undefined;
    if (!type || !isCompositeType(type)) throw new OperationRefused(`field "${parent.name}.${field.name.value}" cannot have a selection`);
    const inner = build(sets, type);
    return { ...base, selectionSet: { kind: Kind.SELECTION_SET, selections: inner.length > 0 ? inner : [NOTHING_SELECTED] } };
  };

  const top = build([operation.selectionSet], root);
  const selections = top.length > 0 ? top : [NOTHING_SELECTED];
  const definition: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: operation.operation,
    ...(operation.name ? { name: operation.name } : {}),
    ...(operation.variableDefinitions?.length ? { variableDefinitions: operation.variableDefinitions } : {}),
    ...(otherDirectives(operation.directives) ? { directives: otherDirectives(operation.directives) } : {}),
    selectionSet: { kind: Kind.SELECTION_SET, selections },
  };
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [definition] };
  const text = print(document);
  return {
    document,
    definition,
    name: operation.name?.value,
    kind: operation.operation,
    hash: createHash('sha256').update(text).digest('hex'),
    selections: countFields(selections),
  };
}

/**
 * What stands in a selection whose every field was skipped. GraphQL answers such a
 * selection with an empty object (`"enterprise": {}`), and a selection set may not be
 * empty in the document: the one `@skip` left in a normalized operation, always literal,
 * keeps both true. It asks nothing of any subgraph and no policy has a rule for it.
 */
const NOTHING_SELECTED: FieldNode = {
  kind: Kind.FIELD,
  name: { kind: Kind.NAME, value: '__typename' },
  directives: [{ kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: 'skip' }, arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'if' }, value: { kind: Kind.BOOLEAN, value: true } }] }],
};

/** A literal or variable `if:` value; variables were checked to be booleans. */
function literal(value: ValueNode, conditions: Map<string, boolean>): boolean {
  if (value.kind === Kind.BOOLEAN) return value.value;
  if (value.kind === Kind.VARIABLE) return conditions.get(value.name.value) ?? false;
  throw new OperationRefused('@skip and @include take true, false or a variable');
}

function fieldDefinition(schema: GraphQLSchema, parent: GraphQLCompositeType, name: string) {
  if (name === '__typename') return undefined;
  if (parent === schema.getQueryType()) {
    if (name === '__schema') return schema.getQueryType() && { type: schema.getType('__Schema')! };
    if (name === '__type') return { type: schema.getType('__Type')! };
  }
  return 'getFields' in parent ? parent.getFields()[name] : undefined;
}

/** The object types a composite type may be at run time. */
function possible(schema: GraphQLSchema, type: GraphQLCompositeType): readonly string[] {
  return isAbstractType(type) ? schema.getPossibleTypes(type).map((t) => t.name) : [type.name];
}

/**
 * A fragment on `condition` can be spliced into `parent`: it always applies there, and
 * its fields are fields of `parent` too. An object type inside one of its interfaces, an
 * interface inside one it implements; never into a union, nor an interface into an
 * object-only condition it happens to cover today (one implementer: its fields are not
 * the interface's).
 */
function alwaysApplies(schema: GraphQLSchema, condition: GraphQLCompositeType, parent: GraphQLCompositeType): boolean {
  if (condition === parent) return true;
  if (isObjectType(parent)) return possible(schema, condition).includes(parent.name);
  return isInterfaceType(parent) && isInterfaceType(condition) && parent.getInterfaces().includes(condition);
}

function mayApply(schema: GraphQLSchema, condition: GraphQLCompositeType, parent: GraphQLCompositeType): boolean {
  const within = new Set(possible(schema, condition));
  return possible(schema, parent).some((t) => within.has(t));
}

function countFields(selections: readonly SelectionNode[]): number {
  let count = 0;
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) count++;
    if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet) count += countFields(selection.selectionSet.selections);
  }
  return count;
}
