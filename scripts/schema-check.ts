/**
 * `npm run schema:check`: compares each subgraph's schema and the supergraph's API schema
 * with the last release (schema/released/), classifies every change as breaking,
 * dangerous or safe, names the known operations each one breaks, and fails while a
 * breaking change is not acknowledged in schema/CHANGELOG.md (or a known operation no
 * longer validates). The work is `checkSchemas`, which reads nothing from disk.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, parse, type GraphQLSchema } from 'graphql';
import { loadSupergraph, type LoadedSupergraph } from '../gateway/supergraph';
import { acknowledgementLine, readAcknowledgements, type Acknowledgement } from './schema-changelog';
import { argumentIsRequired, diffPolicies, diffSchemas, sortChanges, type SchemaChange } from './schema-diff';
import { operationUsage, parseOperations, readOperationFiles, validationErrors, type OperationFile, type OperationUsage } from './schema-operations';

export const ROOT = resolve(__dirname, '..');

/** Schema texts: the composed supergraph and each subgraph's SDL by name. */
export interface SchemaSet {
  supergraph: string;
  subgraphs: Record<string, string>;
}

export interface CheckInput {
  released: SchemaSet;
  current: SchemaSet;
  operations: readonly OperationFile[];
  /** schema/CHANGELOG.md's text. */
  changelog: string;
}

export interface ReportedChange extends SchemaChange {
  /** Known operations that use what changed (for breaking and dangerous changes). */
  operations: string[];
  /** Of those, the ones that only may: they declare a variable that can carry it. */
  throughVariables: string[];
  /** Subgraphs whose own schema changed at the same coordinate: where it came from. */
  from: string[];
  acknowledgement?: Acknowledgement;
}

export interface SubgraphReport {
  name: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  changes: SchemaChange[];
}

export interface BrokenOperation {
  id: string;
  errors: string[];
  /** Breaking changes that name this operation. */
  explainedBy: string[];
}

export interface CheckResult {
  ok: boolean;
  supergraph: ReportedChange[];
  subgraphs: SubgraphReport[];
  operationsChecked: number;
  /** Known operations that do not validate against the current supergraph. */
  brokenOperations: BrokenOperation[];
  unacknowledged: ReportedChange[];
  /** Acknowledgements naming no breaking change (a typo, or the change was undone). */
  unusedAcknowledgements: Acknowledgement[];
  /** Anything else that makes the check fail: unreadable schemas, operations, changelog lines. */
  problems: string[];
}

export async function checkSchemas(input: CheckInput): Promise<CheckResult> {
  const problems: string[] = [];
  const load = (which: string, sdl: string): LoadedSupergraph | undefined => {
    try {
      return loadSupergraph(sdl);
    } catch (error) {
      problems.push(`the ${which} supergraph is ${(error as Error).message}`);
      return undefined;
    }
  };
  const released = load('released', input.released.supergraph);
  const current = load('current', input.current.supergraph);
  const subgraphs = await compareSubgraphs(input.released.subgraphs, input.current.subgraphs, problems);
  const { acknowledgements, problems: changelogProblems } = readAcknowledgements(input.changelog);
  problems.push(...changelogProblems);
  const parsed = parseOperations(input.operations);
  problems.push(...parsed.problems);
  if (!released || !current) {
    return { ok: false, supergraph: [], subgraphs, operationsChecked: parsed.operations.length, brokenOperations: [], unacknowledged: [], unusedAcknowledgements: [], problems };
  }

  const exists = (coordinate: string) => coordinateExists(released.apiSchema, coordinate) && coordinateExists(current.apiSchema, coordinate);
  const changes = sortChanges([...(await diffSchemas(released.apiSchema, current.apiSchema)), ...diffPolicies(released.policies, current.policies, exists)]);
  const usages = parsed.operations.map((op) => ({ op, usage: operationUsage(released.apiSchema, op.document) }));
  const byCoordinate = new Map(acknowledgements.map((a) => [a.coordinate, a]));
  const reported: ReportedChange[] = changes.map((change) => {
    const hits = change.level === 'safe' ? [] : usages.map(({ op, usage }) => ({ id: op.id, how: affects(change, usage, current.apiSchema) })).filter((h) => h.how);
    return {
      ...change,
      operations: hits.map((h) => h.id),
      throughVariables: hits.filter((h) => h.how === 'variables').map((h) => h.id),
      from: subgraphs.filter((s) => s.changes.some((c) => c.coordinate === change.coordinate)).map((s) => s.name),
      acknowledgement: change.level === 'breaking' ? byCoordinate.get(change.coordinate) : undefined,
    };
  });

  const breaking = reported.filter((c) => c.level === 'breaking');
  const unacknowledged = breaking.filter((c) => !c.acknowledgement);
  const unusedAcknowledgements = acknowledgements.filter((a) => !breaking.some((c) => c.coordinate === a.coordinate));
  const brokenOperations: BrokenOperation[] = [];
  for (const op of parsed.operations) {
    const errors = validationErrors(current.apiSchema, op.document);
    if (errors.length === 0) continue;
    const explainedBy = breaking.filter((c) => c.operations.includes(op.id)).map((c) => c.coordinate);
    brokenOperations.push({ id: op.id, errors, explainedBy });
    // A break explains it (acknowledged: accepted; not: already failing); otherwise the operation itself is wrong.
    if (explainedBy.length === 0) problems.push(`${op.id} does not validate against the current supergraph: ${errors.join('; ')}`);
  }
  return {
    ok: unacknowledged.length === 0 && problems.length === 0,
    supergraph: reported,
    subgraphs,
    operationsChecked: parsed.operations.length,
    brokenOperations,
    unacknowledged,
    unusedAcknowledgements,
    problems,
  };
}

