/**
 * Where the embedded identity provider keeps sessions, codes and tokens: this process's
 * memory, bounded. oidc-provider ships the same thing as a "quick start" adapter and warns
 * on every start; ours is the stand-in's honest storage (sessions end with the process,
 * as `npm start`'s do), with lru-cache's bound and each entry's own expiry. A real
 * deployment signs in at the province's identity service, which keeps its own.
 */
import { LRUCache } from 'lru-cache';
import type { Adapter, AdapterPayload } from 'oidc-provider';

// Sessions, grants, codes and tokens of a county's staff for a working day: far below this.
const MAX_ENTRIES = 50_000;

export function memoryStorage(): new (model: string) => Adapter {
  const entries = new LRUCache<string, AdapterPayload>({ max: MAX_ENTRIES, ttlAutopurge: false });
  // Secondary indexes oidc-provider looks up by.
  const byUid = new LRUCache<string, string>({ max: MAX_ENTRIES });
  const byUserCode = new LRUCache<string, string>({ max: MAX_ENTRIES });
  const byGrant = new LRUCache<string, Set<string>>({ max: MAX_ENTRIES });

  return class MemoryStorage implements Adapter {
    constructor(private readonly model: string) {}

    private key(id: string) {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      const key = this.key(id);
      entries.set(key, payload, { ttl: expiresIn * 1000 });
      if (payload.uid) byUid.set(payload.uid, id, { ttl: expiresIn * 1000 });
      if (payload.userCode) byUserCode.set(payload.userCode, id, { ttl: expiresIn * 1000 });
      if (payload.grantId) {
        const keys = byGrant.get(payload.grantId) ?? new Set<string>();
        keys.add(key);
        byGrant.set(payload.grantId, keys);
      }
    }

    async find(id: string) {
      return entries.get(this.key(id));
    }

    async findByUid(uid: string) {
      const id = byUid.get(uid);
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(userCode: string) {
      const id = byUserCode.get(userCode);
      return id === undefined ? undefined : this.find(id);
    }

    async consume(id: string) {
      const entry = entries.get(this.key(id));
      if (entry) entry.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string) {
      entries.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string) {
      for (const key of byGrant.get(grantId) ?? []) entries.delete(key);
      byGrant.delete(grantId);
    }
  };
}
