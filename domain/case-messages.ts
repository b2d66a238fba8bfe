/**
 * 办件留言 Messages on a case: the thread between a combined application's reviewers and
 * the applicant's side, kept by the approval system with the application and part of its
 * case file. The bounds a message keeps live here, once, for the approval system that
 * stores messages and the subgraph that refuses bad ones before anything is sent.
 */

/** Who wrote: a department's reviewer, or the applicant's side (a partner system or the window clerk acting for the applicant). */
export type MessageRole = 'REVIEWER' | 'APPLICANT';

export interface MessageAttachment {
  /** 附件名称 */
  name: string;
  /** Where the file can be fetched (http or https), if online. */
  url: string | null;
  /** A reference in another system (电子证照标识, a document number …), if any. */
  reference: string | null;
}

export const MESSAGE_LIMITS = {
  /** Characters of a body, after trimming: a message, not a document (those are attachments). */
  body: 2000,
  attachments: 5,
  attachmentName: 100,
  attachmentUrl: 500,
  attachmentReference: 100,
} as const;

/** What is wrong with a message, naming the argument a client sends it in. */
export interface MessageProblem {
  argument: 'body' | 'attachments';
  message: string;
}

/**
 * The first problem with a message's body and attachments, or null. The body is checked
 * as trimmed: a message of spaces says nothing.
 */
export function messageProblem(body: string, attachments: readonly { name: string; url?: string | null; reference?: string | null }[]): MessageProblem | null {
  const text = body.trim();
  if (!text) return { argument: 'body', message: 'argument "body": a message needs some text (it is empty or only spaces)' };
  if ([...text].length > MESSAGE_LIMITS.body) {
    return { argument: 'body', message: `argument "body": at most ${MESSAGE_LIMITS.body} characters, got ${[...text].length}; attach longer documents instead` };
  }
  if (attachments.length > MESSAGE_LIMITS.attachments) {
    return { argument: 'attachments', message: `argument "attachments": at most ${MESSAGE_LIMITS.attachments} attachments a message, got ${attachments.length}` };
  }
  for (const [i, a] of attachments.entries()) {
    const at = `argument "attachments", item ${i + 1}`;
    const name = a.name.trim();
    if (!name || [...name].length > MESSAGE_LIMITS.attachmentName) return { argument: 'attachments', message: `${at}: a name of 1–${MESSAGE_LIMITS.attachmentName} characters is needed` };
    if (a.url != null && (a.url.length > MESSAGE_LIMITS.attachmentUrl || !isWebUrl(a.url))) {
      return { argument: 'attachments', message: `${at}: url must be an http or https address of at most ${MESSAGE_LIMITS.attachmentUrl} characters` };
    }
    if (a.reference != null && (!a.reference.trim() || [...a.reference].length > MESSAGE_LIMITS.attachmentReference)) {
      return { argument: 'attachments', message: `${at}: reference must be 1–${MESSAGE_LIMITS.attachmentReference} characters` };
    }
  }
  return null;
}

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
