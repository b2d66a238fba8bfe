/**
 * `npm run schema:docs` writes docs/schema/README.md, the schema reference for people who
 * write operations: every type clients can see, which subgraph (and so which department)
 * answers each field, what it takes to read it, and what is personal data — from the
 * supergraph, so it cannot drift from what the gateway serves. `--check` fails when the
 * committed file is stale (CI runs it).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  Kind,
  parse,
  print,
  astFromValue,
  type DirectiveNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLType,
} from 'graphql';
import { loadSupergraph, type AccessRule, type SupergraphPolicies } from '../gateway/supergraph';
import { ROOT } from './schema-check';

export const schemaDocsPath = (root: string) => join(root, 'docs', 'schema', 'README.md');

/** Where each type and field lives among the subgraphs, read from the join__ directives. */
interface Placement {
  /** Subgraph names the type is defined in, with its key there (or 'reference only'). */
  types: Map<string, { graph: string; key?: string; resolvable: boolean }[]>;
  /** `Type.field` → subgraphs that resolve it (not merely declare it @external). */
  fields: Map<string, string[]>;
}

function readPlacement(supergraphSdl: string): Placement {
  const document = parse(supergraphSdl);
  const graphNames = new Map<string, string>();
  const arg = (d: DirectiveNode, name: string) => d.arguments?.find((a) => a.name.value === name)?.value;
  const str = (d: DirectiveNode, name: string) => {
    const v = arg(d, name);
    return v?.kind === Kind.STRING || v?.kind === Kind.ENUM ? v.value : undefined;
  };
  const bool = (d: DirectiveNode, name: string, fallback: boolean) => {
    const v = arg(d, name);
    return v?.kind === Kind.BOOLEAN ? v.value : fallback;
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((d) => d.name.value === 'join__graph');
      if (graph) graphNames.set(value.name.value, str(graph, 'name') ?? value.name.value.toLowerCase());
    }
  }
  const graphOf = (d: DirectiveNode) => graphNames.get(str(d, 'graph') ?? '') ?? str(d, 'graph') ?? '';
  const placement: Placement = { types: new Map(), fields: new Map() };
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const type = definition.name.value;
    const joins = (definition.directives ?? []).filter((d) => d.name.value === 'join__type');
    placement.types.set(
      type,
      joins.map((d) => ({ graph: graphOf(d), key: str(d, 'key'), resolvable: bool(d, 'resolvable', true) })),
    );
    const fields = 'fields' in definition ? (definition.fields ?? []) : [];
    for (const field of fields) {
      const joinFields = (field.directives ?? []).filter((d) => d.name.value === 'join__field');
      // No @join__field: every subgraph that defines the type resolves it (join spec).
      const graphs = joinFields.length ? joinFields.filter((d) => !bool(d, 'external', false) && arg(d, 'graph')).map(graphOf) : joins.map(graphOf);
      placement.fields.set(`${type}.${field.name.value}`, [...new Set(graphs)].sort());
    }
  }
  return placement;
}

const cell = (text: string | null | undefined) => (text ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();
const anchor = (name: string) => name.toLowerCase();

function typeLink(type: GraphQLType, known: Set<string>): string {
  const named = getNamedType(type);
  const inner = known.has(named.name) ? `[${named.name}](#${anchor(named.name)})` : named.name;
  return String(type).replace(/[[\]]/g, (b) => `\\${b}`).replace(named.name, inner);
}

function describeAccess(rule: AccessRule | undefined): string {
  if (!rule) return '';
  if (rule.scopes.length === 0) return '需登录 sign-in';
  return rule.scopes.map((all) => all.map((s) => `\`${s}\``).join(' + ')).join(' or ');
}

const defaultOf = (arg: GraphQLArgument | GraphQLInputField) => {
  if (arg.defaultValue === undefined) return '';
  const ast = astFromValue(arg.defaultValue, arg.type);
  return ast ? ` = ${print(ast)}` : '';
};

function ownerLine(type: string, placement: Placement, fieldNames: string[]): string {
  const definedIn = placement.types.get(type) ?? [];
  if (definedIn.length === 0) return '';
  if (fieldNames.length === 0) return `**定义于 Defined in:** ${definedIn.map((d) => `\`${d.graph}\``).join(', ')}`;
  const counts = new Map(definedIn.map((d) => [d.graph, 0]));
  for (const field of fieldNames) for (const graph of placement.fields.get(`${type}.${field}`) ?? []) counts.set(graph, (counts.get(graph) ?? 0) + 1);
  const most = Math.max(...counts.values());
  const owners = [...counts].filter(([, n]) => n === most).map(([g]) => g).sort();
  const shared = owners.length > 1;
  const others = definedIn
    .filter((d) => !owners.includes(d.graph))
    .map((d) => `\`${d.graph}\`${d.resolvable ? ` (${counts.get(d.graph)} field${counts.get(d.graph) === 1 ? '' : 's'})` : ' (reference only 仅引用)'}`);
  const key = definedIn.find((d) => d.key && d.resolvable)?.key;
  return [
    `**${shared ? '共有子图 Shared by' : '主管子图 Owner'}:** ${owners.map((o) => `\`${o}\``).join(', ')}`,
    others.length ? ` · **亦见于 Also in:** ${others.join(', ')}` : '',
    key ? ` · **实体键 Entity key:** \`${key}\`` : '',
  ].join('');
}

