import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { checkSchemas, formatReport, readCurrentSchemas, readReleasedSchemas, ROOT, type CheckResult, type SchemaSet } from '../../../scripts/schema-check';
import { readAcknowledgements } from '../../../scripts/schema-changelog';
import { diffSchemas } from '../../../scripts/schema-diff';
import { graphqlLiterals, parseOperations, readOperationFiles, type OperationFile } from '../../../scripts/schema-operations';
import { addField, removeEnumValue, removeField, removeFieldDirective, setArgument, variant } from './fixtures';

const released = readReleasedSchemas(ROOT);
const operations = readOperationFiles(ROOT);
const changelog = readFileSync(join(ROOT, 'schema', 'CHANGELOG.md'), 'utf8');
const op = (name: string) => `docs/operations/${name}.graphql#${name}`;
/** The dashboard's operations are known operations too (web/dashboard/src/operations). */
const dashboard = (name: string) => `web/dashboard/src/operations/${name}.graphql#${name}`;

function check(current: SchemaSet, extra: { changelog?: string; operations?: OperationFile[] } = {}): Promise<CheckResult> {
  return checkSchemas({ released: released.schemas, current, operations: extra.operations ?? operations, changelog: extra.changelog ?? changelog });
}

const withAcknowledgements = (...lines: string[]) => changelog.replace('## Unreleased\n\n(nothing yet)', `## Unreleased\n\n${lines.join('\n')}`);
const breaking = (result: CheckResult) => result.supergraph.filter((c) => c.level === 'breaking');

