/**
 * What changed between two schemas, each change with its schema coordinate (`Type`,
 * `Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `@directive`) and a level:
 * breaking (an operation that worked may now fail), dangerous (it still validates but
 * may behave differently) or safe. @graphql-inspector/core finds and classifies the
 * changes; this adds what it calls merely dangerous but breaks operations (an argument or
 * input field that lost its default and is now required) and, for a supergraph, changes
 * to who may read a field.
 */
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { isInputObjectType, isInterfaceType, isObjectType, isRequiredArgument, isRequiredInputField, type GraphQLSchema } from 'graphql';
import type { AccessRule, SupergraphPolicies } from '../gateway/supergraph';

export type ChangeLevel = 'breaking' | 'dangerous' | 'safe';

export interface SchemaChange {
  level: ChangeLevel;
  /** @graphql-inspector/core's change type, or one of ours (ARG_NOW_REQUIRED, ACCESS_CHANGED …). */
  kind: string;
  coordinate: string;
  description: string;
  /** The other type a change names: the union member or the interface added or removed. */
  subject?: string;
}

const LEVELS: Record<CriticalityLevel, ChangeLevel> = {
  [CriticalityLevel.Breaking]: 'breaking',
  [CriticalityLevel.Dangerous]: 'dangerous',
  [CriticalityLevel.NonBreaking]: 'safe',
};

/**
 * The coordinate a change is about, from its path (`Type.field.arg`, `@directive.arg`,
 * `Type.field.@deprecated`): arguments in parentheses, applied directives dropped.
 */
export function coordinateOf(change: Pick<Change, 'type' | 'path' | 'meta'>): string {
  let path = (change.path ?? 'schema').replace(/\.@.*$/, '');
  // A directive argument added is reported on the directive's path alone.
  const added = (change.meta as { addedDirectiveArgumentName?: unknown }).addedDirectiveArgumentName;
  if (change.type === 'DIRECTIVE_ARGUMENT_ADDED' && typeof added === 'string' && !path.endsWith(`.${added}`)) path = `${path}.${added}`;
  if (/ARGUMENT/.test(change.type)) {
    const m = /^(.*)\.(\w+)$/.exec(path);
    if (m) return `${m[1]}(${m[2]}:)`;
  }
  return path;
}

export async function diffSchemas(oldSchema: GraphQLSchema, newSchema: GraphQLSchema): Promise<SchemaChange[]> {
  const changes: SchemaChange[] = [];
  for (const change of await diff(oldSchema, newSchema)) {
    // Applied directives: deprecations are reported as such, federation's are machinery, access rules are diffPolicies'.
    if (change.type.startsWith('DIRECTIVE_USAGE_')) continue;
    const coordinate = coordinateOf(change);
    const meta = change.meta as Record<string, unknown>;
    const subject = [meta.addedUnionMemberTypeName, meta.removedUnionMemberTypeName, meta.addedInterfaceName, meta.removedInterfaceName].find((name): name is string => typeof name === 'string');
    // A non-null argument or input field whose default goes is one every operation must now send.
    if (change.type === 'FIELD_ARGUMENT_DEFAULT_CHANGED' && argumentIsRequired(newSchema, coordinate)) {
      changes.push({ level: 'breaking', kind: 'ARG_NOW_REQUIRED', coordinate, description: `${coordinate} lost its default value and is now required.` });
      continue;
    }
    if (change.type === 'INPUT_FIELD_DEFAULT_VALUE_CHANGED' && inputFieldIsRequired(newSchema, coordinate)) {
      changes.push({ level: 'breaking', kind: 'INPUT_FIELD_NOW_REQUIRED', coordinate, description: `${coordinate} lost its default value and is now required.` });
      continue;
    }
    // An operation that repeats the directive at one location no longer validates (the library calls it dangerous).
    const level = change.type === 'DIRECTIVE_REPEATABLE_REMOVED' ? 'breaking' : LEVELS[change.criticality.level];
    changes.push({ level, kind: change.type, coordinate, description: change.message, ...(subject ? { subject } : {}) });
  }
  const breaking = new Set(changes.filter((c) => c.level === 'breaking' && !NOW_REQUIRED.has(c.kind)).map((c) => c.coordinate));
  const added = new Set(changes.filter((c) => /_ADDED$/.test(c.kind) && !/DESCRIPTION|DEPRECATION|ARGUMENT/.test(c.kind)).map((c) => c.coordinate));
  return sortChanges(
    changes.filter(
      (c) =>
        // A type change at the same coordinate already says it breaks; what is new comes with its arguments and descriptions.
        !(NOW_REQUIRED.has(c.kind) && breaking.has(c.coordinate)) && !(/ARGUMENT_ADDED|DESCRIPTION|DEPRECATION/.test(c.kind) && added.has(c.coordinate.replace(/\(\w+:\)$/, ''))),
    ),
  );
}

