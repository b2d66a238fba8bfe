import { badUserInput } from '../../lib/errors';
import type { ServiceCase, ServiceItem } from './client';

export interface CaseAnswer {
  question: string;
  value: string;
}

const describeOptions = (q: ServiceItem['questions'][number]) => q.options.map((o) => `${o.value} (${o.label})`).join(', ');

/**
 * The one case (情形) these answers pick. Every answer must be to a question the item
 * asks, with one of its options; a question that still tells cases apart must be
 * answered. Errors name the question and the allowed answers.
 */
export function selectCase(item: ServiceItem, answers: readonly CaseAnswer[]): ServiceCase {
  const given = new Map<string, string>();
  for (const answer of answers) {
    const question = item.questions.find((q) => q.id === answer.question);
    if (!question) {
      const asked = item.questions.length ? item.questions.map((q) => `${q.id} (${q.text})`).join(', ') : 'no questions';
      throw badUserInput(`answers: "${answer.question}" is not a question of ${item.name}; it asks: ${asked}`, 'answers');
    }
    if (given.has(answer.question)) throw badUserInput(`answers: question ${answer.question} is answered twice`, 'answers');
    if (!question.options.some((o) => o.value === answer.value)) {
      throw badUserInput(`answers: "${answer.value}" is not an answer to ${question.id} (${question.text}); choose one of ${describeOptions(question)}`, 'answers');
    }
    given.set(answer.question, answer.value);
  }
  const candidates = item.cases.filter((c) => Object.entries(c.when).every(([q, v]) => !given.has(q) || given.get(q) === v));
  const unanswered = item.questions.find((q) => !given.has(q.id) && candidates.some((c) => q.id in c.when));
  if (candidates.length === 1 && !unanswered) return candidates[0]!;
  if (unanswered) {
    throw badUserInput(`answers: missing an answer to ${unanswered.id} (${unanswered.text}); choose one of ${describeOptions(unanswered)}`, 'answers');
  }
  throw badUserInput(`answers: no case of ${item.name} fits these answers`, 'answers');
}
