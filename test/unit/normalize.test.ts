/**
 * The normalized operation on small schemas of its own: what it may splice, what it
 * refuses, and that the walk that reads responses by it misses nothing an abstract type
 * could hold.
 */
import { buildSchema, parse, print, validate } from 'graphql';
import { OperationNormalizer } from '../../gateway/operation/normalize';
import { responseWalker } from '../../gateway/response-walk';

const schema = buildSchema(`
  interface Node { id: ID! }
  interface Person implements Node { id: ID! name: String friends: [Person] }
  type Citizen implements Person & Node { id: ID! name: String friends: [Person] idNumber: String }
  type Company implements Node { id: ID! title: String }
  union Party = Citizen | Company
  type Query { person: Person node: Node party: Party people: [Person] }
`);
const normalize = (query: string, variables: Record<string, unknown> = {}, maxSelections = 100) =>
  new OperationNormalizer(schema, { maxSelections }).normalize(parse(query), query, undefined, variables);
const printed = (query: string, variables?: Record<string, unknown>) => print(normalize(query, variables).definition.selectionSet);

describe('normalizing an operation', () => {
  it('splices a fragment into a parent whose fields it has, and keeps it where the fields are another type’s', () => {
    // Citizen is Person's only implementer today, but `idNumber` is not Person's: the fragment stays.
    const kept = normalize('{ person { ... on Citizen { idNumber } } }');
    expect(print(kept.definition.selectionSet)).toMatch(/\.\.\. on Citizen \{\s+idNumber/);
    expect(validate(schema, kept.document)).toEqual([]);
    // An interface a parent interface implements: its fields are the parent's.
    expect(printed('{ person { ... on Node { id } name } }')).toBe(printed('{ person { id name } }'));
    // Never into a union.
    expect(validate(schema, normalize('{ party { ... on Citizen { name } } }').document)).toEqual([]);
  });

  it('collects a fragment spread twice into one place once, so spreads cannot multiply the work', () => {
    const fragments = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const bomb = `query Q { ...F0 }\n${fragments}\nfragment F40 on Query { __typename }`;
    expect(printed(bomb)).toBe(printed('query Q { __typename }'));
  });

  it('refuses an expansion past the bound while expanding, and aliases beginning with __', () => {
    const fragments = Array.from({ length: 20 }, (_, i) => `fragment F${i} on Person { a: friends { ...F${i + 1} } b: friends { ...F${i + 1} } }`).join('\n');
    expect(() => normalize(`{ person { ...F0 } }\n${fragments}\nfragment F20 on Person { name }`)).toThrow(/expands to more than 100 fields/);
    expect(() => normalize('{ person { __proto__: name } }')).toThrow(/"__proto__": names beginning with "__" are reserved/);
  });

  it('resolves conditions from variables and refuses a condition variable that is not a boolean', () => {
    expect(printed('query($v: Boolean!) { person { name @include(if: $v) id } }', { v: false })).toBe(printed('{ person { id } }'));
    expect(() => normalize('query($v: Boolean!) { person { name @include(if: $v) } }', { v: 'yes' })).toThrow(/\$v decides an @skip or @include and must be true or false/);
  });

  it('keeps an empty object where everything below was skipped, as GraphQL answers it', () => {
    expect(printed('{ person { name @skip(if: true) } }')).toMatch(/person \{\s+__typename @skip\(if: true\)/);
  });
});

describe('reading a response by the normalized operation', () => {
  it('visits a field under a fragment on a possible type even when the response has no __typename', () => {
    const operation = normalize('{ people { ... on Citizen { idNumber } } }').definition;
    const seen: string[] = [];
    responseWalker(schema, (type, field) => field === 'idNumber')(operation, { people: [{ idNumber: '522633199001011234' }] }, (type, field, holder, key) => seen.push(`${type}.${field}=${String(holder[key])}`));
    expect(seen).toEqual(['Citizen.idNumber=522633199001011234']);
  });
});
