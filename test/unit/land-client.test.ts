import { delay, http } from 'msw';
import { LAND_URL } from '../../mocks/land/handlers';
import { LandClient, type Parcel } from '../../subgraphs/land/client';
import { county, countyCaller, departmentHttp, freshCache, interceptDepartment } from '../helpers/departments';

const { department, server } = interceptDepartment((d) => d.land);
const newClient = (maxConcurrency = 4) =>
  new LandClient({ http: departmentHttp(department, 1000, { maxConcurrency }), cache: freshCache<Parcel>() }, countyCaller);

describe('LandClient (legacy system, no batch endpoint)', () => {
  it('asks once per distinct parcel, never twice for the same one', async () => {
    const client = newClient();
    const [p1, p2] = county.parcels;
    await Promise.all([client.parcel(p1!.unitNumber), client.parcel(p2!.unitNumber), client.parcel(p1!.unitNumber)]);
    expect(department.requests.map((r) => r.search).sort()).toEqual(
      [`?bdcdyh=${p1!.unitNumber}`, `?bdcdyh=${p2!.unitNumber}`].sort(),
    );
  });

  it('never has more than maxConcurrency requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    server.use(
      http.get(`${LAND_URL}/bdc/query`, async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await delay(5);
        inFlight--;
        return undefined; // fall through to the department's own handler
      }),
    );
    const client = newClient(3);
    const parcels = await Promise.all(county.parcels.slice(0, 20).map((p) => client.parcel(p.unitNumber)));
    expect(parcels.every((p) => p !== null)).toBe(true);
    expect(department.requests).toHaveLength(20);
    expect(peak).toBe(3);
  });

  it('reads the legacy format: pinyin fields and result codes', async () => {
    const record = county.parcels.find((p) => p.rightNature === '划拨') ?? county.parcels[0]!;
    const parcel = await newClient().parcel(record.unitNumber);
    expect(parcel).toMatchObject({
      unitNumber: record.unitNumber,
      parcelCode: record.unitNumber.slice(0, 19),
      area: record.area,
      landUse: record.landUseName,
      landUseRight: { holderUscc: record.holderUscc, termEnd: record.termEnd, nature: record.rightNature === '划拨' ? 'ALLOCATED' : 'GRANTED' },
      planningConditions: record.planningConditions,
    });
  });

  it('answers null for the "not found" result code (1004)', async () => {
    await expect(newClient().parcel('522633001001GB99999W99999999')).resolves.toBeNull();
  });

  it('fails only the parcels whose request failed', async () => {
    const [ok, failing] = county.parcels;
    server.use(
      http.get(`${LAND_URL}/bdc/query`, ({ request }) =>
        new URL(request.url).searchParams.get('bdcdyh') === failing!.unitNumber ? new Response(null, { status: 502 }) : undefined,
      ),
    );
    const client = newClient();
    const [first, second] = await Promise.allSettled([client.parcel(ok!.unitNumber), client.parcel(failing!.unitNumber)]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { unitNumber: ok!.unitNumber } });
    expect(second).toMatchObject({ status: 'rejected', reason: { extensions: { code: 'DEPARTMENT_UNAVAILABLE', department: 'land' } } });
  });
});
