import { badUserInput } from '../../lib/errors';

/** Bounds of a list's search text, in characters (a Chinese character is one). */
export const SEARCH_MIN_CHARS = 2;
export const SEARCH_MAX_CHARS = 50;

/**
 * The `search` argument of a dashboard list, checked before any department is asked.
 * One character would match most of the county (every name holds 县 or 镇), and a long
 * text is never a code, a name or a USCC: both are refused rather than sent on. Inner
 * whitespace is collapsed, so a pasted name with a stray line break still matches.
 */
export function searchTermOf(argument: string, value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const term = value.trim().replace(/\s+/g, ' ');
  const length = [...term].length;
  if (length < SEARCH_MIN_CHARS || length > SEARCH_MAX_CHARS) {
    throw badUserInput(
      `argument "${argument}" must be ${SEARCH_MIN_CHARS}–${SEARCH_MAX_CHARS} characters of a project code, project name, builder name or USCC; got ${length}`,
      argument,
    );
  }
  // Control characters are never part of any of the four: a sign of a broken paste or a probe.
  if (/\p{Cc}/u.test(term)) throw badUserInput(`argument "${argument}" contains control characters`, argument);
  return term;
}
