/**
 * Variants of this repository's schemas for the schema-governance tests: subgraph SDL
 * edited through its AST (so descriptions and directives stay well-formed) and composed
 * the way `npm run compose` does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { Kind, parse, print, visit, type ASTVisitor, type FieldDefinitionNode, type InputValueDefinitionNode } from 'graphql';
import { readCurrentSchemas, ROOT, type SchemaSet } from '../../../scripts/schema-check';

type Edit = (sdl: string) => string;

const SUBGRAPHS = (JSON.parse(readFileSync(join(ROOT, 'schema', 'subgraphs.json'), 'utf8')) as { subgraphs: { name: string; url: string }[] }).subgraphs;

/** The current schemas with some subgraphs edited and the supergraph recomposed. */
export function variant(edits: Record<string, Edit | Edit[]>): SchemaSet {
  const subgraphs = { ...readCurrentSchemas(ROOT).subgraphs };
  for (const [name, edit] of Object.entries(edits)) {
    for (const e of [edit].flat()) subgraphs[name] = e(subgraphs[name]!);
  }
  const composed = composeServices(SUBGRAPHS.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(subgraphs[s.name]!) })));
  if (composed.errors) throw new Error(`variant does not compose: ${composed.errors.map((e) => e.message).join('\n')}`);
  return { supergraph: composed.supergraphSdl, subgraphs };
}

const edit = (visitor: ASTVisitor): Edit => (sdl) => print(visit(parse(sdl), visitor));

const onFields = (type: string, change: (fields: readonly FieldDefinitionNode[]) => FieldDefinitionNode[]): ASTVisitor => {
  const enter = (node: { name: { value: string }; fields?: readonly FieldDefinitionNode[] }) =>
    node.name.value === type ? { ...node, fields: change(node.fields ?? []) } : undefined;
  return { ObjectTypeDefinition: enter, ObjectTypeExtension: enter };
};

export const removeField = (type: string, field: string): Edit => edit(onFields(type, (fields) => fields.filter((f) => f.name.value !== field)));

function fieldFromSdl(fieldSdl: string): FieldDefinitionNode {
  const definition = parse(`type X { ${fieldSdl} }`).definitions[0];
  if (definition?.kind !== Kind.OBJECT_TYPE_DEFINITION) throw new Error(`not a field: ${fieldSdl}`);
  return definition.fields![0]!;
}

export const addField = (type: string, fieldSdl: string): Edit => edit(onFields(type, (fields) => [...fields, fieldFromSdl(fieldSdl)]));

/** Replaces (or adds) an argument of `type.field`, written as SDL, e.g. `first: Int!`. */
export const setArgument = (type: string, field: string, argSdl: string): Edit => {
  const arg: InputValueDefinitionNode = fieldFromSdl(`f(${argSdl}): Int`).arguments![0]!;
  return edit(
    onFields(type, (fields) =>
      fields.map((f) =>
        f.name.value !== field ? f : { ...f, arguments: [...(f.arguments ?? []).filter((a) => a.name.value !== arg.name.value), arg] },
      ),
    ),
  );
};

export const removeEnumValue = (type: string, value: string): Edit =>
  edit({ EnumTypeDefinition: (node) => (node.name.value === type ? { ...node, values: node.values?.filter((v) => v.name.value !== value) } : undefined) });

/** Drops `@directive` from `type.field`. */
export const removeFieldDirective = (type: string, field: string, directive: string): Edit =>
  edit(onFields(type, (fields) => fields.map((f) => (f.name.value !== field ? f : { ...f, directives: f.directives?.filter((d) => d.name.value !== directive) }))));
