/**
 * schema/CHANGELOG.md: what changed in the schema clients see, release by release. The
 * "## Unreleased" section holds what is not released yet; a breaking change is
 * acknowledged there by a line naming its coordinate and why:
 *
 *   - BREAKING: Query.enterprise — replaced by enterprises(uscc:); 市场监管局 dashboard team told 2025-03-02
 *
 * `npm run schema:release` turns "Unreleased" into the release's own section.
 */
import type { SchemaChange } from './schema-diff';

export const UNRELEASED_HEADING = '## Unreleased';

export interface Acknowledgement {
  coordinate: string;
  reason: string;
  line: number;
}

export interface ChangelogReading {
  acknowledgements: Acknowledgement[];
  problems: string[];
}

const BREAKING_LINE = /^\s*[-*]\s+BREAKING:\s*(.*)$/;

/** The "## Unreleased" section's lines, with their line numbers (1-based). */
function unreleased(changelog: string): { lines: { text: string; line: number }[]; start: number; end: number } | null {
  const lines = changelog.split('\n');
  const start = lines.findIndex((l) => l.trim() === UNRELEASED_HEADING);
  if (start < 0) return null;
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  return { lines: lines.slice(start + 1, end).map((text, i) => ({ text, line: start + 2 + i })), start, end };
}

export function readAcknowledgements(changelog: string): ChangelogReading {
  const section = unreleased(changelog);
  if (!section) return { acknowledgements: [], problems: [`schema/CHANGELOG.md has no "${UNRELEASED_HEADING}" section; add one at the top`] };
  const acknowledgements: Acknowledgement[] = [];
  const problems: string[] = [];
  for (const { text, line } of section.lines) {
    const m = BREAKING_LINE.exec(text);
    if (!m) continue;
    const [, rest = ''] = m;
    const written = /^`?([^\s`]+)`?/.exec(rest);
    // `Query.foo: why` — the colon is punctuation; `Query.foo(arg:)` keeps its own.
    const coordinate = written ? written[1]!.replace(/:$/, '') : undefined;
    const reason = rest
      .slice(written?.[0].length ?? 0)
      .replace(/^[\s—–:-]+/, '')
      .trim();
    if (!coordinate) problems.push(`schema/CHANGELOG.md line ${line}: a BREAKING line must start with the coordinate (Type.field, Type.field(arg:), Enum.VALUE)`);
    else if (reason.length < 3) problems.push(`schema/CHANGELOG.md line ${line}: say why ${coordinate} had to change and who was told, after the coordinate`);
    else acknowledgements.push({ coordinate, reason, line });
  }
  return { acknowledgements, problems };
}

/** The line that acknowledges a breaking change, for the message that asks for it. */
export const acknowledgementLine = (change: SchemaChange) => `- BREAKING: ${change.coordinate} — <why it had to change; who was told, and when>`;

/**
 * The changelog after a release: "Unreleased" becomes "## <version> — <date>" with the
 * changes found listed under what people wrote, and a new empty "Unreleased" goes on top.
 */
export function releaseChangelog(changelog: string, version: string, date: string, changes: { heading: string; lines: string[] }[]): string {
  const section = unreleased(changelog);
  if (!section) throw new Error(`schema/CHANGELOG.md has no "${UNRELEASED_HEADING}" section`);
  const lines = changelog.split('\n');
  const written = section.lines.map((l) => l.text).filter((l) => l.trim() && l.trim() !== NOTHING_YET);
  const found = changes.filter((c) => c.lines.length).flatMap((c) => [`${c.heading}:`, ...c.lines, '']);
  const released = [UNRELEASED_HEADING, '', NOTHING_YET, '', `## ${version} — ${date}`, '', ...written, ...(written.length ? [''] : []), ...found];
  return [...lines.slice(0, section.start), ...released, ...lines.slice(section.end)].join('\n');
}

export const NOTHING_YET = '(nothing yet)';
