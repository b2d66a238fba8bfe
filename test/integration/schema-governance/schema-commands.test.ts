import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkRepository, ROOT } from '../../../scripts/schema-check';
import { cutRelease } from '../../../scripts/schema-release';
import { removeField, variant } from './fixtures';

// Each command is a fresh tsx process that builds two supergraphs: give them room on a shared machine.
const COMMANDS_TIMEOUT_MS = 90_000;

/** Runs one of the package's scripts the way `npm run` does, in-repo or on a copy (`--root`). */
function run(script: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', script), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The files schema:check reads, copied to a temporary repository root. */
function copyRepository(): string {
  const root = mkdtempSync(join(tmpdir(), 'schema-governance-'));
  cpSync(join(ROOT, 'schema'), join(root, 'schema'), { recursive: true });
  cpSync(join(ROOT, 'docs', 'operations'), join(root, 'docs', 'operations'), { recursive: true });
  const config = JSON.parse(readFileSync(join(ROOT, 'schema', 'subgraphs.json'), 'utf8')) as { subgraphs: { schema: string }[] };
  for (const { schema } of config.subgraphs) {
    mkdirSync(dirname(join(root, schema)), { recursive: true });
    cpSync(join(ROOT, schema), join(root, schema));
  }
  return root;
}

function writeSchemas(root: string, schemas: { supergraph: string; subgraphs: Record<string, string> }): void {
  const config = JSON.parse(readFileSync(join(root, 'schema', 'subgraphs.json'), 'utf8')) as { subgraphs: { name: string; schema: string }[] };
  writeFileSync(join(root, 'schema', 'supergraph.graphql'), schemas.supergraph);
  for (const s of config.subgraphs) writeFileSync(join(root, s.schema), schemas.subgraphs[s.name]!);
}

describe('npm run schema:check', () => {
  it('passes on this repository as committed', () => {
    const { status, stdout } = run('schema-check.ts');
    expect(stdout).toContain('schema check passed');
    expect(status).toBe(0);
  }, COMMANDS_TIMEOUT_MS);

  it('exits 1 on an unacknowledged breaking change, saying how to acknowledge it, and 0 once acknowledged', () => {
    const root = copyRepository();
    writeSchemas(root, variant({ enterprise: removeField('Enterprise', 'abnormalRecords') }));
    const failed = run('schema-check.ts', '--root', root);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('breaks: docs/operations/EnterpriseProfile.graphql#EnterpriseProfile, docs/operations/JointReview.graphql#JointReview');
    expect(failed.stdout).toContain('- BREAKING: Enterprise.abnormalRecords — <why it had to change; who was told, and when>');

    const changelog = join(root, 'schema', 'CHANGELOG.md');
    writeFileSync(changelog, readFileSync(changelog, 'utf8').replace('(nothing yet)', '- BREAKING: Enterprise.abnormalRecords — listed in the credit subgraph now; dashboard team told 2025-03-02'));
    const passed = run('schema-check.ts', '--root', root);
    expect(passed.stdout).toContain('schema check passed (1 breaking change(s) acknowledged)');
    expect(passed.status).toBe(0);
  }, COMMANDS_TIMEOUT_MS);
});

/** The release the repository stands on, and the versions after it. */
const released = (JSON.parse(readFileSync(join(ROOT, 'schema', 'released', 'release.json'), 'utf8')) as { version: string }).version;
const [major, minor] = released.split('.').map(Number) as [number, number];
const nextMajor = `${major + 1}.0.0`;
const nextMinor = `${major}.${minor + 1}.0`;

describe('npm run schema:release', () => {
  it('records the current schemas as the next major version after an acknowledged break, and the changelog with it', async () => {
    const root = copyRepository();
    const changed = variant({ enterprise: removeField('Enterprise', 'abnormalRecords') });
    writeSchemas(root, changed);
    await expect(cutRelease(root, undefined, '2025-03-03')).rejects.toThrow(/not released: fix what schema:check reports first/);

    const changelogPath = join(root, 'schema', 'CHANGELOG.md');
    const acknowledgement = '- BREAKING: Enterprise.abnormalRecords — listed in the credit subgraph now; dashboard team told 2025-03-02';
    writeFileSync(changelogPath, readFileSync(changelogPath, 'utf8').replace('(nothing yet)', acknowledgement));
    // Acknowledged, so schema:check passes; but this repository's own operations must follow before a release.
    await expect(cutRelease(root, undefined, '2025-03-03')).rejects.toThrow(/update these operations to the schema first:\n.*EnterpriseProfile.*\n.*JointReview/);
    for (const name of ['EnterpriseProfile', 'JointReview']) {
      const path = join(root, 'docs', 'operations', `${name}.graphql`);
      writeFileSync(path, readFileSync(path, 'utf8').replace(/abnormalRecords \{[^}]*\}/, ''));
    }
    const { release } = await cutRelease(root, undefined, '2025-03-03');
    expect(release).toMatchObject({ version: nextMajor, date: '2025-03-03', subgraphs: ['enterprise', 'land', 'construction', 'approval'] });
    expect(readFileSync(join(root, 'schema', 'released', 'supergraph.graphql'), 'utf8')).toBe(changed.supergraph);
    expect(readFileSync(join(root, 'schema', 'released', 'subgraphs', 'enterprise.graphql'), 'utf8')).toBe(changed.subgraphs.enterprise);

    const changelog = readFileSync(changelogPath, 'utf8');
    const unreleased = changelog.slice(changelog.indexOf('\n## Unreleased\n'), changelog.indexOf(`## ${nextMajor}`));
    expect(unreleased.trim()).toBe('## Unreleased\n\n(nothing yet)');
    const section = changelog.slice(changelog.indexOf(`## ${nextMajor} — 2025-03-03`), changelog.indexOf(`## ${released}`));
    expect(section).toContain(acknowledgement);
    expect(section).toContain("Breaking:\n- Enterprise.abnormalRecords: Field 'abnormalRecords' was removed from object type 'Enterprise'");

    // The release is the new baseline: nothing left to report, nothing to release.
    const { result } = await checkRepository(root);
    expect(result).toMatchObject({ ok: true, supergraph: [] });
    await expect(cutRelease(root, undefined, '2025-03-04')).rejects.toThrow(`nothing changed since ${nextMajor}`);
  });

  it('takes a minor version for an addition, and refuses a version that is not newer', async () => {
    const root = copyRepository();
    writeSchemas(root, variant({ land: (sdl) => sdl.replace('type Query {', 'type Query {\n  """宗地数 Parcels in a town."""\n  parcelCount(townCode: String!): Int! @requiresScopes(scopes: [["land:read"]])') }));
    await expect(cutRelease(root, released, '2025-03-03')).rejects.toThrow(`must be newer than the released ${released}`);
    expect((await cutRelease(root, undefined, '2025-03-03')).release.version).toBe(nextMinor);
    expect(readFileSync(join(root, 'schema', 'CHANGELOG.md'), 'utf8')).toContain("Safe:\n- Query.parcelCount: Field 'parcelCount' was added to object type 'Query'\n");
  });
});

describe('npm run schema:docs', () => {
  it('--check passes: docs/schema/README.md is what the committed supergraph renders to', () => {
    const { status, stdout } = run('schema-docs.ts', '--check');
    expect(stdout).toContain('docs/schema/README.md is up to date');
    expect(status).toBe(0);
  }, COMMANDS_TIMEOUT_MS);

  it('--check fails once the supergraph changes, until the reference is written again', () => {
    const root = copyRepository();
    cpSync(join(ROOT, 'docs', 'schema'), join(root, 'docs', 'schema'), { recursive: true });
    writeSchemas(root, variant({ enterprise: removeField('Enterprise', 'abnormalRecords') }));
    const stale = run('schema-docs.ts', '--check', '--root', root);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain('docs/schema/README.md is stale: run `npm run schema:docs` and commit the result');
    expect(run('schema-docs.ts', '--root', root).status).toBe(0);
    expect(readFileSync(join(root, 'docs', 'schema', 'README.md'), 'utf8')).not.toContain('`abnormalRecords`');
    expect(run('schema-docs.ts', '--check', '--root', root).status).toBe(0);
  }, COMMANDS_TIMEOUT_MS);
});
