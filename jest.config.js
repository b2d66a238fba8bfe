/** @type {import('jest').Config} */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': swc, '^.+\\.m?js$': swc },
  // msw 2 and oidc-provider 8 (the embedded identity provider, with its dependencies) are ESM-only; jest on Node 20
  // cannot require them untransformed.
  // The OTLP exporters load node:http with import(), which jest's sandbox refuses; transformed, it becomes require().
  // Their otlp-exporter-base is nested under each exporter, hence the look-ahead over the whole path.
  transformIgnorePatterns: ['^(?!.*/@opentelemetry/otlp-exporter-base/).*/node_modules/(?!(until-async|rettime|@open-draft|headers-polyfill|tough-cookie|oidc-provider|nanoid|quick-lru|got|@sindresorhus/is|@szmarczak/http-timer|cacheable-lookup|cacheable-request|mimic-response|normalize-url|responselike|lowercase-keys|form-data-encoder|p-cancelable)/).+\\.c?js$'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  // The working tree's audit/ is npm start's trail: the run fails if a test wrote there.
  globalSetup: '<rootDir>/test/guard/global-setup.ts',
  globalTeardown: '<rootDir>/test/guard/global-teardown.ts',
  // Integration tests start whole stacks; give them room without hiding a hang.
  testTimeout: 30000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
