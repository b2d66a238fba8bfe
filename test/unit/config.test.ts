import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGatewayConfig } from '../../gateway/config';
import { readStartConfig } from '../../scripts/start-config';
import { readDepartmentClientSettings, readDepartmentConnection } from '../../subgraphs/shared/config';

describe('gateway configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
  const supergraph = join(dir, 'supergraph.graphql');
  writeFileSync(supergraph, 'schema { query: Query }');

  it('takes flags over environment over defaults', () => {
    const config = readGatewayConfig(['--supergraph', supergraph, '--port=4500'], { PORT: '4400', SUBGRAPH_LAND_URL: 'http://10.0.0.1/graphql' });
    expect(config).toMatchObject({ port: 4500, host: '127.0.0.1', supergraphPath: supergraph, subgraphUrls: { land: 'http://10.0.0.1/graphql' } });
  });

  it('names every bad setting', () => {
    expect(() => readGatewayConfig([], { PORT: 'abc', SUBGRAPH_LAND_URL: 'not a url', LOG_LEVEL: 'loud' })).toThrow(
      /PORT \(or --port\) must be a port number.*SUBGRAPH_<NAME>_URL must be an http\(s\) URL.*LOG_LEVEL must be one of/,
    );
  });

  it('says where the supergraph was expected and how to make one', () => {
    expect(() => readGatewayConfig(['--supergraph', join(dir, 'missing.graphql')], {})).toThrow(/no supergraph at .*missing\.graphql.*npm run compose/);
  });

  it('serves from one process unless told how many workers', () => {
    expect(readGatewayConfig(['--supergraph', supergraph], {}).workers).toBe(1);
    expect(readGatewayConfig(['--supergraph', supergraph], { GATEWAY_WORKERS: '2' }).workers).toBe(2);
    expect(readGatewayConfig(['--supergraph', supergraph, '--workers', '4'], { GATEWAY_WORKERS: '2' }).workers).toBe(4);
    expect(() => readGatewayConfig(['--supergraph', supergraph, '--workers=0'], {})).toThrow(/GATEWAY_WORKERS \(or --workers\) must be 1–64/);
  });

  it('refuses unknown flags with the usage', () => {
    expect(() => readGatewayConfig(['--prot', '1'], {})).toThrow(/unknown argument "--prot".*usage/);
  });
});

describe('department client configuration', () => {
  const PEM = '-----BEGIN PUBLIC KEY-----\\nMCowBQYDK2VwAyEA\\n-----END PUBLIC KEY-----';

  it('reads <PREFIX>_DEPARTMENT_* settings with defaults', () => {
    expect(readDepartmentClientSettings({ LAND_DEPARTMENT_TIMEOUT_MS: '900' }, 'LAND', { timeoutMs: 5000, maxConcurrency: 4 })).toEqual({
      timeoutMs: 900,
      cacheTtlSeconds: 60,
      cacheMaxStaleSeconds: 86400,
      cacheMaxKeys: 20000,
      maxConcurrency: 4,
      retries: 2,
      breakerFailures: 5,
      breakerOpenMs: 10000,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => readDepartmentClientSettings({ LAND_DEPARTMENT_TIMEOUT_MS: '-1' }, 'LAND', { timeoutMs: 1 })).toThrow(/LAND_DEPARTMENT_TIMEOUT_MS must be greater than 0/);
  });

  it('takes a real department as a URL and the public key its licences verify with', () => {
    expect(readDepartmentConnection({}, 'LAND')).toBeUndefined();
    expect(readDepartmentConnection({ LAND_DEPARTMENT_URL: 'http://land.example/', LAND_DEPARTMENT_PUBLIC_KEY: PEM }, 'LAND')).toEqual({
      url: 'http://land.example/',
      publicKeyPem: PEM.replace(/\\n/g, '\n'),
    });
    expect(() => readDepartmentConnection({ LAND_DEPARTMENT_URL: 'http://land.example/' }, 'LAND')).toThrow(/LAND_DEPARTMENT_PUBLIC_KEY must be set with LAND_DEPARTMENT_URL/);
  });
});

describe('npm start configuration', () => {
  it('starts every mock unless a department URL is given', () => {
    const key = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----';
    const config = readStartConfig({ LAND_DEPARTMENT_URL: 'http://land.example', LAND_DEPARTMENT_PUBLIC_KEY: key });
    expect(config.departmentClients.land.connection?.url).toBe('http://land.example');
    expect(config.departmentClients.enterprise.connection).toBeUndefined();
    expect(config.gatewayPort).toBe(4000);
    expect(config.faults.land.latencyMs).toBeGreaterThan(config.faults.enterprise.latencyMs);
  });

  it('lists every problem at once', () => {
    expect(() => readStartConfig({ PORT: '70000', MOCK_LAND_FAILURE_RATE: '2' })).toThrow(/MOCK_LAND_FAILURE_RATE="2": must be 0–1[\s\S]*PORT="70000": must be 0–65535/);
  });
});
