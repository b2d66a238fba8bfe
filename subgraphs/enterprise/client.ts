import { readerOf, REGISTRATION_STATUS_NAMES, type RegistrationStatus } from '../../domain/statuses';
import type DataLoader from 'dataloader';
import { departmentError } from '../../lib/errors';
import type { BoundedCache } from '../shared/cache';
import { createCachedLoader } from '../shared/cached-loader';
import type { DepartmentHttp } from '../shared/department-http';
import type { TrustedCaller } from '../shared/caller';
import { Jurisdiction } from '../shared/jurisdiction';

export type { RegistrationStatus };

const registrationStatusNamed = readerOf(REGISTRATION_STATUS_NAMES);

/** An enterprise as the registry sends it (its wire format, camelCase JSON). */
interface RegistryEnterprise {
  uscc: string;
  registrationNumber: string | null;
  name: string;
  type: string;
  status: string;
  establishedOn: string;
  businessTermFrom: string;
  businessTermTo: string | null;
  registrationAuthority: string;
  legalRepresentative: { name: string; idType: string; idNumber: string; mobile: string };
  registeredCapital: number;
  currency: string;
  address: string;
  regionCode: string;
  businessScope: string;
  industryCode: string;
  industryName: string;
  abnormalRecords: { reason: string; listedOn: string; removedOn: string | null; authority: string }[];
  licenses: { name: string; number: string; issuedOn: string; validUntil: string | null; authority: string }[];
  changes: { changedOn: string; item: string; before: string; after: string }[];
  businessLicenceId: string;
  businessLicence: { content: { issuer: string }; signature: string };
}

export type Enterprise = Omit<RegistryEnterprise, 'status' | 'businessTermFrom' | 'businessTermTo' | 'industryCode' | 'industryName'> & {
  status: RegistrationStatus;
  businessTerm: { from: string; to: string | null };
  industry: { code: string; name: string };
};

/** What a subgraph process holds for the registry: its HTTP door and the shared cache. */
export interface EnterpriseDepartment {
  http: DepartmentHttp;
  cache: BoundedCache<Enterprise>;
}

/** The registry takes at most this many codes per batch query. */
const MAX_BATCH = 500;

/**
 * 市场监管局 enterprise registry, for one GraphQL request of one caller: every lookup in
 * the request is collected into one batch query (and de-duplicated) per tick, and every
 * enterprise it hands out is inside the caller's jurisdiction (shared/jurisdiction.ts).
 */
export class EnterpriseClient {
  private readonly byUscc: DataLoader<string, Enterprise | null>;
  private readonly jurisdiction: Jurisdiction;

  constructor(private readonly registry: EnterpriseDepartment, caller: TrustedCaller, onStale?: (ageSeconds: number) => void) {
    this.jurisdiction = Jurisdiction.of(caller);
    this.byUscc = createCachedLoader(registry.cache, (codes) => this.fetchMany(codes), { maxBatchSize: MAX_BATCH, onStale });
  }

  /** The enterprise, or null when the registry has none or it is outside the caller's region. */
  async enterprise(uscc: string): Promise<Enterprise | null> {
    return this.jurisdiction.admit(await this.byUscc.load(uscc), (e) => e.regionCode);
  }

  /** The region prefix a list may cover for this caller (FORBIDDEN for a region outside it). */
  listScope(requested: string | undefined): string {
    return this.jurisdiction.listScope(requested);
  }

  /** A page of the registry's enterprises whose region code starts with `regionPrefix`. */
  async page(filter: { regionPrefix: string; offset: number; limit: number }): Promise<{ total: number; enterprises: Enterprise[] }> {
    const { http } = this.registry;
    const query = new URLSearchParams({ regionPrefix: filter.regionPrefix, offset: String(filter.offset), limit: String(filter.limit) });
    const answer = await http.get<{ total?: number; data?: RegistryEnterprise[] }>(`/api/v1/enterprises?${query}`);
    if (answer.status !== 200 || !Array.isArray(answer.body?.data) || typeof answer.body.total !== 'number') {
      throw departmentError(http.department, `enterprise list answered HTTP ${answer.status}`);
    }
    const dataAsOf = new Date().toISOString();
    const enterprises = answer.body.data.map((record) => {
      const enterprise = toEnterprise(record, http);
      if (enterprise instanceof Error) throw enterprise;
      Object.assign(enterprise, { dataAsOf });
      this.byUscc.prime(enterprise.uscc, enterprise);
      return enterprise;
    });
    return { total: answer.body.total, enterprises: this.jurisdiction.admitEach(enterprises, (e) => e.regionCode) };
  }

  private async fetchMany(codes: readonly string[]): Promise<(Enterprise | null | Error)[]> {
    const { http } = this.registry;
    const answer = await http.query<{ data?: RegistryEnterprise[] }>('/api/v1/enterprises/batch-query', { usccList: codes });
    if (answer.status !== 200 || !Array.isArray(answer.body?.data)) {
      throw departmentError(http.department, `batch query answered HTTP ${answer.status}`);
    }
    const found = new Map(answer.body.data.map((record) => [record.uscc, record]));
    return codes.map((code) => {
      const record = found.get(code);
      return record ? toEnterprise(record, http) : null;
    });
  }
}

/** One unreadable record fails its own slot, not the batch. */
function toEnterprise(record: RegistryEnterprise, http: DepartmentHttp): Enterprise | Error {
  const status = registrationStatusNamed(record.status);
  if (!status) return departmentError(http.department, `unknown registration status "${record.status}"`);
  const { businessTermFrom, businessTermTo, industryCode, industryName, ...rest } = record;
  return {
    ...rest,
    status,
    businessTerm: { from: businessTermFrom, to: businessTermTo },
    industry: { code: industryCode, name: industryName },
  };
}