/**
 * Whether an operation (its usage walked against the released schema) is hit by a
 * change: 'uses' when it selects, passes or writes what changed, 'variables' when it
 * only declares a variable that can carry it, null when the change cannot touch it.
 */
function affects(change: SchemaChange, usage: OperationUsage, current: GraphQLSchema): 'uses' | 'variables' | null {
  const c = change.coordinate;
  const field = c.replace(/\(\w+:\)$/, '');
  const type = c.split('.')[0]!;
  const either = (uses: boolean, variables = false) => (uses ? 'uses' : variables ? 'variables' : null);
  switch (change.kind) {
    case 'TYPE_REMOVED':
    case 'TYPE_KIND_CHANGED':
      return either(usage.types.has(c));
    case 'UNION_MEMBER_REMOVED':
    case 'OBJECT_TYPE_INTERFACE_REMOVED':
      return either(usage.types.has(c) && usage.types.has(change.subject ?? ''));
    case 'ENUM_VALUE_REMOVED':
      return either(usage.enumValues.has(c), usage.variableInputs.has(type));
    case 'INPUT_FIELD_ADDED':
    case 'INPUT_FIELD_NOW_REQUIRED':
      return either(usage.types.has(type), usage.variableInputs.has(type));
    case 'FIELD_REMOVED':
    case 'FIELD_TYPE_CHANGED':
    case 'INPUT_FIELD_REMOVED':
    case 'INPUT_FIELD_TYPE_CHANGED':
      return either(usage.fields.has(c), usage.variableInputs.has(type));
    case 'FIELD_ARGUMENT_ADDED':
      return either(usage.fields.has(field));
    case 'FIELD_ARGUMENT_REMOVED':
      return either(usage.args.has(c));
    case 'FIELD_ARGUMENT_TYPE_CHANGED':
      // Passing it breaks if the value no longer fits; leaving it out breaks if it became required.
      return either(usage.args.has(c) || (usage.fields.has(field) && argumentIsRequired(current, c)));
    case 'ARG_NOW_REQUIRED':
    case 'FIELD_ARGUMENT_DEFAULT_CHANGED':
      return either(usage.fields.has(field) && !usage.args.has(c));
    case 'DIRECTIVE_REMOVED':
    case 'DIRECTIVE_ARGUMENT_REMOVED':
    case 'DIRECTIVE_ARGUMENT_ADDED':
    case 'DIRECTIVE_ARGUMENT_TYPE_CHANGED':
    case 'DIRECTIVE_REPEATABLE_REMOVED':
    case 'DIRECTIVE_LOCATION_REMOVED':
      return either(usage.directives.has(c.replace(/\(\w+:\)$/, '')));
    case 'ENUM_VALUE_ADDED':
      return either(usage.types.has(type));
    case 'UNION_MEMBER_ADDED':
    case 'OBJECT_TYPE_INTERFACE_ADDED':
      return either(usage.types.has(c));
    default:
      // Access and personal-data changes: whoever selects the field or type.
      return either(usage.fields.has(c) || usage.types.has(c));
  }
}

