/**
 * The operations clients are known to send — the README's examples in docs/operations
 * and whatever the dashboards under web/ keep — and what each one touches, so a schema
 * change can name the operations it breaks.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  Kind,
  parse,
  TypeInfo,
  typeFromAST,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/** Where operations are found: every file under `dir` whose path (relative to `dir`) matches. */
export interface OperationSource {
  dir: string;
  files: RegExp;
  /** Look in subdirectories too (node_modules and build output are skipped). */
  recursive?: boolean;
}

/** Add a source here when another client keeps its operations somewhere else. */
export const OPERATION_SOURCES: readonly OperationSource[] = [
  { dir: 'docs/operations', files: /\.graphql$/ },
  { dir: 'web', files: /\.(graphql|gql)$/, recursive: true },
  { dir: 'web', files: /(^|\/)operations[^/]*\.ts$/, recursive: true },
];

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', '.next', 'coverage']);

export interface OperationFile {
  /** Relative to the repository root, for messages. */
  path: string;
  /** GraphQL documents in the file (one for .graphql, each gql`…` literal for .ts). */
  documents: string[];
}

export function readOperationFiles(root: string, sources: readonly OperationSource[] = OPERATION_SOURCES): OperationFile[] {
  const found = new Map<string, OperationFile>();
  for (const source of sources) {
    const base = join(root, source.dir);
    if (!existsSync(base)) continue;
    for (const file of listFiles(base, source.recursive ?? false)) {
      const path = relative(root, file).split('\\').join('/');
      if (found.has(path) || !source.files.test(relative(base, file).split('\\').join('/'))) continue;
      const text = readFileSync(file, 'utf8');
      found.set(path, { path, documents: file.endsWith('.ts') ? graphqlLiterals(text) : [text] });
    }
  }
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}

function listFiles(dir: string, recursive: boolean): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (recursive && !SKIPPED_DIRS.has(name)) files.push(...listFiles(path, true));
    } else files.push(path);
  }
  return files;
}

/**
 * The GraphQL in a TypeScript file: template literals tagged `gql`/`graphql` or marked
 * `/* GraphQL *\/`. Interpolations (usually fragments pasted in) are dropped: fragments
 * are looked up by name across every source instead. Strings and comments are skipped,
 * so a backtick inside them does not start a literal.
 */
export function graphqlLiterals(text: string): string[] {
  const documents: string[] = [];
  const tagged = /(?:\bgql|\bgraphql)\s*\(?\s*$|\/\*\s*GraphQL\s*\*\/\s*$/;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '/' && text[i + 1] === '/') i = lineEnd(text, i);
    else if (ch === '/' && text[i + 1] === '*') i = blockCommentEnd(text, i);
    else if (ch === '"' || ch === "'") i = stringEnd(text, i, ch) + 1;
    else if (ch === '`') {
      const end = templateEnd(text, i);
      if (tagged.test(text.slice(Math.max(0, i - 40), i))) documents.push(text.slice(i + 1, end).replace(/\$\{[^}]*\}/g, ''));
      i = end + 1;
    } else i++;
  }
  return documents;
}

const lineEnd = (text: string, from: number) => (text.indexOf('\n', from) < 0 ? text.length : text.indexOf('\n', from));
const blockCommentEnd = (text: string, from: number) => (text.indexOf('*/', from + 2) < 0 ? text.length : text.indexOf('*/', from + 2) + 2);

function stringEnd(text: string, from: number, quote: string): number {
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote || text[i] === '\n') return i;
  }
  return text.length;
}

/** Index of the backtick closing the template literal opened at `from`, past any `${…}`. */
function templateEnd(text: string, from: number): number {
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '`') return i;
    else if (text[i] === '$' && text[i + 1] === '{') {
      let depth = 0;
      for (i++; i < text.length; i++) {
        if (text[i] === '{') depth++;
        else if (text[i] === '}' && --depth === 0) break;
        else if (text[i] === '`') i = templateEnd(text, i);
        else if (text[i] === '"' || text[i] === "'") i = stringEnd(text, i, text[i]!);
      }
    }
  }
  return text.length;
}

/** What an operation touches, as schema coordinates of the schema it was walked against. */
export interface OperationUsage {
  /** `Type.field`, including input fields written as literals. */
  fields: Set<string>;
  /** `Type.field(arg:)` for every argument passed. */
  args: Set<string>;
  /** `Enum.VALUE` written as a literal. */
  enumValues: Set<string>;
  /** Named types selected, spread on or declared for variables (and input types they reach). */
  types: Set<string>;
  /** Input types and enums that variables may carry any part of. */
  variableInputs: Set<string>;
  /** `@name` of directives used. */
  directives: Set<string>;
}

