/**
 * What changed between two schemas, each change with its schema coordinate (`Type`,
 * `Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `@directive`) and a level:
 * breaking (an operation that worked may now fail), dangerous (it still validates but
 * may behave differently) or safe. graphql-js decides breaking and dangerous; this adds
 * what it misses (an argument or input field that lost its default and is now
 * required), the safe changes, and, for a supergraph, changes to who may read a field.
 */
import {
  BreakingChangeType,
  DangerousChangeType,
  findBreakingChanges,
  findDangerousChanges,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isRequiredArgument,
  isRequiredInputField,
  isSpecifiedDirective,
  isSpecifiedScalarType,
  isIntrospectionType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { AccessRule, SupergraphPolicies } from '../gateway/supergraph';

export type ChangeLevel = 'breaking' | 'dangerous' | 'safe';

export interface SchemaChange {
  level: ChangeLevel;
  /** graphql-js's change type, or one of ours (ARG_NOW_REQUIRED, FIELD_ADDED, ACCESS_CHANGED …). */
  kind: string;
  coordinate: string;
  description: string;
}

/** How each graphql-js description names its coordinate (graphql 16's wording). */
const COORDINATES: Record<string, [RegExp, (m: RegExpExecArray) => string]> = {
  [BreakingChangeType.TYPE_REMOVED]: [/^(?:Standard scalar )?(\w+) was removed/, (m) => m[1]!],
  [BreakingChangeType.TYPE_CHANGED_KIND]: [/^(\w+) changed from /, (m) => m[1]!],
  [BreakingChangeType.TYPE_REMOVED_FROM_UNION]: [/^(\w+) was removed from union type (\w+)\.$/, (m) => m[2]!],
  [BreakingChangeType.VALUE_REMOVED_FROM_ENUM]: [/^(\w+) was removed from enum type (\w+)\.$/, (m) => `${m[2]}.${m[1]}`],
  [BreakingChangeType.REQUIRED_INPUT_FIELD_ADDED]: [/^A required field (\w+) on input type (\w+) was added\.$/, (m) => `${m[2]}.${m[1]}`],
  [BreakingChangeType.IMPLEMENTED_INTERFACE_REMOVED]: [/^(\w+) no longer implements interface (\w+)\.$/, (m) => m[1]!],
  [BreakingChangeType.FIELD_REMOVED]: [/^(\w+)\.(\w+) was removed\.$/, (m) => `${m[1]}.${m[2]}`],
  [BreakingChangeType.FIELD_CHANGED_KIND]: [/^(\w+)\.(\w+) changed type from /, (m) => `${m[1]}.${m[2]}`],
  [BreakingChangeType.REQUIRED_ARG_ADDED]: [/^A required arg (\w+) on (\w+)\.(\w+) was added\.$/, (m) => `${m[2]}.${m[3]}(${m[1]}:)`],
  [BreakingChangeType.ARG_REMOVED]: [/^(\w+)\.(\w+) arg (\w+) was removed\.$/, (m) => `${m[1]}.${m[2]}(${m[3]}:)`],
  [BreakingChangeType.ARG_CHANGED_KIND]: [/^(\w+)\.(\w+) arg (\w+) has changed type /, (m) => `${m[1]}.${m[2]}(${m[3]}:)`],
  [BreakingChangeType.DIRECTIVE_REMOVED]: [/^(\w+) was removed\.$/, (m) => `@${m[1]}`],
  [BreakingChangeType.DIRECTIVE_ARG_REMOVED]: [/^(\w+) was removed from (\w+)\.$/, (m) => `@${m[2]}(${m[1]}:)`],
  [BreakingChangeType.REQUIRED_DIRECTIVE_ARG_ADDED]: [/^A required arg (\w+) on directive (\w+) was added\.$/, (m) => `@${m[2]}(${m[1]}:)`],
  [BreakingChangeType.DIRECTIVE_REPEATABLE_REMOVED]: [/^Repeatable flag was removed from (\w+)\.$/, (m) => `@${m[1]}`],
  [BreakingChangeType.DIRECTIVE_LOCATION_REMOVED]: [/^\w+ was removed from (\w+)\.$/, (m) => `@${m[1]}`],
  [DangerousChangeType.VALUE_ADDED_TO_ENUM]: [/^(\w+) was added to enum type (\w+)\.$/, (m) => `${m[2]}.${m[1]}`],
  [DangerousChangeType.TYPE_ADDED_TO_UNION]: [/^(\w+) was added to union type (\w+)\.$/, (m) => m[2]!],
  [DangerousChangeType.OPTIONAL_INPUT_FIELD_ADDED]: [/^An optional field (\w+) on input type (\w+) was added\.$/, (m) => `${m[2]}.${m[1]}`],
  [DangerousChangeType.OPTIONAL_ARG_ADDED]: [/^An optional arg (\w+) on (\w+)\.(\w+) was added\.$/, (m) => `${m[2]}.${m[3]}(${m[1]}:)`],
  [DangerousChangeType.IMPLEMENTED_INTERFACE_ADDED]: [/^\w+ added to interfaces implemented by (\w+)\.$/, (m) => m[1]!],
  [DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE]: [/^(\w+)\.(\w+) arg (\w+) /, (m) => `${m[1]}.${m[2]}(${m[3]}:)`],
};

/** The coordinate a graphql-js change is about; throws on wording this code does not know. */
export function coordinateOf(change: { type: string; description: string }): string {
  const entry = COORDINATES[change.type];
  const m = entry?.[0].exec(change.description);
  if (!entry || !m) throw new Error(`unrecognised graphql-js schema change ${change.type}: "${change.description}" (update COORDINATES in scripts/schema-diff.ts)`);
  return entry[1](m);
}

export function diffSchemas(oldSchema: GraphQLSchema, newSchema: GraphQLSchema): SchemaChange[] {
  const changes: SchemaChange[] = [];
  for (const c of findBreakingChanges(oldSchema, newSchema)) changes.push({ level: 'breaking', kind: c.type, coordinate: coordinateOf(c), description: c.description });
  for (const c of findDangerousChanges(oldSchema, newSchema)) {
    const coordinate = coordinateOf(c);
    // graphql-js calls a dropped default "dangerous"; on a non-null argument it makes the argument required.
    if (c.type === DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE && argumentIsRequired(newSchema, coordinate)) {
      changes.push({ level: 'breaking', kind: 'ARG_NOW_REQUIRED', coordinate, description: `${coordinate} lost its default value and is now required.` });
      continue;
    }
    changes.push({ level: 'dangerous', kind: c.type, coordinate, description: c.description });
  }
  changes.push(...inputFieldsNowRequired(oldSchema, newSchema), ...safeChanges(oldSchema, newSchema, changes));
  return sortChanges(changes);
}

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

/** graphql-js does not look at input field defaults: a non-null field that loses its default becomes required. */
function inputFieldsNowRequired(oldSchema: GraphQLSchema, newSchema: GraphQLSchema): SchemaChange[] {
  const changes: SchemaChange[] = [];
  for (const oldType of Object.values(oldSchema.getTypeMap())) {
    const newType = newSchema.getType(oldType.name);
    if (!isInputObjectType(oldType) || !isInputObjectType(newType)) continue;
    for (const [name, oldField] of Object.entries(oldType.getFields())) {
      const newField = newType.getFields()[name];
      if (newField && !isRequiredInputField(oldField) && isRequiredInputField(newField) && String(oldField.type) === String(newField.type)) {
        const coordinate = `${oldType.name}.${name}`;
        changes.push({ level: 'breaking', kind: 'INPUT_FIELD_NOW_REQUIRED', coordinate, description: `${coordinate} lost its default value and is now required.` });
      }
    }
  }
  return changes;
}

const userType = (t: GraphQLNamedType) => !isIntrospectionType(t) && !isSpecifiedScalarType(t);

/** Additions and edits graphql-js does not report because no operation can break on them. */
function safeChanges(oldSchema: GraphQLSchema, newSchema: GraphQLSchema, reported: SchemaChange[]): SchemaChange[] {
  const seen = new Set(reported.map((c) => c.coordinate));
  const changes: SchemaChange[] = [];
  const safe = (kind: string, coordinate: string, description: string) => changes.push({ level: 'safe', kind, coordinate, description });
  const describe = (coordinate: string, before: string | null | undefined, after: string | null | undefined) => {
    if ((before ?? '') !== (after ?? '')) safe('DESCRIPTION_CHANGED', coordinate, `${coordinate} has a new description.`);
  };
  const deprecate = (coordinate: string, before: string | null | undefined, after: string | null | undefined) => {
    if (before === after) return;
    if (after != null) safe('DEPRECATED', coordinate, `${coordinate} is deprecated: ${after}`);
    else safe('UNDEPRECATED', coordinate, `${coordinate} is no longer deprecated.`);
  };
  for (const newType of Object.values(newSchema.getTypeMap()).filter(userType)) {
    const oldType = oldSchema.getType(newType.name);
    if (!oldType) {
      safe('TYPE_ADDED', newType.name, `${newType.name} was added.`);
      continue;
    }
    describe(newType.name, oldType.description, newType.description);
    if ((isObjectType(newType) || isInterfaceType(newType)) && (isObjectType(oldType) || isInterfaceType(oldType))) {
      const oldFields = oldType.getFields();
      for (const field of Object.values(newType.getFields())) {
        const coordinate = `${newType.name}.${field.name}`;
        const before = oldFields[field.name];
        if (!before) {
          safe('FIELD_ADDED', coordinate, `${coordinate} was added.`);
          continue;
        }
        if (String(before.type) !== String(field.type) && !seen.has(coordinate)) {
          safe('FIELD_TYPE_NARROWED', coordinate, `${coordinate} changed type from ${String(before.type)} to ${String(field.type)} (every old value is still valid).`);
        }
        describe(coordinate, before.description, field.description);
        deprecate(coordinate, before.deprecationReason, field.deprecationReason);
        for (const arg of field.args) {
          const argCoordinate = `${coordinate}(${arg.name}:)`;
          const oldArg = before.args.find((a) => a.name === arg.name);
          if (!oldArg) continue;
          if (String(oldArg.type) !== String(arg.type) && !seen.has(argCoordinate)) {
            safe('ARG_TYPE_WIDENED', argCoordinate, `${argCoordinate} changed type from ${String(oldArg.type)} to ${String(arg.type)} (every old value is still accepted).`);
          }
          describe(argCoordinate, oldArg.description, arg.description);
          deprecate(argCoordinate, oldArg.deprecationReason, arg.deprecationReason);
        }
      }
    }
    if (isEnumType(newType) && isEnumType(oldType)) {
      for (const value of newType.getValues()) {
        const before = oldType.getValue(value.name);
        if (!before) continue;
        describe(`${newType.name}.${value.name}`, before.description, value.description);
        deprecate(`${newType.name}.${value.name}`, before.deprecationReason, value.deprecationReason);
      }
    }
    if (isInputObjectType(newType) && isInputObjectType(oldType)) {
      const oldFields = oldType.getFields();
      for (const field of Object.values(newType.getFields())) {
        const coordinate = `${newType.name}.${field.name}`;
        const before = oldFields[field.name];
        if (!before) continue;
        if (String(before.type) !== String(field.type) && !seen.has(coordinate)) {
          safe('INPUT_FIELD_TYPE_WIDENED', coordinate, `${coordinate} changed type from ${String(before.type)} to ${String(field.type)} (every old value is still accepted).`);
        }
        describe(coordinate, before.description, field.description);
      }
    }
  }
  for (const directive of newSchema.getDirectives()) {
    if (!isSpecifiedDirective(directive) && !oldSchema.getDirective(directive.name)) safe('DIRECTIVE_ADDED', `@${directive.name}`, `@${directive.name} was added.`);
  }
  return changes;
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
