import type { IdentifierCheck } from '../../domain/identifiers';
import { badUserInput } from '../../lib/errors';

/** Checks an argument and throws BAD_USER_INPUT naming it and the failed rule. */
export function requireValid(argument: string, value: string, check: (value: string) => IdentifierCheck): string {
  const result = check(value);
  if (!result.valid) throw badUserInput(`argument "${argument}": ${result.reason}`, argument);
  return value;
}