describe('schema:check against the released schemas', () => {
  it('passes with no change, and every known operation validates', async () => {
    const result = await check(readCurrentSchemas(ROOT));
    expect(result.problems).toEqual([]);
    expect(result.supergraph).toEqual([]);
    expect(result.subgraphs.every((s) => s.status === 'unchanged')).toBe(true);
    expect(result.operationsChecked).toBeGreaterThanOrEqual(9);
    expect(result.brokenOperations).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('fails on a removed field and names the operations that select it', async () => {
    const result = await check(variant({ enterprise: removeField('Enterprise', 'abnormalRecords') }));
    expect(result.ok).toBe(false);
    expect(breaking(result).map((c) => [c.kind, c.coordinate])).toEqual([['FIELD_REMOVED', 'Enterprise.abnormalRecords']]);
    const [change] = result.unacknowledged;
    expect(change!.from).toEqual(['enterprise']);
    expect(change!.operations.sort()).toEqual([op('EnterpriseProfile'), op('JointReview'), dashboard('DashboardProject')]);
    expect(result.brokenOperations.map((b) => b.id).sort()).toEqual([op('EnterpriseProfile'), op('JointReview'), dashboard('DashboardProject')]);
    expect(result.subgraphs.find((s) => s.name === 'enterprise')).toMatchObject({ status: 'changed', changes: [expect.objectContaining({ coordinate: 'Enterprise.abnormalRecords', level: 'breaking' })] });
    // The message says exactly how to acknowledge it.
    expect(formatReport(result, released.release)).toContain('- BREAKING: Enterprise.abnormalRecords — <why');
  });

  it('fails when an argument becomes required, naming who leaves it out or passes a nullable value', async () => {
    const result = await check(
      variant({
        construction: setArgument('Query', 'constructionProjects', 'first: Int!'),
        land: setArgument('Query', 'parcel', 'purpose: String!'),
      }),
    );
    expect(result.ok).toBe(false);
    const byCoordinate = Object.fromEntries(breaking(result).map((c) => [c.coordinate, c]));
    expect(Object.keys(byCoordinate).sort()).toEqual(['Query.constructionProjects(first:)', 'Query.parcel(purpose:)']);
    expect(byCoordinate['Query.constructionProjects(first:)']!.kind).toBe('FIELD_ARGUMENT_TYPE_CHANGED');
    expect(byCoordinate['Query.constructionProjects(first:)']!.operations).toEqual([op('DashboardProjects'), dashboard('DashboardProjectList'), dashboard('IntakeProjectSearch')]);
    expect(byCoordinate['Query.parcel(purpose:)']!.kind).toBe('FIELD_ARGUMENT_ADDED');
    // JointReview reaches parcels through ConstructionProject.parcel, not Query.parcel: untouched.
    expect(byCoordinate['Query.parcel(purpose:)']!.operations).toEqual([op('Parcel')]);
  });

  it('fails when a non-null argument loses its default (the library calls that only dangerous)', async () => {
    const result = await check(variant({ construction: setArgument('Query', 'constructionProjects', 'first: Int!'), approval: setArgument('Query', 'applications', 'first: Int!') }));
    const applications = breaking(result).find((c) => c.coordinate === 'Query.applications(first:)');
    expect(applications?.kind).toBe('FIELD_ARGUMENT_TYPE_CHANGED');

    // From `Int! = 20` to `Int!`: graphql-js reports a default change; it now has to be passed.
    const before = buildSchema('type Query { list(first: Int! = 20): [Int] }');
    const after = buildSchema('type Query { list(first: Int!): [Int] }');
    expect(await diffSchemas(before, after)).toEqual([expect.objectContaining({ level: 'breaking', kind: 'ARG_NOW_REQUIRED', coordinate: 'Query.list(first:)' })]);
  });

  it('fails on a removed enum value and names the operation whose variables can carry it', async () => {
    const result = await check(variant({ approval: removeEnumValue('ReviewDecision', 'REQUEST_CORRECTIONS') }));
    expect(result.ok).toBe(false);
    const [change] = breaking(result);
    expect(change).toMatchObject({ kind: 'ENUM_VALUE_REMOVED', coordinate: 'ReviewDecision.REQUEST_CORRECTIONS', operations: [op('RecordReviewOpinion'), dashboard('DashboardRecordReviewOpinion')], throughVariables: [op('RecordReviewOpinion'), dashboard('DashboardRecordReviewOpinion')] });
    expect(result.brokenOperations).toEqual([]);
  });

  it('passes once each breaking change is acknowledged with a reason, still naming the operations to update', async () => {
    const current = variant({ enterprise: removeField('Enterprise', 'abnormalRecords'), approval: removeEnumValue('ReviewDecision', 'REQUEST_CORRECTIONS') });
    const partly = await check(current, { changelog: withAcknowledgements('- BREAKING: Enterprise.abnormalRecords — moved to the 信用 subgraph; dashboard team told 2025-03-02') });
    expect(partly.ok).toBe(false);
    expect(partly.unacknowledged.map((c) => c.coordinate)).toEqual(['ReviewDecision.REQUEST_CORRECTIONS']);

    const result = await check(current, {
      changelog: withAcknowledgements(
        '- BREAKING: Enterprise.abnormalRecords — moved to the 信用 subgraph; dashboard team told 2025-03-02',
        '- BREAKING: `ReviewDecision.REQUEST_CORRECTIONS`: corrections are requested through the new 补正 flow; reviewers told at the 3-01 meeting',
      ),
    });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(breaking(result).every((c) => c.acknowledgement)).toBe(true);
    expect(result.brokenOperations.map((b) => [b.id, b.explainedBy])).toEqual([
      [op('EnterpriseProfile'), ['Enterprise.abnormalRecords']],
      [op('JointReview'), ['Enterprise.abnormalRecords']],
      [dashboard('DashboardProject'), ['Enterprise.abnormalRecords']],
    ]);
    expect(formatReport(result, released.release)).toContain('schema check passed (2 breaking change(s) acknowledged)');
  });

  it('refuses an acknowledgement that does not say why, and notes one that matches nothing', async () => {
    const current = variant({ enterprise: removeField('Enterprise', 'abnormalRecords') });
    const bare = await check(current, { changelog: withAcknowledgements('- BREAKING: Enterprise.abnormalRecords') });
    expect(bare.ok).toBe(false);
    expect(bare.problems).toEqual([expect.stringContaining('say why Enterprise.abnormalRecords had to change')]);

    const stray = await check(readCurrentSchemas(ROOT), { changelog: withAcknowledgements('- BREAKING: Query.nothing — typo') });
    expect(stray.ok).toBe(true);
    expect(stray.unusedAcknowledgements.map((a) => a.coordinate)).toEqual(['Query.nothing']);
  });

  it('passes additions as safe, and reports changes to who may read a field as dangerous', async () => {
    const result = await check(
      variant({
        land: addField('Query', 'parcelCount(townCode: String): Int! @requiresScopes(scopes: [["land:read"]])'),
        enterprise: removeFieldDirective('LegalRepresentative', 'mobile', 'personalData'),
        construction: removeFieldDirective('Query', 'constructionProjects', 'requiresScopes'),
      }),
    );
    expect(result.ok).toBe(true);
    expect(result.supergraph.map((c) => [c.level, c.kind, c.coordinate])).toEqual([
      ['dangerous', 'PERSONAL_DATA_UNMARKED', 'LegalRepresentative.mobile'],
      ['dangerous', 'ACCESS_REMOVED', 'Query.constructionProjects'],
      ['safe', 'FIELD_ADDED', 'Query.parcelCount'],
    ]);
    expect(result.supergraph[0]!.operations).toEqual([op('EnterpriseProfile')]);
  });

  it('fails when a known operation does not validate, whatever the schema did', async () => {
    const files: OperationFile[] = [...operations, { path: 'web/dashboard/operations.ts', documents: graphqlLiterals('export const Q = gql`query Typo { enterprise(uscc: "x") { nmae } }`;') }];
    const result = await check(readCurrentSchemas(ROOT), { operations: files });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(/^web\/dashboard\/operations\.ts#Typo does not validate.*nmae/)]);
  });

  it('fails on a supergraph that is not one', async () => {
    const result = await check({ ...readCurrentSchemas(ROOT), supergraph: 'type Query { a: Int }' });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.stringContaining('the current supergraph is not a supergraph this gateway can serve')]);
  });
});

describe('acknowledgements in schema/CHANGELOG.md', () => {
  it('reads the coordinate however it is punctuated, only under Unreleased', async () => {
    const text = [
      '# Schema changelog',
      '- BREAKING: Query.outside — not in a section',
      '## Unreleased',
      '- BREAKING: Query.a — dash',
      '* BREAKING: `Query.b(first:)` — backticks',
      '- BREAKING: Query.c: colon after the coordinate',
      '- BREAKING: Enum.VALUE - hyphen',
      '- nothing breaking here',
      '## 1.0.0 — 2025-01-01',
      '- BREAKING: Query.released — an older release',
    ].join('\n');
    const { acknowledgements, problems } = readAcknowledgements(text);
    expect(problems).toEqual([]);
    expect(acknowledgements.map((a) => [a.coordinate, a.reason, a.line])).toEqual([
      ['Query.a', 'dash', 4],
      ['Query.b(first:)', 'backticks', 5],
      ['Query.c', 'colon after the coordinate', 6],
      ['Enum.VALUE', 'hyphen', 7],
    ]);
    expect(readAcknowledgements('# no sections').problems).toEqual([expect.stringContaining('has no "## Unreleased" section')]);
  });
});

describe('schema changes @graphql-inspector/core reports, by coordinate', () => {
  const base = `
    interface Node { id: ID! }
    type Item implements Node { id: ID! name: String tags(first: Int, kind: Kind): [String] }
    type Other { id: ID! }
    union Result = Item | Other
    enum Kind { A B }
    input Filter { kind: Kind, text: String }
    directive @cached(ttl: Int) on FIELD
    directive @tagged repeatable on FIELD
    type Query { items(filter: Filter, first: Int = 10): [Item] result: Result }
  `;
  // [change type, the base schema changed so, coordinate, level]
  const cases: [string, string, string, string][] = [
    ['TYPE_REMOVED', base.replace('type Other { id: ID! }', '').replace('= Item | Other', '= Item'), 'Other', 'breaking'],
    ['TYPE_KIND_CHANGED', base.replace('input Filter { kind: Kind, text: String }', 'scalar Filter'), 'Filter', 'breaking'],
    ['UNION_MEMBER_REMOVED', base.replace('= Item | Other', '= Item'), 'Result', 'breaking'],
    ['ENUM_VALUE_REMOVED', base.replace('enum Kind { A B }', 'enum Kind { A }'), 'Kind.B', 'breaking'],
    ['INPUT_FIELD_ADDED', base.replace('text: String }', 'text: String, page: Int! }'), 'Filter.page', 'breaking'],
    ['OBJECT_TYPE_INTERFACE_REMOVED', base.replace('type Item implements Node', 'type Item'), 'Item', 'breaking'],
    ['FIELD_REMOVED', base.replace(' name: String', ''), 'Item.name', 'breaking'],
    ['FIELD_TYPE_CHANGED', base.replace('name: String', 'name: Int'), 'Item.name', 'breaking'],
    ['FIELD_ARGUMENT_ADDED', base.replace('tags(first: Int,', 'tags(first: Int, lang: String!,'), 'Item.tags(lang:)', 'breaking'],
    ['FIELD_ARGUMENT_REMOVED', base.replace('tags(first: Int, kind: Kind)', 'tags(first: Int)'), 'Item.tags(kind:)', 'breaking'],
    ['FIELD_ARGUMENT_TYPE_CHANGED', base.replace('tags(first: Int,', 'tags(first: Int!,'), 'Item.tags(first:)', 'breaking'],
    ['DIRECTIVE_REMOVED', base.replace('directive @cached(ttl: Int) on FIELD', ''), '@cached', 'breaking'],
    ['DIRECTIVE_ARGUMENT_REMOVED', base.replace('@cached(ttl: Int)', '@cached'), '@cached(ttl:)', 'breaking'],
    ['DIRECTIVE_ARGUMENT_ADDED', base.replace('@cached(ttl: Int)', '@cached(ttl: Int, scope: String!)'), '@cached(scope:)', 'breaking'],
    ['DIRECTIVE_REPEATABLE_REMOVED', base.replace('@tagged repeatable', '@tagged'), '@tagged', 'breaking'],
    ['DIRECTIVE_LOCATION_REMOVED', base.replace('on FIELD', 'on QUERY'), '@cached', 'breaking'],
    ['ENUM_VALUE_ADDED', base.replace('enum Kind { A B }', 'enum Kind { A B C }'), 'Kind.C', 'dangerous'],
    ['UNION_MEMBER_ADDED', base.replace('= Item | Other', '= Item | Other | Extra').concat(' type Extra { id: ID }'), 'Result', 'dangerous'],
    ['INPUT_FIELD_ADDED', base.replace('text: String }', 'text: String, page: Int }'), 'Filter.page', 'safe'],
    ['FIELD_ARGUMENT_ADDED', base.replace('tags(first: Int,', 'tags(first: Int, lang: String,'), 'Item.tags(lang:)', 'dangerous'],
    ['OBJECT_TYPE_INTERFACE_ADDED', base.replace('type Other {', 'type Other implements Node {'), 'Other', 'dangerous'],
    ['FIELD_ARGUMENT_DEFAULT_CHANGED', base.replace('first: Int = 10', 'first: Int = 20'), 'Query.items(first:)', 'dangerous'],
  ];
  it.each(cases.map(([kind, changed, coordinate, level]) => [kind, coordinate, level, changed]))('%s is %s, %s', async (kind, coordinate, level, changed) => {
    const changes = await diffSchemas(buildSchema(base), buildSchema(changed));
    expect(changes).toContainEqual(expect.objectContaining({ kind, coordinate, level }));
  });

  it('reports additions, description and deprecation edits as safe', async () => {
    const changed = base.replace('name: String', '"名称 Name" name: String @deprecated(reason: "use title") title: String');
    expect((await diffSchemas(buildSchema(base), buildSchema(changed))).map((c) => [c.level, c.kind, c.coordinate])).toEqual([
      ['safe', 'FIELD_DESCRIPTION_ADDED', 'Item.name'],
      ['safe', 'FIELD_DEPRECATION_ADDED', 'Item.name'],
      ['safe', 'FIELD_ADDED', 'Item.title'],
    ]);
  });
});

describe('known operations', () => {
  it('reads gql literals from dashboard sources and resolves fragments across files', async () => {
    const files: OperationFile[] = [
      { path: 'web/dashboard/fragments.graphql', documents: ['fragment ProjectRow on ConstructionProject { code name stage }'] },
      {
        path: 'web/dashboard/operations.ts',
        documents: graphqlLiterals("import { gql } from './gql';\nexport const LIST = gql`\n  query List { constructionProjects(first: 5) { nodes { ...ProjectRow } } }\n  ${PROJECT_ROW}\n`;\nconst plain = `not graphql`; // a `gql` in a comment\nconst s = 'gql`';\nexport const ONE = /* GraphQL */ `query One($code: ID!) { constructionProject(code: $code) { ...ProjectRow } }`;"),
      },
    ];
    const { operations: parsed, problems } = parseOperations(files);
    expect(problems).toEqual([]);
    expect(parsed.map((o) => [o.id, o.document.definitions.length])).toEqual([
      ['web/dashboard/operations.ts#List', 2],
      ['web/dashboard/operations.ts#One', 2],
    ]);
    expect(parseOperations([files[1]!]).problems).toEqual([
      'web/dashboard/operations.ts#List: fragment ProjectRow is defined nowhere in the operation sources',
      'web/dashboard/operations.ts#One: fragment ProjectRow is defined nowhere in the operation sources',
    ]);
  });

  it('finds docs/operations and skips sources that do not exist', async () => {
    expect(operations.map((f) => f.path)).toContain('docs/operations/JointReview.graphql');
    expect(operations.every((f) => f.path.startsWith('docs/operations/') || f.path.startsWith('web/'))).toBe(true);
  });
});
