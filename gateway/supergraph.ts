/**
 * Reads a supergraph for serving: the security features it declares and which fields
 * carry which rules. `@apollo/gateway` refuses any supergraph with a `for: SECURITY`
 * feature because it does not enforce them; this gateway enforces `@authenticated` and
 * `@requiresScopes` itself (capabilities/authorization.ts), so it hands @apollo/gateway the
 * supergraph with those two links marked as understood; any other security feature it
 * cannot enforce (such as `@policy`) is still refused by @apollo/gateway.
 */
import { createHash } from 'node:crypto';
import { Supergraph } from '@apollo/federation-internals';
import {
  Kind,
  parse,
  validateSchema,
  print,
  visit,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

/** `@requiresScopes(scopes: [[a, b], [c]])`: a AND b, OR c. */
export interface AccessRule {
  authenticated: boolean;
  /** Alternatives, each a set of scopes that must all be held; empty: no scope needed. */
  scopes: string[][];
}

export interface SupergraphPolicies {
  /** `Type.field` or `Type` → what it takes to read it. */
  access: Map<string, AccessRule>;
  /** `Type.field` → the kind of personal data it holds (from `@personalData`). */
  personalData: Map<string, string>;
  /** Entity type → the field sets of its `@key`s, in the order the supergraph gives them. */
  entityKeys: Map<string, string[]>;
}

/** The rules of the supergraph a request's schema came from (see live-supergraph.ts). */
export type PoliciesOf = (schema: GraphQLSchema) => SupergraphPolicies;

export interface PreparedSupergraph {
  /** What @apollo/gateway serves. */
  sdl: string;
  policies: SupergraphPolicies;
  /** Subgraph name → the URL the supergraph gives it (`@join__graph`). */
  subgraphUrls: Record<string, string>;
}

export interface LoadedSupergraph extends PreparedSupergraph {
  /** SHA-256 of the supergraph text as given: what /readyz shows and reloads compare. */
  id: string;
  /** What clients see: no join__ or link__ types, nothing @inaccessible. */
  apiSchema: GraphQLSchema;
  /** @apollo/federation-internals' reading of it (the query planner is built from this). */
  supergraph: Supergraph;
}

/**
 * Reads a supergraph the way @apollo/gateway will, so a bad one is refused here, whole,
 * with a message that says which step failed, instead of half-way through a reload.
 */
export function loadSupergraph(supergraphSdl: string): LoadedSupergraph {
  let prepared: PreparedSupergraph;
  try {
    prepared = prepareSupergraph(supergraphSdl);
  } catch (error) {
    throw new Error(`not a GraphQL schema document: ${(error as Error).message}`);
  }
  let supergraph: Supergraph;
  try {
    supergraph = Supergraph.build(prepared.sdl, { validateSupergraph: true });
  } catch (error) {
    throw new Error(`not a supergraph this gateway can serve: ${(error as Error).message}`);
  }
  const apiSchema = supergraph.apiSchema().toGraphQLJSSchema();
  const problems = validateSchema(apiSchema);
  if (problems.length) throw new Error(`its API schema is invalid: ${problems.map((p) => p.message).join('; ')}`);
  return { ...prepared, id: createHash('sha256').update(supergraphSdl).digest('hex'), apiSchema, supergraph };
}

const ENFORCED = new Map([
  ['https://specs.apollo.dev/authenticated/', 'authenticated'],
  ['https://specs.apollo.dev/requiresScopes/', 'requiresScopes'],
]);

export function prepareSupergraph(supergraphSdl: string): PreparedSupergraph {
  const document = parse(supergraphSdl);
  const names = { authenticated: '', requiresScopes: '', personalData: '' };

  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = stringArg(link, 'url') ?? '';
      const alias = stringArg(link, 'as');
      const feature = [...ENFORCED].find(([prefix]) => url.startsWith(prefix))?.[1] as 'authenticated' | 'requiresScopes' | undefined;
      if (feature) names[feature] = alias ?? feature;
      if (url.includes('/personal-data/')) names.personalData = importedName(link, '@personalData') ?? alias ?? 'personalData';
    }
  }
  const subgraphUrls: Record<string, string> = {};
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((d) => d.name.value === 'join__graph');
      const name = graph && stringArg(graph, 'name');
      const url = graph && stringArg(graph, 'url');
      if (name && url) subgraphUrls[name] = url;
    }
  }

  const policies: SupergraphPolicies = { access: new Map(), personalData: new Map(), entityKeys: new Map() };
  const readRule = (directives: readonly ConstDirectiveNode[] | undefined): AccessRule | undefined => {
    let rule: AccessRule | undefined;
    for (const d of directives ?? []) {
      if (d.name.value === names.authenticated) rule = { authenticated: true, scopes: rule?.scopes ?? [] };
      if (d.name.value === names.requiresScopes) {
        const scopes = listArg(d, 'scopes').map((alternative) => (alternative.kind === Kind.LIST ? alternative.values.map(valueString) : [valueString(alternative)]));
        rule = { authenticated: true, scopes: combine(rule?.scopes ?? [], scopes) };
      }
    }
    return rule;
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const type = definition.name.value;
    const typeRule = readRule(definition.directives);
    if (typeRule) policies.access.set(type, typeRule);
    const keys = (definition.directives ?? []).filter((d) => d.name.value === 'join__type').flatMap((d) => stringArg(d, 'key') ?? []);
    if (keys.length) policies.entityKeys.set(type, [...new Set(keys.map((k) => k.trim().replace(/\s+/g, ' ')))]);
    for (const field of definition.fields ?? []) {
      const rule = readRule(field.directives);
      if (rule) policies.access.set(`${type}.${field.name.value}`, rule);
      const personal = field.directives?.find((d) => d.name.value === names.personalData);
      if (personal) policies.personalData.set(`${type}.${field.name.value}`, enumArg(personal, 'kind') ?? 'PERSONAL');
    }
  }

  // Mark the enforced features as understood: drop their `for: SECURITY`.
  const served = visit(document, {
    Directive(node) {
      if (node.name.value !== 'link') return undefined;
      const url = stringArg(node as ConstDirectiveNode, 'url') ?? '';
      if (![...ENFORCED.keys()].some((prefix) => url.startsWith(prefix))) return undefined;
      return { ...node, arguments: node.arguments?.filter((a) => a.name.value !== 'for') };
    },
  }) as DocumentNode;
  return { sdl: print(served), policies, subgraphUrls };
}

