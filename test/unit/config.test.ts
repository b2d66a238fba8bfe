import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditLogOptions, parsePartnerClients, readGatewayConfig, readPlanner, readSecurityConfig } from '../../gateway/config';
import { readTracingConfig } from '../../lib/tracing-config';
import { readStartConfig } from '../../stack/start-config';
import { readDepartmentClientSettings, readDepartmentConnection } from '../../subgraphs/shared/config';

describe('gateway configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
  const supergraph = join(dir, 'supergraph.graphql');
  writeFileSync(supergraph, 'schema { query: Query }');

  it('takes flags over environment over defaults', () => {
    const config = readGatewayConfig(['--supergraph', supergraph, '--port=4500'], { PORT: '4400', SUBGRAPH_LAND_URL: 'http://10.0.0.1/graphql' });
    expect(config).toMatchObject({ port: 4500, host: '127.0.0.1', supergraphPath: supergraph, subgraphUrls: { land: 'http://10.0.0.1/graphql' } });
  });

  it('re-reads the supergraph every 2 s by default, or as SUPERGRAPH_POLL_MS says', () => {
    expect(readGatewayConfig(['--supergraph', supergraph], {}).supergraphPollMs).toBe(2000);
    expect(readGatewayConfig(['--supergraph', supergraph], { SUPERGRAPH_POLL_MS: '0' }).supergraphPollMs).toBe(0);
    expect(readGatewayConfig(['--supergraph', supergraph], { SUPERGRAPH_POLL_MS: '500' }).supergraphPollMs).toBe(500);
    expect(() => readGatewayConfig(['--supergraph', supergraph], { SUPERGRAPH_POLL_MS: '10' })).toThrow(/SUPERGRAPH_POLL_MS must be 0 \(watch only\) or at least 100/);
    expect(() => readGatewayConfig(['--supergraph', supergraph], { SUPERGRAPH_POLL_MS: 'often' })).toThrow(/SUPERGRAPH_POLL_MS must be a number/);
  });

  it('names every bad setting', () => {
    expect(() => readGatewayConfig([], { PORT: 'abc', SUBGRAPH_LAND_URL: 'not a url', LOG_LEVEL: 'loud' })).toThrow(
      /PORT \(or --port\) must be a port number.*SUBGRAPH_<NAME>_URL must be an http\(s\) URL.*LOG_LEVEL must be one of/,
    );
  });

  it('drains for 5 s and lets requests finish for 30 s on SIGTERM unless told otherwise', () => {
    expect(readGatewayConfig(['--supergraph', supergraph], {})).toMatchObject({ drainSeconds: 5, shutdownTimeoutSeconds: 30 });
    expect(readGatewayConfig(['--supergraph', supergraph], { GATEWAY_DRAIN_SECONDS: '0', GATEWAY_SHUTDOWN_TIMEOUT_SECONDS: '2.5' })).toMatchObject({ drainSeconds: 0, shutdownTimeoutSeconds: 2.5 });
    expect(() => readGatewayConfig(['--supergraph', supergraph], { GATEWAY_DRAIN_SECONDS: 'soon', GATEWAY_SHUTDOWN_TIMEOUT_SECONDS: '0' })).toThrow(
      /GATEWAY_DRAIN_SECONDS must be a number of seconds.*GATEWAY_SHUTDOWN_TIMEOUT_SECONDS must be at least 1 s/,
    );
  });

  it('takes the supergraph from SUPERGRAPH_URL instead, asked every 10 s by default; never from both', () => {
    const url = 'https://registry.example/county/supergraph.graphql';
    expect(readGatewayConfig([], { SUPERGRAPH_URL: url })).toMatchObject({ supergraphUrl: url, supergraphPath: undefined, supergraphPollMs: 10_000 });
    expect(readGatewayConfig([], { SUPERGRAPH_URL: url, SUPERGRAPH_POLL_MS: '500' }).supergraphPollMs).toBe(500);
    expect(readGatewayConfig(['--supergraph', supergraph], {}).supergraphUrl).toBeUndefined();
    expect(() => readGatewayConfig(['--supergraph', supergraph], { SUPERGRAPH_URL: url })).toThrow(/SUPERGRAPH_URL and a supergraph file .* are both set: keep one/);
    expect(() => readGatewayConfig([], { SUPERGRAPH_URL: url, SUPERGRAPH_PATH: supergraph })).toThrow(/both set/);
    expect(() => readGatewayConfig([], { SUPERGRAPH_URL: url, SUPERGRAPH_POLL_MS: '0' })).toThrow(/with SUPERGRAPH_URL it must be at least 100/);
    expect(() => readGatewayConfig([], { SUPERGRAPH_URL: 'file:///etc/supergraph.graphql' })).toThrow(/SUPERGRAPH_URL must be an http\(s\) URL/);
  });

  it('says where the supergraph was expected and how to make one', () => {
    expect(() => readGatewayConfig(['--supergraph', join(dir, 'missing.graphql')], {})).toThrow(/no supergraph at .*missing\.graphql.*npm run compose/);
  });

  it('lets the heap grow by 30% past what is live unless GATEWAY_HEAP_GROWTH_PERCENT says otherwise (0: V8 decides)', () => {
    expect(readGatewayConfig(['--supergraph', supergraph], {}).heapGrowthPercent).toBe(30);
    expect(readGatewayConfig(['--supergraph', supergraph], { GATEWAY_HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
    expect(readGatewayConfig(['--supergraph', supergraph], { GATEWAY_HEAP_GROWTH_PERCENT: '100' }).heapGrowthPercent).toBe(100);
    expect(() => readGatewayConfig(['--supergraph', supergraph], { GATEWAY_HEAP_GROWTH_PERCENT: '5' })).toThrow(/GATEWAY_HEAP_GROWTH_PERCENT must be 0 \(V8 decides\) or 10–300/);
    expect(() => readGatewayConfig(['--supergraph', supergraph], { GATEWAY_HEAP_GROWTH_PERCENT: 'half' })).toThrow(/GATEWAY_HEAP_GROWTH_PERCENT must be a number/);
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

  it('serves no dashboard unless GATEWAY_DASHBOARD_DIR names a folder', () => {
    expect(readGatewayConfig(['--supergraph', supergraph], {}).dashboardDir).toBeUndefined();
    expect(readGatewayConfig(['--supergraph', supergraph], { GATEWAY_DASHBOARD_DIR: dir }).dashboardDir).toBe(dir);
    expect(() => readGatewayConfig(['--supergraph', supergraph], { GATEWAY_DASHBOARD_DIR: join(dir, 'not-built') })).toThrow(
      /GATEWAY_DASHBOARD_DIR=.*not-built is not a folder.*npm run build:web/,
    );
    expect(() => readGatewayConfig(['--supergraph', supergraph], { GATEWAY_DASHBOARD_DIR: supergraph })).toThrow(/is not a folder/);
  });

  it('executes plans with the compiled executor unless GATEWAY_EXECUTOR=apollo', () => {
    expect(readGatewayConfig(['--supergraph', supergraph], {}).executor).toBe('compiled');
    expect(readGatewayConfig(['--supergraph', supergraph], { GATEWAY_EXECUTOR: 'apollo' }).executor).toBe('apollo');
    expect(() => readGatewayConfig(['--supergraph', supergraph], { GATEWAY_EXECUTOR: 'fast' })).toThrow(/GATEWAY_EXECUTOR must be compiled \(the default\) or apollo/);
  });

  it('plans with Hive Router\'s planner unless GATEWAY_PLANNER=apollo, and with Apollo\'s under its executor', () => {
    expect(readGatewayConfig(['--supergraph', supergraph], {}).planner).toBe('hive');
    expect(readGatewayConfig(['--supergraph', supergraph], { GATEWAY_PLANNER: 'apollo' }).planner).toBe('apollo');
    // Apollo's executor plans with its own planner: that is what it means, unless told otherwise, which is refused.
    expect(readGatewayConfig(['--supergraph', supergraph], { GATEWAY_EXECUTOR: 'apollo' }).planner).toBe('apollo');
    expect(() => readGatewayConfig(['--supergraph', supergraph], { GATEWAY_EXECUTOR: 'apollo', GATEWAY_PLANNER: 'hive' })).toThrow(/GATEWAY_PLANNER=hive needs the compiled executor/);
    expect(() => readGatewayConfig(['--supergraph', supergraph], { GATEWAY_PLANNER: 'rust' })).toThrow(/GATEWAY_PLANNER must be hive \(the default\) or apollo/);
    expect(readPlanner({})).toBeUndefined();
    expect(() => readPlanner({ GATEWAY_PLANNER: 'rust' })).toThrow(/GATEWAY_PLANNER must be hive/);
  });

  it('warms the .graphql files of GATEWAY_WARM_OPERATIONS_DIR, in name order, and nothing else', () => {
    const operations = mkdtempSync(join(tmpdir(), 'warm-'));
    writeFileSync(join(operations, 'B.graphql'), 'query B { b }');
    writeFileSync(join(operations, 'A.graphql'), 'query A { a }');
    writeFileSync(join(operations, 'notes.md'), 'not an operation');
    expect(readGatewayConfig(['--supergraph', supergraph], {}).warmOperations).toEqual([]);
    expect(readGatewayConfig(['--supergraph', supergraph], { GATEWAY_WARM_OPERATIONS_DIR: operations }).warmOperations).toEqual(['query A { a }', 'query B { b }']);
    expect(() => readGatewayConfig(['--supergraph', supergraph], { GATEWAY_WARM_OPERATIONS_DIR: join(operations, 'missing') })).toThrow(/GATEWAY_WARM_OPERATIONS_DIR=.*missing is not a folder/);
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

describe('tracing configuration (OTEL_*)', () => {
  it('is on with an OTLP endpoint: http/protobuf to <endpoint>/v1/traces, parent-based sampling, W3C trace context only', () => {
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      exporters: [{ kind: 'otlp', url: 'http://collector:4318/v1/traces', protocol: 'http/protobuf', headers: {}, timeoutMillis: 10000, compression: 'none' }],
      serviceName: undefined,
      resourceAttributes: {},
      sampler: { name: 'parentbased_always_on', ratio: 1 },
      propagators: ['tracecontext'],
    });
  });

  it('takes the traces-specific variables over the general ones, the traces endpoint as written', () => {
    const config = readTracingConfig({
      OTEL_TRACES_EXPORTER: 'otlp,console',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp/spans',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20abc,x-tenant=congjiang',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2500',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_SERVICE_NAME: 'congjiang-gateway',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.namespace=guizhou',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_PROPAGATORS: 'tracecontext,baggage',
    });
    expect(config).toEqual({
      exporters: [
        { kind: 'otlp', url: 'https://traces.example/otlp/spans', protocol: 'http/json', headers: { authorization: 'Basic abc', 'x-tenant': 'congjiang' }, timeoutMillis: 2500, compression: 'gzip' },
        { kind: 'console' },
      ],
      serviceName: 'congjiang-gateway',
      resourceAttributes: { 'deployment.environment': 'prod', 'service.namespace': 'guizhou' },
      sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
      propagators: ['tracecontext', 'baggage'],
    });
  });

  it('OTEL_TRACES_EXPORTER=otlp alone sends to the local collector, as the specification says', () => {
    expect(readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp' })?.exporters).toEqual([expect.objectContaining({ url: 'http://localhost:4318/v1/traces' })]);
  });

  it('names every bad variable at once, and never echoes a header value', () => {
    let message = '';
    try {
      readTracingConfig({
        OTEL_TRACES_EXPORTER: 'otlp,zipkin',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/OTEL_TRACES_EXPORTER: "zipkin" is not supported; use otlp/);

    try {
      readTracingConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key-secret-value',
        OTEL_EXPORTER_OTLP_TIMEOUT: 'soon',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd',
        OTEL_TRACES_SAMPLER: 'sometimes',
        OTEL_PROPAGATORS: 'b3',
        OTEL_SDK_DISABLED: 'yes',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const problem of [
      /OTEL_SDK_DISABLED="yes" must be true or false/,
      /OTEL_EXPORTER_OTLP_ENDPOINT="ftp:\/\/collector" must be an http\(s\) URL/,
      /OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported; use http\/protobuf/,
      /OTEL_EXPORTER_OTLP_HEADERS: entry 1 must be key=value/,
      /OTEL_EXPORTER_OTLP_TIMEOUT="soon" must be a whole number of milliseconds/,
      /OTEL_EXPORTER_OTLP_COMPRESSION="zstd" must be gzip or none/,
      /OTEL_TRACES_SAMPLER="sometimes" must be one of/,
      /OTEL_PROPAGATORS: "b3" is not supported/,
    ]) {
      expect(message).toMatch(problem);
    }
    expect(message).not.toContain('api-key-secret-value');
  });

  it('refuses a sampler ratio outside 0–1', () => {
    expect(() => readTracingConfig({ OTEL_TRACES_EXPORTER: 'console', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '5' })).toThrow(/OTEL_TRACES_SAMPLER_ARG="5" must be a ratio from 0 to 1/);
  });

  it('stops the gateway command and npm start with the variable named', () => {
    expect(() => readGatewayConfig([], { OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(/gateway configuration: .*OTEL_TRACES_EXPORTER: "jaeger" is not supported/);
    expect(() => readStartConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'nowhere' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT="nowhere" must be an http\(s\) URL/);
    expect(readStartConfig({}).tracing).toBeUndefined();
    expect(readGatewayConfig([], { OTEL_TRACES_EXPORTER: 'console' }).tracing?.exporters).toEqual([{ kind: 'console' }]);
  });
});

describe('shared state (REDIS_URL, REDIS_KEY_PREFIX)', () => {
  it('takes a deployment prefix of lower-case letters, digits and dashes, and names a bad one', () => {
    expect(readSecurityConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'congjiang-prod' })).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', redisKeyPrefix: 'congjiang-prod' });
    expect(readSecurityConfig({}).redisKeyPrefix).toBeUndefined();
    for (const bad of ['Congjiang', 'county:prod', '-prod', 'a b']) expect(() => readSecurityConfig({ REDIS_KEY_PREFIX: bad })).toThrow(/REDIS_KEY_PREFIX=".*" must be lower-case letters, digits and dashes/);
  });
});

describe('audit chain naming (AUDIT_DIR, AUDIT_INSTANCE_ID)', () => {
  const trail = (env: Record<string, string>) => readSecurityConfig({ AUDIT_DIR: '/srv/audit', ...env }).audit;

  it('puts each instance, and each of its workers, in a folder of its own under AUDIT_DIR', () => {
    for (const id of ['gw-a', 'gateway.county.example', 'node_2', 'A1']) {
      expect(auditLogOptions(trail({ AUDIT_INSTANCE_ID: id })).dir).toBe(`/srv/audit/${id}`);
      for (const slot of [1, 2, 16]) expect(auditLogOptions(trail({ AUDIT_INSTANCE_ID: id }), slot).dir).toBe(`/srv/audit/${id}-${slot}`);
    }
  });

  it('names the chain after the host when AUDIT_INSTANCE_ID is unset', () => {
    expect(trail({}).instanceId).toBe(hostname().replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 90));
    expect(trail({ AUDIT_INSTANCE_ID: '' }).instanceId).toBe(trail({}).instanceId);
  });

  it('refuses an AUDIT_INSTANCE_ID that is not a plain folder name', () => {
    for (const id of ['..', '.hidden', 'a/b', '../gw', 'gw a', '-gw', 'gw\\b', 'x'.repeat(101), 'gw:1']) {
      expect(() => trail({ AUDIT_INSTANCE_ID: id })).toThrow(/AUDIT_INSTANCE_ID=".*" must be a plain folder name/);
    }
  });
});

describe('identity provider (AUTH_ISSUER)', () => {
  it('takes an OpenID Connect issuer alone: its keys come through discovery', () => {
    expect(readSecurityConfig({ AUTH_ISSUER: 'https://sso.gz.example/realms/county', AUTH_AUDIENCE: 'county-gateway' }).identityProvider).toEqual({
      issuers: [{ issuer: 'https://sso.gz.example/realms/county', jwks: undefined, audience: 'county-gateway' }],
    });
  });

  it('needs the issuer beside a JWKS, a URL issuer without one, and https in production', () => {
    expect(() => readSecurityConfig({ AUTH_JWKS_URL: 'https://sso.example/jwks' })).toThrow(/AUTH_ISSUER must be set with AUTH_JWKS_URL/);
    expect(() => readSecurityConfig({ AUTH_ISSUER: 'urn:county:sso' })).toThrow(/is not a URL, so it has no discovery document/);
    expect(() => readSecurityConfig({ NODE_ENV: 'production', AUTH_ISSUER: 'http://sso.example' })).toThrow(/AUTH_ISSUER must be https:\/\/ in production/);
    // A province-wide service issues tokens for many applications: production names the audience.
    expect(() => readSecurityConfig({ NODE_ENV: 'production', AUTH_ISSUER: 'https://sso.example' })).toThrow(/AUTH_AUDIENCE must be set in production/);
  });

  it('refuses a partner that could never sign in: neither an API key nor an identity-provider client', () => {
    const partner = { id: 'p', name: 'p', scopes: [], region: '522633', purposes: ['case'], operations: [], ratePerMinute: 10 };
    expect(() => parsePartnerClients([partner])).toThrow(/neither keySha256 .* nor oauthClientId/);
    expect(parsePartnerClients([{ ...partner, oauthClientId: 'bank-cj' }])[0]!.oauthClientId).toBe('bank-cj');
  });
});

describe('subscription limits (GATEWAY_SUBSCRIPTIONS_*)', () => {
  it('keeps the defaults unless told, and takes whole numbers above 0 only', () => {
    expect(readSecurityConfig({}).subscriptionLimits).toEqual({});
    expect(readSecurityConfig({ GATEWAY_SUBSCRIPTIONS_PER_CALLER: '500', GATEWAY_SUBSCRIPTIONS_MAX_WAITING_EVENTS: '20' }).subscriptionLimits).toEqual({ perCaller: 500, maxWaitingEvents: 20 });
    expect(() => readSecurityConfig({ GATEWAY_SUBSCRIPTIONS_IDLE_SECONDS: '0' })).toThrow(/GATEWAY_SUBSCRIPTIONS_IDLE_SECONDS="0" must be a whole number greater than 0/);
    expect(() => readSecurityConfig({ GATEWAY_SUBSCRIPTIONS_PER_CONNECTION: 'many' })).toThrow(/GATEWAY_SUBSCRIPTIONS_PER_CONNECTION="many"/);
  });
});
