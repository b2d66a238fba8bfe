/**
 * 住建局 construction (工程建设项目审批与监管系统): projects by 投资项目代码, one or a
 * batch, a paged list (searched by code, name, 建设单位 name or USCC), and the projects
 * an enterprise takes part in. Stages travel as the department writes them (立项用地规划许可 …).
 */
import { http, HttpResponse } from 'msw';
import { STAGE_NAMES } from '../../domain/stages';
import type { County, ProjectRecord } from '../county';
import { faultAndRecordHandler, noFaults, pageOf, readJson, type DepartmentFaults, type MockDepartment, type RecordedRequest } from '../shared/department';
import { matchesSearch } from '../shared/search';

export const CONSTRUCTION_URL = 'http://construction.department.test';
export const MAX_BATCH = 500;
const MAX_PAGE = 200;

const toWire = (p: ProjectRecord, issuer: string) => ({
  ...p,
  stage: STAGE_NAMES[p.stage],
  constructionPermit: p.constructionPermit && { ...p.constructionPermit, issuingDepartment: issuer },
});

export function createConstructionSystem(county: County, faults: DepartmentFaults = noFaults()): MockDepartment {
  const projects = county.projects.map((p) => toWire(p, county.departments.housingConstruction.name));
  const byCode = new Map(projects.map((p) => [p.code, p]));
  // The system keeps the 建设单位's name on its filing record (as registered when the project was filed), so it can search by it.
  const enterpriseNames = new Map(county.enterprises.map((e) => [e.uscc, e.name]));
  const searchable = new Map(projects.map((p) => [p.code, { ...p, applicantName: enterpriseNames.get(p.applicantUscc) ?? '' }]));
  const byEnterprise = new Map<string, { code: string; role: string }[]>();
  const link = (uscc: string, code: string, role: string) => {
    const list = byEnterprise.get(uscc) ?? [];
    list.push({ code, role });
    byEnterprise.set(uscc, list);
  };
  for (const p of projects) {
    link(p.applicantUscc, p.code, 'APPLICANT');
    for (const participant of p.participants) link(participant.uscc, p.code, participant.role);
  }

  const requests: RecordedRequest[] = [];
  const base = CONSTRUCTION_URL;
  const codeList = async (request: Request, field: string) => {
    const body = (await readJson(request)) as Record<string, unknown> | undefined;
    const list = body?.[field];
    if (!Array.isArray(list) || !list.every((c) => typeof c === 'string')) return `body must be {"${field}": [string]}`;
    if (list.length > MAX_BATCH) return `at most ${MAX_BATCH} codes per request`;
    return list as string[];
  };

  return {
    id: 'construction',
    name: '住建局 工程建设项目系统 (construction)',
    baseUrl: base,
    faults,
    requests,
    publicKeyPem: county.departments.housingConstruction.signingKey.publicKeyPem,
    handlers: [
      faultAndRecordHandler(base, faults, requests),
      http.get(`${base}/api/projects`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        const page = pageOf(q, MAX_PAGE);
        if ('problem' in page) return HttpResponse.json({ error: page.problem }, { status: 400 });
        const { offset, limit } = page;
        const stage = q.get('stage');
        const town = q.get('townCode');
        const prefix = q.get('regionPrefix') ?? '';
        const text = q.get('q');
        const matching = projects.filter(
          (p) => (!stage || p.stage === stage) && (!town || p.townCode === town) && p.townCode.startsWith(prefix) && matchesSearch(searchable.get(p.code)!, text),
        );
        return HttpResponse.json({ total: matching.length, data: matching.slice(offset, offset + limit) });
      }),
      http.get(`${base}/api/projects/:code`, ({ params }) => {
        const project = byCode.get(String(params.code));
        return project
          ? HttpResponse.json({ data: project })
          : HttpResponse.json({ error: 'project not found' }, { status: 404 });
      }),
      http.post(`${base}/api/projects/batch`, async ({ request }) => {
        const codes = await codeList(request, 'codes');
        if (typeof codes === 'string') return HttpResponse.json({ error: codes }, { status: 400 });
        return HttpResponse.json({
          data: codes.flatMap((c) => byCode.get(c) ?? []),
          notFound: codes.filter((c) => !byCode.has(c)),
        });
      }),
      http.post(`${base}/api/projects/by-enterprise`, async ({ request }) => {
        const usccList = await codeList(request, 'usccList');
        if (typeof usccList === 'string') return HttpResponse.json({ error: usccList }, { status: 400 });
        return HttpResponse.json({ data: Object.fromEntries(usccList.map((u) => [u, byEnterprise.get(u) ?? []])) });
      }),
    ],
  };
}