/** Scope alternatives of two rules that both apply: every pairing of their alternatives. */
function combine(a: string[][], b: string[][]): string[][] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return a.flatMap((x) => b.map((y) => [...new Set([...x, ...y])]));
}

function argument(d: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return d.arguments?.find((a) => a.name.value === name)?.value;
}
function stringArg(d: ConstDirectiveNode, name: string): string | undefined {
  const v = argument(d, name);
  return v?.kind === Kind.STRING ? v.value : undefined;
}
function enumArg(d: ConstDirectiveNode, name: string): string | undefined {
  const v = argument(d, name);
  return v?.kind === Kind.ENUM ? v.value : undefined;
}
function listArg(d: ConstDirectiveNode, name: string): readonly ConstValueNode[] {
  const v = argument(d, name);
  return v?.kind === Kind.LIST ? v.values : [];
}
const valueString = (v: ConstValueNode): string => (v.kind === Kind.STRING || v.kind === Kind.ENUM ? v.value : print(v));
function importedName(link: ConstDirectiveNode, name: string): string | undefined {
  for (const item of listArg(link, 'import')) {
    if (item.kind === Kind.STRING && item.value === name) return name.slice(1);
    if (item.kind === Kind.OBJECT) {
      const from = item.fields.find((f) => f.name.value === 'name')?.value;
      const as = item.fields.find((f) => f.name.value === 'as')?.value;
      if (from?.kind === Kind.STRING && from.value === name && as?.kind === Kind.STRING) return as.value.slice(1);
    }
  }
  return undefined;
}

