/**
 * Stale-if-error, told: when a subgraph served a department's last known records because
 * the department was down, its `extensions.stale` is passed on to the caller, one entry
 * per department with the age of the oldest record served.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from './context';

export function stalePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(ctx) {
          const reported = ctx.contextValue.stale;
          if (!reported?.length || ctx.response.body.kind !== 'single') return;
          const byDepartment = new Map<string, { department: string; ageSeconds: number; records: number }>();
          for (const entry of reported) {
            const merged = byDepartment.get(entry.department) ?? { department: entry.department, ageSeconds: 0, records: 0 };
            merged.ageSeconds = Math.max(merged.ageSeconds, entry.ageSeconds);
            merged.records += entry.records;
            byDepartment.set(entry.department, merged);
          }
          const result = ctx.response.body.singleResult;
          result.extensions = { ...result.extensions, stale: [...byDepartment.values()] };
        },
      };
    },
  };
}
