/**
 * 市场监管局 enterprise registry (企业信用信息系统): one enterprise by its 统一社会信用代码,
 * or up to MAX_BATCH of them in one request.
 */
import { http, HttpResponse } from 'msw';
import type { County, EnterpriseRecord } from '../county';
import { faultAndRecordHandler, noFaults, pageOf, readJson, type DepartmentFaults, type MockDepartment, type RecordedRequest } from '../shared/department';

export const ENTERPRISE_URL = 'http://enterprise.department.test';
export const MAX_BATCH = 500;

export function createEnterpriseSystem(county: County, faults: DepartmentFaults = noFaults()): MockDepartment {
  const byUscc = new Map<string, EnterpriseRecord>(county.enterprises.map((e) => [e.uscc, e]));
  const requests: RecordedRequest[] = [];
  const base = ENTERPRISE_URL;
  return {
    id: 'enterprise',
    name: '市场监管局 企业登记系统 (enterprise registry)',
    baseUrl: base,
    faults,
    requests,
    publicKeyPem: county.departments.marketRegulation.signingKey.publicKeyPem,
    handlers: [
      faultAndRecordHandler(base, faults, requests),
      http.get(`${base}/api/v1/enterprises`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        const prefix = q.get('regionPrefix') ?? '';
        const page = pageOf(q);
        if ('problem' in page) return HttpResponse.json({ error: page.problem }, { status: 400 });
        const { offset, limit } = page;
        const matching = county.enterprises.filter((e) => e.regionCode.startsWith(prefix));
        return HttpResponse.json({ total: matching.length, data: matching.slice(offset, offset + limit) });
      }),
      http.get(`${base}/api/v1/enterprises/:uscc`, ({ params }) => {
        const record = byUscc.get(String(params.uscc));
        return record
          ? HttpResponse.json({ data: record })
          : HttpResponse.json({ error: 'enterprise not found' }, { status: 404 });
      }),
      http.post(`${base}/api/v1/enterprises/batch-query`, async ({ request }) => {
        const body = (await readJson(request)) as { usccList?: unknown } | undefined;
        const list = body?.usccList;
        if (!Array.isArray(list) || !list.every((c) => typeof c === 'string')) {
          return HttpResponse.json({ error: 'body must be {"usccList": [string]}' }, { status: 400 });
        }
        if (list.length > MAX_BATCH) {
          return HttpResponse.json({ error: `at most ${MAX_BATCH} codes per request` }, { status: 400 });
        }
        const data = list.flatMap((code) => byUscc.get(code) ?? []);
        const notFound = list.filter((code) => !byUscc.has(code));
        return HttpResponse.json({ data, notFound });
      }),
    ],
  };
}
