/**
 * `npm run schema:release [-- --version X.Y.Z]`: records the current schemas as released
 * (schema/released/: the supergraph, each subgraph's SDL, release.json with version and
 * date) and moves CHANGELOG.md's "Unreleased" under the new version with the changes
 * found. The first run records the baseline. Refused while `schema:check` fails, while a
 * known operation does not validate, and when nothing changed. Without --version: major for a breaking change, minor for
 * anything else clients can see, patch for descriptions and subgraph-only changes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chinaDate } from '../domain/time';
import { NOTHING_YET, releaseChangelog, UNRELEASED_HEADING } from './schema-changelog';
import { changelogPath, checkRepository, formatReport, readCurrentSchemas, releasedDir, ROOT, type CheckResult, type ReleaseRecord, type SchemaSet } from './schema-check';

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;
/** Descriptions only (TYPE_DESCRIPTION_CHANGED, FIELD_DESCRIPTION_ADDED …): a patch release. */
const cosmetic = (kind: string) => kind.includes('DESCRIPTION');

export function nextVersion(previous: string, result: CheckResult): string {
  const [, major, minor, patch] = SEMVER.exec(previous)!.map(Number) as [number, number, number, number];
  if (result.supergraph.some((c) => c.level === 'breaking')) return `${major + 1}.0.0`;
  if (result.supergraph.some((c) => !cosmetic(c.kind))) return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

const newer = (a: string, b: string) => {
  const x = SEMVER.exec(a)!.slice(1).map(Number);
  const y = SEMVER.exec(b)!.slice(1).map(Number);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return false;
};

export function writeRelease(root: string, schemas: SchemaSet, release: ReleaseRecord): void {
  const dir = releasedDir(root);
  rmSync(join(dir, 'subgraphs'), { recursive: true, force: true });
  mkdirSync(join(dir, 'subgraphs'), { recursive: true });
  writeFileSync(join(dir, 'supergraph.graphql'), schemas.supergraph);
  for (const [name, sdl] of Object.entries(schemas.subgraphs)) writeFileSync(join(dir, 'subgraphs', `${name}.graphql`), sdl);
  writeFileSync(join(dir, 'release.json'), `${JSON.stringify(release, null, 2)}\n`);
}

const CHANGELOG_HEADER = `# Schema changelog — 接口变更记录

What changed in the API schema clients see (the supergraph), release by release.
\`npm run schema:check\` compares the schemas with the last release (\`schema/released/\`);
a breaking change fails it until it is acknowledged here, under "${UNRELEASED_HEADING}", one line per
coordinate, saying why and who was told:

    - BREAKING: Query.enterprise — replaced by enterprises(uscc:); dashboard team told 2025-03-02

Coordinates: \`Type\`, \`Type.field\`, \`Type.field(arg:)\`, \`Enum.VALUE\`, \`Input.field\`, \`@directive\`.
\`npm run schema:release\` moves this section under the new version with the changes it found.

${UNRELEASED_HEADING}

${NOTHING_YET}
`;

export async function cutRelease(root: string, requestedVersion: string | undefined, date = chinaDate()): Promise<{ release: ReleaseRecord; report?: string }> {
  if (requestedVersion !== undefined && !SEMVER.test(requestedVersion)) throw new Error(`--version must look like 1.2.0, not "${requestedVersion}"`);
  const current = readCurrentSchemas(root);
  const changelogFile = changelogPath(root);
  const changelog = existsSync(changelogFile) ? readFileSync(changelogFile, 'utf8') : CHANGELOG_HEADER;
  const record = (version: string): ReleaseRecord => ({
    version,
    date,
    supergraphSha256: createHash('sha256').update(current.supergraph).digest('hex'),
    subgraphs: Object.keys(current.subgraphs),
  });

  if (!existsSync(join(releasedDir(root), 'release.json'))) {
    const release = record(requestedVersion ?? '1.0.0');
    writeRelease(root, current, release);
    writeFileSync(changelogFile, releaseChangelog(changelog, release.version, date, [{ heading: 'Release baseline', lines: ['- the schemas as they stood; later releases list what changed since'] }]));
    return { release };
  }

  const { release: previous, result } = await checkRepository(root);
  const report = formatReport(result, previous);
  if (!result.ok) throw new Error(`${report}\n\nnot released: fix what schema:check reports first`);
  // Acknowledged breaks may land one commit at a time; a release must not leave this repository's operations behind.
  if (result.brokenOperations.length) {
    throw new Error(`not released: update these operations to the schema first:\n${result.brokenOperations.map((b) => `  ${b.id}: ${b.errors.join('; ')}`).join('\n')}`);
  }
  const anything = result.supergraph.length > 0 || result.subgraphs.some((s) => s.status !== 'unchanged');
  if (!anything) throw new Error(`nothing changed since ${previous.version}: nothing to release`);
  const version = requestedVersion ?? nextVersion(previous.version, result);
  if (!newer(version, previous.version)) throw new Error(`--version ${version} must be newer than the released ${previous.version}`);
  const release = record(version);
  const lines = (level: string) => result.supergraph.filter((c) => c.level === level).map((c) => `- ${c.coordinate}: ${c.description}`);
  writeRelease(root, current, release);
  writeFileSync(
    changelogFile,
    releaseChangelog(changelog, version, date, [
      { heading: 'Breaking', lines: lines('breaking') },
      { heading: 'Dangerous', lines: lines('dangerous') },
      { heading: 'Safe', lines: lines('safe') },
      { heading: 'Subgraphs changed (not visible to clients unless listed above)', lines: result.subgraphs.filter((s) => s.status !== 'unchanged').map((s) => `- ${s.name}: ${s.status}, ${s.changes.length} change(s)`) },
    ]),
  );
  return { release, report };
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--version');
  const { release, report } = await cutRelease(ROOT, flag >= 0 ? process.argv[flag + 1] : undefined);
  if (report) console.log(report, '\n');
  console.log(`released schema ${release.version} (${release.date}) to schema/released/; review and commit schema/released/ and schema/CHANGELOG.md`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`schema release: ${(error as Error).message}`);
    process.exit(1);
  });
}
