import { readFileSync } from 'node:fs';
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isSpecifiedScalarType } from 'graphql';
import { loadSupergraph } from '../../../gateway/supergraph';
import { SUPERGRAPH_PATH } from '../../../scripts/compose';
import { renderSchemaReference } from '../../../scripts/schema-docs';
import { removeFieldDirective, variant } from './fixtures';

const supergraph = readFileSync(SUPERGRAPH_PATH, 'utf8');
const reference = renderSchemaReference(supergraph);
/** The lines of one type's section. */
const section = (type: string) => {
  const start = reference.indexOf(`\n### ${type}\n`);
  const end = reference.indexOf('\n### ', start + 1);
  return reference.slice(start, end < 0 ? undefined : end);
};
const row = (type: string, field: string) => section(type).split('\n').find((l) => l.startsWith(`| \`${field}`)) ?? '';

describe('the schema reference (docs/schema/README.md)', () => {
  it('has a section for every type clients can see and a row for every field and enum value', () => {
    const { apiSchema } = loadSupergraph(supergraph);
    for (const type of Object.values(apiSchema.getTypeMap())) {
      if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
      expect(reference).toContain(`\n### ${type.name}\n`);
      const members = isObjectType(type) || isInterfaceType(type) || isInputObjectType(type) ? Object.keys(type.getFields()) : isEnumType(type) ? type.getValues().map((v) => v.name) : [];
      for (const member of members) expect(row(type.name, member)).not.toBe('');
    }
    expect(reference).not.toMatch(/join__|link__/);
  });

  it('says which subgraph owns a type and answers each field, from the join directives', () => {
    expect(section('Enterprise')).toContain('**主管子图 Owner:** `enterprise`');
    expect(section('Enterprise')).toContain('`land` (reference only 仅引用)');
    expect(section('Enterprise')).toContain('**实体键 Entity key:** `uscc`');
    expect(row('Enterprise', 'projects')).toMatch(/^\| `projects\(role: InvolvementRole\)` \| \\\[\[ConstructionProject\]\(#constructionproject\)!\\\]! \| `construction` \|/);
    expect(row('Query', 'parcel')).toContain('| `land` |');
    expect(section('PageInfo')).toContain('**共有子图 Shared by:** `approval`, `construction`, `enterprise`');
  });

  it('shows arguments with defaults, required scopes, personal data and enum values with their bilingual descriptions', () => {
    expect(row('Query', 'constructionProjects')).toContain('`constructionProjects(first: Int = 20, after: String, stage: ProjectStage, townCode: String, regionCode: String, search: String)`');
    expect(row('Query', 'constructionProjects')).toContain('| `construction:read` |');
    expect(row('Mutation', 'recordReviewOpinion')).toContain('| 需登录 sign-in |');
    expect(section('Enterprise')).toContain('**权限 Access:** `enterprise:read`');
    expect(row('ChecklistEntry', 'status')).toContain('`enterprise:read` + `construction:read` + `land:read`');
    expect(row('LegalRepresentative', 'idNumber')).toContain('**个人信息 Personal data** (`ID_NUMBER`)');
    expect(row('LegalRepresentative', 'name')).not.toContain('个人信息');
    expect(row('ReviewDecision', 'REQUEST_CORRECTIONS')).toBe('| `REQUEST_CORRECTIONS` | 退回补正 Ask for corrections (list them in `corrections`). |');
    expect(section('Enterprise')).toContain('企业 An enterprise as registered with the 市场监管局 (market regulation) enterprise registry.');
  });

  it('follows the supergraph: a field no longer marked personal data loses its mark', () => {
    const changed = renderSchemaReference(variant({ enterprise: removeFieldDirective('LegalRepresentative', 'mobile', 'personalData') }).supergraph);
    expect(changed).not.toContain('(`MOBILE`)');
    expect(changed).toContain('(`ID_NUMBER`)');
  });
});