function coordinateExists(schema: GraphQLSchema, coordinate: string): boolean {
  const [typeName, fieldName] = coordinate.split('.');
  const type = schema.getType(typeName!);
  if (!type) return false;
  if (!fieldName) return true;
  return 'getFields' in type && fieldName in (type.getFields() as object);
}

/** Federation's own machinery (_entities, _Any, federation__*, link__*) changes with imports, not with the API. */
const machinery = (coordinate: string, ownDirectives: Set<string>) =>
  /(^|\.)_|__/.test(coordinate) || (coordinate.startsWith('@') && !ownDirectives.has(coordinate.replace(/\(.*$/, '')));

function compareSubgraphs(released: Record<string, string>, current: Record<string, string>, problems: string[]): Promise<SubgraphReport[]> {
  const names = [...new Set([...Object.keys(released), ...Object.keys(current)])].sort();
  return Promise.all(names.map(async (name): Promise<SubgraphReport> => {
    const before = released[name];
    const after = current[name];
    if (before === undefined) return { name, status: 'added', changes: [] };
    if (after === undefined) return { name, status: 'removed', changes: [] };
    if (before === after) return { name, status: 'unchanged', changes: [] };
    try {
      const own = new Set([before, after].flatMap((sdl) => parse(sdl).definitions.flatMap((d) => (d.kind === Kind.DIRECTIVE_DEFINITION ? [`@${d.name.value}`] : []))));
      const changes = (await diffSchemas(buildSubgraphSchema({ typeDefs: parse(before) }), buildSubgraphSchema({ typeDefs: parse(after) }))).filter((c) => !machinery(c.coordinate, own));
      return { name, status: 'changed', changes };
    } catch (error) {
      problems.push(`subgraph ${name}: cannot build its schema: ${(error as Error).message}`);
      return { name, status: 'changed', changes: [] };
    }
  }));
}

// ---------------------------------------------------------------- the repository's files

export interface ReleaseRecord {
  version: string;
  /** China date (YYYY-MM-DD) the release was cut. */
  date: string;
  /** SHA-256 of the released supergraph text. */
  supergraphSha256: string;
  subgraphs: string[];
}

export const releasedDir = (root: string) => join(root, 'schema', 'released');
export const changelogPath = (root: string) => join(root, 'schema', 'CHANGELOG.md');

/** The schemas as they are now: schema/subgraphs.json's subgraphs and schema/supergraph.graphql. */
export function readCurrentSchemas(root: string): SchemaSet {
  const config = JSON.parse(readFileSync(join(root, 'schema', 'subgraphs.json'), 'utf8')) as { subgraphs: { name: string; schema: string }[] };
  return {
    supergraph: readFileSync(join(root, 'schema', 'supergraph.graphql'), 'utf8'),
    subgraphs: Object.fromEntries(config.subgraphs.map((s) => [s.name, readFileSync(join(root, s.schema), 'utf8')])),
  };
}

export function readReleasedSchemas(root: string): { release: ReleaseRecord; schemas: SchemaSet } {
  const dir = releasedDir(root);
  if (!existsSync(join(dir, 'release.json'))) throw new Error(`no release in ${dir}: run \`npm run schema:release\` to record the current schemas as the baseline`);
  const release = JSON.parse(readFileSync(join(dir, 'release.json'), 'utf8')) as ReleaseRecord;
  const subgraphs = Object.fromEntries(
    readdirSync(join(dir, 'subgraphs'))
      .filter((f) => f.endsWith('.graphql'))
      .sort()
      .map((f) => [f.replace(/\.graphql$/, ''), readFileSync(join(dir, 'subgraphs', f), 'utf8')]),
  );
  return { release, schemas: { supergraph: readFileSync(join(dir, 'supergraph.graphql'), 'utf8'), subgraphs } };
}

export async function checkRepository(root: string): Promise<{ release: ReleaseRecord; result: CheckResult }> {
  const { release, schemas } = readReleasedSchemas(root);
  const result = await checkSchemas({
    released: schemas,
    current: readCurrentSchemas(root),
    operations: readOperationFiles(root),
    changelog: existsSync(changelogPath(root)) ? readFileSync(changelogPath(root), 'utf8') : '',
  });
  return { release, result };
}

// ---------------------------------------------------------------- the report

const LABEL = { breaking: 'BREAKING ', dangerous: 'DANGEROUS', safe: 'safe     ' } as const;

export function formatReport(result: CheckResult, release: ReleaseRecord): string {
  const out: string[] = [`Schema check against release ${release.version} (${release.date})`, ''];
  const count = (changes: SchemaChange[]) =>
    (['breaking', 'dangerous', 'safe'] as const).map((level) => `${changes.filter((c) => c.level === level).length} ${level}`).join(', ');

  out.push(`Supergraph API schema: ${result.supergraph.length ? count(result.supergraph) : 'no changes'}`);
  for (const change of result.supergraph) {
    out.push(`  ${LABEL[change.level]} ${change.coordinate}: ${change.description}`);
    if (change.from.length) out.push(`            from subgraph ${change.from.join(', ')}`);
    const ops = change.operations.map((id) => (change.throughVariables.includes(id) ? `${id} (if its variables carry it)` : id));
    if (ops.length) out.push(`            ${change.level === 'breaking' ? 'breaks' : 'affects'}: ${ops.join(', ')}`);
    if (change.acknowledgement) out.push(`            acknowledged (CHANGELOG.md line ${change.acknowledgement.line}): ${change.acknowledgement.reason}`);
  }
  const apiCoordinates = new Set(result.supergraph.map((c) => c.coordinate));
  for (const subgraph of result.subgraphs) {
    if (subgraph.status === 'unchanged') continue;
    out.push('', `Subgraph ${subgraph.name}: ${subgraph.status === 'changed' ? count(subgraph.changes) : subgraph.status}`);
    for (const change of subgraph.changes) {
      const hidden = change.level === 'breaking' && !apiCoordinates.has(change.coordinate);
      out.push(`  ${LABEL[change.level]} ${change.coordinate}: ${change.description}`);
      // The released gateway may still plan this subgraph's part of the field until the new supergraph is served.
      if (hidden) out.push('            not visible to clients: serve the new supergraph when this subgraph is deployed');
    }
  }
  out.push('', `Operations checked: ${result.operationsChecked}`);
  for (const op of result.brokenOperations) {
    out.push(`  ${op.id} no longer validates${op.explainedBy.length ? ` (${op.explainedBy.join(', ')})` : ''}:`);
    for (const error of op.errors) out.push(`    ${error}`);
  }
  for (const a of result.unusedAcknowledgements) out.push('', `note: CHANGELOG.md line ${a.line} acknowledges ${a.coordinate}, which is not a breaking change since ${release.version}`);

  out.push('');
  if (result.ok) {
    const acknowledged = result.supergraph.filter((c) => c.acknowledgement).length;
    out.push(`schema check passed${acknowledged ? ` (${acknowledged} breaking change(s) acknowledged)` : ''}`);
    return out.join('\n');
  }
  for (const problem of result.problems) out.push(`problem: ${problem}`);
  if (result.unacknowledged.length) {
    out.push(
      `schema check FAILED: ${result.unacknowledged.length} breaking change(s) not acknowledged.`,
      'Undo them, or acknowledge each in schema/CHANGELOG.md under "## Unreleased", one line per coordinate:',
      '',
      ...result.unacknowledged.map((c) => `  ${acknowledgementLine(c)}`),
      '',
      'and tell the teams whose operations break (listed above) before the release.',
    );
  } else out.push('schema check FAILED: see the problems above.');
  return out.join('\n');
}

async function main(): Promise<void> {
  const rootFlag = process.argv.indexOf('--root');
  const root = rootFlag >= 0 && process.argv[rootFlag + 1] ? resolve(process.argv[rootFlag + 1]!) : ROOT;
  const { release, result } = await checkRepository(root);
  console.log(formatReport(result, release));
  process.exit(result.ok ? 0 : 1);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`schema check: ${(error as Error).message}`);
    process.exit(1);
  });
}
