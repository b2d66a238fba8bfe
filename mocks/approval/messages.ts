/**
 * 办件留言 The message thread of each application, as the approval system keeps it: part
 * of the case file, stored with the application, in the order received, stamped by the
 * system's own clock. Who may write is the subgraph's decision (it knows the caller); the
 * system checks what it can see itself: the application exists and is open, a reviewer's
 * department reviews in it, a linked material is one of that department's items, and the
 * message keeps its bounds (domain/case-messages.ts).
 */
import { http, HttpResponse, type RequestHandler } from 'msw';
import { messageProblem, type MessageAttachment, type MessageRole } from '../../domain/case-messages';
import { closedBecause } from '../../domain/joint-review';
import { readJson } from '../shared/department';
import { CATALOG } from './catalog';
import type { ApplicationRecord } from './handlers';

export interface MessageRecord {
  /** The application's id and a serial: `SQ…-M1`. */
  id: string;
  applicationId: string;
  /** Account id of the author, as the signed identity gives it. */
  authorId: string;
  /** Their name as the identity service gave it when they wrote: the record keeps the one signed with. */
  authorName: string | null;
  role: MessageRole;
  /** The reviewing department (部门代码 and name), for a reviewer's message. */
  departmentCode: string | null;
  department: string | null;
  body: string;
  attachments: MessageAttachment[];
  /** 材料 A material of the application's checklist the message is about (the catalogue's id). */
  materialId: string | null;
  sentAt: string;
}

export interface NewMessage {
  authorId: string;
  authorName: string | null;
  role: MessageRole;
  departmentCode: string | null;
  body: string;
  attachments: MessageAttachment[];
  materialId: string | null;
}

const MAX_BATCH = 500;

/** Materials of the catalogue items, by item code: what a department's task can ask for. */
const MATERIALS_OF_ITEM = new Map(CATALOG.map((item) => [item.code, new Set(item.cases.flatMap((c) => c.materials.map((m) => m.id)))]));

export class CaseMessages {
  private readonly threads = new Map<string, MessageRecord[]>();

  constructor(
    private readonly applicationOf: (id: string) => ApplicationRecord | undefined,
    private readonly now: () => Date,
  ) {}

  thread(applicationId: string): MessageRecord[] {
    return this.threads.get(applicationId) ?? [];
  }

  /** Stores a message already checked, stamped `sentAt`. */
  add(application: ApplicationRecord, message: NewMessage, sentAt: string): MessageRecord {
    const thread = this.threads.get(application.id) ?? [];
    const task = message.departmentCode === null ? undefined : application.tasks.find((t) => t.departmentCode === message.departmentCode);
    const record: MessageRecord = {
      id: `${application.id}-M${thread.length + 1}`,
      applicationId: application.id,
      ...message,
      body: message.body.trim(),
      department: task?.department ?? null,
      sentAt,
    };
    thread.push(record);
    this.threads.set(application.id, thread);
    return record;
  }

  /** Why the system refuses this message on `application`, or null when it takes it. */
  problem(application: ApplicationRecord, message: NewMessage): { status: 400 | 409; error: string; field?: string; message: string } | null {
    const input = messageProblem(message.body, message.attachments);
    if (input) return { status: 400, error: 'BAD_REQUEST', field: input.argument, message: input.message };
    const tasks = message.role === 'REVIEWER' ? application.tasks.filter((t) => t.departmentCode === message.departmentCode) : application.tasks;
    if (message.role === 'REVIEWER' && tasks.length === 0) {
      return { status: 400, error: 'BAD_REQUEST', field: 'departmentCode', message: `department ${message.departmentCode} has no task in application ${application.id}` };
    }
    if (message.materialId !== null && !tasks.some((t) => t.itemCodes.some((code) => MATERIALS_OF_ITEM.get(code)?.has(message.materialId!)))) {
      return { status: 400, error: 'BAD_REQUEST', field: 'materialId', message: `material ${message.materialId} is not one of the materials ${message.role === 'REVIEWER' ? 'this department reviews' : 'reviewed'} in application ${application.id}` };
    }
    const closed = closedBecause(application.tasks);
    return closed ? { status: 409, error: 'APPLICATION_CLOSED', message: `${closed}: the case is closed and takes no more messages` } : null;
  }

  handlers(base: string): RequestHandler[] {
    return [
      // Every thread of these applications, oldest message first: one request for a page of applications.
      http.post(`${base}/api/messages/by-application`, async ({ request }) => {
        const ids = ((await readJson(request)) as { ids?: unknown } | undefined)?.ids;
        if (!Array.isArray(ids) || ids.length > MAX_BATCH) return HttpResponse.json({ error: 'BAD_REQUEST', message: `body must be {"ids": [string]} with at most ${MAX_BATCH}` }, { status: 400 });
        return HttpResponse.json({ data: Object.fromEntries(ids.map((id) => [String(id), this.thread(String(id))])) });
      }),

      http.post(`${base}/api/applications/:id/messages`, async ({ params, request }) => {
        const application = this.applicationOf(String(params.id));
        if (!application) return HttpResponse.json({ error: 'APPLICATION_NOT_FOUND', message: `no application ${params.id}` }, { status: 404 });
        const message = newMessage(await readJson(request));
        if (!message) {
          return HttpResponse.json(
            {
              error: 'BAD_REQUEST',
              message:
                'body must be {"authorId": string, "authorName": string|null, "role": "REVIEWER"|"APPLICANT", "departmentCode": string (a reviewer\'s)|null, "body": string, "attachments": [{"name", "url"?, "reference"?}], "materialId": string|null}',
            },
            { status: 400 },
          );
        }
        const refused = this.problem(application, message);
        if (refused) {
          const { status, ...body } = refused;
          return HttpResponse.json(body, { status });
        }
        return HttpResponse.json({ data: this.add(application, message, this.now().toISOString()) }, { status: 201 });
      }),
    ];
  }
}

/** The request's message if it has the shape the system takes, else undefined. */
function newMessage(body: unknown): NewMessage | undefined {
  const b = body as Record<string, unknown> | undefined;
  const text = (v: unknown) => typeof v === 'string';
  const optional = (v: unknown) => v === undefined || v === null || typeof v === 'string';
  if (!b || !text(b.authorId) || !optional(b.authorName) || (b.role !== 'REVIEWER' && b.role !== 'APPLICANT') || !text(b.body) || !optional(b.materialId)) return undefined;
  if (b.role === 'REVIEWER' ? !text(b.departmentCode) : b.departmentCode != null) return undefined;
  const attachments = b.attachments ?? [];
  if (!Array.isArray(attachments) || !attachments.every((a) => a && typeof a === 'object' && text(a.name) && optional(a.url) && optional(a.reference))) return undefined;
  return {
    authorId: b.authorId as string,
    authorName: typeof b.authorName === 'string' && b.authorName.trim() ? b.authorName.trim() : null,
    role: b.role,
    departmentCode: (b.departmentCode as string | undefined) ?? null,
    body: b.body as string,
    attachments: attachments.map((a: Record<string, unknown>) => ({ name: String(a.name).trim(), url: (a.url as string | undefined) ?? null, reference: (a.reference as string | undefined) ?? null })),
    materialId: (b.materialId as string | undefined) ?? null,
  };
}
