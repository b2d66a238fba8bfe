import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareSupergraph } from '../../gateway/supergraph';
import { mask } from '../../gateway/capabilities/masking';
import { buildASTSchema, isObjectType, parse } from 'graphql';

const supergraph = readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
const { policies } = prepareSupergraph(supergraph);

/** Names and descriptions that say "this is about a person". */
const PERSONAL = /(idNumber|idCard|mobile|phone|身份证|手机)/i;

/** Fields that look personal but are not, each with the reason: adding one is a decision. */
const NOT_PERSONAL: Record<string, string> = {
  'LegalRepresentative.idType': 'the kind of identity document (居民身份证), not its number',
  'ServiceCounter.phone': 'the service window’s published office phone',
};

describe('personal data in the supergraph', () => {
  it('has a masking rule on every field whose name marks it as personal data', () => {
    const schema = buildASTSchema(parse(supergraph), { assumeValidSDL: true });
    const unmasked: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const marked = PERSONAL.test(field.name) || PERSONAL.test(field.description ?? '');
        const name = `${type.name}.${field.name}`;
        if (marked && !policies.personalData.has(name) && !(name in NOT_PERSONAL)) unmasked.push(name);
      }
    }
    expect(unmasked).toEqual([]);
    // And the walk found what it should: the legal representative's ID number and mobile, a case message's author.
    expect([...policies.personalData.keys()].sort()).toEqual(['CaseMessage.authorName', 'LegalRepresentative.idNumber', 'LegalRepresentative.mobile']);
    expect(policies.personalData.get('CaseMessage.authorName')).toBe('NAME');
  });

  it('masks ID numbers as 6 + ******** + 4, mobiles as 3 + **** + 4, names to their first character', () => {
    expect(mask('ID_NUMBER', '52263319850315123X')).toBe('522633********123X');
    expect(mask('MOBILE', '13812341234')).toBe('138****1234');
    expect(mask('NAME', '吴晓燕')).toBe('吴**');
    expect(mask('NAME', '欧阳')).toBe('欧*');
    expect(mask('NAME', '𠮷')).toBe('*');
    expect(mask('SOMETHING_NEW', 'abc')).toBe('***');
  });

  it('reads the access rules the subgraphs declared', () => {
    expect(policies.access.get('Query.enterprise')).toEqual({ authenticated: true, scopes: [['enterprise:read']] });
    expect(policies.access.get('Enterprise')).toEqual({ authenticated: true, scopes: [['enterprise:read']] });
    expect(policies.access.get('Query.materialChecklist')).toEqual({ authenticated: true, scopes: [] });
    expect(policies.access.get('Query.serviceItems')).toBeUndefined();
    expect(policies.entityKeys.get('Enterprise')).toEqual(['uscc']);
  });
});
