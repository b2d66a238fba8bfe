/**
 * Jurisdiction by construction. A caller sees records of its own region's subtree and
 * nothing else, and the check is made where records leave a department client, not in
 * each resolver: root fields, nested fields (`Enterprise.projects`), `_entities` (the
 * references other subgraphs hand over, `@requires` inputs among them) and the records
 * a write is about all come through a client, so no path through the graph can miss it.
 *
 * A record outside the caller's region is answered exactly as a record that does not
 * exist: null for a lookup, left out of a list, the same "no such …" error for a write.
 * Answering FORBIDDEN would tell a town's user that a project code or a USCC exists in
 * another town; null is what GraphQL answers for a missing record anyway, and an entity
 * reference that cannot be resolved is null by the Federation spec. Regions themselves
 * are public (the region tree): asking a list for another region is refused outright.
 *
 * A caller with no region (anonymous) is in no jurisdiction: it sees no record at all.
 */
import { isWithin, regionPrefix } from '../../domain/regions';
import { forbidden } from '../../lib/errors';
import type { TrustedCaller } from './caller';

export class Jurisdiction {
  private constructor(private readonly region: string | null) {}

  static of(caller: TrustedCaller): Jurisdiction {
    return new Jurisdiction(caller.kind === 'anonymous' ? null : caller.region);
  }

  /** Whether a record of `regionCode` may be handed to this caller. */
  covers(regionCode: string): boolean {
    return this.region !== null && isWithin(regionCode, this.region);
  }

  /** The record, or null when it lies outside the caller's region (as if it did not exist). */
  admit<T>(record: T | null, regionOf: (record: T) => string): T | null {
    return record !== null && this.covers(regionOf(record)) ? record : null;
  }

  /** The records that lie inside the caller's region. */
  admitEach<T>(records: readonly T[], regionOf: (record: T) => string): T[] {
    return records.filter((record) => this.covers(regionOf(record)));
  }

  /**
   * The region prefix a list may cover: the caller's jurisdiction, narrowed to the region
   * asked for. A region outside the jurisdiction is FORBIDDEN, not silently emptied.
   */
  listScope(requested: string | undefined): string {
    const own = this.region;
    if (own === null) throw forbidden('sign in to list records: anonymous callers have no jurisdiction');
    if (!requested) return regionPrefix(own);
    if (isWithin(requested, own)) return regionPrefix(requested);
    if (isWithin(own, requested)) return regionPrefix(own);
    throw forbidden(`region ${requested} is outside your jurisdiction (${own})`);
  }
}
