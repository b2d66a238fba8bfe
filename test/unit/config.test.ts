import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGatewayConfig } from '../../gateway/config';
import { readStartConfig } from '../../scripts/start-config';
import { readDepartmentClientConfig } from '../../subgraphs/shared/config';

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

  it('refuses unknown flags with the usage', () => {
    expect(() => readGatewayConfig(['--prot', '1'], {})).toThrow(/unknown argument "--prot".*usage/);
  });
});

describe('department client configuration', () => {
  it('reads <PREFIX>_DEPARTMENT_* with defaults', () => {
    expect(readDepartmentClientConfig({ LAND_DEPARTMENT_URL: 'http://land.example/', LAND_DEPARTMENT_TIMEOUT_MS: '900' }, 'LAND', undefined, { timeoutMs: 5000, maxConcurrency: 4 })).toEqual({
      url: 'http://land.example/',
      timeoutMs: 900,
      cacheTtlSeconds: 60,
      cacheMaxKeys: 20000,
      maxConcurrency: 4,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => readDepartmentClientConfig({ LAND_DEPARTMENT_TIMEOUT_MS: '-1' }, 'LAND', 'http://x', { timeoutMs: 1 })).toThrow(/LAND_DEPARTMENT_TIMEOUT_MS must be greater than 0/);
  });
});

describe('npm start configuration', () => {
  it('starts every mock unless a department URL is given', () => {
    const config = readStartConfig({ LAND_DEPARTMENT_URL: 'http://land.example' });
    expect(config.departmentClients.land.url).toBe('http://land.example');
    expect(config.departmentClients.enterprise.url).toBeUndefined();
    expect(config.gatewayPort).toBe(4000);
    expect(config.faults.land.latencyMs).toBeGreaterThan(config.faults.enterprise.latencyMs);
  });

  it('lists every problem at once', () => {
    expect(() => readStartConfig({ PORT: '70000', MOCK_LAND_FAILURE_RATE: '2' })).toThrow(/MOCK_LAND_FAILURE_RATE="2": must be 0–1[\s\S]*PORT="70000": must be 0–65535/);
  });
});