export interface KnownOperation {
  /** `docs/operations/JointReview.graphql#JointReview`. */
  id: string;
  file: string;
  name: string;
  /** The operation with the fragments it uses, ready to validate. */
  document: DocumentNode;
}

export interface ParsedOperations {
  operations: KnownOperation[];
  /** Files that are not GraphQL, fragments used but defined nowhere, names used twice. */
  problems: string[];
}

export function parseOperations(files: readonly OperationFile[]): ParsedOperations {
  const problems: string[] = [];
  const fragments = new Map<string, { file: string; node: FragmentDefinitionNode }>();
  const definitions: { file: string; node: OperationDefinitionNode }[] = [];
  for (const file of files) {
    for (const text of file.documents) {
      let document: DocumentNode;
      try {
        document = parse(text);
      } catch (error) {
        problems.push(`${file.path}: not GraphQL: ${(error as Error).message}`);
        continue;
      }
      for (const node of document.definitions) {
        if (node.kind === Kind.OPERATION_DEFINITION) definitions.push({ file: file.path, node });
        if (node.kind === Kind.FRAGMENT_DEFINITION) {
          const earlier = fragments.get(node.name.value);
          if (earlier) problems.push(`${file.path}: fragment ${node.name.value} is also defined in ${earlier.file}`);
          else fragments.set(node.name.value, { file: file.path, node });
        }
      }
    }
  }
  const operations: KnownOperation[] = [];
  for (const { file, node } of definitions) {
    const name = node.name?.value ?? '(anonymous)';
    const needed = new Map<string, FragmentDefinitionNode>();
    const queue: DocumentNode[] = [{ kind: Kind.DOCUMENT, definitions: [node] }];
    while (queue.length) {
      visit(queue.pop()!, {
        FragmentSpread(spread) {
          const fragment = fragments.get(spread.name.value);
          if (!fragment) problems.push(`${file}#${name}: fragment ${spread.name.value} is defined nowhere in the operation sources`);
          else if (!needed.has(spread.name.value)) {
            needed.set(spread.name.value, fragment.node);
            queue.push({ kind: Kind.DOCUMENT, definitions: [fragment.node] });
          }
        },
      });
    }
    operations.push({ id: `${file}#${name}`, file, name, document: { kind: Kind.DOCUMENT, definitions: [node, ...needed.values()] } });
  }
  const ids = new Set<string>();
  for (const op of operations) {
    if (ids.has(op.id)) problems.push(`${op.file}: operation ${op.name} is defined twice`);
    ids.add(op.id);
  }
  return { operations, problems };
}

/** Walks an operation against a schema and records every coordinate it touches there. */
export function operationUsage(schema: GraphQLSchema, document: DocumentNode): OperationUsage {
  const usage: OperationUsage = { fields: new Set(), args: new Set(), enumValues: new Set(), types: new Set(), variableInputs: new Set(), directives: new Set() };
  const typeInfo = new TypeInfo(schema);
  const reach = (type: GraphQLNamedType, into: Set<string>) => {
    if (into.has(type.name)) return;
    into.add(type.name);
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) reach(getNamedType(field.type), into);
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const type = typeInfo.getType();
        if (!parent || !type) return;
        usage.fields.add(`${parent.name}.${node.name.value}`);
        usage.types.add(getNamedType(type).name);
        for (const arg of node.arguments ?? []) usage.args.add(`${parent.name}.${node.name.value}(${arg.name.value}:)`);
      },
      InlineFragment(node) {
        if (node.typeCondition) usage.types.add(node.typeCondition.name.value);
      },
      FragmentDefinition(node) {
        usage.types.add(node.typeCondition.name.value);
      },
      VariableDefinition(node) {
        const type = typeFromAST(schema, node.type) as GraphQLInputType | undefined;
        if (!type) return;
        usage.types.add(getNamedType(type).name);
        reach(getNamedType(type), usage.variableInputs);
      },
      ObjectField(node) {
        const parent = typeInfo.getParentInputType();
        const named = parent && getNamedType(parent);
        if (named && isInputObjectType(named)) {
          usage.fields.add(`${named.name}.${node.name.value}`);
          usage.types.add(named.name);
        }
      },
      EnumValue(node) {
        const type = typeInfo.getInputType();
        const named = type && getNamedType(type);
        if (named && isEnumType(named)) usage.enumValues.add(`${named.name}.${node.value}`);
      },
      Directive(node) {
        usage.directives.add(`@${node.name.value}`);
      },
    }),
  );
  return usage;
}

export const validationErrors = (schema: GraphQLSchema, document: DocumentNode): string[] => validate(schema, document).map((e) => e.message);
