/**
 * Personal data is masked by policy, in one place: every field the supergraph marks
 * `@personalData(kind:)` is masked in the response unless the caller holds `pii:read`
 * and states a purpose. What was shown unmasked is recorded for the audit trail.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { responseWalker, type ResponseWalker } from '../response-walk';
import type { PoliciesOf } from '../supergraph';
import type { Capability, GatewayContext } from './capability';

export const PII_SCOPE = 'pii:read';

const MASKS: Record<string, (value: string) => string> = {
  ID_NUMBER: (v) => (v.length <= 10 ? '*'.repeat(v.length) : `${v.slice(0, 6)}${'*'.repeat(v.length - 10)}${v.slice(-4)}`),
  MOBILE: (v) => (v.length <= 7 ? '*'.repeat(v.length) : `${v.slice(0, 3)}${'*'.repeat(v.length - 7)}${v.slice(-4)}`),
  // By characters, not UTF-16 units: 吴晓燕 → 吴**, as names are masked on Chinese forms (the family name kept).
  NAME: (v) => {
    const chars = [...v];
    return chars.length <= 1 ? '*'.repeat(chars.length) : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
  },
};
const maskAll = (v: string) => '*'.repeat(v.length);

export function mask(kind: string, value: string): string {
  return (MASKS[kind] ?? maskAll)(value);
}

export const mayReadPersonalData = (ctx: GatewayContext) => ctx.caller.scopes.has(PII_SCOPE) && ctx.purpose !== null;

/** Fields shown unmasked in this response, `Type.field`, for the audit record. */
export const unmaskedFields = new WeakMap<GatewayContext, Set<string>>();

export function maskingCapability(policiesFor: PoliciesOf): Capability {
  // One walker per schema: a reloaded supergraph brings its own rules.
  const walkers = new WeakMap<GraphQLSchema, ResponseWalker>();
  const walkerFor = (schema: GraphQLSchema) => {
    let walk = walkers.get(schema);
    if (!walk) {
      const { personalData } = policiesFor(schema);
      walkers.set(schema, (walk = responseWalker(schema, (type, field) => personalData.has(`${type}.${field}`))));
    }
    return walk;
  };
  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async willSendResponse(ctx) {
          const policies = policiesFor(ctx.schema);
          if (policies.personalData.size === 0 || ctx.response.body.kind !== 'single') return;
          const data = ctx.response.body.singleResult.data as Record<string, unknown> | null | undefined;
          const operation = ctx.contextValue.operation?.definition;
          if (!data || !operation) return;
          const entitled = mayReadPersonalData(ctx.contextValue);
          const shown = new Set<string>();
          walkerFor(ctx.schema)(operation, data, (type, field, holder, key) => {
            const kind = policies.personalData.get(`${type}.${field}`);
            const value = holder[key];
            if (!kind || typeof value !== 'string') return;
            if (entitled) shown.add(`${type}.${field}`);
            else holder[key] = mask(kind, value);
          });
          if (shown.size) unmaskedFields.set(ctx.contextValue, shown);
        },
      };
    },
  };
  return { name: 'masking', plugin };
}
