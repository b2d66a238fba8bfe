/**
 * Which entities a response disclosed, by key, whatever the client selected. The client's
 * operation is never changed: the gateway plans its own copy of it with every entity's
 * key added under a reserved alias (`withKeys`) where the client did not select it, the
 * plan fetches those keys alongside what the client asked for, and the response is
 * shaped by the client's operation alone, so the keys never reach it. `collect` then
 * reads them from the subgraphs' merged answers, alongside the response, so an object
 * the response nulled is not recorded. An entity under an interface or a union is keyed
 * by its runtime type.
 *
 * An entity type's key is its first `@key` whose fields the API schema shows (a key made
 * of `@inaccessible` fields cannot be asked for). A single scalar key is recorded as its
 * value; a compound or nested key as the JSON of its fields.
 */
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { responseWalker, type ResponseWalker } from '../response-walk';

const AUDIT_ALIAS = '__auditKey_';

/** Entity type → the field sets of its `@key`s, as the supergraph gives them. */
export type EntityKeyFields = ReadonlyMap<string, readonly string[]>;

interface Key {
  /** The key's top-level fields, parsed from its field set. */
  fields: readonly FieldNode[];
  names: readonly string[];
}

export class EntityKeys {
  private readonly keys = new Map<string, Key | null>();
  private readonly augmented = new WeakMap<DocumentNode, DocumentNode>();
  private readonly walkers = new WeakMap<DocumentNode, ResponseWalker>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly declared: EntityKeyFields,
  ) {}

  /** The client's (normalized) document with every entity's key added under a reserved alias. */
  withKeys(document: DocumentNode): DocumentNode {
    let augmented = this.augmented.get(document);
    if (augmented) return augmented;
    augmented = {
      ...document,
      definitions: document.definitions.map((definition) => {
        if (definition.kind !== Kind.OPERATION_DEFINITION) return definition;
        const root = this.schema.getRootType(definition.operation);
        return root ? ({ ...definition, selectionSet: this.augment(definition.selectionSet, root) } satisfies OperationDefinitionNode) : definition;
      }),
    };
    this.augmented.set(document, augmented);
    return augmented;
  }

  /**
   * The entities in `data` (the merged answers of a plan made from `withKeys(document)`)
   * that the client's selections reach and its response `shown` still holds (an object
   * the response nulled, for a refusal or a missing non-null field, was not disclosed):
   * type → keys, sorted.
   */
  collect(planned: DocumentNode, data: Record<string, unknown>, shown: Record<string, unknown>): Record<string, string[]> {
    return this.read(planned, data, (responseKey, field) => responseKey === field || responseKey.startsWith(AUDIT_ALIAS), shown);
  }

  /** The entities whose keys a response shows itself (when there are no merged answers to read). */
  collectShown(document: DocumentNode, response: Record<string, unknown>): Record<string, string[]> {
    return this.read(document, response, () => true);
  }

  private read(planned: DocumentNode, data: Record<string, unknown>, keyAt: (responseKey: string, field: string) => boolean, shown?: Record<string, unknown>): Record<string, string[]> {
    const operation = planned.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (!operation) return {};
    let walk = this.walkers.get(planned);
    if (!walk) {
      walk = responseWalker(this.schema, (type, field) => this.keyOf(type)?.names.includes(field) ?? false);
      this.walkers.set(planned, walk);
    }
    const entities: Record<string, Set<string>> = {};
    // Compound keys are gathered per object; a one-field scalar key (the usual case) goes straight in.
    const compound = new Map<object, { type: string; parts: Record<string, unknown> }>();
    walk(operation, data, (type, field, holder, responseKey) => {
      if (!keyAt(responseKey, field)) return;
      const value = holder[responseKey];
      if (value === null || value === undefined) return;
      const key = this.keyOf(type)!;
      if (key.names.length === 1 && typeof value !== 'object') {
        (entities[type] ??= new Set()).add(String(value));
        return;
      }
      let entry = compound.get(holder);
      if (!entry) compound.set(holder, (entry = { type, parts: {} }));
      entry.parts[field] = value;
    }, shown);
    for (const { type, parts } of compound.values()) {
      const key = this.keyOf(type)!;
      if (key.names.some((name) => !(name in parts))) continue;
      (entities[type] ??= new Set()).add(JSON.stringify(Object.fromEntries(key.names.map((n) => [n, parts[n]]))));
    }
    return Object.fromEntries(Object.entries(entities).map(([type, keys]) => [type, [...keys].sort()]));
  }

  private augment(set: SelectionSetNode, type: GraphQLCompositeType): SelectionSetNode {
    const selections: SelectionNode[] = set.selections.map((selection) => {
      if (selection.kind === Kind.FIELD) {
        if (!selection.selectionSet || !('getFields' in type)) return selection;
        const field = type.getFields()[selection.name.value];
        const child = field && getNamedType(field.type);
        return child && isCompositeType(child) ? { ...selection, selectionSet: this.augment(selection.selectionSet, child) } : selection;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : type;
        return condition && isCompositeType(condition) ? ({ ...selection, selectionSet: this.augment(selection.selectionSet, condition) } satisfies InlineFragmentNode) : selection;
      }
      return selection;
    });
    const taken = new Set(selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.alias?.value ?? s.name.value] : [])));
    // A scalar key field the client selected itself, unaliased, is read where it is: nothing more is fetched.
    const selected = new Set(selections.flatMap((s) => (s.kind === Kind.FIELD && !s.alias && !s.selectionSet ? [s.name.value] : [])));
    const own = this.keyOf(type.name);
    if (own) selections.push(...this.keyFields(own, taken, selected));
    if (isAbstractType(type)) {
      // The runtime type decides which key applies: always know it.
      if (!taken.has('__typename')) selections.push({ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } });
      if (!own) {
        for (const possible of this.schema.getPossibleTypes(type)) {
          const key = this.keyOf(possible.name);
          if (!key) continue;
          selections.push({
            kind: Kind.INLINE_FRAGMENT,
            typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: possible.name } },
            selectionSet: { kind: Kind.SELECTION_SET, selections: this.keyFields(key, new Set()) },
          });
        }
      }
    }
    return { ...set, selections };
  }

  /** The key's fields under reserved aliases no selection of the client's uses. */
  private keyFields(key: Key, taken: Set<string>, selected: ReadonlySet<string> = new Set()): FieldNode[] {
    return key.fields.filter((field) => field.selectionSet || !selected.has(field.name.value)).map((field) => {
      let alias = `${AUDIT_ALIAS}${field.name.value}`;
      while (taken.has(alias)) alias = `${alias}_`;
      taken.add(alias);
      return { ...field, alias: { kind: Kind.NAME, value: alias } };
    });
  }

  private keyOf(typeName: string): Key | null {
    let key = this.keys.get(typeName);
    if (key !== undefined) return key;
    key = null;
    const type = this.schema.getType(typeName);
    if (type && (isObjectType(type) || isInterfaceType(type))) {
      for (const fieldSet of this.declared.get(typeName) ?? []) {
        const fields = parseFieldSet(fieldSet);
        if (fields && fields.every((f) => selectable(this.schema, type, f))) {
          key = { fields, names: fields.map((f) => f.name.value) };
          break;
        }
      }
    }
    this.keys.set(typeName, key);
    return key;
  }
}

function parseFieldSet(fieldSet: string): FieldNode[] | null {
  try {
    const operation = parse(`{${fieldSet}}`, { noLocation: true }).definitions[0] as OperationDefinitionNode;
    const fields = operation.selectionSet.selections;
    return fields.every((s): s is FieldNode => s.kind === Kind.FIELD) ? (fields as FieldNode[]) : null;
  } catch {
    return null;
  }
}

/** The API schema shows the field and everything the key selects below it. */
function selectable(schema: GraphQLSchema, type: GraphQLCompositeType, field: FieldNode): boolean {
  if (!('getFields' in type)) return false;
  const definition = type.getFields()[field.name.value];
  if (!definition) return false;
  if (!field.selectionSet) return true;
  const child = getNamedType(definition.type);
  return isCompositeType(child) && field.selectionSet.selections.every((s) => s.kind === Kind.FIELD && selectable(schema, child, s));
}
