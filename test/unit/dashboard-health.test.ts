import { formatAge, healthOf, missingAt, responseHealth } from '../../web/dashboard/src/departments';

/** How the dashboard reads a partial response: which department is missing, which is served from cache. */
describe('dashboard: department health from a response', () => {
  const unavailable = (department: string, path: (string | number)[], reason = 'HTTP 503') => ({
    message: `${department} is unavailable`,
    path,
    extensions: { code: 'DEPARTMENT_UNAVAILABLE', department, reason },
  });

  it('names each department whose fields are missing, with the reason and every path it nulled', () => {
    const health = responseHealth(
      [unavailable('enterprise', ['constructionProject', 'applicant']), unavailable('enterprise', ['constructionProject', 'participants', 2, 'enterprise']), unavailable('land', ['constructionProject', 'parcel'], 'no answer within 2000 ms')],
      [],
    );
    expect(healthOf(health, 'enterprise')).toEqual({
      unavailable: { code: 'DEPARTMENT_UNAVAILABLE', reason: 'HTTP 503', paths: [['constructionProject', 'applicant'], ['constructionProject', 'participants', 2, 'enterprise']] },
      stale: null,
    });
    expect(healthOf(health, 'land').unavailable?.reason).toBe('no answer within 2000 ms');
    expect(healthOf(health, 'construction')).toEqual({ unavailable: null, stale: null });
    expect(health.other).toEqual([]);
  });

  it('reads a subgraph out of reach as its department missing; another county\'s subgraph stays a plain error', () => {
    const down = (subgraph: string) => ({ message: `the ${subgraph} subgraph is unavailable`, path: ['constructionProject', 'parcel'], extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph, reason: 'connection refused' } });
    const health = responseHealth([down('land'), down('weather')], []);
    expect(healthOf(health, 'land').unavailable).toEqual({ code: 'DEPARTMENT_UNAVAILABLE', reason: 'connection refused', paths: [['constructionProject', 'parcel']] });
    expect(health.other.map((e) => e.extensions?.subgraph)).toEqual(['weather']);
  });

  it('keeps stale reports per department, and a department can be both stale and missing', () => {
    const health = responseHealth([unavailable('enterprise', ['constructionProject', 'participants', 0, 'enterprise'])], [{ department: 'enterprise', ageSeconds: 3605, records: 1 }, { department: 'land', ageSeconds: 90, records: 1 }]);
    expect(healthOf(health, 'enterprise').stale).toEqual({ department: 'enterprise', ageSeconds: 3605, records: 1 });
    expect(healthOf(health, 'enterprise').unavailable).not.toBeNull();
    expect(healthOf(health, 'land')).toEqual({ unavailable: null, stale: { department: 'land', ageSeconds: 90, records: 1 } });
  });

  it('reports an unreadable answer as such, and errors naming no department apart', () => {
    const forbidden = { message: 'missing scope land:read', path: ['constructionProject', 'parcel'], extensions: { code: 'FORBIDDEN' } };
    const health = responseHealth(
      [unavailable('land', ['constructionProject', 'parcel']), { message: 'garbage', path: ['x'], extensions: { code: 'DEPARTMENT_ERROR', department: 'land' } }, forbidden],
      undefined,
    );
    expect(healthOf(health, 'land').unavailable?.code).toBe('DEPARTMENT_ERROR');
    expect(health.other).toEqual([forbidden]);
  });

  it('knows whether a field was nulled by a department, at it, inside it or around it', () => {
    const health = responseHealth([unavailable('enterprise', ['constructionProject', 'participants', 1, 'enterprise']), unavailable('land', ['constructionProject', 'parcel'])], []);
    expect(missingAt(health, 'enterprise', ['constructionProject', 'participants', 1])).toBe(true);
    expect(missingAt(health, 'enterprise', ['constructionProject', 'participants', 0])).toBe(false);
    expect(missingAt(health, 'enterprise', ['constructionProject', 'applicant'])).toBe(false);
    expect(missingAt(health, 'land', ['constructionProject', 'parcel', 'rightHolder'])).toBe(true);
    expect(missingAt(health, 'approval', ['constructionProject'])).toBe(false);
  });

  it('says how old cached data is in words a reviewer reads', () => {
    expect([formatAge(12), formatAge(125), formatAge(3605), formatAge(2 * 86_400 + 5)]).toEqual(['12 秒', '2 分钟', '1 小时', '2 天']);
  });
});
