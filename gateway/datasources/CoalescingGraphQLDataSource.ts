/**
 * Merges the entity fetches that one gateway request sends to the same subgraph in the
 * same plan wave into one HTTP request.
 *
 * The query planner gives each path its own fetch: a project's `applicant` and its
 * `participants.enterprise` are two `_entities` fetches to the enterprise subgraph,
 * started together. Sent apart, each gets its own subgraph context and DataLoader, and
 * the department sees two batch requests where one would do. Sent as one operation with
 * aliased `_entities` fields, the subgraph resolves every reference of the wave in one
 * context, so the department gets one batch per plan level whatever the query's shape.
 *
 * Only `_entities` fetches are merged: each is one root field whose items are nullable,
 * so an entity's error nulls that entity alone. A subgraph that fails the whole field
 * instead (a non-null `_entities` error nulls all `data`) would take the merged siblings
 * with it, so an answer without data is retried fetch by fetch: failures stay as
 * isolated as if nothing had been merged. Anything else goes out as it came. Generic:
 * it knows nothing of the supergraph it serves.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import {
  Kind,
  parse,
  print,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';

type ProcessOptions = GraphQLDataSourceProcessOptions<Record<string, any>>;
type OperationOptions = Extract<ProcessOptions, { kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION }>;

interface Waiting {
  options: OperationOptions;
  resolve(response: GatewayGraphQLResponse): void;
  reject(error: unknown): void;
}

const ENTITIES = '_entities';
const alias = (i: number) => `_entities_${i}`;

/** Documents kept by fetch text: plans are cached, so the same few texts recur. */
const MAX_DOCUMENTS = 1000;

export class CoalescingGraphQLDataSource extends RemoteGraphQLDataSource {
  /** Told how long each HTTP request to the subgraph took (metrics). */
  onFetched?: (seconds: number) => void;
  private readonly waves = new WeakMap<object, Waiting[]>();
  private readonly merged = new Map<string, { query: string; document: DocumentNode }>();
  private readonly documents = new Map<string, DocumentNode>();

  override process(options: ProcessOptions): Promise<GatewayGraphQLResponse> {
    if (options.kind !== GraphQLDataSourceRequestKind.INCOMING_OPERATION || !options.request.query) {
      return super.process(options);
    }
    const document = this.parsed(options.request.query);
    if (!isEntityFetch(document)) return super.process(options);
    const key = options.incomingRequestContext as object;
    return new Promise((resolve, reject) => {
      let wave = this.waves.get(key);
      if (!wave) {
        wave = [];
        this.waves.set(key, wave);
        // Sibling fetches of a plan wave all start before the event loop turns.
        setImmediate(() => {
          this.waves.delete(key);
          void this.send(wave!);
        });
      }
      wave.push({ options, resolve, reject });
    });
  }

  /** One HTTP request to the subgraph, timed. */
  private timed(options: ProcessOptions): Promise<GatewayGraphQLResponse> {
    const started = performance.now();
    const done = () => this.onFetched?.((performance.now() - started) / 1000);
    const pending = super.process(options);
    pending.then(done, done);
    return pending;
  }

  private async send(wave: Waiting[]): Promise<void> {
    if (wave.length === 1) {
      const [only] = wave as [Waiting];
      this.timed(only.options).then(only.resolve, only.reject);
      return;
    }
    try {
      const { query, document } = this.mergedDocument(wave.map((w) => w.options));
      const variables: Record<string, unknown> = {};
      wave.forEach((w, i) => {
        for (const [name, value] of Object.entries(w.options.request.variables ?? {})) variables[`${name}_${i}`] = value;
      });
      const first = wave[0]!.options;
      const response = await this.timed({
        ...first,
        request: { ...first.request, query, variables, operationName: undefined },
        document,
      } as ProcessOptions);
      if (response.data == null) {
        for (const w of wave) this.timed(w.options).then(w.resolve, w.reject);
        return;
      }
      wave.forEach((w, i) => w.resolve(splitResponse(response, i)));
    } catch (error) {
      for (const w of wave) w.reject(error);
    }
  }

  private mergedDocument(fetches: OperationOptions[]): { query: string; document: DocumentNode } {
    const cacheKey = fetches.map((f) => f.request.query).join('\u0000');
    const cached = this.merged.get(cacheKey);
    if (cached) return cached;
    const variableDefinitions: VariableDefinitionNode[] = [];
    const selections: FieldNode[] = [];
    const fragments: FragmentDefinitionNode[] = [];
    fetches.forEach((fetch, i) => {
      const renamed = renameForSlot(this.parsed(fetch.request.query!), i);
      for (const definition of renamed.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.push(definition);
        else if (definition.kind === Kind.OPERATION_DEFINITION) {
          variableDefinitions.push(...(definition.variableDefinitions ?? []));
          const field = definition.selectionSet.selections[0] as FieldNode;
          selections.push({ ...field, alias: { kind: Kind.NAME, value: alias(i) } });
        }
      }
    });
    const operation: OperationDefinitionNode = {
      kind: Kind.OPERATION_DEFINITION,
      operation: 'query' as OperationDefinitionNode['operation'],
      variableDefinitions,
      selectionSet: { kind: Kind.SELECTION_SET, selections },
    };
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] as DefinitionNode[] };
    const result = { query: print(document), document };
    if (this.merged.size >= MAX_DOCUMENTS) this.merged.clear();
    this.merged.set(cacheKey, result);
    return result;
  }

  /** The planner's fetch texts, parsed once each (it does not always hand us the document). */
  private parsed(query: string): DocumentNode {
    let document = this.documents.get(query);
    if (!document) {
      document = parse(query);
      if (this.documents.size >= MAX_DOCUMENTS) this.documents.clear();
      this.documents.set(query, document);
    }
    return document;
  }
}

function isEntityFetch(document: DocumentNode): boolean {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1 || operations[0]!.operation !== 'query') return false;
  const selections = operations[0]!.selectionSet.selections;
  const field = selections[0];
  return selections.length === 1 && field?.kind === Kind.FIELD && field.name.value === ENTITIES && !field.alias;
}

/** Suffixes the slot number to every variable and fragment name, so fetches cannot collide. */
function renameForSlot(document: DocumentNode, slot: number): DocumentNode {
  return visit(document, {
    Variable: (node) => ({ ...node, name: { ...node.name, value: `${node.name.value}_${slot}` } }),
    FragmentDefinition: (node) => ({ ...node, name: { ...node.name, value: `${node.name.value}_${slot}` } }),
    FragmentSpread: (node) => ({ ...node, name: { ...node.name, value: `${node.name.value}_${slot}` } }),
  });
}

/** The part of a merged answer that belongs to fetch `slot`, shaped as if it went alone. */
function splitResponse(response: GatewayGraphQLResponse, slot: number): GatewayGraphQLResponse {
  const key = alias(slot);
  const data = response.data ? { [ENTITIES]: (response.data as Record<string, unknown>)[key] } : response.data;
  const errors = response.errors
    ?.filter((e) => !e.path || e.path[0] === key || !String(e.path[0]).startsWith(`${ENTITIES}_`))
    .map((e) => (e.path && e.path[0] === key ? { ...e, path: [ENTITIES, ...e.path.slice(1)] } : e));
  return { ...response, data, errors: errors && errors.length ? errors : undefined };
}