export function renderSchemaReference(supergraphSdl: string): string {
  const { apiSchema, policies, subgraphUrls } = loadSupergraph(supergraphSdl);
  const placement = readPlacement(supergraphSdl);
  const types = Object.values(apiSchema.getTypeMap())
    .filter((t) => !t.name.startsWith('__') && !isSpecifiedScalarType(t))
    .sort((a, b) => a.name.localeCompare(b.name));
  const roots = [apiSchema.getQueryType(), apiSchema.getMutationType(), apiSchema.getSubscriptionType()].filter((t): t is NonNullable<typeof t> => !!t);
  const known = new Set(types.map((t) => t.name));
  const groups: { title: string; types: GraphQLNamedType[] }[] = [
    { title: '根类型 Root types', types: roots },
    { title: '对象类型 Object types', types: types.filter((t) => isObjectType(t) && !roots.includes(t)) },
    { title: '接口 Interfaces', types: types.filter(isInterfaceType) },
    { title: '联合类型 Unions', types: types.filter(isUnionType) },
    { title: '枚举 Enums', types: types.filter(isEnumType) },
    { title: '输入类型 Input types', types: types.filter(isInputObjectType) },
    { title: '标量 Scalars', types: types.filter(isScalarType) },
  ].filter((g) => g.types.length);

  const out: string[] = [
    '# 接口参考 Schema reference',
    '',
    '<!-- Generated by `npm run schema:docs` from schema/supergraph.graphql. Do not edit: CI (`npm run schema:docs -- --check`) fails when it is stale. -->',
    '',
    'Every type and field clients can query through the gateway (the supergraph\'s API schema),',
    'generated from the schema descriptions. 由网关对外提供的全部类型和字段，根据 schema 描述自动生成。',
    '',
    '- **子图 Subgraph**: which subgraph answers the field, and so which department system the data comes from: ' +
      Object.keys(subgraphUrls)
        .sort()
        .map((s) => `\`${s}\``)
        .join(', ') +
      '.',
    '- **权限 Access**: what a caller needs to read it (`@authenticated`, `@requiresScopes`): `a + b` needs both, `or` either. A type\'s own rule applies to every field that returns it. Empty: public 公开.',
    '- **个人信息 Personal data** (`@personalData`): masked unless the caller holds `pii:read` and states a purpose (`X-Purpose`); every unmasked read is audited.',
    '',
    '## 目录 Contents',
    '',
    ...groups.map((g) => `- ${g.title}: ${g.types.map((t) => `[${t.name}](#${anchor(t.name)})`).join(', ')}`),
    '',
  ];

  for (const group of groups) {
    out.push(`## ${group.title}`, '');
    for (const type of group.types) out.push(...renderType(type, roots.some((r) => r === type), placement, policies, known), '');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function renderType(type: GraphQLNamedType, root: boolean, placement: Placement, policies: SupergraphPolicies, known: Set<string>): string[] {
  const out = [`### ${type.name}`, ''];
  if (type.description) out.push(type.description.trim(), '');
  const fieldNames = isObjectType(type) || isInterfaceType(type) || isInputObjectType(type) ? Object.keys(type.getFields()) : [];
  // Every subgraph adds to Query and Mutation: there each field's row says who answers it.
  const meta = [root ? '' : ownerLine(type.name, placement, fieldNames)];
  const typeRule = policies.access.get(type.name);
  if (typeRule) meta.push(`**权限 Access:** ${describeAccess(typeRule)}`);
  if ((isObjectType(type) || isInterfaceType(type)) && type.getInterfaces().length) meta.push(`**实现 Implements:** ${type.getInterfaces().map((i) => `[${i.name}](#${anchor(i.name)})`).join(', ')}`);
  if (isUnionType(type)) meta.push(`**成员 Members:** ${type.getTypes().map((t) => `[${t.name}](#${anchor(t.name)})`).join(', ')}`);
  if (isScalarType(type) && type.specifiedByURL) meta.push(`**规范 Specified by:** ${type.specifiedByURL}`);
  const shown = meta.filter(Boolean);
  if (shown.length) out.push(shown.join('  \n'), '');

  if (isObjectType(type) || isInterfaceType(type)) {
    out.push('| 字段 Field | 类型 Type | 子图 Subgraph | 权限 Access | 说明 Description |', '| --- | --- | --- | --- | --- |');
    for (const field of Object.values(type.getFields())) out.push(fieldRow(type.name, field, placement, policies, known));
  }
  if (isInputObjectType(type)) {
    out.push('| 字段 Field | 类型 Type | 说明 Description |', '| --- | --- | --- |');
    for (const field of Object.values(type.getFields())) out.push(`| \`${field.name}\` | ${typeLink(field.type, known)}${defaultOf(field)} | ${cell(field.description)} |`);
  }
  if (isEnumType(type)) {
    out.push('| 值 Value | 说明 Description |', '| --- | --- |');
    for (const value of type.getValues()) {
      const deprecated = value.deprecationReason ? ` **已弃用 Deprecated:** ${cell(value.deprecationReason)}` : '';
      out.push(`| \`${value.name}\` | ${cell(value.description)}${deprecated} |`);
    }
  }
  return out;
}

function fieldRow(typeName: string, field: GraphQLField<unknown, unknown>, placement: Placement, policies: SupergraphPolicies, known: Set<string>): string {
  const coordinate = `${typeName}.${field.name}`;
  const args = field.args.map((a) => `${a.name}: ${String(a.type)}${defaultOf(a)}`).join(', ');
  const name = `\`${field.name}${args ? `(${args})` : ''}\``;
  const notes: string[] = [];
  if (field.description) notes.push(cell(field.description));
  for (const arg of field.args) if (arg.description) notes.push(`\`${arg.name}\`: ${cell(arg.description)}`);
  const personal = policies.personalData.get(coordinate);
  if (personal) notes.push(`**个人信息 Personal data** (\`${personal}\`): masked unless entitled.`);
  if (field.deprecationReason) notes.push(`**已弃用 Deprecated:** ${cell(field.deprecationReason)}`);
  const subgraphs = (placement.fields.get(coordinate) ?? []).map((s) => `\`${s}\``).join(', ');
  return `| ${name} | ${typeLink(field.type, known)} | ${subgraphs} | ${describeAccess(policies.access.get(coordinate))} | ${notes.join('<br>')} |`;
}

function main(): void {
  const check = process.argv.includes('--check');
  const rootFlag = process.argv.indexOf('--root');
  const root = rootFlag >= 0 && process.argv[rootFlag + 1] ? resolve(process.argv[rootFlag + 1]!) : ROOT;
  const path = schemaDocsPath(root);
  const rendered = renderSchemaReference(readFileSync(join(root, 'schema', 'supergraph.graphql'), 'utf8'));
  if (check) {
    let committed = '';
    try {
      committed = readFileSync(path, 'utf8');
    } catch {
      // Missing counts as stale.
    }
    if (committed !== rendered) {
      console.error('docs/schema/README.md is stale: run `npm run schema:docs` and commit the result');
      process.exit(1);
    }
    console.log('docs/schema/README.md is up to date');
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, rendered);
  console.log(`wrote ${path}`);
}

if (require.main === module) main();