const NOW_REQUIRED = new Set(['ARG_NOW_REQUIRED', 'INPUT_FIELD_NOW_REQUIRED']);

const LEVEL_ORDER: Record<ChangeLevel, number> = { breaking: 0, dangerous: 1, safe: 2 };
export const sortChanges = (changes: SchemaChange[]) =>
  changes.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.coordinate.localeCompare(b.coordinate) || a.description.localeCompare(b.description));

/** Whether `Type.field(arg:)` is required in `schema` (non-null, no default). */
export function argumentIsRequired(schema: GraphQLSchema, coordinate: string): boolean {
  const m = /^(\w+)\.(\w+)\((\w+):\)$/.exec(coordinate);
  const type = m && schema.getType(m[1]!);
  if (!m || !(isObjectType(type) || isInterfaceType(type))) return false;
  const arg = type.getFields()[m[2]!]?.args.find((a) => a.name === m[3]);
  return arg !== undefined && isRequiredArgument(arg);
}

/** Whether input field `Type.field` is required in `schema` (non-null, no default). */
function inputFieldIsRequired(schema: GraphQLSchema, coordinate: string): boolean {
  const [typeName, fieldName] = coordinate.split('.');
  const type = schema.getType(typeName!);
  const field = isInputObjectType(type) ? type.getFields()[fieldName!] : undefined;
  return field !== undefined && isRequiredInputField(field);
}

/**
 * Who may read what, from the supergraph's @authenticated/@requiresScopes and
 * @personalData: the schema can stay the same while callers lose (or gain) a field.
 * Only coordinates that exist in both API schemas count; the rest is a schema change.
 */
export function diffPolicies(oldPolicies: SupergraphPolicies, newPolicies: SupergraphPolicies, exists: (coordinate: string) => boolean): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const dangerous = (kind: string, coordinate: string, description: string) => changes.push({ level: 'dangerous', kind, coordinate, description });
  const coordinates = new Set([...oldPolicies.access.keys(), ...newPolicies.access.keys()]);
  for (const coordinate of [...coordinates].filter(exists)) {
    const before = oldPolicies.access.get(coordinate);
    const after = newPolicies.access.get(coordinate);
    if (describeRule(before) === describeRule(after)) continue;
    if (!before) dangerous('ACCESS_ADDED', coordinate, `${coordinate} now needs ${describeRule(after)}: callers without it get null and an error.`);
    else if (!after) dangerous('ACCESS_REMOVED', coordinate, `${coordinate} no longer needs ${describeRule(before)}: anyone may read it.`);
    else dangerous('ACCESS_CHANGED', coordinate, `${coordinate} needed ${describeRule(before)}, now ${describeRule(after)}.`);
  }
  const personal = new Set([...oldPolicies.personalData.keys(), ...newPolicies.personalData.keys()]);
  for (const coordinate of [...personal].filter(exists)) {
    const before = oldPolicies.personalData.get(coordinate);
    const after = newPolicies.personalData.get(coordinate);
    if (before === after) continue;
    if (!before) dangerous('PERSONAL_DATA_MARKED', coordinate, `${coordinate} is now personal data (${after}): masked unless the caller holds pii:read and states a purpose.`);
    else if (!after) dangerous('PERSONAL_DATA_UNMARKED', coordinate, `${coordinate} is no longer marked personal data: it is no longer masked or audited as such.`);
    else dangerous('PERSONAL_DATA_KIND_CHANGED', coordinate, `${coordinate} personal data kind ${before} → ${after} (masked differently).`);
  }
  return changes;
}

export function describeRule(rule: AccessRule | undefined): string {
  if (!rule) return 'nothing';
  if (rule.scopes.length === 0) return 'sign-in';
  return `scope ${rule.scopes.map((all) => all.join(' + ')).join(' or ')}`;
}
